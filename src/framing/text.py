"""Tokens, words and sentences: the one place that decides what a word and a sentence are.

Everything that counts or matches uses these functions, so a count in the report always
agrees with the evidence lines beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

import numpy as np
from numpy.typing import NDArray

# A match token is a run of letters or digits: "Crimea’s" is "crimea" + "s", "so-called" is
# "so" + "called". Lexicon terms are tokenised the same way, so both spellings meet.
_TOKEN = re.compile(r"[^\W_]+")
# A word, for counts and rates: hyphenated compounds and contractions count once, as in
# textstat and in most word counters people compare against.
_WORD = re.compile(r"[^\W_]+(?:[-‐‑'’][^\W_]+)*")
# Between two tokens of one multi-word term: spaces, a hyphen, an apostrophe. Never a line
# break, a full stop or a dash, so a term does not run across a sentence or a clause.
_JOINABLE_GAP = re.compile(r"[ \t\u00a0\-‐‑'’]{1,3}")


@dataclass(frozen=True)
class Tokens:
    """A text's match tokens as three parallel lists: plain lists are several times cheaper
    to build than one object per token, and tokenising runs on every word of a corpus."""

    starts: list[int]
    ends: list[int]
    norms: list[str]  # casefolded

    def __len__(self) -> int:
        return len(self.norms)

    @cached_property
    def start_array(self) -> NDArray[np.int64]:
        """The starts as an array, made once, for cleaning's lookups of lines and sentences."""
        return np.array(self.starts, dtype=np.int64)

    @cached_property
    def ids(self) -> TokenIds:
        """Made once, for cleaning's 5-grams, the lexicon matchers and the term counts."""
        return token_ids(self.norms)


@dataclass(frozen=True)
class TokenIds:
    """A text's tokens as numbers: its distinct norms (first use first) and, for each token,
    the index of its norm. Lexicon matching and term counting look words up in these
    arrays instead of walking the token list in Python."""

    words: list[str]
    index: dict[str, int]
    ids: NDArray[np.int64]
    _by_prefix: dict[int, dict[str, list[str]]] = field(default_factory=dict, repr=False, compare=False)

    def by_prefix(self, length: int) -> dict[str, list[str]]:
        """The distinct words by their first `length` characters (a shorter word by itself),
        made once per text: every lexicon with globs looks its glob prefixes up in it."""
        if length not in self._by_prefix:
            self._by_prefix[length] = words_by_prefix(self.words, length)
        return self._by_prefix[length]


def words_by_prefix(words: Iterable[str], length: int) -> dict[str, list[str]]:
    """`words` by their first `length` characters (a shorter word by itself)."""
    made: dict[str, list[str]] = {}
    for w in words:
        made.setdefault(w[:length], []).append(w)
    return made


def token_ids(norms: list[str]) -> TokenIds:
    words = list(dict.fromkeys(norms))
    index = {w: i for i, w in enumerate(words)}
    ids = np.fromiter(map(index.__getitem__, norms), dtype=np.int64, count=len(norms))
    return TokenIds(words, index, ids)


def tokens(text: str) -> Tokens:
    found = list(_TOKEN.finditer(text))
    # Case folding is per character, so folding the joined tokens folds each one ("\0" is
    # never part of a token). map() over the Match methods runs without a Python frame per
    # token: a fifth faster than list comprehensions.
    norms = "\0".join(map(re.Match.group, found)).casefold().split("\0") if found else []
    return Tokens(list(map(re.Match.start, found)), list(map(re.Match.end, found)), norms)


BMP = 0x10000  # the character tables cover the Basic Multilingual Plane


@cache
def char_table(pattern: str) -> NDArray[np.bool_]:
    """For each character of the Basic Multilingual Plane, whether the one-character regex
    `pattern` matches it: a table built from the very regex it stands in for."""
    match = re.compile(pattern).fullmatch
    return np.array([match(chr(c)) is not None for c in range(BMP)], dtype=bool)


def char_class(pattern: str, chars: NDArray[np.uint32]) -> NDArray[np.bool_]:
    """For each code point, whether the one-character regex `pattern` matches it: a lookup
    in char_table, and the regex itself for the few distinct characters beyond the Basic
    Multilingual Plane (emoji, mathematical letters). A text with one emoji used to take
    the regex path whole, which held a match object per token: a third of the time of
    comparing a 20 MB text."""
    table = char_table(pattern)
    if not len(chars) or int(chars.max()) < BMP:
        out: NDArray[np.bool_] = table[chars]
        return out
    out = table[np.minimum(chars, BMP - 1)]
    beyond = np.flatnonzero(chars >= BMP)
    distinct, which = np.unique(chars[beyond], return_inverse=True)
    match = re.compile(pattern).fullmatch
    out[beyond] = np.array([match(chr(c)) is not None for c in distinct.tolist()], dtype=bool)[which]
    return out


def code_points(text: str) -> NDArray[np.uint32]:
    """The text's characters as numbers, for lookups in a char_table."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


_TOKEN_CHAR = r"[^\W_]"  # one character of a _TOKEN
_JOINER = r"[-‐‑'’]"  # joins two tokens into one _WORD
_GAP_CHAR = _JOINABLE_GAP.pattern.removesuffix("{1,3}")  # one character of a joinable gap


def joinable_gaps(text: str, starts: NDArray[np.int64], ends: NDArray[np.int64]) -> NDArray[np.bool_]:
    """joinable(text, ends[i], starts[i + 1]) for every pair of consecutive tokens, at once:
    a gap of one to three characters, each one a gap character."""
    if len(starts) < 2:
        return np.zeros(0, dtype=bool)
    chars = code_points(text)
    is_gap = char_class(_GAP_CHAR, chars)
    gap = starts[1:] - ends[:-1]
    at = ends[:-1]
    last = len(chars) - 1
    joined = (gap <= 3) & is_gap[at]
    joined &= (gap < 2) | is_gap[np.minimum(at + 1, last)]
    joined &= (gap < 3) | is_gap[np.minimum(at + 2, last)]
    out: NDArray[np.bool_] = joined
    return out


def warm_up() -> None:
    """Build the character tables now (once, before worker processes are forked)."""
    for pattern in (_TOKEN_CHAR, _JOINER, _GAP_CHAR):
        char_table(pattern)


@lru_cache(maxsize=1)
def tokens_and_words(text: str) -> tuple[Tokens, int]:
    """tokens(text) and word_count(text) in one vectorised pass over the code points.

    A token is a maximal run of characters that _TOKEN matches, so a table lookup per
    character and the run edges find the same tokens as the regex; a word (_WORD) is a chain
    of tokens joined by exactly one hyphen or apostrophe. About four times faster than the
    regexes on news text.

    Memoised for the last text: cleaning tokenises the text to look for repeated
    paragraphs, and when it cuts nothing the document is made from that same text. When it
    cuts, the document's text takes the place of the old one, which is then of no use (two
    were kept until the next article: on one huge text, the tokens of both at once).
    Callers must not change the lists."""
    chars = code_points(text)
    if not len(chars):
        return Tokens([], [], []), 0
    inside = char_class(_TOKEN_CHAR, chars)
    edges = np.diff(inside.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if not len(starts):
        return Tokens([], [], []), 0
    # Each token followed by one separator character: NUL, never part of a text's token.
    ends_token = np.zeros(len(chars), dtype=bool)
    ends_token[ends[ends < len(chars)]] = True
    kept = np.where(inside, chars, 0)[inside | ends_token]
    norms = kept.tobytes().decode("utf-32-le").casefold().split("\0")
    if len(norms) > len(starts):  # the text ends with a separator
        norms.pop()
    gaps = starts[1:] - ends[:-1]
    joined = (gaps == 1) & char_class(_JOINER, chars[ends[:-1]])
    words = len(starts) - int(np.count_nonzero(joined))
    return Tokens(starts.tolist(), ends.tolist(), norms), words


def norm_key(text: str) -> str:
    """The casefolded tokens joined by spaces, as " ".join(tokens(text).norms) gives them
    (casefolding is per character and maps no character to a space)."""
    return " ".join(_TOKEN.findall(text)).casefold()


def term_tokens(term: str) -> list[str]:
    """A lexicon term's tokens, split exactly as text is split (the glob `*` kept on its token)."""
    return [m.group().casefold() for m in re.finditer(r"[^\W_]+\*?", term)]


def joinable(text: str, left_end: int, right_start: int) -> bool:
    """May the tokens ending at `left_end` and starting at `right_start` be consecutive
    tokens of one multi-word term?"""
    return _JOINABLE_GAP.fullmatch(text, left_end, right_start) is not None


def word_count(text: str, start: int = 0, end: int | None = None) -> int:
    return len(_WORD.findall(text, start, len(text) if end is None else end))


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cmdr sgt adm sen rep gov pres st jr sr
    inc ltd co corp no nos vs etc approx jan feb apr aug sep sept oct nov dec
    u.s u.k u.n e.g i.e a.m p.m""".split()
)
# End of sentence: . ! ? or … (possibly several), closing quotes or brackets, then space and
# something that can start a sentence. Tried only where a run of marks begins: from inside
# a run it ends where the run does, so it finds nothing new, and trying from every mark of
# a long run ("!!!…") took time that grew with the square of the run (9 s for 20,000).
# The first mark comes before the look back (no mark before it) so that the pattern starts
# with a character set, which the regex engine skips to directly: half the time of the same
# pattern led by the look back, which the engine tries at every character.
_SENTENCE_END = re.compile(r"[.!?…](?<![.!?…].)[.!?…]*[\"”’»)\]]*(?=\s+[\"“‘«(\[–—-]?\s?[A-Z0-9А-ЯЁ])")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
_WORD_OR_DOT = re.compile(r"[\w.]")
_ABBREVIATION_WINDOW = 10  # more than the longest abbreviation (6 characters) and its dot


@lru_cache(maxsize=1)
def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in `text`, trimmed of surrounding white space.

    A line break always ends a sentence: in the texts we load, lines are paragraphs,
    headlines or captions.

    Memoised for the last text, as tokens_and_words is: cleaning splits the text to
    find a headline repeated as the lede, and the document is made from that same text
    when cleaning cuts nothing. Callers must not change the list.
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in _SENTENCE_END.finditer(text, line.start(), line.end()):
            if _is_abbreviation(text, start, m.start() + 1, m.group()):
                continue
            _add_trimmed(text, start, m.end(), spans)
            start = m.end()
        _add_trimmed(text, start, line.end(), spans)
    return spans


def _is_abbreviation(text: str, start: int, dot_end: int, mark: str) -> bool:
    if not mark.startswith("."):
        return False
    # The word before the dot, looked for in the last few characters only: searching from
    # the sentence start made this quadratic in the sentence's length. A run of word
    # characters that reaches past the window is longer than any abbreviation or initial.
    lo = max(start, dot_end - _ABBREVIATION_WINDOW)
    before = _WORD_BEFORE.search(text, lo, dot_end)
    if before is None or (before.start() == lo > start and _WORD_OR_DOT.match(text, lo - 1)):
        return False
    word = before.group(1)
    # An initial ("Tod D. Wolters") or a listed abbreviation.
    return (len(word) == 1 and word.isupper()) or word.casefold() in _ABBREVIATIONS


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
