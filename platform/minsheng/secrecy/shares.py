"""The scrutineers' option: a round's private key split among the session's scrutineers (Shamir).

Where a region's 票决办法 wants no single party able to count before the close, the private key is
never stored: at the round's opening it is split into ``n`` shares of which any ``k`` rebuild it
(Shamir's secret sharing, pycryptodome's implementation over GF(2^128); the 32-byte key is shared as
two 16-byte halves with the same share numbers), and each scrutineer (监票人) receives one share,
printed, to enter at the close. Only a commitment of each share is stored (a keyed digest), so a
mistyped or wrong share is refused at once with the number of the scrutineer it should belong to.

A share is written for people: ``3-ABCD-EFGH-…`` (its number, then 64 characters of Crockford
base32 in groups of four), and read back ignoring case, spaces and the letters people confuse.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir

HALF = 16
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_CROCKFORD = str.maketrans(_STANDARD, _CROCKFORD)
_FROM_CROCKFORD = str.maketrans(_CROCKFORD, _STANDARD)


class ShareInvalid(ValueError):
    """A share that cannot be read, or that is not the one committed for its number."""


@dataclass(frozen=True)
class Share:
    """One scrutineer's share: its number (1…n) and 32 bytes."""

    number: int
    value: bytes

    def text(self) -> str:
        """The share as printed for its scrutineer."""
        encoded = base64.b32encode(self.value).decode().rstrip("=").translate(_TO_CROCKFORD)
        groups = "-".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))
        return f"{self.number}-{groups}"


def parse_share(text: str) -> Share:
    """Read a share as a scrutineer types it (case, spaces, O/0 and I/L/1 forgiven)."""
    cleaned = text.strip().upper().replace(" ", "")
    number_text, _, rest = cleaned.partition("-")
    if not number_text.isdigit() or not rest:
        raise ShareInvalid("a share starts with its number and a dash")
    body = rest.replace("-", "").replace("O", "0").replace("I", "1").replace("L", "1")
    if any(char not in _CROCKFORD for char in body):
        raise ShareInvalid("a share holds only digits and letters")
    standard = body.translate(_FROM_CROCKFORD)
    try:
        value = base64.b32decode(standard + "=" * (-len(standard) % 8))
    except ValueError as exc:
        raise ShareInvalid("the share is incomplete") from exc
    if len(value) != 2 * HALF:
        raise ShareInvalid("the share is incomplete")
    return Share(int(number_text), value)


def split(secret: bytes, needed: int, holders: int) -> list[Share]:
    """``holders`` shares of the 32-byte ``secret``, any ``needed`` of which rebuild it."""
    if len(secret) != 2 * HALF:
        raise ValueError("only 32-byte keys are split")
    if not 1 <= needed <= holders:
        raise ValueError("the shares needed must be between 1 and the number of holders")
    first = Shamir.split(needed, holders, secret[:HALF])
    second = Shamir.split(needed, holders, secret[HALF:])
    return [Share(number, a + b) for (number, a), (_same, b) in zip(first, second, strict=True)]


def combine(shares: list[Share]) -> bytes:
    """The secret rebuilt from shares (as many as were needed; distinct numbers)."""
    first = Shamir.combine([(s.number, s.value[:HALF]) for s in shares])
    second = Shamir.combine([(s.number, s.value[HALF:]) for s in shares])
    return bytes(first) + bytes(second)


def commitment(share: Share, context: bytes) -> str:
    """What is stored of a share: a digest keyed by its round, so it proves a share right or wrong
    without revealing it (a share is 32 random bytes; nothing can be guessed from its digest)."""
    return hmac.new(context, share.number.to_bytes(2, "big") + share.value, hashlib.sha256).hexdigest()


def check(share: Share, context: bytes, commitments: dict[int, str]) -> None:
    """Refuse a share whose number is unknown or that does not match its commitment."""
    expected = commitments.get(share.number)
    if expected is None:
        raise ShareInvalid(f"there is no share number {share.number}")
    if not hmac.compare_digest(expected, commitment(share, context)):
        raise ShareInvalid(f"this is not share number {share.number}")
