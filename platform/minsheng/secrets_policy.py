"""The app's secret (``MINSHENG_SECRET_KEY``): refused when weak, and never used as it is.

Outside the embedded mode, start-up refuses a secret that is missing, shorter than
:data:`MIN_SECRET_BYTES` or a known placeholder (the ``CHANGE-ME`` of the deployment examples), with
one line saying how to make one. Every use gets a key of its own, derived with HKDF-SHA256
(:func:`derived_key`): knowing the key that signs one thing (a CSRF token, a check-in code) gives
nothing of another (a phone hash). Rotation: platform/docs/hardening.md. Pure.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MIN_SECRET_BYTES = 32
#: Values shipped in the deployment examples (deploy/k8s/config.yaml, deploy/env.example) and their kin.
PLACEHOLDERS = frozenset({"change-me", "changeme", "change_me", "secret", "dev", "test", "minsheng", "password"})
HOW_TO_MAKE_ONE = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"

#: The purposes a key is derived for (each its own HKDF ``info``).
CSRF = "csrf/1"
CHECK_IN = "check-in-code/1"
PHONE_HASH = "phone-hash/1"


class WeakSecret(ValueError):
    """The secret must not be used; the message is one line saying why and how to make one."""


def check_secret_key(value: str | None) -> str:
    """``value`` when it is fit to be the app's secret; :class:`WeakSecret` otherwise."""
    if not value:
        raise WeakSecret(f"MINSHENG_SECRET_KEY is not set; {HOW_TO_MAKE_ONE}")
    lowered = value.strip().lower()
    if lowered in PLACEHOLDERS or "change-me" in lowered or "changeme" in lowered:
        raise WeakSecret(f"MINSHENG_SECRET_KEY is a placeholder from the examples; {HOW_TO_MAKE_ONE}")
    if len(value.encode()) < MIN_SECRET_BYTES:
        raise WeakSecret(f"MINSHENG_SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes; {HOW_TO_MAKE_ONE}")
    return value


def derived_key(secret_key: str, purpose: str) -> bytes:
    """A 32-byte key for ``purpose`` alone (HKDF-SHA256 of the app's secret)."""
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"minsheng", info=f"minsheng/{purpose}".encode())
    return kdf.derive(secret_key.encode())
