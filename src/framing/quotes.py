"""Direct quotations: where someone else's words stand in the text.

A hit's voice (the outlet's own narration, a quotation, or a scare quote) is read from these
spans. Handled: “…” and "…", ‘…’ and '…' (told apart from apostrophes), «…», „…“, quotations
left open at the end of a paragraph (the English convention for quotes that run over several
paragraphs), and the dash-led quotes of Russian-style texts ("… said. – We were once again …").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from framing.text import word_count


@dataclass(frozen=True, slots=True)
class Quote:
    """The inner span of one quotation: the quoted words, without the marks."""

    start: int
    end: int


# opening mark -> the marks that close it
_PAIRS = {
    "“": "”",
    "«": "»",
    "„": "“”",
    "‘": "’",
    '"': '"',
    "'": "'",
}
# Every character that can open or close a quotation: only these need looking at.
_MARKS = re.compile("[" + re.escape("".join(sorted(set(_PAIRS) | set("".join(_PAIRS.values()))))) + "]")
# A dash that opens a quotation: at the start of a paragraph, or after the end of a sentence.
_DASH_OPENER = re.compile(r"(?:^|(?<=[.!?…]\s))[–—]\s+(?=[A-ZА-ЯЁ])")
# The dash-led quotation runs until the attribution dash (", – said X") or the paragraph end.
_DASH_CLOSER = re.compile(r",?\s+[–—]\s")


def quotations(text: str) -> list[Quote]:
    """Quotation spans in `text`, sorted by start; nested quotations are listed too."""
    found: list[Quote] = []
    for para in re.finditer(r"[^\n]+", text):
        start, end = para.span()
        marked = _mark_quotes(text, start, end)
        found += marked
        # Most paragraphs hold no dash: finding that in C skips the regex's look-behind.
        if text.find("–", start, end) >= 0 or text.find("—", start, end) >= 0:
            found += _dash_quotes(text, start, end, marked)
    return in_order(set(found))


def in_order(quotes: Iterable[Quote]) -> list[Quote]:
    """Sorted by start, an outer quotation before the ones it holds: the order reach() and
    voice() expect."""
    return sorted(quotes, key=lambda q: (q.start, -q.end))


def _mark_quotes(text: str, start: int, end: int) -> list[Quote]:
    out: list[Quote] = []
    stack: list[tuple[str, int]] = []  # (opening mark, inner start)
    for m in _MARKS.finditer(text, start, end):
        i = m.start()
        ch = text[i]
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if stack and ch in _PAIRS[stack[-1][0]] and _can_close(ch, prev, nxt):
            _, inner = stack.pop()
            out.append(Quote(inner, i))
        elif ch in _PAIRS and _can_open(ch, prev, nxt):
            stack.append((ch, i + 1))
    # Still open at the paragraph end: the quotation runs to it.
    out.extend(Quote(inner, end) for _, inner in stack)
    return out


def _can_open(mark: str, prev: str, nxt: str) -> bool:
    if mark in ("'", '"', "‘"):
        # Not an apostrophe (letter on the left) and followed by something to quote.
        return not prev.isalnum() and not nxt.isspace()
    return True


def _can_close(mark: str, prev: str, nxt: str) -> bool:
    if mark in ("’", "'"):
        # "Russia’s" and "US’ " are apostrophes: a closing single mark has no letter after it
        # and no space before it.
        return not nxt.isalnum() and not prev.isspace()
    if mark == '"':
        return not prev.isspace() or nxt.isspace()
    return True


def _dash_quotes(text: str, start: int, end: int, marked: list[Quote]) -> list[Quote]:
    out: list[Quote] = []
    # Whether a dash stands inside a marked quotation, by a bisection and the reach of the
    # quotations before it: looking at each took time that grew with the square of a
    # paragraph of many quotations and dashes.
    ordered = in_order(marked)
    starts, reaches = [q.start for q in ordered], reach(ordered)
    for m in _DASH_OPENER.finditer(text, start, end):
        inner = m.end()
        before = bisect_right(starts, inner)
        if before and reaches[before - 1] > inner:
            continue
        close = _DASH_CLOSER.search(text, inner, end)
        stop = close.start() if close else end
        # A mark-quoted passage right after the dash is already a quotation.
        if text[inner] in _PAIRS:
            continue
        out.append(Quote(inner, stop))
    return out


Voice = Literal["own", "quoted", "scare"]
# What may stand between a scare quote's marks and the term it holds: “annexation,”
_SCARE_PADDING = frozenset(" \t,.;:!?")


def reach(quotes: list[Quote]) -> list[int]:
    """For each quotation, sorted by in_order(), the furthest end among it and the
    quotations before it."""
    return list(accumulate((q.end for q in quotes), max))


def voice(
    text: str, quotes: list[Quote], starts: list[int], reaches: list[int], start: int, end: int
) -> Voice:
    """The voice of the term at [start, end) (from its first letter or digit to its last):
    "own" when no quotation holds it; "scare" when every one that does holds the term
    alone, give or take spaces and punctuation ("its “annexation”"); else "quoted".
    `starts` and `reaches` are the quotations' starts and reach().

    A quotation holds the term alone exactly when it starts in the run of padding before
    the term and ends in the run after it, so two bisections and the reach of the
    quotations before each answer, instead of a look at every quotation that holds the
    term: a paragraph of thousands of quotations, or of quotations left open, made that
    look take time that grew with the square of the paragraph. (No quotation crosses a
    paragraph, so one from an earlier paragraph never reaches the term.)"""
    i = bisect_right(starts, start)
    if not i or reaches[i - 1] < end:
        return "own"
    padded_start, padded_end = start, end
    while padded_start > 0 and text[padded_start - 1] in _SCARE_PADDING:
        padded_start -= 1
    while padded_end < len(text) and text[padded_end] in _SCARE_PADDING:
        padded_end += 1
    # A quotation that holds the term and starts before its padding, or one that starts in
    # the padding and ends after the padding that follows: words besides the term.
    j = bisect_left(starts, padded_start)
    if (j and reaches[j - 1] >= end) or any(q.end > padded_end for q in quotes[j:i]):
        return "quoted"
    return "scare"


def quoted_word_share(text: str, words: int, quotes: list[Quote]) -> float:
    """The share of the text's `words` that stand inside a quotation. Quotation spans begin
    and end at a mark or a dash, never inside a word, so counting the words of each span
    counts the words that lie wholly inside it."""
    if not words:
        return 0.0
    inside = 0
    end = -1
    # Spans sorted by start; a span inside the last counted one is not counted twice.
    for s, e in sorted((q.start, q.end) for q in quotes):
        if e <= end:
            continue
        inside += word_count(text, max(s, end), e)
        end = e
    return inside / words
