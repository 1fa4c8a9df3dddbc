"""Sealed boxes: a secret choice encrypted on arrival to the public key of its round.

A sealed box (libsodium's ``crypto_box_seal``, through PyNaCl) is encrypted with a fresh ephemeral key
pair and the recipient's public key: the sender keeps nothing that opens it, and only the holder of
the round's private key can. So a ballot stored beside the participation of the deputy who cast it
(in one transaction, to refuse a second ballot) is unreadable to anyone reading the database, its WAL
or a backup; at the round's close it is opened, the contents are shuffled and written apart, and the
private key is destroyed (``custody.py``), after which the sealed rows open for nobody.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = 32


class SealBroken(Exception):
    """A sealed box that does not open with the key given (a wrong key, or changed bytes)."""


@dataclass(frozen=True)
class RoundKeys:
    """A round's key pair (X25519): the public half is stored with the round, the private half is not."""

    private: bytes
    public: bytes

    @classmethod
    def generate(cls) -> RoundKeys:
        key = PrivateKey.generate()
        return cls(private=bytes(key), public=bytes(key.public_key))

    @classmethod
    def from_private(cls, private: bytes) -> RoundKeys:
        key = PrivateKey(private)
        return cls(private=private, public=bytes(key.public_key))


def content_bytes(content: Any) -> bytes:
    """A choice's one byte spelling (canonical JSON), the plaintext that is sealed."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def seal(public: bytes, content: Any) -> bytes:
    """``content`` (plain JSON data) sealed to the round's ``public`` key."""
    return bytes(SealedBox(PublicKey(public)).encrypt(content_bytes(content)))


def open_sealed(private: bytes, sealed: bytes) -> Any:
    """The content of one sealed box; :class:`SealBroken` when ``private`` does not open it."""
    return open_many(private, [sealed])[0]


def open_many(private: bytes, sealed: Iterable[bytes]) -> list[Any]:
    """The contents of ``sealed`` boxes in their order, with one opener: the key's public half (a scalar
    multiplication) is derived once, not once a box, which is most of a box's cost at a round's close."""
    box = SealedBox(PrivateKey(private))
    opened = []
    for one in sealed:
        try:
            plain = box.decrypt(one)
        except CryptoError as exc:
            raise SealBroken("the sealed choice does not open with this key") from exc
        opened.append(json.loads(plain))
    return opened
