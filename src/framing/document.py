"""An analysed text with what every scorer needs from it, computed once."""

from __future__ import annotations

from dataclasses import dataclass

from framing.quotes import Quote, quotations
from framing.text import Token, sentences, tokens, word_spans


@dataclass(frozen=True)
class Document:
    text: str
    tokens: list[Token]
    sentences: list[tuple[int, int]]
    quotes: list[Quote]
    words: list[tuple[int, int]]
    quote_starts: list[int]

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence that holds `offset` (the nearest before it if none does)."""
        lo, hi = 0, len(self.sentences) - 1
        best = 0
        while lo <= hi:
            mid = (lo + hi) // 2
            if self.sentences[mid][0] <= offset:
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        return best


def prepare(text: str) -> Document:
    quotes = quotations(text)
    return Document(text, tokens(text), sentences(text), quotes, word_spans(text), [q.start for q in quotes])
