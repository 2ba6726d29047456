"""Tone with VADER, sentence by sentence. The only vaderSentiment import.

No whole-text score: VADER's compound saturates on long texts (|compound| ≥ 0.9 for 77% of
300 AllSides articles), and on a whole article its negation and idiom checks re-lowercase
the token list for every sentiment word, which made it 8× the cost of all the sentences
together.

Two shortcuts that leave every value as VADER gives it:
- a sentence in which no word can be a VADER lexicon item and no character is an emoji
  scores exactly 0.0 (every valence is 0, and normalize(0) is 0), so VADER is not called;
- a sentence seen before (wire copy reposted across outlets) is scored once.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# VADER's own thresholds for calling a text positive or negative (its README).
POSITIVE = 0.05
NEGATIVE = -0.05
_MEMO_LIMIT = 200_000  # distinct sentences remembered per process (about 40 MB at most)


@dataclass(frozen=True)
class Sentiment:
    sentence_compounds: tuple[float, ...]

    @property
    def mean_sentence(self) -> float:
        c = self.sentence_compounds
        return sum(c) / len(c) if c else 0.0

    @property
    def positive(self) -> int:
        return sum(1 for c in self.sentence_compounds if c >= POSITIVE)

    @property
    def negative(self) -> int:
        return sum(1 for c in self.sentence_compounds if c <= NEGATIVE)


class _Tone:
    def __init__(self) -> None:
        self.analyzer = SentimentIntensityAnalyzer()
        self.lexicon = frozenset(self.analyzer.lexicon)
        self.emoji = frozenset(self.analyzer.emojis)
        self.memo: dict[str, float] = {}

    def can_score(self, sentence: str) -> bool:
        """False only when VADER is sure to give 0.0. VADER looks up each whitespace-split
        word, or the word stripped of ASCII punctuation, lower-cased; both forms are tried."""
        if not self.emoji.isdisjoint(sentence):
            return True
        words = sentence.lower().split()
        if not self.lexicon.isdisjoint(words):
            return True
        return not self.lexicon.isdisjoint(w.strip(string.punctuation) for w in words)

    def compound(self, sentence: str) -> float:
        value = self.memo.get(sentence)
        if value is None:
            value = (
                float(self.analyzer.polarity_scores(sentence)["compound"])
                if self.can_score(sentence)
                else 0.0
            )
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[sentence] = value
        return value


@cache
def _tone() -> _Tone:
    return _Tone()


def warm_up() -> None:
    _tone()


def compound(text: str) -> float:
    return _tone().compound(text)


def sentiment(sentences: Iterable[str]) -> Sentiment:
    tone = _tone()
    return Sentiment(tuple(tone.compound(s) for s in sentences))
