"""The words and two-word phrases counted for keyness, and where each occurs.

Both come from one function, `spans`, so a term's count always equals the number of its
evidence lines. A word is a match token (text.py); a bigram is two consecutive tokens of one
sentence with only a space, hyphen or apostrophe between them, the rule multi-word lexicon
terms follow, so "military bloc" is counted where a lexicon would match it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from framing.document import Document
from framing.text import joinable


def spans(doc: Document, n: int) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) for every unigram (n = 1) or bigram (n = 2) of the text."""
    toks = doc.tokens
    norms, starts, ends = toks.norms, toks.starts, toks.ends
    if n == 1:
        yield from zip(norms, starts, ends, strict=True)
        return
    # A joinable gap holds no full stop, line break or dash, so a bigram never spans two
    # sentences. Most gaps are one space: that case skips the regex.
    text = doc.text
    for i in range(len(norms) - 1):
        a_end, b_start = ends[i], starts[i + 1]
        if (b_start - a_end == 1 and text[a_end] == " ") or joinable(text, a_end, b_start):
            yield f"{norms[i]} {norms[i + 1]}", starts[i], ends[i + 1]


def counts(doc: Document) -> tuple[Counter[str], Counter[str]]:
    """Unigram and bigram counts of one text."""
    return Counter(doc.tokens.norms), Counter(t for t, _, _ in spans(doc, 2))


def occurrences(doc: Document, term: str) -> list[tuple[int, int]]:
    """Where `term` (a unigram or a bigram as counted) occurs in the text."""
    n = len(term.split(" "))
    return [(s, e) for t, s, e in spans(doc, n) if t == term]


@dataclass(frozen=True)
class TextTerms:
    """One text's counts in a compact form that travels cheaply between processes: its
    distinct words, and its phrases as pairs of indices into them."""

    words: tuple[str, ...]
    counts: tuple[int, ...]
    pairs: tuple[tuple[int, int, int], ...]  # (first word, second word, count)


def compact_counts(doc: Document, stop_words: frozenset[str] = frozenset()) -> TextTerms:
    """The counts of `counts(doc)`, less the stop words and the phrases that hold one."""
    index: dict[str, int] = {}
    local: list[int] = []
    for w in doc.tokens.norms:
        i = index.get(w)
        if i is None:
            i = index[w] = len(index)
        local.append(i)
    words = list(index)
    word_counts = Counter(local)
    toks, text = doc.tokens, doc.text
    pairs: Counter[tuple[int, int]] = Counter()
    for i in range(len(local) - 1):
        a_end, b_start = toks.ends[i], toks.starts[i + 1]
        if (b_start - a_end == 1 and text[a_end] == " ") or joinable(text, a_end, b_start):
            pairs[(local[i], local[i + 1])] += 1
    if stop_words:
        keep = [w not in stop_words for w in words]
        new: dict[int, int] = {}
        for i, kept in enumerate(keep):
            if kept:
                new[i] = len(new)
        words = [w for i, w in enumerate(words) if keep[i]]
        word_counts = Counter({new[i]: n for i, n in word_counts.items() if keep[i]})
        pairs = Counter({(new[a], new[b]): n for (a, b), n in pairs.items() if keep[a] and keep[b]})
    return TextTerms(
        tuple(words),
        tuple(word_counts[i] for i in range(len(words))),
        tuple((a, b, n) for (a, b), n in pairs.items()),
    )
