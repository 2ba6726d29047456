"""The encoding of the result store's rows (store_rows.py): each form read back as it was
written, by the zlib module as well as by ISA-L, and damage caught, never returned."""

from __future__ import annotations

import pickle
import zlib

import pytest

from framing import store_rows
from framing.errors import StoreError


def test_a_kept_table_comes_back_whole_in_parts_and_damage_is_caught():
    text = "αβγ « plain » 😀 ‖ " * 5000
    data = zlib.compress(text.encode("utf-8"), 1)
    parts = list(store_rows.unpack_parts(data, part=1000))
    assert len(parts) > 100 and max(map(len, parts)) <= 1000
    assert b"".join(parts).decode("utf-8") == text
    assert b"".join(store_rows.unpack_parts(zlib.compress(b""))) == b""
    with pytest.raises(StoreError, match="incomplete compressed data"):
        list(store_rows.unpack_parts(data[: len(data) // 2]))
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF
    with pytest.raises(StoreError, match="cannot be read"):
        list(store_rows.unpack_parts(bytes(damaged)))


def test_parts_packed_as_they_pass_come_back_whole():
    parts = ["« ligne » ‖ ".encode() * 3000, b"", "😀 end".encode()]
    packer = store_rows.PartsPacker()
    assert [packer.add(p) for p in parts] == parts  # passed on unchanged
    packed = packer.packed()
    assert zlib.decompress(packed) == b"".join(parts)
    assert b"".join(store_rows.unpack_parts(packed, part=1000)) == b"".join(parts)
    assert b"".join(store_rows.unpack_parts(store_rows.PartsPacker().packed())) == b""


def test_rows_are_zlib_data_that_the_zlib_module_reads_and_writes():
    # Rows are compressed with ISA-L now, with the zlib module before: a store written by
    # either is read by the other, and damage is caught either way.
    value = {"words": ("bloc", "é", "😀"), "counts": [3, 1, 2]}
    raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    assert store_rows.unpack(zlib.compress(raw, 1)) == value
    assert pickle.loads(zlib.decompress(store_rows.pack(value))) == value
    assert store_rows.unpack_str(zlib.compress("« é »\nbloc".encode(), 1)) == "« é »\nbloc"
    # By hand: the number of lines, the length of each but the last, then the lines.
    lines = [b"x", "é".encode()]
    by_hand = (2).to_bytes(4, "little") + (1).to_bytes(4, "little") + b"x" + "é".encode()
    assert zlib.decompress(store_rows.pack_lines(lines)) == by_hand
    assert store_rows.unpack_lines(zlib.compress(by_hand, 1)) == lines
    many = [value] * 50
    for packed in (store_rows.pack(many), zlib.compress(pickle.dumps(many), 1)):
        damaged = bytearray(packed)
        damaged[len(packed) // 2] ^= 0xFF
        with pytest.raises(StoreError, match="cannot be read"):
            store_rows.unpack(bytes(damaged))


def test_lines_packed_together_come_back_as_they_went_in():
    lines = [b'{"id": "a|b"}', "| row « é » |\n".encode(), b"", "tag 😀\n".encode()]
    assert store_rows.unpack_lines(store_rows.pack_lines(lines)) == lines
    assert store_rows.unpack_lines(store_rows.pack_lines([b"only"])) == [b"only"]
    for bad in (
        zlib.compress(b""),
        zlib.compress((3).to_bytes(4, "little") + b"\0\0"),
        zlib.compress((2).to_bytes(4, "little") + (99).to_bytes(4, "little") + b"short"),
        store_rows.pack_lines(lines)[:-3],
    ):
        with pytest.raises(StoreError):
            store_rows.unpack_lines(bad)
