"""Tone with VADER, sentence by sentence. The only vaderSentiment import.

No whole-text score: VADER's compound saturates on long texts (|compound| ≥ 0.9 for 77% of
300 AllSides articles), and on a whole article its negation and idiom checks re-lowercase
the token list for every sentiment word, which made it 8× the cost of all the sentences
together.

Two shortcuts that leave every value as VADER gives it:
- a sentence seen before (wire copy reposted across outlets) is scored once;
- the others go through `vader_compound`, VADER 3.3.2's `polarity_scores` rules for the
  compound score only, with the sentence's lower-cased words made once. VADER itself
  lower-cases the whole word list again for every lexicon word it meets (three times, in
  its negation and idiom checks), rebuilds the text character by character to replace
  emoji, and computes pos/neg/neu that we do not use: together about half its time. Tests
  compare with bare VADER on every BASIL sentence, hand-picked rule cases and 3,005
  made-up sentences (long ones, "but" and emoji among them); the
  benchmark's --verify does it on every AllSides sentence (459,952 of them: equal, and
  3.3× faster than bare VADER). With it, skipping sentences that hold no VADER word (an
  earlier shortcut) no longer saved time, so it is gone.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from heapq import heappop, heappush
from pathlib import Path

from vaderSentiment import vaderSentiment as vader_module
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    allcap_differential,
    normalize,
    scalar_inc_dec,
)

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
        self.emoji = frozenset(self.analyzer.emojis)
        # The words VADER gives a valence: in its lexicon, and not a booster ("kind of" aside).
        self.valued = frozenset(self.analyzer.lexicon.keys() - BOOSTER_DICT.keys())
        self.memo: dict[str, float] = {}

    def compound(self, sentence: str) -> float:
        value = self.memo.get(sentence)
        if value is None:
            value = vader_compound(self, sentence)
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[sentence] = value
        return value


_NEGATE = frozenset(NEGATE)
_PUNCTUATION = string.punctuation  # what SentiText._strip_punc_if_word strips
# Lower-casing the whole text gives each word's lower case, except for the one character
# whose lower case is longer (İ, which can change a word's length past the strip rule) and
# capital sigma, whose lower case depends on its neighbours. Checked over every code point
# in the tests.
_LONGER_LOWER = "\u0130"
_CAPITAL_SIGMA = "\u03a3"


def _words(text: str) -> list[str]:
    """SentiText's words: split on white space, punctuation stripped from each word that
    keeps more than two characters (_strip_punc_if_word inline: a call per word was a
    tenth of the time)."""
    return [s if len(s := w.strip(_PUNCTUATION)) > 2 else w for w in text.split()]


def vader_compound(tone: _Tone, text: str) -> float:
    """VADER's compound score of one text, as `polarity_scores(text)["compound"]` gives it.

    The steps and their order are VADER 3.3.2's, line for line; only the repeated
    lower-casing is done once, and a text with no word of VADER's lexicon is 0.0 at once
    (its sentiments are all 0, which no later rule changes). Emoji are rewritten as words
    first, as VADER does, only in a text that holds one, and VADER's "but" rule gives its
    values without its quadratic search (`_but_check`).
    """
    if not text.isascii() and not tone.emoji.isdisjoint(text):  # VADER's emoji are not ASCII
        text = _emoji_as_words(text, tone.analyzer.emojis)
    text = text.strip()
    if text.isascii() or (_LONGER_LOWER not in text and _CAPITAL_SIGMA not in text):
        lower = _words(text.lower())
        if tone.valued.isdisjoint(lower):
            return 0.0  # no word with a valence: every sentiment is 0, and so is the sum
        words = _words(text)
    else:
        words = _words(text)
        lower = [w.lower() for w in words]
    if not words:
        return 0.0
    is_cap_diff = allcap_differential(words)
    lexicon = tone.analyzer.lexicon
    last = len(words) - 1
    sentiments: list[float] = [0] * len(words)
    for i in [i for i, low in enumerate(lower) if low in tone.valued]:
        if i < last and lower[i] == "kind" and lower[i + 1] == "of":
            continue
        sentiments[i] = _valence(lexicon, words, lower, is_cap_diff, i)
    if "but" in lower:
        sentiments = _but_check(sentiments, lower.index("but"))
    sum_s = float(sum(sentiments))
    emphasis = tone.analyzer._punctuation_emphasis(text)
    if sum_s > 0:
        sum_s += emphasis
    elif sum_s < 0:
        sum_s -= emphasis
    return float(round(normalize(sum_s), 4))


def _emoji_as_words(text: str, emojis: dict[str, str]) -> str:
    """The text with each emoji replaced by its description, as polarity_scores does it
    (a space before the description unless one is there; none after it)."""
    parts: list[str] = []
    prev_space = True
    for char in text:
        if char in emojis:
            if not prev_space:
                parts.append(" ")
            parts.append(emojis[char])
            prev_space = False
        else:
            parts.append(char)
            prev_space = char == " "
    return "".join(parts)


def _but_check(sentiments: list[float], but: int) -> list[float]:
    """SentimentIntensityAnalyzer._but_check, with `but` the first "but"'s index: what it
    gives, without its time, which grew with the square of the sentence (a sentence of
    200,000 words took 20 s).

    VADER walks the sentiments in order; for each value v it finds the first position that
    now holds v (`list.index`: an earlier position that an equal value, or a change, left
    holding v, else the current one) and halves it before the "but" or multiplies it by 1.5
    after. Here a heap per value keeps the positions that have held it; a position whose
    value has changed since is dropped when met (a position before the "but" only ever
    halves and one after only grows, so it never holds a value again). A 0 is skipped: the
    first 0 stays 0 when scaled, and the sum is the same."""
    out = list(sentiments)
    holding: dict[float, list[int]] = {}  # value -> heap of positions that have held it
    for k, value in enumerate(sentiments):
        if not value:
            continue
        heap = holding.setdefault(value, [])
        while heap and out[heap[0]] != value:
            heappop(heap)
        first = heap[0] if heap else k
        if first != k or first == but:
            heappush(heap, k)  # position k keeps its value
        if first != but:
            out[first] = value * 0.5 if first < but else value * 1.5
            heappush(holding.setdefault(out[first], []), first)
    return out


def _valence(
    lexicon: dict[str, float], words: list[str], lower: list[str], is_cap_diff: bool, i: int
) -> float:
    """SentimentIntensityAnalyzer.sentiment_valence for a word that is in VADER's lexicon."""
    low = lower[i]
    valence = lexicon[low]
    if low == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
        valence = 0.0
    if (
        (i > 0 and lower[i - 1] == "no")
        or (i > 1 and lower[i - 2] == "no")
        or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ["or", "nor"])
    ):
        valence = lexicon[low] * N_SCALAR
    if words[i].isupper() and is_cap_diff:
        valence = valence + C_INCR if valence > 0 else valence - C_INCR
    for start_i in range(0, 3):
        if i > start_i and lower[i - (start_i + 1)] not in lexicon:
            s = scalar_inc_dec(words[i - (start_i + 1)], valence, is_cap_diff)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = _negation_check(valence, lower, start_i, i)
            if start_i == 2:
                valence = _special_idioms_check(valence, lower, i)
    # SentimentIntensityAnalyzer._least_check
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * N_SCALAR
    return valence


def _negated(word: str) -> bool:
    """vaderSentiment.negated([word]) for one lower-case word."""
    return word in _NEGATE or "n't" in word


def _negation_check(valence: float, lower: list[str], start_i: int, i: int) -> float:
    """SentimentIntensityAnalyzer._negation_check on the lower-cased words."""
    if start_i == 0 and _negated(lower[i - 1]):
        valence = valence * N_SCALAR
    if start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * N_SCALAR
    if start_i == 2:
        if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
            lower[i - 1] == "so" or lower[i - 1] == "this"
        ):
            valence = valence * 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * N_SCALAR
    return valence


def _special_idioms_check(valence: float, lower: list[str], i: int) -> float:
    """SentimentIntensityAnalyzer._special_idioms_check on the lower-cased words."""
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


@cache
def _tone() -> _Tone:
    return _Tone()


def _vader_files() -> list[Path]:
    """VADER's rules (its module: the constants and functions copied or called here) and
    the two lexicons its analyzer reads from beside it."""
    folder = Path(vader_module.__file__).parent
    return [folder / "vaderSentiment.py", folder / "vader_lexicon.txt", folder / "emoji_utf8_lexicon.txt"]


def source_data() -> Iterator[bytes]:
    """The bytes of what tone is scored with besides framing's code: part of the key of
    every stored result (score.article.scoring_key)."""
    for path in _vader_files():
        yield path.read_bytes()


def warm_up() -> None:
    _tone()


def compound(text: str) -> float:
    return _tone().compound(text)


def sentiment(sentences: Iterable[str]) -> Sentiment:
    tone = _tone()
    return Sentiment(tuple(tone.compound(s) for s in sentences))
