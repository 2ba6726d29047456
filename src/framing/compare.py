"""Per-article scores into groups (outlet type, outlet, or article), and articles into their
outlets: the numbers the report shows.

Pure: article results in, group tables out. Sentence-level tone is pooled over all the
group's sentences; whole-text tone and readability are means over its articles.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from framing.outlets import Origin, Tag
from framing.quotes import Voice
from framing.score.readability import MEASURES
from framing.score.sentiment import NEGATIVE, POSITIVE

By = Literal["outlet_type", "outlet", "article"]
BY_CHOICES: tuple[By, ...] = ("outlet_type", "outlet", "article")


class HitKey(NamedTuple):
    """What a hit is counted under. A tuple: hashing and comparing it run in C, and every
    hit of a corpus is counted into a Counter (a dataclass's __eq__ was a tenth of a re-run)."""

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
    """Running totals: adding an article keeps its counts, not the article."""

    name: str
    articles: list[str] = field(default_factory=list)
    words: int = 0
    sentences: int = 0
    counts: Counter[HitKey] = field(default_factory=Counter)
    _tone_sum: float = 0.0
    _tone_n: int = 0
    _positive: int = 0
    _negative: int = 0
    _readability: dict[str, float] = field(default_factory=dict)

    def add(self, a: ArticleScores) -> None:
        self.articles.append(a.id)
        self.words += a.words
        self.sentences += a.sentences
        self.counts.update(a.hits)
        for c in a.sentence_compounds:
            # Summed one by one in input order: the same float as summing the full list.
            self._tone_sum += c
        self._tone_n += len(a.sentence_compounds)
        self._positive += sum(1 for c in a.sentence_compounds if c >= POSITIVE)
        self._negative += sum(1 for c in a.sentence_compounds if c <= NEGATIVE)
        for k, v in a.readability.items():
            self._readability[k] = self._readability.get(k, 0) + v

    @property
    def n(self) -> int:
        return len(self.articles)

    @property
    def mean_sentence_compound(self) -> float:
        return self._tone_sum / self._tone_n if self._tone_n else 0.0

    @property
    def positive_share(self) -> float:
        return self._positive / self._tone_n if self._tone_n else 0.0

    @property
    def negative_share(self) -> float:
        return self._negative / self._tone_n if self._tone_n else 0.0

    def readability_mean(self, measure: str) -> float:
        return self._readability[measure] / self.n if measure in self._readability and self.n else 0.0

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


def group_key(a: ArticleScores, by: By) -> str:
    return {"outlet_type": a.outlet_type, "outlet": a.outlet, "article": a.id}[by]


class Groups:
    """Articles folded into their groups as they come."""

    def __init__(self, by: By) -> None:
        self.by = by
        self._groups: dict[str, Group] = {}

    def add(self, a: ArticleScores) -> None:
        key = group_key(a, self.by)
        self._groups.setdefault(key, Group(key)).add(a)

    def __len__(self) -> int:
        return len(self._groups)

    def sorted(self) -> list[Group]:
        return [self._groups[k] for k in sorted(self._groups)]


def group(articles: Iterable[ArticleScores], by: By) -> list[Group]:
    groups = Groups(by)
    for a in articles:
        groups.add(a)
    return groups.sorted()


@dataclass
class OutletTotals:
    """One outlet under one tag (type and ownership): its articles, their words, and where
    the copy it reposted came from."""

    outlet: str
    type: str
    state_owned: str
    articles: int = 0
    words: int = 0
    origins: Counter[Origin] = field(default_factory=Counter)
    first: str = ""  # the earliest and latest YYYY-MM-DD date of its articles
    last: str = ""
    undated: int = 0  # articles whose date does not start with YYYY-MM-DD


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")  # ASCII: \d matches any script's digits


class Outlets:
    """Articles folded into their outlets as they come: a table as long as the outlets,
    whatever the number of articles."""

    def __init__(self) -> None:
        self._outlets: dict[tuple[str, str, str], OutletTotals] = {}

    def add(self, tag: Tag, words: int, date: str) -> None:
        key = (tag.outlet, tag.type, tag.state_owned)
        totals = self._outlets.get(key)
        if totals is None:
            totals = self._outlets[key] = OutletTotals(*key)
        totals.articles += 1
        totals.words += words
        if tag.origin is not None:
            totals.origins[tag.origin] += 1
        # Dates are as the input gives them; only ISO ones order as strings do (an export's
        # "2021-06-07 12:00:00" counts by its day).
        if _ISO_DAY.match(date):
            day = date[:10]
            totals.first = min(totals.first or day, day)
            totals.last = max(totals.last, day)
        else:
            totals.undated += 1

    def sorted(self) -> list[OutletTotals]:
        """By type, then most articles first, then name."""
        return sorted(self._outlets.values(), key=lambda o: (o.type, -o.articles, o.outlet, o.state_owned))


__all__ = [
    "BY_CHOICES",
    "MEASURES",
    "ArticleScores",
    "By",
    "Group",
    "Groups",
    "HitKey",
    "OutletTotals",
    "Outlets",
    "group",
]
