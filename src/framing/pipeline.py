"""The one place that knows the order of the stages:

    load -> clean -> tag outlets -> score each article -> compare -> (render, write: cli)

Per-article work (clean, tag, score) is independent of every other article; only compare
reads them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from framing.clean import CleanText, clean
from framing.compare import ArticleScores, Group, HitKey, group
from framing.config import CompareConfig
from framing.corpus import Article, read_inputs
from framing.document import prepare
from framing.errors import InputError, LexiconError, Problem
from framing.lexicon.load import Lexicon, load_lexicons
from framing.outlets import Registry, Tag, read_registry, tag
from framing.quotes import quoted_word_share
from framing.score.lexicon import Hit, LexiconScorer
from framing.score.readability import Readability, readability
from framing.score.sentiment import Sentiment, sentiment


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    tag: Tag
    clean: CleanText
    words: int
    sentences: int
    quoted_share: float
    hits: tuple[Hit, ...]
    sentiment: Sentiment
    readability: Readability

    def scores(self) -> ArticleScores:
        return ArticleScores(
            id=self.article.id,
            outlet=self.tag.outlet,
            outlet_type=self.tag.type,
            words=self.words,
            sentences=self.sentences,
            hits=tuple(hit_key(h) for h in self.hits),
            sentence_compounds=self.sentiment.sentence_compounds,
            readability=vars(self.readability),
        )


@dataclass(frozen=True)
class Result:
    config: CompareConfig
    lexicons: list[Lexicon]
    registry: Registry
    articles: list[ArticleResult]
    groups: list[Group]
    warnings: list[str]


def hit_key(h: Hit) -> HitKey:
    e = h.entry
    return HitKey(e.lexicon, e.concept, e.frame or e.category, e.term, h.voice)


def score_article(article: Article, registry: Registry, scorer: LexiconScorer) -> ArticleResult:
    cleaned = clean(article.text)
    doc = prepare(cleaned.text)
    return ArticleResult(
        article=article,
        tag=tag(article.outlet, article.url, cleaned, registry),
        clean=cleaned,
        words=doc.words,
        sentences=len(doc.sentences),
        quoted_share=quoted_word_share(doc.text, doc.words, doc.quotes),
        hits=tuple(scorer.hits(doc)),
        sentiment=sentiment(doc.sentence_texts()),
        readability=readability(doc.text),
    )


def load_lexicon_folder(folder: Path) -> tuple[list[Lexicon], Registry]:
    """The lexicons and the outlet registry of one folder, or one LexiconError that lists
    every problem in all of its files."""
    problems: list[Problem] = []
    lexicons: list[Lexicon] = []
    try:
        lexicons = load_lexicons(folder)
    except LexiconError as error:
        problems += error.problems
    registry, found = read_registry(folder)
    problems += found
    if problems or registry is None:
        raise LexiconError(problems)
    return lexicons, registry


def run(config: CompareConfig, warn: Callable[[str], None] | None = None) -> Result:
    lexicons, registry = load_lexicon_folder(config.lexicons)
    scorer = LexiconScorer(lexicons)
    warnings: list[str] = []

    def note(message: str) -> None:
        warnings.append(message)
        if warn:
            warn(message)

    articles = []
    for article in read_inputs(list(config.inputs), note):
        if not article.text.strip():
            note(f"{article.source}: article {article.id!r} has no text, skipped")
            continue
        scored = score_article(article, registry, scorer)
        if scored.words == 0:
            # Zero words would give every rate and readability score a false value.
            cut = ", ".join(sorted({r.reason for r in scored.clean.removed})) or "no words"
            note(
                f"{article.source}: article {article.id!r} has no words left after cleaning ({cut}), skipped"
            )
            continue
        articles.append(scored)
    if not articles:
        raise InputError("no articles to compare: every input was empty or skipped")
    groups = group((a.scores() for a in articles), config.by)
    return Result(config, lexicons, registry, articles, groups, warnings)
