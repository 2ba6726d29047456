"""Inputs that can be read only once: standard input ("-") and pipes, such as
`framing compare <(zcat export.jsonl.gz)` or `jq -c 'select(…)' all.jsonl | framing compare -`.

A run reads its input twice (the keyness section goes back for each term's example), so
each such input is copied to a temporary folder first and read from there. The copy is
named for its format, told from its first bytes when its name does not say: gzip by its
magic number; then, past a byte-order mark and white space, "{" is JSON Lines, "[" a JSON
array, anything else CSV (tab-separated when its first line has a tab and no comma).
"""

from __future__ import annotations

import codecs
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from framing.corpus import JSON_SUFFIXES, TABLE_SUFFIXES, json_opening
from framing.errors import InputError
from framing.processes import signals_deferred
from framing.text_encoding import looks_binary

STDIN = Path("-")
Copied = Callable[[int], None]  # told the bytes of an input copied so far
_GZIP_MAGIC = b"\x1f\x8b"
_HEAD = 1 << 16  # bytes looked at for the format: a CSV header or the opening of a JSON record
_BLOCK = 1 << 20


def read_once(path: Path) -> bool:
    """Whether `path` is standard input or a pipe: read, its bytes are gone."""
    if path == STDIN:
        return True
    try:
        mode = path.stat().st_mode
    except OSError:
        return False  # the reader says what is wrong with it
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


@contextmanager
def spooled(paths: Sequence[Path], copied: Copied | None = None) -> Iterator[tuple[Path, ...]]:
    """`paths` with each input that can be read only once replaced by a copy in a temporary
    folder, removed when the block ends (also on an error or Ctrl-C). `copied` is told the
    bytes copied so far, at every block."""
    once = [p for p in paths if read_once(p)]
    if not once:
        yield tuple(paths)
        return
    if paths.count(STDIN) > 1:
        raise InputError("-: standard input given more than once")
    with signals_deferred():  # made and its removal arranged, or neither
        temporary = tempfile.TemporaryDirectory(prefix="framing-input-")
    with temporary as folder:
        copies: dict[Path, Path] = {}
        before = 0  # bytes of the inputs copied before this one
        for i, path in enumerate(dict.fromkeys(once)):
            # A folder each: two pipes may have one name (a/export.jsonl, b/export.jsonl).
            place = Path(folder) / str(i)
            place.mkdir()
            told = (lambda size, start=before: copied(start + size)) if copied else None
            copies[path] = _copy(path, place, told)
            before += copies[path].stat().st_size
        yield tuple(copies.get(p, p) for p in paths)


def _standard_input() -> BinaryIO:
    if sys.stdin is None:  # the process was started with it closed
        raise InputError("-: there is no standard input (it is closed)")
    return sys.stdin.buffer


def _copy(path: Path, folder: Path, copied: Copied | None) -> Path:
    if path == STDIN:
        return _write_copy(_standard_input(), "-", "stdin", folder, copied)
    try:
        with path.open("rb") as source:
            return _write_copy(source, str(path), path.name, folder, copied)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from e


def _write_copy(source: BinaryIO, shown: str, name: str, folder: Path, copied: Copied | None) -> Path:
    stdin = shown == "-"
    if source.isatty():  # reading it would wait for articles typed in
        where = "standard input" if stdin else "this"
        raise InputError(f"{shown}: {where} is a terminal; pipe the articles in: … | framing compare -")
    head = _read_head(source)
    if not head:
        raise InputError(f"{shown}: nothing on standard input" if stdin else f"{shown}: nothing to read")
    named = name.casefold().endswith(JSON_SUFFIXES + TABLE_SUFFIXES)
    target = folder / (name if named else f"{name}{_format_suffix(head)}")
    if target.name.casefold().endswith(TABLE_SUFFIXES) and looks_binary(_text_head(head, target.name)):
        # Refused now, as the table reader would refuse the copy: `framing compare /dev/zero`
        # copied until the temporary folder's disk was full.
        raise InputError(f"{shown}: binary data (NUL bytes), not a table of articles")
    try:
        with target.open("wb") as copy:
            copy.write(head)
            size = len(head)
            while block := source.read(_BLOCK):
                copy.write(block)
                size += len(block)
                if copied:
                    copied(size)
    except OSError as e:
        raise InputError(
            f"{shown}: cannot copy it to {folder} ({e.strerror or e}); set TMPDIR to a larger folder"
        ) from e
    return target


def _read_head(source: BinaryIO) -> bytes:
    """The first _HEAD bytes, or all there are: read until there are that many or the input
    ends (a raw pipe returns what its writer has written so far)."""
    parts: list[bytes] = []
    size = 0
    while size < _HEAD:
        part = source.read(_HEAD - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _format_suffix(head: bytes) -> str:
    if head.startswith(_GZIP_MAGIC):
        return _format_suffix(_gunzipped_head(head)) + ".gz"
    opening = json_opening(head)  # as read_jsonl tells an array from JSON Lines
    if opening.startswith(b"{"):
        return ".jsonl"
    if opening.startswith(b"["):
        return ".json"
    first_line = head.split(b"\n", 1)[0]
    tabbed = b"\t" in first_line and b"," not in first_line
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # a tab there is b"\t\x00"
        text = first_line.decode("utf-16", errors="replace")
        tabbed = "\t" in text and "," not in text
    return ".tsv" if tabbed else ".csv"


def _text_head(head: bytes, name: str) -> bytes:
    """The first bytes of the text: gunzipped if the copy is to be read as gzip."""
    return _gunzipped_head(head) if name.casefold().endswith(".gz") else head


def _gunzipped_head(head: bytes) -> bytes:
    """The first bytes of what a gzip stream's opening holds (wbits 16+: gzip header)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _HEAD)
    except zlib.error:
        return b""  # not gzip after all: read as named, the reader says what is wrong
