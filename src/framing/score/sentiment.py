"""Tone with VADER, per sentence and for the whole text. The only vaderSentiment import."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from framing.document import Document

# VADER's own thresholds for calling a text positive or negative (its README).
POSITIVE = 0.05
NEGATIVE = -0.05


@dataclass(frozen=True)
class Sentiment:
    text_compound: float  # VADER on the whole analysed text
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


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    return float(_analyzer().polarity_scores(text)["compound"])


def sentiment(doc: Document) -> Sentiment:
    return Sentiment(
        text_compound=compound(doc.text),
        sentence_compounds=tuple(compound(doc.text[s:e]) for s, e in doc.sentences),
    )
