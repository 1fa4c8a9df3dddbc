"""Signing the audit chain's checkpoints with a key held outside the database (Ed25519).

A chain that only links each event to the previous one proves nothing against whoever can rewrite the
whole table: delete the last events, or change one and recompute every digest after it, and the chain
is consistent again. A **checkpoint** is the chain's head at a moment (its sequence number and digest),
signed with a key the database never holds. Checkpoints are published (the tenant's portal, every
export), so a user who kept one can tell that the chain still reaches it, unchanged
(``minsheng verify``; ``platform/docs/threat-model.md``).

The key is 32 random bytes (an Ed25519 seed), base64-encoded, from ``MINSHENG_AUDIT_SIGNING_KEY`` or
the file ``MINSHENG_AUDIT_SIGNING_KEY_FILE``; with neither, a key is made once in the data directory
(``keys/audit-signing.key``, readable by the owner only), which suits the embedded mode. Its public
half is published with every checkpoint, named by its key id (the first 16 hex digits of its SHA-256).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from minsheng.settings import Settings

log = structlog.get_logger("minsheng.audit")

CHECKPOINT_FORMAT = "minsheng-checkpoint/1"
KEY_FILE = Path("keys") / "audit-signing.key"


def key_id(public: Ed25519PublicKey) -> str:
    """The public key's short name: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def public_key_text(public: Ed25519PublicKey) -> str:
    """The public key as published: base64 of its 32 raw bytes."""
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A published public key (base64 of 32 raw bytes)."""
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))


def statement(checkpoint: dict[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers: its fields but the signature, as canonical JSON."""
    signed = {key: value for key, value in checkpoint.items() if key != "signature"}
    return json.dumps(signed, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class CheckpointSigner:
    """The key that signs checkpoints, and its public half."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public)

    def sign(self, checkpoint: dict[str, Any]) -> str:
        """The base64 signature of ``checkpoint`` (which must name this key's id)."""
        return base64.b64encode(self.private.sign(statement(checkpoint))).decode()


def signature_is_valid(checkpoint: dict[str, Any], public: Ed25519PublicKey) -> bool:
    """Whether ``checkpoint`` carries a valid signature of ``public``'s key over its other fields."""
    try:
        public.verify(base64.b64decode(str(checkpoint.get("signature", "")), validate=True), statement(checkpoint))
    except (InvalidSignature, ValueError):
        return False
    return True


def _from_seed(text: str) -> CheckpointSigner:
    seed = base64.b64decode(text.strip(), validate=True)
    if len(seed) != 32:
        raise ValueError("the audit signing key must be 32 bytes, base64-encoded")
    return CheckpointSigner(Ed25519PrivateKey.from_private_bytes(seed))


def new_key_text() -> str:
    """A new signing key as ``MINSHENG_AUDIT_SIGNING_KEY`` takes it (32 random bytes, base64)."""
    return base64.b64encode(os.urandom(32)).decode()


def load_signer(settings: Settings) -> CheckpointSigner:
    """The configured signing key (see the module docstring), made in the data directory when none is."""
    if settings.audit_signing_key:
        return _from_seed(settings.audit_signing_key)
    path = settings.audit_signing_key_file or settings.data_dir / KEY_FILE
    if not path.exists():
        if settings.audit_signing_key_file is not None:
            raise FileNotFoundError(f"MINSHENG_AUDIT_SIGNING_KEY_FILE names {path}, which does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(new_key_text() + "\n")
        if settings.is_postgres:
            log.warning("audit_signing_key_generated", path=str(path), hint="mount MINSHENG_AUDIT_SIGNING_KEY_FILE")
    return _from_seed(path.read_text())


_signer: CheckpointSigner | None = None


def install_signer(signer: CheckpointSigner) -> None:
    """Make ``signer`` the process's checkpoint key (the app's start, a worker's, the CLI's)."""
    global _signer
    _signer = signer


def current_signer() -> CheckpointSigner:
    """The process's checkpoint key; an error when no entry point installed one."""
    if _signer is None:
        raise RuntimeError("no audit signing key is installed (minsheng.audit.signing.install_signer)")
    return _signer
