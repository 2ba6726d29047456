"""Telling how an article file or export is encoded: UTF-16 with a byte-order mark, UTF-8,
or a legacy code page guessed from the text (cp1251, cp1252); or why it cannot be read as
text (empty, binary, undecidable). Works on a file's bytes in blocks, so an export of any
size is looked at without being held."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain


def decode_article(data: bytes, shown: str) -> tuple[str | None, str]:
    """The text of an article file, or None and the reason it is skipped."""
    encoding, message = sniff_encoding(lambda: iter((data,)), shown)
    if encoding is None:
        return None, f"{message}, skipped"
    return data.decode(encoding), message


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_WINDOW = 8192  # a NUL among the first bytes: binary, not text


def looks_binary(head: bytes) -> bool:
    """Whether a file that begins with `head` is binary, not text: a NUL among its first
    bytes, and no UTF-16 byte-order mark (UTF-16 has one in every ASCII character)."""
    return not head.startswith(_UTF16_BOMS) and b"\x00" in head[:_BINARY_WINDOW]


def sniff_encoding(blocks: Callable[[], Iterator[bytes]], shown: str) -> tuple[str | None, str]:
    """How to decode a file given as its bytes in blocks: the encoding and a warning ("" if
    none), or None and why it cannot be read as text. `blocks` is called again for a second
    look only when the file is not UTF-8, so one block at a time is ever held.

    UTF-16 with a byte-order mark; else UTF-8 (a UTF-8 byte-order mark is dropped); else
    cp1251 or cp1252 when the bytes read convincingly as that (guess_legacy_encoding)."""
    head = b""
    rest = blocks()
    for block in rest:
        head += block
        if len(head) >= _BINARY_WINDOW:
            break
    if head.startswith(_UTF16_BOMS):
        decoder = codecs.getincrementaldecoder("utf-16")()
        try:
            for block in chain((head,), rest):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as e:
            return None, f"{shown}: begins as UTF-16 but is not UTF-16 ({e.reason})"
        return "utf-16", ""
    if looks_binary(head):
        return None, f"{shown}: binary file (NUL bytes)"
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    blank = True  # white space only, so far
    try:
        for block in chain((head,), rest):
            blank = blank and not block.strip()
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        pass  # not blank either: white space is ASCII
    else:
        return (None, f"{shown}: empty file") if blank else ("utf-8-sig", "")
    guess = guess_legacy_encoding(blocks())
    if guess is None:
        return None, f"{shown}: not UTF-8, and not recognisably cp1251 or latin-1 (convert it to UTF-8)"
    return guess, f"{shown}: not UTF-8; read as {guess} (detected)"


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LETTERS = re.compile(r"[^\W\d_]+")
# The ten most frequent letters of Russian make up about two thirds of its letters; the same
# bytes from another single-byte script read as cp1251 (Greek, say) give a scatter of others.
_RUSSIAN_COMMON = frozenset("оеаинтсрвлОЕАИНТСРВЛ")
_WESTERN_MARKS = frozenset("‘’“”–—…•€£©®°«»·´¨§")
_LEGACY = ("cp1251", "cp1252")


def guess_legacy_encoding(data: bytes | Iterable[bytes]) -> str | None:
    """cp1251 or cp1252 (latin-1's superset) when the bytes read convincingly as that, else None.

    Read as the right code page, words are in one script: Russian words are Cyrillic through
    and through, with Russian letter frequencies; Western words mix accented letters into
    plain ones ("déclaré"). Read as the wrong one, words come out in a jumble ("secrйtaire",
    "Ãåíåðàë"). Anything else — control bytes, undefined code points — is not guessed at.

    `data` may come in blocks: the counts are sums over lines (no word crosses a line
    break, and each byte is one character in both code pages), so they are added up a line
    at a time and the whole file is never held.
    """
    counts: dict[str, list[int] | None] = {"cp1251": [0] * 5, "cp1252": [0] * 3}
    high = False
    for piece in _whole_lines((data,) if isinstance(data, bytes) else data):
        if _CONTROL.search(piece):
            return None
        high = high or not piece.isascii()
        for encoding in _LEGACY:
            so_far = counts[encoding]
            if so_far is None:
                continue
            try:
                text = piece.decode(encoding)
            except UnicodeDecodeError:
                counts[encoding] = None
                continue
            counted = _russian_counts(text) if encoding == "cp1251" else _western_counts(text)
            counts[encoding] = [a + b for a, b in zip(so_far, counted, strict=True)]
    if not high:
        return None
    russian, western = counts["cp1251"], counts["cp1252"]
    if russian is not None and _looks_russian(*russian):
        return "cp1251"
    if western is not None and _looks_western(*western):
        return "cp1252"
    return None


def _whole_lines(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes again, in pieces that end at a line break (but the last)."""
    carry = b""
    for block in blocks:
        cut = block.rfind(b"\n") + 1
        if cut:
            yield carry + block[:cut]
            carry = block[cut:]
        else:
            carry += block
    if carry:
        yield carry


def _non_ascii_words(text: str) -> tuple[int, int]:
    """How many words have a non-ASCII letter, and how many of those also an ASCII one."""
    words = [w for w in _LETTERS.findall(text) if not w.isascii()]
    mixed = sum(1 for w in words if any(c.isascii() for c in w))
    return len(words), mixed


def _russian_counts(text: str) -> tuple[int, ...]:
    """Non-ASCII characters, Cyrillic ones, common Russian ones, non-ASCII words, mixed words."""
    high = [c for c in text if not c.isascii()]
    cyrillic = [c for c in high if "\u0400" <= c <= "\u04ff"]
    common = sum(1 for c in cyrillic if c in _RUSSIAN_COMMON)
    return (len(high), len(cyrillic), common, *_non_ascii_words(text))


def _looks_russian(high: int, cyrillic: int, common: int, words: int, mixed: int) -> bool:
    return bool(cyrillic) and cyrillic >= 0.9 * high and mixed <= 0.1 * words and common >= 0.45 * cyrillic


def _western_counts(text: str) -> tuple[int, ...]:
    """Characters that are neither ASCII, letters nor Western marks; non-ASCII words; mixed words."""
    odd = sum(1 for c in text if not c.isascii() and not (c.isalpha() or c in _WESTERN_MARKS))
    return (odd, *_non_ascii_words(text))


def _looks_western(odd: int, words: int, mixed: int) -> bool:
    return not odd and (not words or mixed >= 0.5 * words)
