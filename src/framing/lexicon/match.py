"""Finding lexicon terms in text: case-insensitive, on word boundaries, multi-word, with
trailing-`*` globs; at each place the longest match wins and no word is counted twice.

Terms live in a trie of tokens, so one left-to-right pass over the tokens finds every term
of a lexicon whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from framing.lexicon.load import MIN_GLOB_PREFIX, Entry
from framing.text import TokenIds, Tokens, joinable, words_by_prefix


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    # prefix globs, indexed by their first MIN_GLOB_PREFIX letters
    globs: dict[str, list[tuple[str, _Node]]] = field(default_factory=dict)
    entry: Entry | None = None


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    first: int  # index of the first token
    last: int  # index one past the last token


class Matcher:
    def __init__(self, entries: tuple[Entry, ...] | list[Entry]) -> None:
        self._root = _Node()
        for e in entries:
            node = self._root
            for tok in e.tokens:
                if tok.endswith("*"):
                    prefix = tok[:-1]
                    bucket = node.globs.setdefault(prefix[:MIN_GLOB_PREFIX], [])
                    nxt = next((n for p, n in bucket if p == prefix), None)
                    if nxt is None:
                        nxt = _Node()
                        bucket.append((prefix, nxt))
                    node = nxt
                else:
                    node = node.children.setdefault(tok, _Node())
            node.entry = e
        self._first = frozenset(self._root.children)
        self._first_prefixes = frozenset(self._root.globs)
        # First words that end no entry and lead to no glob, with the words that can follow
        # them: "the" starts only "the Ukraine". In a text with none of those words, such a
        # first word starts nothing, and its thousands of places are not walked.
        self._needs_next = {
            w: frozenset(n.children)
            for w, n in self._root.children.items()
            if n.entry is None and not n.globs
        }

    def find(
        self, text: str, toks: Tokens, lo: int = 0, hi: int | None = None, ids: TokenIds | None = None
    ) -> list[Match]:
        """Matches among tokens lo..hi (all of them by default). `ids`, the text's token ids,
        makes a search of all the tokens cheaper."""
        found: list[Match] = []
        norms, starts, ends = toks.norms, toks.starts, toks.ends
        n = len(norms) if hi is None else hi
        if lo != 0 or n != len(norms):
            ids = None  # they describe all the tokens, not a window
        # Most tokens start no term. The words that can start one are found with set
        # operations (in C), and only their positions are walked through the trie.
        present = set(norms[lo:n]) if ids is None else ids.index.keys()
        can_start = present & self._first
        for w in can_start & self._needs_next.keys():
            if self._needs_next[w].isdisjoint(present):
                can_start.discard(w)
        if self._first_prefixes:  # after the discards: a word may also start a glob
            by_prefix = (
                ids.by_prefix(MIN_GLOB_PREFIX)
                if ids is not None
                else words_by_prefix(present, MIN_GLOB_PREFIX)
            )
            for prefix in self._first_prefixes & by_prefix.keys():
                can_start.update(by_prefix[prefix])
        if not can_start:
            return found
        if ids is not None:
            starting = np.zeros(len(ids.words), dtype=bool)
            starting[[ids.index[w] for w in can_start]] = True
            positions: list[int] = np.flatnonzero(starting[ids.ids]).tolist()
        else:
            positions = [k for k, w in enumerate(norms[lo:n], lo) if w in can_start]
        i = lo
        for k in positions:
            if k < i:
                continue  # inside the previous match
            i = k
            best: tuple[int, int, Entry] | None = None  # (end, literal length, entry)
            stack = [(self._root, i)]
            while stack:
                node, j = stack.pop()
                if node.entry is not None and j > i:
                    key = (j, node.entry.literal_length)
                    if best is None or key > best[:2]:
                        best = (j, node.entry.literal_length, node.entry)
                if j >= n or (j > i and not joinable(text, ends[j - 1], starts[j])):
                    continue
                word = norms[j]
                child = node.children.get(word)
                if child is not None:
                    stack.append((child, j + 1))
                for prefix, nxt in node.globs.get(word[:MIN_GLOB_PREFIX], ()):
                    if word.startswith(prefix):
                        stack.append((nxt, j + 1))
            if best is not None:
                found.append(Match(best[2], i, best[0]))
                i = best[0]
        return found
