"""An analysed text with what every scorer needs from it, computed once."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from framing.quotes import Quote, quotations, reach
from framing.text import TokenIds, Tokens, sentences, tokens_and_words


@dataclass(frozen=True)
class Document:
    text: str
    tokens: Tokens
    sentences: list[tuple[int, int]]
    quotes: list[Quote]
    words: int
    quote_starts: list[int]
    quote_reaches: list[int]

    @property
    def token_ids(self) -> TokenIds:
        return self.tokens.ids

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence that holds `offset` (the nearest before it if none does)."""
        return max(0, bisect_right(self.sentences, (offset, len(self.text) + 1)) - 1)

    def sentence_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.sentences]


def prepare(text: str) -> Document:
    quotes = quotations(text)
    toks, words = tokens_and_words(text)
    return Document(text, toks, sentences(text), quotes, words, [q.start for q in quotes], reach(quotes))
