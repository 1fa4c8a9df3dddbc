"""One-time password links: an office resets a forgotten password, or a roster import opens an account.

An office administrator never learns or types a user's password. Instead it issues a link; whoever
opens it chooses the new password. A link is valid a short time, works once, and only a digest of its
token is stored. Issuing a new link makes the user's earlier unused links of the same purpose useless.

Reset tokens are random and shown once, to the administrator who asked. Activation tokens of a roster
import are derived from the platform's secret and the link's id (an HMAC), so the office can print the
sheet of its deputies' links again while they are unused; the database alone does not reveal them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.accounts import services as accounts
from minsheng.accounts.models import LinkPurpose, PasswordLink, User
from minsheng.accounts.passwords import check_password_policy
from minsheng.db.base import new_id, utcnow
from minsheng.errors import NotFound

RESET_VALID = timedelta(hours=2)
ACTIVATION_VALID = timedelta(days=14)

#: The header of a page whose address holds a token: the token is never passed on as the referrer.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}

UNUSABLE = NotFound("This link does not exist, has expired or has already been used")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_path(token: str) -> str:
    """The path of the page where the link's holder sets a password."""
    return f"/password/{token}"


def activation_token(secret_key: str, link_id: uuid.UUID) -> str:
    """The token of an activation link, from the platform's secret and the link's id."""
    mac = hmac.new(secret_key.encode(), b"activation:" + link_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def is_usable(link: PasswordLink, now: datetime) -> bool:
    """Not yet used and not expired (a link expiring exactly now is expired)."""
    expires = link.expires_at if link.expires_at.tzinfo else link.expires_at.replace(tzinfo=now.tzinfo)
    return link.used_at is None and now < expires


async def _retire_earlier(session: AsyncSession, user_ids: Sequence[uuid.UUID], purpose: LinkPurpose) -> None:
    now = utcnow()
    await session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id.in_(list(user_ids)),
            PasswordLink.purpose == purpose.value,
            PasswordLink.used_at.is_(None),
            PasswordLink.expires_at > now,
        )
        .values(expires_at=now)
    )


async def issue_reset(
    session: AsyncSession,
    user: User,
    tenant_id: uuid.UUID,
    *,
    actor: str,
    purpose: LinkPurpose = LinkPurpose.RESET,
) -> tuple[PasswordLink, str]:
    """A link for ``user`` to choose a password, issued by the office of ``tenant_id`` (``ACTIVATION``
    for an account that has none yet): the row and its token (shown once)."""
    await _retire_earlier(session, [user.id], purpose)
    token = secrets.token_urlsafe(32)
    link = PasswordLink(
        user_id=user.id,
        tenant_id=tenant_id,
        token_digest=digest(token),
        purpose=purpose.value,
        expires_at=utcnow() + RESET_VALID,
        created_by=actor,
    )
    session.add(link)
    await session.flush()
    return link, token


def activation_links(
    secret_key: str, user_ids: Sequence[uuid.UUID], tenant_id: uuid.UUID, *, batch: uuid.UUID, actor: str
) -> list[PasswordLink]:
    """Activation links for new accounts of a roster import (added to the session by the caller)."""
    expires = utcnow() + ACTIVATION_VALID
    links = []
    for user_id in user_ids:
        link_id = new_id()
        links.append(
            PasswordLink(
                id=link_id,
                user_id=user_id,
                tenant_id=tenant_id,
                token_digest=digest(activation_token(secret_key, link_id)),
                purpose=LinkPurpose.ACTIVATION.value,
                batch=batch,
                expires_at=expires,
                created_by=actor,
            )
        )
    return links


async def batch_links(session: AsyncSession, batch: uuid.UUID) -> list[tuple[PasswordLink, User]]:
    """The usable links of one roster import with their users, by user name."""
    query = (
        select(PasswordLink, User)
        .join(User, User.id == PasswordLink.user_id)
        .where(PasswordLink.batch == batch)
        .order_by(User.username)
    )
    now = utcnow()
    return [(link, user) for link, user in (await session.execute(query)).all() if is_usable(link, now)]


async def find_usable(session: AsyncSession, token: str) -> tuple[PasswordLink, User]:
    """The link behind ``token`` and its user; 404 when unknown, used, expired, or the account is disabled."""
    query = select(PasswordLink, User).join(User, User.id == PasswordLink.user_id)
    found = (await session.execute(query.where(PasswordLink.token_digest == digest(token)))).first()
    if found is None:
        raise UNUSABLE
    link, user = found
    if not is_usable(link, utcnow()) or not user.is_active:
        raise UNUSABLE
    return link, user


async def use(session: AsyncSession, token: str, password: str) -> tuple[PasswordLink, User]:
    """Set the password the link's holder chose; the link is spent and every login of the user ends.

    The link is marked used under a row lock in the same transaction, so of two concurrent uses one wins.
    """
    link, user = await find_usable(session, token)
    check_password_policy(password, user.username)  # a refused password leaves the link usable
    locked = await session.execute(
        update(PasswordLink).where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None)).values(used_at=utcnow())
    )
    if getattr(locked, "rowcount", 0) != 1:
        raise UNUSABLE
    await accounts.set_password(session, user, password)
    return link, user
