"""Personal data sealed: data opens only with its own key, for its owner; keys wrap under the master key."""

from __future__ import annotations

import base64

import pytest

from shared.sealing import DEV_MASTER_KEY, Sealer, SealingError, decode_master_key, is_dev_master_key, master_key_text

pytestmark = pytest.mark.unit

SEALER = Sealer.of_text(DEV_MASTER_KEY)


def test_sealed_data_opens_with_its_key_for_its_owner_only() -> None:
    key = SEALER.new_data_key()
    sealed = SEALER.seal(key, "petitioner|c-1|0", b'{"phone": "13800000000"}')
    assert "13800000000" not in sealed
    assert SEALER.open(key, "petitioner|c-1|0", sealed) == b'{"phone": "13800000000"}'
    with pytest.raises(SealingError):  # moved to another person of the case
        SEALER.open(key, "petitioner|c-1|1", sealed)
    with pytest.raises(SealingError):  # another person's key
        SEALER.open(SEALER.new_data_key(), "petitioner|c-1|0", sealed)
    assert SEALER.seal(key, "o", b"x") != SEALER.seal(key, "o", b"x")  # a fresh nonce each time


def test_a_tampered_ciphertext_does_not_open() -> None:
    key = SEALER.new_data_key()
    sealed = SEALER.seal(key, "o", b"secret")
    raw = bytearray(base64.urlsafe_b64decode(sealed[3:]))
    raw[-1] ^= 1
    with pytest.raises(SealingError):
        SEALER.open(key, "o", "v1." + base64.urlsafe_b64encode(bytes(raw)).decode())
    with pytest.raises(SealingError):
        SEALER.open(key, "o", "plain text")


def test_data_keys_unwrap_only_under_the_master_key_that_wrapped_them_and_for_their_own_id() -> None:
    key = SEALER.new_data_key()
    wrapped = SEALER.wrap(key)
    assert key.secret not in wrapped
    assert SEALER.unwrap(key.key_id, wrapped) == key
    with pytest.raises(SealingError):
        SEALER.unwrap("another-key", wrapped)
    with pytest.raises(SealingError):
        Sealer(bytes(32)).unwrap(key.key_id, wrapped)
    assert Sealer(bytes(32)).master_key_id != SEALER.master_key_id


def test_keyed_hashes_match_equal_texts_and_differ_between_master_keys() -> None:
    assert SEALER.blind("phone:13800000000") == SEALER.blind("phone:13800000000")
    assert SEALER.blind("phone:13800000000") != SEALER.blind("phone:13800000001")
    assert Sealer(bytes(32)).blind("phone:13800000000") != SEALER.blind("phone:13800000000")


def test_the_master_key_is_base64_of_32_bytes_from_a_file_or_the_setting(tmp_path: object) -> None:
    assert len(decode_master_key(DEV_MASTER_KEY)) == 32
    with pytest.raises(ValueError, match="32 bytes"):
        decode_master_key(base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="not base64"):
        decode_master_key("not base64!")
    assert is_dev_master_key(master_key_text(None, None))
    assert master_key_text("inline", None) == "inline"
