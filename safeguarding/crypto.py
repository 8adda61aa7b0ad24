"""Encryption at rest: the one place that holds the keys and calls `cryptography`.

Fernet (AES-128-CBC with an HMAC-SHA256, a timestamp and a random IV per message) through
MultiFernet: the first key of `settings.FIELD_ENCRYPTION_KEYS` encrypts, any of them decrypts,
and `rotate_token` re-encrypts a token under the first. No cryptography of our own.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "InvalidToken",
    "decrypt_bytes",
    "decrypt_str",
    "encrypt_bytes",
    "encrypt_str",
    "is_current",
    "looks_like_token",
    "rotate_token",
]

# Every Fernet token starts with the version byte 0x80, which is "gA" in url-safe base64.
_TOKEN_PREFIX = b"gAAAAA"
_FERNET_VERSION = 0x80


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: no key to encrypt with.")
    fernets = [Fernet(key) for key in keys]
    return MultiFernet(fernets), fernets[0]


def _keys() -> tuple[MultiFernet, Fernet]:
    # Read on each call (cached per key list) so that a changed setting takes effect at once.
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_bytes(data: bytes) -> bytes:
    return _keys()[0].encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The plaintext; raises InvalidToken when no key opens the token (or it is not one)."""
    return _keys()[0].decrypt(token)


def encrypt_str(value: str) -> str:
    return encrypt_bytes(value.encode("utf-8")).decode("ascii")


def decrypt_str(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


def rotate_token(token: bytes) -> bytes:
    """The same plaintext, encrypted under the first key (raises InvalidToken as decrypt)."""
    return _keys()[0].rotate(token)


def is_current(token: bytes) -> bool:
    """Whether the first (newest) key opens the token, i.e. rotation has nothing to do."""
    try:
        _keys()[1].decrypt(token)
    except InvalidToken:
        return False
    return True


def looks_like_token(data: bytes) -> bool:
    """Whether `data` has the shape of a Fernet token (whichever key made it). Used to tell
    data written before encryption (a PDF, a DOCX, a plain name) from ciphertext, so that
    nothing is encrypted twice and a token under a lost key is reported, not re-wrapped."""
    if not data.startswith(_TOKEN_PREFIX):
        return False
    try:
        raw = base64.urlsafe_b64decode(data.strip())
    except (binascii.Error, ValueError):
        return False
    # version (1) + timestamp (8) + IV (16) + at least one AES block (16) + HMAC (32)
    return len(raw) >= 73 and raw[0] == _FERNET_VERSION and (len(raw) - 57) % 16 == 0
