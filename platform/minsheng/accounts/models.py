"""Users are platform-wide; a membership gives a user roles in one tenant."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.db.base import Base, JsonColumn, Timestamped, UtcDateTime, new_id

# The roles a membership holds are the permission table's (``minsheng.permissions``); named here too
# because memberships store them.
from minsheng.permissions import Role

__all__ = ["AuthSession", "LoginThrottle", "Membership", "PasswordLink", "Role", "User"]


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Membership(Timestamped, Base):
    """A user's roles in one tenant.

    Keyed by tenant first like tenant tables, but readable without a tenant in context: a login has
    to find the tenants a user belongs to before any tenant is chosen.
    """

    __tablename__ = "memberships"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    roles: Mapped[list[str]] = mapped_column(JsonColumn, nullable=False, default=list)


class AuthSession(Timestamped, Base):
    """A login: a bearer token for the API or a cookie session for pages.

    Only a digest of the secret is stored. Both kinds expire when idle and at a hard limit.
    """

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the secret
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # "api" | "web"
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)


class LoginThrottle(Base):
    """Failed logins counted per user name, whether or not the name exists.

    Counting on the user's row would lock real accounts only, and the 429 would then tell which names
    exist; counting per name treats every name alike.
    """

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class LinkPurpose(enum.StrEnum):
    """Why a one-time password link was issued."""

    RESET = "reset"  # an office administrator reset a forgotten password
    ACTIVATION = "activation"  # an account made from the roster, waiting for its owner's password


class PasswordLink(Timestamped, Base):
    """A one-time link that lets a user set a new password: valid until ``expires_at``, used once.

    A platform table like ``invitations``: the person opening the link has no session and no tenant in
    context. Only a digest of the token is stored. ``tenant_id`` is the office that issued it (its
    audit chain records the link's use); ``batch`` groups the links of one roster import.
    """

    __tablename__ = "password_links"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True, nullable=False
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    batch: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
