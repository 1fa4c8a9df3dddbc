"""Pure rules of the session's web: the rotating check-in code, the phone ballot's shape, the agenda check,
the roster sheet's row checks, the big screen's featured round."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from minsheng.congress.hall import agenda, checkin_code
from minsheng.congress.hall.big_screen import featured_round
from minsheng.congress.hall.reading import CandidateLine
from minsheng.congress.roster import excel as roster_excel
from minsheng.congress.voting.phone_pages import ballot_from_form, ballot_kind
from minsheng.errors import InvalidFields, InvalidInput
from minsheng.plugins.registries import BallotFormat, PaperLayout
from minsheng.plugins.rules.ballot_formats import APPROVE_UP_TO_SEATS, YES_NO_ABSTAIN

SECRET = "s3cret"
TENANT, SESSION, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SHOWN = 1_800_000_000.0  # a moment at the start of a code's period (divisible by 30)


@pytest.mark.parametrize(
    ("age", "valid"),
    [
        (0, True),
        (29.9, True),
        (30, True),
        (checkin_code.LIFETIME - 0.1, True),
        (checkin_code.LIFETIME, False),
        (-0.1, False),
    ],
)
def test_a_code_is_valid_from_when_it_appears_until_its_lifetime_ends(age: float, valid: bool) -> None:
    code = checkin_code.issue_code(SECRET, TENANT, SESSION, SHOWN)
    assert checkin_code.is_valid_code(SECRET, TENANT, SESSION, code, SHOWN + age) is valid


def test_the_code_rotates_and_is_bound_to_its_session_tenant_and_key() -> None:
    code = checkin_code.issue_code(SECRET, TENANT, SESSION, SHOWN)
    assert checkin_code.issue_code(SECRET, TENANT, SESSION, SHOWN + 29) == code
    assert checkin_code.issue_code(SECRET, TENANT, SESSION, SHOWN + 30) != code
    assert not checkin_code.is_valid_code(SECRET, TENANT, OTHER, code, SHOWN)
    assert not checkin_code.is_valid_code(SECRET, OTHER, SESSION, code, SHOWN)
    assert not checkin_code.is_valid_code("other key", TENANT, SESSION, code, SHOWN)
    for broken in (None, "", "nonsense", "zz-" + code.split("-")[1], code + "0", "1" * 41):
        assert not checkin_code.is_valid_code(SECRET, TENANT, SESSION, broken, SHOWN)
    assert checkin_code.seconds_to_next_code(SHOWN + 5) == 25


IDS = [uuid.uuid4() for _ in range(3)]
LINES = [CandidateLine(pid, f"项目{n}") for n, pid in enumerate(IDS)]
RANKING = BallotFormat(
    code="ranking",
    label="Rank",
    validate=APPROVE_UP_TO_SEATS.validate,
    tally=APPROVE_UP_TO_SEATS.tally,
    paper_layout=PaperLayout(columns=("rank",), instruction=""),
    ordered=True,
)


def test_formats_are_drawn_as_choices_a_ranking_or_a_selection() -> None:
    assert ballot_kind(YES_NO_ABSTAIN) == "choices"
    assert ballot_kind(APPROVE_UP_TO_SEATS) == "selection"
    assert ballot_kind(RANKING) == "ranking"


def test_a_choice_form_needs_a_mark_per_candidate() -> None:
    marks = {f"choice-{pid}": "yes" for pid in IDS}
    assert ballot_from_form("choices", LINES, marks).choices == {str(pid): "yes" for pid in IDS}
    missing = ballot_from_form("choices", LINES, {f"choice-{IDS[0]}": "yes"})
    assert missing.problem is not None


def test_a_ranking_form_orders_by_rank_and_refuses_a_repeated_rank() -> None:
    ranked = ballot_from_form("ranking", LINES, {f"rank-{IDS[2]}": "1", f"rank-{IDS[0]}": "2", f"rank-{IDS[1]}": ""})
    assert ranked.selected == [str(IDS[2]), str(IDS[0])] and ranked.problem is None
    assert ballot_from_form("ranking", LINES, {f"rank-{IDS[0]}": "1", f"rank-{IDS[1]}": "1"}).problem is not None
    assert ballot_from_form("ranking", LINES, {f"rank-{IDS[0]}": "x"}).problem is not None


def test_a_selection_form_keeps_known_candidates_in_ballot_order() -> None:
    chosen = ballot_from_form("selection", LINES, {"selected": [str(IDS[2]), "not-a-candidate", str(IDS[0])]})
    assert chosen.selected == [str(IDS[0]), str(IDS[2])]
    assert ballot_from_form("selection", LINES, {}).selected == []


def test_agenda_items_are_trimmed_and_bounded() -> None:
    assert agenda.check_agenda([agenda.AgendaDraft("  报告 ", " 政府 ")]) == [agenda.AgendaDraft("报告", "政府")]
    assert agenda.check_agenda([agenda.AgendaDraft("x" * 200, "y" * 100)])
    for bad in ([agenda.AgendaDraft(" ")], [agenda.AgendaDraft("x" * 201)], [agenda.AgendaDraft("a", "y" * 101)]):
        with pytest.raises(InvalidFields):
            agenda.check_agenda(bad)
    assert agenda.check_agenda([agenda.AgendaDraft("a")] * 50)
    with pytest.raises(InvalidFields):
        agenda.check_agenda([agenda.AgendaDraft("a")] * 51)


def sheet(*rows: list[object]) -> bytes:
    book = Workbook()
    active = book.active
    assert active is not None
    for row in rows:
        active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_sheet_accepts_english_headings_digits_as_user_names_and_skips_blank_rows() -> None:
    rows, problems = roster_excel.read_rows(
        sheet(["Name", "Username", "Password", "Active"], ["王伟", 13800000000, None, "否"], [None, None], ["李娜"])
    )
    assert problems == []
    assert [(r.row, r.name, r.username, r.active) for r in rows] == [
        (2, "王伟", "13800000000", False),
        (4, "李娜", None, True),
    ]


def test_the_row_limit_is_a_boundary() -> None:
    full = sheet(["姓名", "用户名"], *[[f"代表{n}"] for n in range(roster_excel.MAX_ROWS)])
    rows, problems = roster_excel.read_rows(full)
    assert len(rows) == roster_excel.MAX_ROWS and problems == []
    over = sheet(["姓名", "用户名"], *[[f"代表{n}"] for n in range(roster_excel.MAX_ROWS + 1)])
    _rows, problems = roster_excel.read_rows(over)
    assert [(p.row, p.column) for p in problems] == [(roster_excel.MAX_ROWS + 2, "姓名")]


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(InvalidInput):
        roster_excel.read_rows(b"PK\x03\x04 not really a zip")


def moment(minute: int) -> datetime:
    return datetime(2026, 1, 10, 9, minute, tzinfo=UTC)


def test_the_screen_features_the_open_round_else_the_last_closed_else_the_last_prepared() -> None:
    def r(status: str, created: int, opened: int | None = None, closed: int | None = None) -> SimpleNamespace:
        return SimpleNamespace(
            status=status,
            created_at=moment(created),
            opened_at=moment(opened) if opened is not None else None,
            closed_at=moment(closed) if closed is not None else None,
        )

    draft, first, second = r("draft", 3), r("closed", 1, 2, 5), r("closed", 2, 6, 9)
    assert featured_round([]) is None
    assert featured_round([draft]) is draft
    assert featured_round([first, second, draft]) is second
    running = r("open", 4, 10)
    assert featured_round([first, running, draft]) is running
