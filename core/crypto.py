"""Encryption of personal data at rest (parties' ID numbers, phones, addresses): SM4-GCM (GB/T 32907-2016, the
national block cipher, in the GCM authenticated mode) with ``settings.SANXIANG_PII_KEY`` (32 hex digits = 128 bits).

Blob format (versioned so the key or algorithm can be rotated later)::

    b"\\x01" + nonce (12 random bytes) + ciphertext + tag (16 bytes)

The version byte is also authenticated (GCM associated data). A changed byte anywhere, or the wrong key, makes
``decrypt`` raise ``SanxiangError`` — never return garbage. ``blind_index`` is a keyed HMAC-SM3 so a party can be
found by ID number without decrypting every row; its key is derived from the PII key (HMAC-SM3 of a fixed label),
so the index cannot be computed without the key and is not the encryption key itself.

The key is read from the settings at every call (tests override it; nothing is cached at import).
"""

from __future__ import annotations

import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

from core.errors import SanxiangError

VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16
_INDEX_LABEL = b"sanxiang/pii/blind-index/v1"


def _key() -> bytes:
    raw = str(getattr(settings, "SANXIANG_PII_KEY", "") or "")
    try:
        key = bytes.fromhex(raw)
    except ValueError as exc:
        raise SanxiangError(
            "个人信息加密密钥（SANXIANG_PII_KEY）不是十六进制字符串", field="SANXIANG_PII_KEY", code="pii_key"
        ) from exc
    if len(key) != 16:
        raise SanxiangError(
            "个人信息加密密钥（SANXIANG_PII_KEY）应为 32 位十六进制（SM4 128 位密钥）",
            field="SANXIANG_PII_KEY",
            code="pii_key",
        )
    return key


def encrypt(text: str) -> bytes:
    """SM4-GCM ciphertext of ``text`` (UTF-8) with a fresh random nonce; "" → b"" (nothing to protect)."""
    if not text:
        return b""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(VERSION)
    ciphertext = encryptor.update(text.encode("utf-8")) + encryptor.finalize()
    return VERSION + nonce + ciphertext + encryptor.tag


def decrypt(blob: bytes | memoryview | None) -> str:
    """The text of an ``encrypt`` blob; b"" → "". Raises ``SanxiangError`` when the blob was altered, is of an
    unknown version, or was encrypted under another key."""
    if blob is None:
        return ""
    data = bytes(blob)
    if not data:
        return ""
    if data[:1] != VERSION:
        raise SanxiangError("加密数据版本未知，无法解密", field="ciphertext", code="decrypt")
    if len(data) < 1 + NONCE_BYTES + TAG_BYTES:
        raise SanxiangError("加密数据不完整，无法解密", field="ciphertext", code="decrypt")
    nonce = data[1 : 1 + NONCE_BYTES]
    ciphertext, tag = data[1 + NONCE_BYTES : -TAG_BYTES], data[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(VERSION)
    try:
        plain = decryptor.update(ciphertext) + decryptor.finalize()
    except InvalidTag as exc:
        raise SanxiangError(
            "加密数据校验失败：数据已被篡改或密钥不符，拒绝解密", field="ciphertext", code="decrypt"
        ) from exc
    return plain.decode("utf-8")


def _index_key() -> bytes:
    return hmac.new(_key(), _INDEX_LABEL, "sm3").digest()


def normalise_identifier(text: str) -> str:
    """The form an identifier is indexed in: surrounding and inner spaces removed, letters upper-case
    (身份证号 check digit x → X)."""
    return "".join(text.split()).upper()


def blind_index(text: str) -> str:
    """HMAC-SM3 (hex) of the normalised identifier under a key derived from the PII key; "" → ""."""
    value = normalise_identifier(text)
    if not value:
        return ""
    return hmac.new(_index_key(), value.encode("utf-8"), "sm3").hexdigest()
