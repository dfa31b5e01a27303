"""SM4-GCM encryption of personal data at rest and the keyed blind index (core.crypto)."""

from __future__ import annotations

import pytest

from core import crypto
from core.errors import SanxiangError

KEY_A = "0123456789abcdef0123456789abcdef"
KEY_B = "fedcba9876543210fedcba9876543210"


@pytest.fixture(autouse=True)
def _key(settings):
    settings.SANXIANG_PII_KEY = KEY_A


def test_round_trip_chinese_text():
    text = "云南省玉溪市红塔区聂耳路 12 号"
    blob = crypto.encrypt(text)
    assert blob[:1] == b"\x01"
    assert text.encode() not in blob
    assert len(blob) == 1 + 12 + len(text.encode()) + 16
    assert crypto.decrypt(blob) == text
    assert crypto.decrypt(memoryview(blob)) == text  # BinaryField values may come back as memoryview


def test_empty_string_is_empty_blob():
    assert crypto.encrypt("") == b""
    assert crypto.decrypt(b"") == ""
    assert crypto.decrypt(None) == ""


def test_nonce_is_fresh_for_every_encryption():
    blobs = {crypto.encrypt("11010519491231002X") for _ in range(50)}
    assert len(blobs) == 50
    assert len({b[1:13] for b in blobs}) == 50


@pytest.mark.parametrize("position", [0, 1, 12, 13, -1])
def test_any_changed_byte_is_refused(position):
    blob = bytearray(crypto.encrypt("13800000000"))
    blob[position] ^= 0x01
    with pytest.raises(SanxiangError):
        crypto.decrypt(bytes(blob))


def test_truncated_blob_is_refused():
    blob = crypto.encrypt("13800000000")
    with pytest.raises(SanxiangError, match="不完整"):
        crypto.decrypt(blob[:20])


def test_wrong_key_is_refused(settings):
    blob = crypto.encrypt("13800000000")
    settings.SANXIANG_PII_KEY = KEY_B
    with pytest.raises(SanxiangError, match="篡改或密钥不符"):
        crypto.decrypt(blob)


def test_bad_key_setting_is_reported(settings):
    settings.SANXIANG_PII_KEY = "abcd"
    with pytest.raises(SanxiangError, match="32 位十六进制"):
        crypto.encrypt("x")


def test_blind_index_is_stable_normalised_and_keyed(settings):
    first = crypto.blind_index("11010519491231002X")
    assert first == crypto.blind_index(" 11010519491231002x ")
    assert len(first) == 64 and first != crypto.blind_index("110105194912310038")
    assert crypto.blind_index("") == ""
    settings.SANXIANG_PII_KEY = KEY_B
    assert crypto.blind_index("11010519491231002X") != first
