"""One article through every scorer, after cleaning and tagging: the map step, which
runs in the worker processes (pipeline.Workers) and never looks at another article."""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import chain

from framing import cache
from framing.clean import CleanText, Removal, clean
from framing.corpus import Article
from framing.document import Document, prepare
from framing.lexicon.load import Lexicon
from framing.outlets import Registry, Tag, tag
from framing.quotes import quoted_word_share
from framing.score import readability as readability_module
from framing.score import sentiment as sentiment_module
from framing.score.lexicon import Hit, LexiconScorer, StoredHit
from framing.score.readability import Readability, readability
from framing.score.sentiment import Sentiment, sentiment
from framing.terms import TextTerms, compact_counts

# Part of every stored result's key: change it whenever cleaning, tagging or a scorer
# changes what it returns for the same input, so that no stored result of the old code is used.
# tests/test_scoring_version.py fails on any change to that code until the choice is recorded.
SCORING_VERSION = "2026-11-24.1"


@functools.cache
def scoring_key() -> str:
    """What every stored result was scored with: SCORING_VERSION, for framing's own code,
    and what the scorers take from elsewhere. That is the bytes of the other packages' rules
    and data they read (VADER's module and lexicons; the CMU dictionary, Pyphen and its
    patterns, textstat's easy words: 4.3 MB, read and hashed in about 10 ms), and Python's
    version with the Unicode version of its string functions, which decide what a word
    character, a lower case letter and so a token are. An upgrade of any of them would
    otherwise leave results of the old one in the store: different from --no-cache."""
    data = chain(sentiment_module.source_data(), readability_module.source_data())
    python = f"Python {sys.version_info[0]}.{sys.version_info[1]}, Unicode {unicodedata.unidata_version}"
    return f"{SCORING_VERSION} {cache.digest(python, *data).hex()}"


@dataclass(frozen=True)
class Base:
    """An article's results that no lexicon affects."""

    tag: Tag
    removed: tuple[Removal, ...]
    words: int
    sentences: int
    quoted_share: float
    sentiment: Sentiment
    readability: Readability


def score_base(article: Article, cleaned: CleanText, doc: Document, registry: Registry) -> Base:
    return Base(
        tag=tag(article.outlet, article.url, cleaned, registry),
        removed=tuple(cleaned.removed),
        words=doc.words,
        sentences=len(doc.sentences),
        quoted_share=quoted_word_share(doc.text, doc.words, doc.quotes),
        sentiment=sentiment(doc.sentence_texts()),
        readability=readability(doc.text),
    )


def vocabulary(doc: Document) -> str:
    """The text's distinct tokens, one per line, sorted: what the store checks an edited
    lexicon entry against."""
    return "\n".join(sorted(doc.token_ids.words))


# What a worker returns: the base (or None if it was not asked for), the hits of each lexicon
# it was asked for, the text's vocabulary (for the store: "" without one), and its term
# counts if asked for.
Outcome = tuple[Base | None, dict[str, list[StoredHit]], str, TextTerms | None]
# (article, base wanted, lexicon files wanted, term counts wanted, vocabulary wanted)
Task = tuple[Article, bool, tuple[str, ...], bool, bool]


class Scorer:
    """Everything a worker needs, built once in the parent and inherited by forked workers."""

    def __init__(
        self, lexicons: list[Lexicon], registry: Registry, stop_words: frozenset[str] = frozenset()
    ) -> None:
        self.lexicons = lexicons
        self.registry = registry
        self.stop_words = stop_words
        self.files = tuple(lex.file for lex in lexicons)  # in lexicon order, as hits are
        self.by_file = {lex.file: LexiconScorer([lex]) for lex in lexicons}
        self.index = {lex.file: {id(e): i for i, e in enumerate(lex.entries)} for lex in lexicons}

    @cached_property
    def registry_key(self) -> str:
        return "\n".join(f"{f}={h}" for f, h in sorted(self.registry.sha256.items()))

    @cached_property
    def registry_digest(self) -> bytes:
        """What a stored tag holds of the registry it was made with."""
        return cache.digest(self.registry_key)

    @cached_property
    def terms_key(self) -> str:
        """Term counts depend on the text, on the stop list and on their stored form."""
        return cache.digest("TextTerms 1", *sorted(self.stop_words)).hex()

    def score(
        self, article: Article, base: bool, lexicons: Iterable[str], terms: bool = False, vocab: bool = True
    ) -> Outcome:
        cleaned = clean(article.text)
        doc = prepare(cleaned.text)
        found = {file: [self.stored(file, h) for h in self.by_file[file].hits(doc)] for file in lexicons}
        return (
            score_base(article, cleaned, doc, self.registry) if base else None,
            found,
            vocabulary(doc) if vocab else "",
            self.term_counts(doc) if terms else None,
        )

    def term_counts(self, doc: Document) -> TextTerms:
        return compact_counts(doc, self.stop_words)

    def stored(self, file: str, h: Hit) -> StoredHit:
        """A hit of lexicon `file` as the store keeps it (its entry by index)."""
        return (self.index[file][id(h.entry)], h.start, h.end, h.voice, *h.sentence)
