"""Distinctive vocabulary: each group against the rest (and chosen pairs head to head),
the lexicon each top term already belongs to, and one line of evidence for each top term.

The counting happens during the run (keyness.TermCounts); this module works on the totals
and, for the evidence lines only, reads the input a second time until every top term has
been seen once (top terms are common, so this usually stops early).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from framing import cache
from framing.clean import clean
from framing.corpus import read_inputs
from framing.document import prepare
from framing.errors import InputError
from framing.keyness import Comparison, Row, TermCounts, compare, in_sorted, listed_rows, table_parts
from framing.lexicon.load import MIN_GLOB_PREFIX, Lexicon
from framing.outlets import Registry, tag
from framing.terms import occurrences

if TYPE_CHECKING:
    from framing.config import CompareConfig, KeynessConfig
    from framing.score.article import Scorer

KWIC_WIDTH = 60
MAX_GROUPS = 40  # groups compared each against the rest


@dataclass(frozen=True)
class Example:
    article: str
    outlet: str
    before: str  # text before the term, within its sentence, possibly cut with "…"
    term: str
    after: str


@dataclass
class Counted:
    """The articles whose terms were counted, in counting order: each one's id, to find its
    keyness examples on a second read of the input, and its text's key in the result store
    (`version` and the text), to tell that the second read gives the same text: an input
    rewritten while the run read it would give examples cut from other texts."""

    version: str = ""
    ids: list[str] = field(default_factory=list)
    text_keys: bytearray = field(default_factory=bytearray)  # 16 bytes an article

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, article_id: str, text_key: bytes) -> None:
        self.ids.append(article_id)
        self.text_keys += text_key

    def holds(self, place: int, text: str) -> bool:
        """Whether `text` is the text counted as article `place`."""
        return self.text_keys[16 * place : 16 * place + 16] == cache.text_key(self.version, text)


@dataclass(frozen=True)
class Distinctive:
    config: KeynessConfig
    # Excerpts: the top rows each way and the lexicon terms' rows (see keyness.compare);
    # `tables()` gives the full tables.
    comparisons: list[Comparison]
    marks: dict[str, list[str]]  # term -> the lexicon entries it is ("contrasts.csv: crimea_2014/annexation")
    examples: dict[tuple[str, str], Example]  # (group the example is from, term) -> example
    counts: TermCounts = field(repr=False, compare=False, default_factory=TermCounts)
    counted: Counted = field(repr=False, compare=False, default_factory=Counted)
    # What the counts are of (every counted text and its group, in order; see pipeline.py),
    # if known: with the settings, the key under which a table may be kept in the store.
    corpus_key: bytes = b""

    def table(self, c: Comparison) -> Iterator[Comparison]:
        """The rows of comparison `c` for every term used at least min_count times, made
        again a part at a time (for the JSON): the tables of a large corpus hold millions
        of rows. No lexicon changes them, so they can be kept across lexicon edits."""
        k = self.config
        return table_parts(self.counts, c, k.prior, k.variance, k.min_count)

    def listed(self, c: Comparison) -> Comparison:
        """The rows of comparison `c` for the lexicon terms used fewer than min_count times."""
        k = self.config
        return listed_rows(self.counts, c, k.prior, k.variance, k.min_count, frozenset(self.marks))

    def table_key(self, c: Comparison, code: str) -> bytes | None:
        """The key of `table(c)` in the result store: the corpus, the keyness settings, the
        comparison and `code`, the version of the code that makes and writes it. None when
        the corpus is not known."""
        if not self.corpus_key:
            return None
        k = self.config
        h = hashlib.blake2b(self.corpus_key, digest_size=16)
        background = sorted((k.prior.background or {}).items())
        settings = (code, k.prior.kind, k.prior.value, background, k.variance, k.min_count)
        parts = (*settings, sorted(k.stop_words), c.group_i, c.group_j, c.n)
        h.update(repr(parts).encode("utf-8", "surrogatepass"))
        return h.digest()

    def top(self, c: Comparison) -> tuple[list[Row], list[Row]]:
        """The terms group i uses most against group j, and those it uses least."""
        n = self.config.top
        size = len(c)
        more = [c.row(k) for k in range(min(n, size)) if c.z[k] > 0]
        less = [c.row(k) for k in reversed(range(max(size - n, 0), size)) if c.z[k] < 0]
        return more, less


def lexicon_marks(lexicons: list[Lexicon], counts: TermCounts) -> dict[str, list[str]]:
    """Every counted word or phrase that a lexicon entry of one or two tokens matches whole."""
    by_prefix: dict[str, list[int]] = {}  # first letters -> word ids, for globs
    for i, w in enumerate(counts.words):
        by_prefix.setdefault(w[:MIN_GLOB_PREFIX], []).append(i)

    def matching(token: str) -> NDArray[np.int64]:
        """Ids of the words a lexicon token matches (a glob: every word with its prefix)."""
        if not token.endswith("*"):
            i = counts.word_ids.get(token)
            return np.array([] if i is None else [i], dtype=np.int64)
        prefix = token[:-1]
        ids = [i for i in by_prefix.get(prefix[:MIN_GLOB_PREFIX], []) if counts.words[i].startswith(prefix)]
        return np.array(ids, dtype=np.int64)

    phrases = counts.keys(2)
    left: NDArray[np.int64] | None = None  # each phrase's word ids, made when a glob needs them
    right: NDArray[np.int64] | None = None
    marks: dict[str, set[str]] = {}
    for lex in lexicons:
        for e in lex.entries:
            if len(e.tokens) > 2:
                continue
            label = f"{lex.file}: {e.group}"
            if len(e.tokens) == 1:
                # Every word seen is in the word vocabulary: no membership test needed.
                terms = [counts.words[int(k)] for k in matching(e.tokens[0])]
            else:
                first, second = matching(e.tokens[0]), matching(e.tokens[1])
                if not len(first) or not len(second):
                    continue
                if len(first) == 1 and len(second) == 1:
                    key = (int(first[0]) << 32) | int(second[0])
                    k = int(np.searchsorted(phrases, key))
                    hit_keys = phrases[k : k + 1] if k < len(phrases) and phrases[k] == key else phrases[:0]
                else:
                    if left is None or right is None:
                        left, right = phrases >> 32, phrases & 0xFFFFFFFF
                    hit_keys = phrases[in_sorted(left, first) & in_sorted(right, second)]
                terms = counts.terms(2, hit_keys)
            for term in terms:
                marks.setdefault(term, set()).add(label)
    return {t: sorted(labels) for t, labels in marks.items()}


def distinctive(
    config: CompareConfig,
    keyness: KeynessConfig,
    scorer: Scorer,
    counts: TermCounts,
    groups: list[str],
    counted: Counted,
    corpus_key: bytes = b"",
    known_examples: dict[tuple[str, str], Example] | None = None,
) -> Distinctive:
    marks = lexicon_marks(scorer.lexicons, counts)
    always = frozenset(marks)
    comparisons = []
    # Each group against the rest, up to MAX_GROUPS groups (grouping by article gives one
    # group per article: thousands of tables nobody reads); pairs asked for always.
    against_rest = 1 < len(groups) <= MAX_GROUPS
    pairs: list[tuple[str, str | None]] = [(g, None) for g in groups] if against_rest else []
    pairs += list(keyness.pairs)
    # Kept: the report's top rows each way, and enough further rows for `lexicon suggest`
    # to find `top` fresh terms per group after skipping lexicon terms and earlier picks.
    head = keyness.top * (len(pairs) + 1) + len(always)
    for gi, gj in pairs:
        for n in (1, 2):
            comparisons.append(
                compare(
                    counts,
                    n,
                    gi,
                    gj,
                    keyness.prior,
                    keyness.variance,
                    keyness.min_count,
                    always,
                    (head, keyness.top),
                )
            )
    result = Distinctive(keyness, comparisons, marks, {}, counts, counted, corpus_key)
    wanted: dict[str, set[tuple[str, str | None]]] = {}
    for c in result.comparisons:
        more, less = result.top(c)
        for r in more:
            wanted.setdefault(r.term, set()).add((c.group_i, None))
        for r in less:
            side: tuple[str, str | None] = (c.group_i, "not") if c.group_j == "rest" else (c.group_j, None)
            wanted.setdefault(r.term, set()).add(side)
    find_examples(config, scorer.registry, result, wanted, known_examples)
    return result


def find_examples(
    config: CompareConfig,
    registry: Registry,
    result: Distinctive,
    wanted: dict[str, set[tuple[str, str | None]]],
    known: dict[tuple[str, str], Example] | None = None,
) -> None:
    """One example per wanted term and side: side (group, None) wants an article of that
    group, (group, "not") one of any other group. The counts know which article that is;
    the input is read a second time and only those articles are cleaned and searched.
    `known`: examples found before in the same corpus (kept in the result store), used as
    they are."""
    needed: dict[str, list[tuple[str, str]]] = {}  # article id -> [(term, example key)]
    places: dict[str, int] = {}  # article id -> its place in counting order
    for term, sides in wanted.items():
        for group, other in sides:
            key = group if other is None else f"not {group}"
            if known and (key, term) in known:
                result.examples[(key, term)] = known[(key, term)]
                continue
            place = result.counts.first(term, group, other=other == "not")
            if place is not None:
                article_id = result.counted.ids[place]
                needed.setdefault(article_id, []).append((term, key))
                places[article_id] = place
    if not needed:
        return
    for article in read_inputs(list(config.inputs), lambda _m: None):
        found = needed.pop(article.id, None)
        if found is None:
            continue
        if not result.counted.holds(places[article.id], article.text):
            raise InputError(
                f"{article.source}: article {article.id!r} is not the text it was when first read: "
                "the input changed during the run. Run again once it is written"
            )
        cleaned = clean(article.text)
        t = tag(article.outlet, article.url, cleaned, registry)
        doc = prepare(cleaned.text)
        for term, key in found:
            spans = occurrences(doc, term)
            if spans:
                result.examples[(key, term)] = _example(
                    doc.text, doc.sentences, *spans[0], article.id, t.outlet
                )
        if not needed:
            return


def _example(
    text: str, sentences: list[tuple[int, int]], start: int, end: int, article: str, outlet: str
) -> Example:
    s, e = next(((a, b) for a, b in sentences if a <= start < b), (0, len(text)))
    left = max(s, start - KWIC_WIDTH)
    right = min(e, end + KWIC_WIDTH)
    if left > s:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < e:
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    before = ("…" if left > s else "") + text[left:start]
    after = text[end:right] + ("…" if right < e else "")
    return Example(article, outlet, before, text[start:end], after)
