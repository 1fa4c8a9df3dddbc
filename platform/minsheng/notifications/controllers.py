"""API routes of notifications: where the caller is reached (e-mail, phone) for the channels."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, put
from litestar.di import Provide
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.audit import services as audit
from minsheng.db.listing import page_of
from minsheng.errors import FieldProblem, InvalidFields
from minsheng.http.dependencies import provide_user
from minsheng.http.pagination import Page, PageParam, PerPageParam
from minsheng.http.scope import TenantScope, requires
from minsheng.notifications.models import Notification, UserContact
from minsheng.notifications.rules import is_valid_phone
from minsheng.permissions import Permission
from minsheng.plugins.verdicts import Reason

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ContactView(msgspec.Struct):
    email: str | None = None
    phone: str | None = None


class ContactController(Controller):
    path = "/api/v1/me/contact"
    tags = ["notifications"]
    dependencies = {"user": Provide(provide_user)}

    @get("/")
    async def show(self, user: accounts.Principal, db_session: AsyncSession) -> ContactView:
        """Where the caller receives notifications."""
        row = await db_session.get(UserContact, user.user_id)
        return ContactView(email=row.email, phone=row.phone) if row else ContactView()

    @put("/")
    async def save(self, user: accounts.Principal, data: ContactView, db_session: AsyncSession) -> ContactView:
        """Set the caller's e-mail address and phone number for notifications (either may be empty)."""
        email = (data.email or "").strip() or None
        phone = "".join((data.phone or "").split()) or None
        problems = []
        if email is not None and (len(email) > 254 or not EMAIL.fullmatch(email)):
            problems.append(FieldProblem("email", Reason("Not a valid e-mail address")))
        if phone is not None and not is_valid_phone(phone):
            problems.append(FieldProblem("phone", Reason("Not a valid phone number")))
        if problems:
            raise InvalidFields(problems[0].reason.message, problems=problems)
        row = await db_session.get(UserContact, user.user_id)
        if row is None:
            row = UserContact(user_id=user.user_id)
            db_session.add(row)
        row.email, row.phone = email, phone
        await db_session.flush()
        # Platform chain: the addresses themselves stay out of the audit log.
        await audit.record_platform(
            db_session, "user.contact_changed", actor=user.username, subject=str(user.user_id), payload={}
        )
        return ContactView(email=row.email, phone=row.phone)


class NotificationView(msgspec.Struct):
    """A notification as staff see it: what was sent and when, never to whom (only how many)."""

    id: uuid.UUID
    kind: str
    subject: str
    status: str
    recipients: int
    created_at: datetime
    sent_at: datetime | None


class NotificationsController(Controller):
    path = "/api/v1/t/{slug:str}/notifications"
    tags = ["notifications"]

    # What was sent is part of the office's record: those who read the audit log read it.
    @requires(Permission.AUDIT_READ)
    @get("/")
    async def sent(
        self,
        access: TenantScope,
        db_session: AsyncSession,
        page: Annotated[int, PageParam] = 1,
        per_page: Annotated[int, PerPageParam] = 20,
        status: Annotated[Literal["pending", "sent", "failed"] | None, QueryParameter(name="status")] = None,
        kind: Annotated[str | None, QueryParameter(name="kind", max_length=50)] = None,
    ) -> Page[NotificationView]:
        """The tenant's notifications (reminders, overdue flags, decisions), newest first."""
        query = select(Notification)
        if status:
            query = query.where(Notification.status == status)
        if kind:
            query = query.where(Notification.kind == kind)
        order = (Notification.created_at.desc(), Notification.id)
        rows, total = await page_of(db_session, query, *order, page=page, per_page=per_page)
        return Page(
            items=[
                NotificationView(r.id, r.kind, r.subject, r.status, len(r.recipients), r.created_at, r.sent_at)
                for r in rows
            ],
            total=total,
        )
