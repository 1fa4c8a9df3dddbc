"""Pure pieces of rendering: Chinese dates and money, Markdown marks, escaping, Word output."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from minsheng.documents.docx import markdown_to_docx
from minsheng.documents.kinds import DocumentKind, all_kinds
from minsheng.documents.layout import signature_indents, title_lines
from minsheng.documents.markdown import to_html
from minsheng.documents.template_resolution import escape_markdown
from minsheng.documents.wording import (
    chinese_date,
    ends_with_date,
    issuing_bodies,
    majority_of,
    sentence,
    session_name,
    ten_thousand_yuan,
)
from minsheng.server import contexts


@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(2026, 1, 10), "2026年1月10日"), ("2026-12-31", "2026年12月31日"), (None, ""), ("", "")],
)
def test_dates_are_written_the_chinese_way(value: object, expected: str) -> None:
    assert chinese_date(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [(3_000_000, "300"), (Decimal("12345"), "1.23"), (Decimal("10000.00"), "1"), (0, "0"), (None, "")],
)
def test_budgets_are_printed_in_ten_thousand_yuan(yuan: object, expected: str) -> None:
    assert ten_thousand_yuan(yuan) == expected  # type: ignore[arg-type]


def test_only_a_paragraph_ending_in_a_date_is_a_closing() -> None:
    assert ends_with_date("宝丰县人民代表大会\n2026年1月10日")
    assert ends_with_date("主席团\n2026-01-10")
    assert not ends_with_date("五、票决结果由主席团公告。")
    assert not ends_with_date("")


def test_markdown_keeps_data_as_text_and_marks_closing_and_note() -> None:
    html = to_html("# 题目\n\n（2026年1月10日通过）\n\n<script>x</script>正文\n\n主席团\n2026年1月10日\n")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<p class="note">（2026年1月10日通过）</p>' in html
    assert '<div class="closing"><div class="signature"><p>主席团</p><p class="date">2026年1月10日</p>' in html
    assert '<p class="keep">' in html  # the last paragraph keeps the closing company


def test_a_printed_value_cannot_break_a_markdown_table() -> None:
    title = "路|灯 *改造*"
    html = to_html(f"| 项目 |\n| --- |\n| {escape_markdown(title)} |\n")
    assert '<td class="short">路|灯 *改造*</td>' in html


def test_word_output_sets_the_closing_right_and_numbers_lists() -> None:
    content = markdown_to_docx(
        [{"markdown": "# 决议\n\n1. 道路\n2. 学校\n\n人民代表大会\n2026年1月10日\n"}],
        title="决议",
        letterhead={"issuer": "宝丰县人民代表大会", "number": "宝人大〔2026〕1号"},
        document_date="2026-01-10",
    )
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["宝丰县人民代表大会", "宝人大〔2026〕1号"]
    assert "1. 道路" in texts and "2. 学校" in texts
    assert document.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert document.core_properties.created.year == 2026


def test_every_kind_has_its_default_template_and_a_known_format() -> None:
    contexts.install()  # the registration list registers every context's kinds
    kinds = {kind.code: kind for kind in all_kinds()}
    assert {
        "qr_posters",
        "collection_report",
        "voting_method",
        "ballot_paper",
        "result_announcement",
        "resolution",
    } <= set(kinds)
    for kind in kinds.values():
        assert (kind.template_dir / kind.default_template).is_file(), kind.code


def test_a_kind_with_an_unknown_format_is_refused() -> None:
    contexts.install()

    async def context(*_: object) -> dict[str, object]:
        return {}

    with pytest.raises(ValueError, match="formats"):
        DocumentKind("x", "X", ("odt",), context, all_kinds()[0].template_dir, "x.md.j2")


def test_the_signature_never_stands_alone_on_the_last_page() -> None:
    """However long the text runs, the last page holds the last paragraph with the signature."""
    from pypdf import PdfReader

    from minsheng.documents.pdf import frame_html, html_to_pdf

    orphans_possible = 0
    for lines in range(17, 24):  # around a full page of 22 lines, the closing falls past the page end
        body = "\n\n".join(f"第{n}段。" + "本段文字用于填满版心，每段两行左右。" * 2 for n in range(lines))
        text = f"# 标题\n\n{body}\n\n宝丰县人民代表大会常务委员会\n2026年1月10日\n"
        reader = PdfReader(io.BytesIO(html_to_pdf(frame_html([{"body": to_html(text)}], title="t", letterhead=None))))
        last = reader.pages[-1].extract_text()
        orphans_possible += len(reader.pages) > 1
        assert "2026年1月10日" in last and "宝丰县人民代表大会常务委员会" in last
        assert f"第{lines - 1}段" in last, (lines, last)  # the last paragraph came along
    assert orphans_possible  # the range did reach past one page


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["宝丰县人民代表大会常务委员会", "2026年1月10日"], [2.0, 2.0 + 14 - 2 - 6.5]),
        (["主席团", "2026年12月31日"], [2.0 + 7 + 2 - 3, 2.0]),
    ],
)
def test_the_issuing_body_and_date_are_placed_from_the_right(lines: list[str], expected: list[float]) -> None:
    assert signature_indents(lines) == expected


def test_a_long_title_turns_at_a_word() -> None:
    assert title_lines("鲁山县第十七届人民代表大会第三次会议主席团公告") == [
        "鲁山县第十七届人民代表大会第三次会议",
        "主席团公告",
    ]
    assert title_lines("关于2026年度民生实事项目完成情况的报告") == ["关于2026年度民生实事项目完成情况的报告"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("路基已完成。", "路基已完成。"), ("路基已完成", "路基已完成。"), ("好。。", "好。"), ("", "")],
)
def test_a_sentence_ends_in_exactly_one_full_stop(text: str, expected: str) -> None:
    assert sentence(text) == expected


@pytest.mark.parametrize(
    ("name", "title", "expected"),
    [
        ("鲁山县", "第十七届人民代表大会第三次会议", "鲁山县第十七届人民代表大会第三次会议"),
        ("鲁山县", "鲁山县第十七届人民代表大会第三次会议", "鲁山县第十七届人民代表大会第三次会议"),
        ("鲁山县", "河南省鲁山县第十七届人民代表大会第三次会议", "河南省鲁山县第十七届人民代表大会第三次会议"),
    ],
)
def test_the_session_is_named_with_its_tenant_once(name: str, title: str, expected: str) -> None:
    assert session_name(name, title) == expected


@pytest.mark.parametrize(("total", "majority"), [(1, 1), (4, 3), (5, 3), (30, 16), (31, 16)])
def test_more_than_half_is_the_smallest_number_above_half(total: int, majority: int) -> None:
    assert majority_of(total) == majority


def test_the_bodies_that_sign_follow_the_level() -> None:
    county, township = issuing_bodies("鲁山县", "county"), issuing_bodies("赵庄镇", "township")
    assert (county.standing, county.adjustments) == ("鲁山县人民代表大会常务委员会", "县人大常委会")
    assert (township.standing, township.adjustments) == ("赵庄镇人民代表大会主席团", "镇人民代表大会")
    assert county.government == "鲁山县人民政府"


def test_a_moment_is_dated_by_the_day_in_china() -> None:
    from datetime import UTC, datetime

    assert chinese_date(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == "2027年1月1日"
    assert chinese_date(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == "2026年12月31日"


def test_a_full_page_holds_22_lines_of_28_characters() -> None:
    from pypdf import PdfReader

    from minsheng.documents.pdf import frame_html, html_to_pdf

    text = "民生实事项目人大代表票决制" * 80  # one paragraph of Chinese characters only, longer than a page
    pdf = html_to_pdf(frame_html([{"body": to_html(text)}], title="t", letterhead=None))
    lines = [line for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines() if "—" not in line]
    assert len(lines) == 22
    assert len(lines[0]) == 26  # the first line starts two characters in
    assert {len(line) for line in lines[1:]} == {28}
