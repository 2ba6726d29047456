"""How a row of the result store is encoded: compressed pickles, lines of text kept together,
and a kept table's text in parts; and what reading a damaged row raises.

Pure functions of bytes: cache.py decides which rows exist and when they are read.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator, Sequence
from typing import Any, cast

from isal import isal_zlib

from framing.errors import StoreDamaged


def unreadable(error: Exception) -> StoreDamaged:
    return StoreDamaged(
        f"the result store holds an entry that cannot be read ({type(error).__name__}: {error})"
    )


# Every row is zlib data, compressed and read by ISA-L (python-isal, which framing reads
# gzip input with): the same format as the zlib module's, so stores written by either read
# with the other, at 2.8 times the speed to compress a text's term counts and 1.5 times to
# read them. Compressing the rows was a seventh of a first run's CPU time (py-spy, 10,000
# articles with a store), much of it in the run's own process.
_LEVEL = 1  # of ISA-L's 0-3: 3% more bytes than zlib's level 1
# (python-isal's stubs type its error class as an instance.)
_DAMAGED: tuple[type[Exception], ...] = (zlib.error, cast(type[Exception], isal_zlib.error))
_DAMAGED_TEXT: tuple[type[Exception], ...] = (*_DAMAGED, UnicodeDecodeError)


def compress(data: bytes) -> bytes:
    return isal_zlib.compress(data, _LEVEL)


def _decompress(data: bytes) -> bytes:
    return isal_zlib.decompress(data)


class PartsPacker:
    """Parts of text compressed as they pass, into what `unpack_parts` reads back."""

    def __init__(self) -> None:
        self._packer = isal_zlib.compressobj(_LEVEL)
        self._data: list[bytes] = []

    def add(self, part: bytes) -> bytes:
        self._data.append(self._packer.compress(part))
        return part

    def packed(self) -> bytes:
        return b"".join(self._data) + self._packer.flush()


def unpack_parts(data: bytes, part: int = 1 << 23) -> Iterator[bytes]:
    """zlib-compressed data, a part of at most `part` bytes at a time: a kept keyness table
    of a large corpus is hundreds of megabytes of text. zlib's checksum catches damage."""
    inflate = isal_zlib.decompressobj()
    try:
        while not inflate.eof:
            # ISA-L may take in all the input before it has given all the output, so the
            # end is the stream's end, not the input's.
            chunk = inflate.decompress(data, part)
            data = inflate.unconsumed_tail
            if not chunk and not data:
                break  # no input left and no end of the stream: cut short
            yield chunk
    except _DAMAGED as e:
        raise unreadable(e) from e
    if not inflate.eof:
        raise unreadable(zlib.error("incomplete compressed data"))


def pack_lines(parts: Sequence[bytes]) -> bytes:
    """Encoded lines of text kept together (an article's lines of the report): they go back
    to files as they are, with no unpickling, decoding and encoding again."""
    head = b"".join(len(p).to_bytes(4, "little") for p in parts[:-1])
    return compress(len(parts).to_bytes(4, "little") + head + b"".join(parts))


def unpack_lines(data: bytes) -> list[bytes]:
    try:
        whole = _decompress(data)
    except _DAMAGED as e:
        raise unreadable(e) from e
    n = int.from_bytes(whole[:4], "little")
    start = 4 * n
    if n == 0 or len(whole) < start:
        raise unreadable(ValueError("lines packed without their lengths"))
    parts = []
    for i in range(1, n):
        end = start + int.from_bytes(whole[4 * i : 4 * i + 4], "little")
        parts.append(whole[start:end])
        start = end
    if start > len(whole):
        raise unreadable(ValueError("lines shorter than their lengths"))
    parts.append(whole[start:])
    return parts


def pack(value: Any) -> bytes:
    return compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def unpack(data: bytes) -> Any:
    try:
        return pickle.loads(_decompress(data))
    except Exception as e:  # unpickling garbage can raise almost anything
        raise unreadable(e) from e


def unpack_str(data: bytes) -> str:
    try:
        return _decompress(data).decode("utf-8")
    except _DAMAGED_TEXT as e:
        raise unreadable(e) from e
