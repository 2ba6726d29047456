"""Which stored hits still hold after a lexicon file was edited.

An entry can match only where all its tokens occur, so a text's stored hits of an older
version of the file stay valid if the text lacks a token of every entry that was added,
removed or changed: only the other texts are matched again. The store's token sets rule
out most texts without reading their tokens (cache.Store.clear_of).
"""

from __future__ import annotations

from typing import Any

from framing import cache
from framing.lexicon.load import Entry, Lexicon
from framing.score.lexicon import Hit, StoredHit


def identity(e: Entry) -> tuple[Any, ...]:
    """What an entry is, whatever line it is on: a lexicon version is stored as these."""
    return (e.term, e.tokens, e.concept, e.frame, e.category, e.context)


class Edits:
    """For one lexicon file: what changed between a stored version and the current one."""

    def __init__(self, store: cache.Store, lexicon: Lexicon) -> None:
        self.store = store
        self.lexicon = lexicon
        self.current = [identity(e) for e in lexicon.entries]
        self.by_identity = {ident: e for ident, e in zip(self.current, lexicon.entries, strict=True)}
        self.position = {ident: k for k, ident in enumerate(self.current)}  # as by_identity: the last
        self._old: dict[str, tuple[list[tuple[Any, ...]], list[tuple[str, ...]], bool] | None] = {}
        self._clear: dict[str, set[bytes]] = {}

    def _version(self, sha: str) -> tuple[list[tuple[Any, ...]], list[tuple[str, ...]], bool] | None:
        """The stored version's entries, the token sets of the entries that differ, and
        whether every entry of both versions is at the same position in each."""
        if sha not in self._old:
            old = self.store.lexicon(sha)
            if old is None:
                self._old[sha] = None
            else:
                changed = set(old) ^ set(self.current)
                unmoved = all(self.position.get(ident, k) == k for k, ident in enumerate(old))
                self._old[sha] = (old, [ident[1] for ident in changed], unmoved)
        return self._old[sha]

    def clear(self, sha: str) -> set[bytes]:
        """Texts whose stored hits of version `sha` hold as they are: by the store's token
        sets, none of them holds all the tokens of an entry that differs."""
        if sha not in self._clear:
            version = self._version(sha)
            self._clear[sha] = set() if version is None else self.store.clear_of(version[1])
        return self._clear[sha]

    def unmoved(self, sha: str) -> bool:
        """Whether hits stored under version `sha` and carried over are stored the same
        under the current version (every entry they can name kept its position)."""
        version = self._version(sha)
        return version is not None and version[2]

    def carry_over(
        self, sha: str, stored: list[StoredHit], vocabulary: str | None, clear: bool = False
    ) -> list[Hit] | None:
        """The stored hits, valid for the current lexicon; None if they must be recomputed.
        `clear`: the text is known to hold no differing entry (see `clear`), so its
        vocabulary is not needed."""
        version = self._version(sha)
        if version is None:
            return None
        old, changed, _ = version
        if not clear:
            if vocabulary is None:
                return None
            words = "\n" + vocabulary + "\n"
            for toks in changed:
                if all((f"\n{t[:-1]}" if t.endswith("*") else f"\n{t}\n") in words for t in toks):
                    return None  # an added, removed or edited entry could match here
        by_identity = self.by_identity
        return [
            Hit(by_identity[old[i]], start, end, voice, (s0, s1)) for i, start, end, voice, s0, s1 in stored
        ]
