"""The online public evaluation (群众评议), for tenants whose setting ``public_evaluation`` is on.

A citizen asks for a code, receives it on the phone, and rates once per verified phone. Only keyed
hashes are stored (of the phone and of the code), never the number; the result is shown apart from the
deputies', which alone decides the outcome. Rate-limited per connection like public suggestions, and
per phone against guessing codes.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from minsheng.db.base import utcnow
from minsheng.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from minsheng.http.ratelimit import Limit, RateLimiter, suggestion_limits
from minsheng.plugins.tenant_hooks import TenantHooks
from minsheng.settings import Settings
from minsheng.supervision import alerts, rules
from minsheng.supervision.evaluations import services as evaluations
from minsheng.supervision.models import EvaluationStatus, PhoneVerification, PublicRating, SatisfactionEvaluation

CODE_LIFETIME = timedelta(minutes=10)
#: At most this many codes asked for, and this many ratings tried, per phone and evaluation per hour.
PER_PHONE = Limit(5, 3600)


async def _limit(limiter: RateLimiter, key: str, limits: list[Limit]) -> None:
    decision = await limiter.hit(key, limits)
    if not decision.allowed:
        raise TooManyRequests(
            "Too many attempts; try again in {seconds} seconds",
            retry_after=decision.retry_after,
            seconds=decision.retry_after,
        )


async def public_evaluation(session: AsyncSession, evaluation_id: uuid.UUID) -> SatisfactionEvaluation:
    """An evaluation citizens may see: one held with the public evaluation on, else 404."""
    evaluation = await evaluations.get_evaluation(session, evaluation_id)
    if not evaluation.public or evaluation.status == EvaluationStatus.SCHEDULED.value:
        raise NotFound("Not found")
    return evaluation


async def _open_for_citizens(
    session: AsyncSession, evaluation_id: uuid.UUID, hooks: TenantHooks
) -> SatisfactionEvaluation:
    evaluation = await public_evaluation(session, evaluation_id)
    if evaluation.status != EvaluationStatus.OPEN.value:
        raise Conflict("The evaluation is closed")
    if not evaluations.tenant_setting(hooks, "public_evaluation"):
        raise NotFound("Not found")
    return evaluation


def _phone(raw: str) -> str:
    phone = rules.normalised_phone(raw)
    if phone is None:
        raise InvalidInput("Enter a mainland mobile number of 11 digits")
    return phone


async def _already_rated(session: AsyncSession, evaluation_id: uuid.UUID, phone_hash: str) -> bool:
    query = select(PublicRating.rating).where(
        PublicRating.evaluation_id == evaluation_id, PublicRating.phone_hash == phone_hash
    )
    return (await session.execute(query)).first() is not None


async def request_code(
    session: AsyncSession,
    evaluation_id: uuid.UUID,
    raw_phone: str,
    *,
    settings: Settings,
    limiter: RateLimiter,
    client: str,
    hooks: TenantHooks,
) -> None:
    """Send a six-digit code to the phone (valid ten minutes); 409 if this phone has rated already."""
    await _limit(limiter, f"evaluate:{client}", suggestion_limits(settings))
    evaluation = await _open_for_citizens(session, evaluation_id, hooks)
    phone = _phone(raw_phone)
    phone_hash = rules.phone_hash(settings.secret_key, evaluation.tenant_id, phone)
    await _limit(limiter, f"evaluate-code:{evaluation.id}:{phone_hash}", [PER_PHONE])
    if await _already_rated(session, evaluation.id, phone_hash):
        raise Conflict("This phone has already rated this project")
    code = f"{secrets.randbelow(1_000_000):06d}"
    verification = PhoneVerification(
        id=uuid.uuid4(), evaluation_id=evaluation.id, phone_hash=phone_hash, expires_at=utcnow() + CODE_LIFETIME
    )
    verification.code_hash = rules.code_hash(settings.secret_key, verification.id, code)
    session.add(verification)
    await session.flush()
    await alerts.send_code(hooks, phone, code, evaluation.title)


async def rate(
    session: AsyncSession,
    evaluation_id: uuid.UUID,
    raw_phone: str,
    code: str,
    rating: str,
    *,
    settings: Settings,
    limiter: RateLimiter,
    client: str,
    hooks: TenantHooks,
) -> None:
    """A citizen's rating with the code the phone received; one per phone (409 for a second)."""
    await _limit(limiter, f"evaluate:{client}", suggestion_limits(settings))
    evaluation = await _open_for_citizens(session, evaluation_id, hooks)
    if rating not in rules.RATINGS:
        raise InvalidInput("Unknown rating {rating}", rating=rating)
    phone_hash = rules.phone_hash(settings.secret_key, evaluation.tenant_id, _phone(raw_phone))
    await _limit(limiter, f"evaluate-try:{evaluation.id}:{phone_hash}", [PER_PHONE])
    query = (
        select(PhoneVerification)
        .where(
            PhoneVerification.evaluation_id == evaluation.id,
            PhoneVerification.phone_hash == phone_hash,
            PhoneVerification.used.is_(False),
            PhoneVerification.expires_at > utcnow(),
        )
        .order_by(PhoneVerification.expires_at.desc())
    )
    matching = [
        v
        for v in (await session.execute(query)).scalars()
        if hmac.compare_digest(v.code_hash, rules.code_hash(settings.secret_key, v.id, code.strip()))
    ]
    if not matching:
        raise InvalidInput("The verification code is wrong or has expired; ask for a new one")
    matching[0].used = True
    try:
        async with session.begin_nested():
            session.add(PublicRating(evaluation_id=evaluation.id, phone_hash=phone_hash, rating=rating))
    except IntegrityError as exc:
        raise Conflict("This phone has already rated this project") from exc


async def counts(session: AsyncSession, evaluation_id: uuid.UUID) -> dict[str, int]:
    """The citizens' ratings of an evaluation, counted."""
    query = select(PublicRating.rating).where(PublicRating.evaluation_id == evaluation_id)
    return rules.public_counts(list((await session.execute(query)).scalars()))
