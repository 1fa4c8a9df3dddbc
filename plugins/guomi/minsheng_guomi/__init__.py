"""The audit chain's digest as SM3 (国密), for tenants that enable ``guomi-sm3``."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes

from minsheng.plugins import DigestAlgorithm, TenantView, hookimpl

ALGORITHM = "sm3"


def sm3_hex(data: bytes) -> str:
    """SM3 of ``data`` as 64 lower-case hex digits (GB/T 32905-2016)."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


@hookimpl
def minsheng_audit_digest(tenant: TenantView) -> DigestAlgorithm:
    """Every audit event of the tenant is hashed with SM3 (the verifier follows each event's own)."""
    return DigestAlgorithm(name=ALGORITHM, digest=sm3_hex)
