"""Lexicon hits, each with its sentence and its voice.

Voice is the heart of the comparison: the same word in the outlet's own narration, inside
someone else's quoted words, or alone in quotation marks (a scare quote) says three
different things about the outlet.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from framing.document import Document
from framing.lexicon.load import Entry, Lexicon
from framing.lexicon.match import Matcher
from framing.quotes import Voice
from framing.quotes import voice as quote_voice

VOICES: tuple[Voice, ...] = ("own", "scare", "quoted")


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    start: int  # offsets in the analysed text
    end: int
    voice: Voice
    sentence: tuple[int, int]  # the span of its sentence


# A hit as the result store keeps it, and as a worker sends it back:
# (entry index in its lexicon, start, end, voice, sentence start, sentence end)
StoredHit = tuple[int, int, int, Voice, int, int]


def as_hits(entries: Sequence[Entry], stored: list[StoredHit]) -> list[Hit]:
    """Hits as stored (entry index first) made into Hits of those entries."""
    return [Hit(entries[i], start, end, voice, (s0, s1)) for i, start, end, voice, s0, s1 in stored]


class LexiconScorer:
    def __init__(self, lexicons: list[Lexicon]) -> None:
        self.lexicons = lexicons
        self._matchers = [Matcher(lex.entries) for lex in lexicons]
        patterns = {p for lex in lexicons for e in lex.entries for p in e.context}
        self._context = {p: Matcher([_probe(p)]) for p in sorted(patterns)}

    def hits(self, doc: Document) -> list[Hit]:
        out: list[Hit] = []
        toks = doc.tokens
        # Whether a context pattern is in a sentence, looked for once per sentence: each
        # look reads the whole sentence, and a long one with many hits made it quadratic.
        found: dict[tuple[int, tuple[str, ...]], bool] = {}
        for matcher in self._matchers:
            for m in matcher.find(doc.text, toks, ids=doc.token_ids):
                start, end = toks.starts[m.first], toks.ends[m.last - 1]
                sentence = doc.sentence_of(start)
                if m.entry.context and not self._context_holds(m.entry, doc, sentence, found):
                    continue
                out.append(Hit(m.entry, start, end, voice(doc, start, end), doc.sentences[sentence]))
        return out

    def _context_holds(
        self, entry: Entry, doc: Document, sentence: int, found: dict[tuple[int, tuple[str, ...]], bool]
    ) -> bool:
        for pattern in entry.context:
            key = (sentence, pattern)
            if key not in found:
                s, e = doc.sentences[sentence]
                starts = doc.tokens.starts
                lo, hi = bisect_left(starts, s), bisect_right(starts, e - 1)
                found[key] = bool(self._context[pattern].find(doc.text, doc.tokens, lo, hi))
            if found[key]:
                return True
        return False


def voice(doc: Document, start: int, end: int) -> Voice:
    return quote_voice(doc.text, doc.quotes, doc.quote_starts, doc.quote_reaches, start, end)


def _probe(pattern: tuple[str, ...]) -> Entry:
    return Entry("", 0, " ".join(pattern), pattern, "", "", "context", (), "")
