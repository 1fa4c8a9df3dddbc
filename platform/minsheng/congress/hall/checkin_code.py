"""The rotating check-in code (签到码) carried by the QR code shown in the hall.

A deputy checks in by scanning the session's QR code on their phone. So that a photo of the QR code
forwarded to someone outside the hall stops working within minutes, the code changes every
``PERIOD`` seconds and is accepted for ``LIFETIME`` seconds after it first appears:

    code   = "<window in hex>-<mac>"
    window = floor(unix time / PERIOD)
    mac    = first 12 hex digits of HMAC-SHA256(secret key, "checkin|<tenant id>|<session id>|<window>")

The code is stateless: any app process with the same secret key issues and verifies it, with no
table and no shared memory (the platform runs several processes behind a load balancer). It is
bound to one tenant and one session, so a code of one session checks nobody in to another, and it
cannot be made up without the secret key. A deputy still has to be logged in as themself: the code
only proves they saw the screen in the hall a moment ago. The lifetime leaves time to log in on a
phone after scanning; staff can always check a deputy in from their list.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from minsheng.secrets_policy import CHECK_IN, derived_key

PERIOD = 30  # seconds between two codes on the hall's screen
LIFETIME = 180  # seconds a code stays valid after it first appears
MAC_DIGITS = 12


def _window(now: float) -> int:
    return int(now // PERIOD)


def _mac(secret: str, tenant_id: uuid.UUID, session_id: uuid.UUID, window: int) -> str:
    message = f"checkin|{tenant_id}|{session_id}|{window}".encode()
    key = derived_key(secret, CHECK_IN)  # this purpose's own key, not the app's secret itself
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:MAC_DIGITS]


def issue_code(secret: str, tenant_id: uuid.UUID, session_id: uuid.UUID, now: float) -> str:
    """The code the hall shows at ``now`` (unix seconds) for the session."""
    window = _window(now)
    return f"{window:x}-{_mac(secret, tenant_id, session_id, window)}"


def seconds_to_next_code(now: float) -> int:
    """How long the code shown at ``now`` stays on the screen before the next one replaces it."""
    return PERIOD - int(now % PERIOD)


def is_valid_code(secret: str, tenant_id: uuid.UUID, session_id: uuid.UUID, code: str | None, now: float) -> bool:
    """Whether ``code`` was shown for this session within the last ``LIFETIME`` seconds (pure)."""
    if not code or len(code) > 40:
        return False
    window_text, _, mac = code.partition("-")
    try:
        window = int(window_text, 16)
    except ValueError:
        return False
    current = _window(now)
    # A code appears at window * PERIOD; it is valid until LIFETIME seconds after that, never before.
    if window > current or now - window * PERIOD >= LIFETIME:
        return False
    return hmac.compare_digest(mac, _mac(secret, tenant_id, session_id, window))
