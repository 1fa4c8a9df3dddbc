"""The roster as an Excel workbook: read the term's deputies from one, write the roster and the sheet
of account links into one (pure: no database).

Reading checks every row on its own (its cells, repeats within the file); the report names each wrong
cell by its row number in Excel, its column heading and a translatable message. The headings are the
office's own words (姓名, 用户名, 初始密码, 在任); the export writes the same sheet, so an exported roster
imports back unchanged. Importing the rows is ``importing``'s job.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from minsheng.accounts import services as accounts
from minsheng.accounts.passwords import check_password_policy
from minsheng.errors import DomainError, InvalidInput
from minsheng.i18n import DISPLAY_TIMEZONE
from minsheng.plugins.verdicts import Reason
from minsheng.storage.spreadsheets import cell_text

SHEET_TITLE = "代表名单"
NAME, USERNAME, PASSWORD, ACTIVE = "姓名", "用户名", "初始密码", "在任"
HEADERS = (NAME, USERNAME, PASSWORD, ACTIVE)
# Headings a sheet may use instead of ours (English, or the usual variants).
ALIASES = {
    NAME: {NAME, "代表姓名", "name"},
    USERNAME: {USERNAME, "账号", "登录名", "username"},
    PASSWORD: {PASSWORD, "密码", "password"},
    ACTIVE: {ACTIVE, "是否在任", "active"},
}
YES = {"是", "在任", "yes", "y", "true", "1"}
NO = {"否", "不在任", "离任", "no", "n", "false", "0"}
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# Whatever the file declares (its ``<dimension>``, its row numbers), no more than this is read: lines of
# the sheet (the heading, the deputies and blank lines between them), columns, and bytes once unpacked
# (a few KB of zip can unpack to gigabytes). Past any of them the file is refused.
MAX_LINES = MAX_ROWS + 500
MAX_COLUMNS = 16
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
NAME_MAX = 100


@dataclass(frozen=True)
class RowProblem:
    """One wrong cell: its Excel row number (the heading is row 1), its column heading, why."""

    row: int
    column: str
    reason: Reason


def problem_dicts(problems: Sequence[RowProblem]) -> list[dict[str, Any]]:
    """Wrong cells as plain data (kept in a job's result, translated when shown)."""
    return [
        {"row": p.row, "column": p.column, "message": p.reason.message, "params": dict(p.reason.params)}
        for p in problems
    ]


@dataclass(frozen=True)
class RosterRow:
    row: int
    name: str
    username: str | None
    password: str
    active: bool


@dataclass
class ImportSummary:
    """What an import did."""

    rows: int = 0
    added: int = 0
    updated: int = 0
    accounts_created: int = 0
    deactivated: int = 0
    #: New accounts without an initial password: each got a one-time link to choose one.
    links: int = 0
    #: Rows of deputies no longer serving whose user name named no account: none was made.
    without_account: int = 0
    names: list[str] = field(default_factory=list)


class RosterImportRefused(InvalidInput):
    """The workbook has wrong rows; ``problems`` lists them all, and nothing was imported."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__("{count} problems were found in the roster; nothing was imported", count=len(problems))
        self.problems = list(problems)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a user name typed as digits comes back from Excel as 13800000000.0
    return str(value).strip()


def _unpacked_size(content: bytes) -> int:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _lines(content: bytes) -> Iterator[tuple[Any, ...]]:
    """The first sheet's lines, at most :data:`MAX_LINES` of :data:`MAX_COLUMNS` cells (read-only mode:
    one line in memory at a time); refused past either cap."""
    try:
        if _unpacked_size(content) > MAX_UNPACKED_BYTES:
            raise InvalidInput("The workbook is too large once unpacked")
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput("The file is not an Excel workbook (.xlsx)") from exc
    sheet = book.worksheets[0]
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise InvalidInput("The file is not an Excel workbook (.xlsx)")
    # The declared dimension is not believed: a sheet saying A1:XFD6000 would be padded to 16,384 cells
    # a line. One column and one line more than allowed are read, to tell a sheet that goes past them.
    sheet.reset_dimensions()
    for number, values in enumerate(
        sheet.iter_rows(max_row=MAX_LINES + 1, max_col=MAX_COLUMNS + 1, values_only=True), start=1
    ):
        if number > MAX_LINES:
            raise InvalidInput(
                "The sheet has more than {maximum} lines; split it into several files", maximum=MAX_LINES
            )
        if len(values) > MAX_COLUMNS and _text(values[MAX_COLUMNS]):
            raise InvalidInput("The sheet has more than {maximum} columns", maximum=MAX_COLUMNS)
        yield tuple(values[:MAX_COLUMNS])
    book.close()


def read_rows(content: bytes) -> tuple[list[RosterRow], list[RowProblem]]:
    """Read and check the sheet's rows on their own (pure, synchronous: call it in a worker thread);
    blank rows are skipped."""
    lines = _lines(content)
    heading = [_text(cell).lower() for cell in next(lines, ())]
    columns: dict[str, int] = {}
    for key, names in ALIASES.items():
        for index, heading_text in enumerate(heading):
            if heading_text in {n.lower() for n in names}:
                columns[key] = index
                break
    problems: list[RowProblem] = [
        RowProblem(1, key, Reason("The heading {column} is missing", {"column": key}))
        for key in (NAME, USERNAME)
        if key not in columns
    ]
    if problems:
        return [], problems

    def cell(values: tuple[Any, ...], key: str) -> str:
        index = columns.get(key)
        return _text(values[index]) if index is not None and index < len(values) else ""

    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, values in enumerate(lines, start=2):
        if not any(_text(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(
                RowProblem(number, NAME, Reason("At most {maximum} deputies per file", {"maximum": MAX_ROWS}))
            )
            break
        name, username, password, active_text = (cell(values, key) for key in HEADERS)
        if not name:
            problems.append(RowProblem(number, NAME, Reason("The name is empty")))
        elif len(name) > NAME_MAX:
            problems.append(RowProblem(number, NAME, Reason("At most {maximum} characters", {"maximum": NAME_MAX})))
        if username:
            try:
                username = accounts.validate_username(username)
            except DomainError as error:
                problems.append(RowProblem(number, USERNAME, Reason(error.message, error.params)))
            key = username.lower()
            if key in seen:
                problems.append(
                    RowProblem(number, USERNAME, Reason("The user name is also on row {row}", {"row": seen[key]}))
                )
            seen.setdefault(key, number)
        if password and username:
            try:
                check_password_policy(password, username)
            except DomainError as error:
                problems.append(RowProblem(number, PASSWORD, Reason(error.message, error.params)))
        active = True
        if active_text:
            if active_text.lower() in NO:
                active = False
            elif active_text.lower() not in YES:
                problems.append(RowProblem(number, ACTIVE, Reason("Write 是 or 否")))
        rows.append(RosterRow(number, name, username or None, password, active))
    return rows, problems


# Stored text never runs as a formula nor breaks the workbook (storage/spreadsheets.py).
_safe = cell_text


def _sheet(book: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> Worksheet:
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(headers))
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFG", widths, strict=False):
        sheet.column_dimensions[column].width = width
    return sheet


def _saved(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_sheet(deputies: Iterable[tuple[str, str | None, bool]]) -> bytes:
    """The roster as the import's sheet (passwords left empty): ``(name, username, serving)`` rows."""
    book = Workbook()
    sheet = _sheet(book, SHEET_TITLE, HEADERS, (16, 20, 16, 8))
    for name, username, active in deputies:
        sheet.append([_safe(name), username or "", "", "是" if active else "否"])
    return _saved(book)


LINKS_TITLE = "账号开通链接"
LINK_HEADERS = ("姓名", "用户名", "设置密码链接", "有效期至")


def links_sheet(links: Iterable[tuple[str, str, str, datetime]]) -> bytes:
    """The sheet an office hands its deputies: each one's name, user name, one-time link and its expiry."""
    book = Workbook()
    sheet = _sheet(book, LINKS_TITLE, LINK_HEADERS, (16, 20, 80, 20))
    for name, username, url, expires in links:
        aware = expires if expires.tzinfo else expires.replace(tzinfo=UTC)  # SQLite keeps no time zone
        until = aware.astimezone(DISPLAY_TIMEZONE).strftime("%Y-%m-%d %H:%M")
        sheet.append([_safe(name), username, url, until])
    return _saved(book)
