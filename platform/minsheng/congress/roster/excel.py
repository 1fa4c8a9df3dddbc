"""The roster as an Excel workbook: import the term's deputies with their accounts, export them.

Import is all or nothing: every row is checked first (its own cells, repeats within the file, and
the accounts it names), and one wrong row means nothing is imported; the report names each wrong
cell by its row number in Excel, its column heading and a translatable message. The headings are
the office's own words (姓名, 用户名, 初始密码, 在任); the export writes the same sheet, so an exported
roster imports back unchanged.
"""

from __future__ import annotations

import asyncio
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import Membership, Role, User
from minsheng.accounts.passwords import check_password_policy, hash_password
from minsheng.audit import services as audit
from minsheng.congress.models import Deputy
from minsheng.db.base import utcnow
from minsheng.errors import DomainError, InvalidInput
from minsheng.plugins.verdicts import Reason

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
NAME_MAX = 100


@dataclass(frozen=True)
class RowProblem:
    """One wrong cell: its Excel row number (the heading is row 1), its column heading, why."""

    row: int
    column: str
    reason: Reason


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


def read_rows(content: bytes) -> tuple[list[RosterRow], list[RowProblem]]:
    """Read and check the sheet's rows on their own (pure): blank rows are skipped."""
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput("The file is not an Excel workbook (.xlsx)") from exc
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
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


async def _check_accounts(
    session: AsyncSession, tenant_id: uuid.UUID, rows: Sequence[RosterRow]
) -> tuple[dict[str, User], list[RowProblem]]:
    """The existing accounts the rows name, and the rows whose account cannot be used."""
    names = [row.username for row in rows if row.username]
    users = (
        {
            user.username.lower(): user
            for user in (await session.execute(select(User).where(User.username.in_(names)))).scalars()
        }
        if names
        else {}
    )
    members = {
        m.user_id
        for m in (
            await session.execute(
                select(Membership).where(
                    Membership.tenant_id == tenant_id, Membership.user_id.in_([u.id for u in users.values()])
                )
            )
        ).scalars()
    }
    problems: list[RowProblem] = []
    for row in rows:
        if not row.username:
            continue
        user = users.get(row.username.lower())
        if user is None and not row.password:
            problems.append(RowProblem(row.row, PASSWORD, Reason("A new account needs an initial password")))
        elif user is not None and user.id not in members:
            # A tenant's staff may not enrol someone else's account: only the platform operator may.
            problems.append(
                RowProblem(
                    row.row,
                    USERNAME,
                    Reason(
                        "The user name {username} belongs to an account outside this tenant", {"username": row.username}
                    ),
                )
            )
    return users, problems


async def _create_account(session: AsyncSession, row: RosterRow, password_hash: str) -> User:
    """A new account for a row whose user name and password were checked by ``read_rows``."""
    assert row.username is not None
    user = User(
        username=row.username,
        display_name=row.name,
        password_hash=password_hash,
        password_changed_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:  # created by someone else since the rows were checked
        raise accounts.existing_user_conflict(row.username) from exc
    return user


async def import_roster(
    session: AsyncSession, tenant_id: uuid.UUID, content: bytes, *, deactivate_missing: bool, actor: str
) -> ImportSummary:
    """Import the roster from an Excel workbook, all or nothing (``RosterImportRefused`` lists every wrong cell).

    A row with a user name links the deputy to that account: a new account is created with the row's
    initial password, an account of a member gets the role deputy (its password is never changed).
    A row matches the deputy already linked to its account, else (without a user name) the deputy of
    that name without an account, else it adds a deputy. ``deactivate_missing``: deputies absent from
    the file leave the roster (inactive, kept for the record), as when a new term begins.
    """
    rows, problems = read_rows(content)
    if not rows and not problems:
        raise InvalidInput("The workbook has no deputies")
    users, account_problems = await _check_accounts(session, tenant_id, rows)
    problems = sorted(
        [*problems, *account_problems], key=lambda p: (p.row, HEADERS.index(p.column) if p.column in HEADERS else 9)
    )
    if problems:
        raise RosterImportRefused(problems)
    # Hashing is slow on purpose (argon2): done in a worker thread, so the app keeps serving meanwhile.
    new_accounts = [row for row in rows if row.username and row.username.lower() not in users]
    hashes = await asyncio.to_thread(lambda: [hash_password(row.password) for row in new_accounts])
    password_hashes = {row.row: digest for row, digest in zip(new_accounts, hashes, strict=True)}
    deputies = list((await session.execute(select(Deputy))).scalars())
    by_user = {d.user_id: d for d in deputies if d.user_id is not None}
    unlinked = {d.name: d for d in deputies if d.user_id is None}
    summary = ImportSummary(rows=len(rows))
    kept: set[uuid.UUID] = set()
    for row in rows:
        user = None
        if row.username:
            user = users.get(row.username.lower())
            if user is None:
                user = await _create_account(session, row, password_hashes[row.row])
                summary.accounts_created += 1
            roles = await accounts.roles_in(session, user.id, tenant_id) or []
            if Role.DEPUTY.value not in roles:
                await accounts.grant_membership(session, tenant_id, user, [*roles, Role.DEPUTY.value])
        deputy = by_user.get(user.id) if user is not None else unlinked.pop(row.name, None)
        if deputy is None:
            deputy = Deputy(name=row.name, user_id=user.id if user else None, active=row.active, created_by=actor)
            session.add(deputy)
            await session.flush()
            summary.added += 1
        else:
            deputy.name, deputy.active = row.name, row.active
            summary.updated += 1
        kept.add(deputy.id)
        summary.names.append(row.name)
    if deactivate_missing:
        for deputy in deputies:
            if deputy.id not in kept and deputy.active:
                deputy.active = False
                summary.deactivated += 1
    await session.flush()
    await audit.record(
        session,
        "roster.imported",
        actor=actor,
        subject=str(tenant_id),
        payload={
            "rows": summary.rows,
            "added": summary.added,
            "updated": summary.updated,
            "accounts_created": summary.accounts_created,
            "deactivated": summary.deactivated,
            "names": summary.names,
        },
    )
    return summary


def _safe(text: str) -> str:
    # A cell beginning with one of these is a formula to Excel; a name must never run as one.
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


async def roster_workbook(session: AsyncSession) -> bytes:
    """The roster as the import's sheet (passwords left empty), by name."""
    query = select(Deputy, User.username).outerjoin(User, User.id == Deputy.user_id).order_by(Deputy.name, Deputy.id)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    for deputy, username in (await session.execute(query)).all():
        sheet.append([_safe(deputy.name), username or "", "", "是" if deputy.active else "否"])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCD", (16, 20, 16, 8), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
