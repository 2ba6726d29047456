"""Direct quotations: where someone else's words stand in the text.

A hit's voice (the outlet's own narration, a quotation, or a scare quote) is read from these
spans. Handled: “…” and "…", ‘…’ and '…' (told apart from apostrophes), «…», „…“, quotations
left open at the end of a paragraph (the English convention for quotes that run over several
paragraphs), and the dash-led quotes of Russian-style texts ("… said. – We were once again …").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

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
    return sorted(set(found), key=lambda q: (q.start, -q.end))


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
    for m in _DASH_OPENER.finditer(text, start, end):
        inner = m.end()
        if any(q.start <= inner < q.end for q in marked):
            continue
        close = _DASH_CLOSER.search(text, inner, end)
        stop = close.start() if close else end
        # A mark-quoted passage right after the dash is already a quotation.
        if text[inner] in _PAIRS:
            continue
        out.append(Quote(inner, stop))
    return out


def enclosing(text: str, quotes: list[Quote], starts: list[int], start: int, end: int) -> list[Quote]:
    """The quotations that contain [start, end), outermost first. `quotes` are sorted as
    quotations() returns them and `starts` are their starts. A quotation never crosses a
    paragraph, so only the quotations of the hit's paragraph are looked at."""
    paragraph = text.rfind("\n", 0, start) + 1
    found = []
    i = bisect_right(starts, start)
    while i > 0:
        i -= 1
        q = quotes[i]
        if q.start < paragraph:
            break
        if end <= q.end:
            found.append(q)
    return found[::-1]


def is_scare_quote(text: str, quote: Quote, start: int, end: int) -> bool:
    """True when the quotation holds the term alone (its marks put the term at a distance)."""
    inner = text[quote.start : quote.end].strip(" \t,.;:!?")
    return inner.casefold() == text[start:end].casefold()


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
