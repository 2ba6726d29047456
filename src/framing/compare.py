"""Per-article scores into groups (outlet type, outlet, or article): the numbers the report shows.

Pure: article results in, group tables out. Sentence-level tone is pooled over all the
group's sentences; whole-text tone and readability are means over its articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from framing.score.lexicon import Voice
from framing.score.readability import MEASURES
from framing.score.sentiment import NEGATIVE, POSITIVE

By = Literal["outlet_type", "outlet", "article"]
BY_CHOICES: tuple[By, ...] = ("outlet_type", "outlet", "article")


@dataclass(frozen=True)
class HitKey:
    lexicon: str
    concept: str  # empty for category lexicons
    label: str  # the frame, or the category
    term: str  # the lexicon term that matched
    voice: Voice


@dataclass(frozen=True)
class ArticleScores:
    """What compare needs of one article."""

    id: str
    outlet: str
    outlet_type: str
    words: int
    sentences: int
    hits: tuple[HitKey, ...]
    sentence_compounds: tuple[float, ...]
    readability: dict[str, float]


@dataclass
class Group:
    name: str
    articles: list[str] = field(default_factory=list)
    words: int = 0
    sentences: int = 0
    counts: Counter[HitKey] = field(default_factory=Counter)
    _sentence_compounds: list[float] = field(default_factory=list)
    _readability: dict[str, list[float]] = field(default_factory=dict)

    def add(self, a: ArticleScores) -> None:
        self.articles.append(a.id)
        self.words += a.words
        self.sentences += a.sentences
        self.counts.update(a.hits)
        self._sentence_compounds.extend(a.sentence_compounds)
        for k, v in a.readability.items():
            self._readability.setdefault(k, []).append(v)

    @property
    def n(self) -> int:
        return len(self.articles)

    @property
    def mean_sentence_compound(self) -> float:
        return _mean(self._sentence_compounds)

    @property
    def positive_share(self) -> float:
        s = self._sentence_compounds
        return sum(1 for c in s if c >= POSITIVE) / len(s) if s else 0.0

    @property
    def negative_share(self) -> float:
        s = self._sentence_compounds
        return sum(1 for c in s if c <= NEGATIVE) / len(s) if s else 0.0

    def readability_mean(self, measure: str) -> float:
        return _mean(self._readability.get(measure, []))

    def per_thousand(self, count: int) -> float:
        return 1000 * count / self.words if self.words else 0.0

    def total(
        self, lexicon: str, *, concept: str | None = None, label: str | None = None, voice: str | None = None
    ) -> int:
        """Hits of one lexicon, narrowed to a concept, a frame or category, a voice."""
        return sum(
            n
            for k, n in self.counts.items()
            if k.lexicon == lexicon
            and (concept is None or k.concept == concept)
            and (label is None or k.label == label)
            and (voice is None or k.voice == voice)
        )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def group_key(a: ArticleScores, by: By) -> str:
    return {"outlet_type": a.outlet_type, "outlet": a.outlet, "article": a.id}[by]


def group(articles: Iterable[ArticleScores], by: By) -> list[Group]:
    groups: dict[str, Group] = {}
    for a in articles:
        key = group_key(a, by)
        groups.setdefault(key, Group(key)).add(a)
    return [groups[k] for k in sorted(groups)]


__all__ = ["BY_CHOICES", "MEASURES", "ArticleScores", "By", "Group", "HitKey", "group"]
