"""The one place that knows the order of the stages:

    load -> clean -> tag outlets -> score each article (map) -> compare (reduce) -> report

Map: per-article work is independent of every other article, so it runs in worker
processes (`jobs`), and its results are kept in the result store (cache.py) so a re-run
recomputes only what an edit touched. Reduce: each article's result is folded into the
group totals and handed to the report as it arrives, in input order, then dropped: memory
does not grow with the corpus.

The input is read a batch at a time by batches.py, with what the store holds for each
batch; edits.py says which stored hits still hold after a lexicon edit. What is asked of
them, and when, is decided here.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass, fields
from functools import cached_property
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

from framing import batches, cache, processes, store_rows
from framing import text as text_module
from framing.batches import BatchReader, InputBatch, StoreQuery
from framing.clean import CleanText, restore
from framing.compare import ArticleScores, Group, Groups, HitKey, Outlets, OutletTotals, group_key
from framing.config import CompareConfig, KeynessConfig
from framing.corpus import Article
from framing.distinctive import MAX_GROUPS, Counted, Distinctive, Example, distinctive
from framing.edits import Edits, identity
from framing.errors import InputError, LexiconError, Problem, StoreDamaged
from framing.keyness import TermCounts
from framing.lexicon.load import Lexicon, load_lexicons
from framing.outlets import Registry, Tag, read_registry, tag
from framing.score import readability as readability_module
from framing.score import sentiment as sentiment_module
from framing.score.article import Base, Outcome, Scorer, Task, scoring_key
from framing.score.lexicon import Hit, as_hits
from framing.score.sentiment import Sentiment
from framing.terms import TextTerms

TASKS_PER_MESSAGE = 4  # articles sent to a worker at a time: fewer messages, same order
EVIDENCE_PER_CELL = 10  # evidence lines kept per (term group, outlet group, frame, voice)


# Told after each batch: the articles it held, and the share of the input read (None when
# the input's size is not known).
Progress = Callable[[int, float | None], None]


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    base: Base
    hits: tuple[Hit, ...]
    terms: TextTerms | None = None  # None with keyness off, or while they wait in the store
    text_key: bytes = b""  # the text's key in the result store
    # The key of the article's report lines (JSON, article-table row, tagging) in the result store,
    # and those lines if the store has them: a re-run writes them without making them again.
    report_key: tuple[bytes, bytes] | None = None  # (the article's place in the input, key)
    stored_report: list[bytes] | None = None

    @property
    def tag(self) -> Tag:
        return self.base.tag

    @property
    def words(self) -> int:
        return self.base.words

    @property
    def sentences(self) -> int:
        return self.base.sentences

    @property
    def sentiment(self) -> Sentiment:
        return self.base.sentiment

    @cached_property
    def clean(self) -> CleanText:
        """The cleaned text, rebuilt from the original and the removals when asked for."""
        return restore(self.article.text, list(self.base.removed))

    @cached_property
    def _scores(self) -> ArticleScores:
        b = self.base
        return ArticleScores(
            id=self.article.id,
            outlet=b.tag.outlet,
            outlet_type=b.tag.type,
            words=b.words,
            sentences=b.sentences,
            hits=tuple(hit_key(h) for h in self.hits),
            sentence_compounds=b.sentiment.sentence_compounds,
            readability=vars(b.readability),
        )

    def scores(self) -> ArticleScores:
        """What compare needs of the article (made once: the groups and the evidence both ask)."""
        return self._scores


@dataclass(frozen=True)
class Result:
    config: CompareConfig
    lexicons: list[Lexicon]
    registry: Registry
    groups: list[Group]
    warnings: list[str]
    articles: int
    outlets: list[OutletTotals]  # by type, then size
    unknown: int  # articles whose outlet type is unknown
    cached: int  # articles read whole from the result store
    rescored: int  # articles scored again, wholly or for an edited lexicon
    distinctive: Distinctive | None = None


class Sink(Protocol):
    """Where each article's result goes, in input order (the report writer)."""

    def article(self, result: ArticleResult) -> None: ...


def hit_key(h: Hit) -> HitKey:
    """What the hit is counted under; made once per entry and voice (a re-run counts every
    stored hit of a corpus, millions of them)."""
    keys = h.entry.hit_keys
    key = keys.get(h.voice)
    if key is None:
        e = h.entry
        key = keys[h.voice] = HitKey(e.lexicon, e.concept, e.frame or e.category, e.term, h.voice)
    return key


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


# ---- map: one article, in a worker ---------------------------------------------------------


# What the store keeps of a base under its text's key: all but the tag, which depends on the
# outlet, the URL and the registry too, and is kept apart under the article's key, with the
# registry's hash. An edit of the registry then tags the articles again (from the stored
# removals, without cleaning) instead of scoring every one of them again.
_TEXT_RESULTS = tuple(f.name for f in fields(Base) if f.name != "tag")


def _text_results(base: Base) -> tuple[Any, ...]:
    return tuple(getattr(base, name) for name in _TEXT_RESULTS)


def _with_tag(found: Tag, results: tuple[Any, ...]) -> Base:
    return Base(tag=found, **dict(zip(_TEXT_RESULTS, results, strict=True)))


def score_article(article: Article, scorer: Scorer) -> ArticleResult:
    """One article scored in this process, with no store: for tests and for library use."""
    base, found, _, _ = scorer.score(article, True, scorer.files)
    assert base is not None
    hits = [h for lex in scorer.lexicons for h in as_hits(lex.entries, found[lex.file])]
    return ArticleResult(article, base, tuple(hits))


_worker: Scorer | None = None


def _init_worker(scorer: Scorer, in_process: bool = False) -> None:
    global _worker
    _worker = scorer
    if not in_process:
        processes.as_worker()


def _work(task: Task) -> Outcome:
    assert _worker is not None
    return _worker.score(*task)


def _work_chunk(tasks: list[Task]) -> list[Outcome]:
    return [_work(task) for task in tasks]


# ---- the run -----------------------------------------------------------------------------


@dataclass
class _Slot:
    article: Article
    article_key: bytes
    text_key: bytes
    place: bytes  # the article's place in the input: its source and id
    base: Base | None = None
    tagged_again: bool = False  # the stored tag no longer held: the base's tag is new
    hits: dict[str, list[Hit]] | None = None
    terms: TextTerms | None = None
    task: Task | None = None
    # Lexicon files whose stored hits outlived an edit, with the stored form when it holds
    # as it is under the current version (None: stored again from the hits).
    carried: dict[str, bytes | None] | None = None
    all_hits: tuple[Hit, ...] = ()  # every lexicon's hits, in lexicon order
    report_key: tuple[bytes, bytes] | None = None


def run(
    config: CompareConfig,
    sink: Sink | None = None,
    warn: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    store: cache.Store | None = None,
    stage: Callable[[str], None] | None = None,
) -> Result:
    """`store`: the result store to use, left open (the report writer keeps keyness tables
    in it); by default config.cache is opened and closed here. `progress` is told of each
    batch of articles scored and the share of the input read, `stage` when the scoring is
    done and the comparing starts."""
    lexicons, registry = load_lexicon_folder(config.lexicons)
    scorer = Scorer(lexicons, registry, config.keyness.stop_words if config.keyness else frozenset())
    warnings: list[str] = []

    def note(message: str) -> None:
        warnings.append(message)
        if warn:
            warn(message)

    own_store = store is None and config.cache is not None
    if own_store:
        assert config.cache is not None
        store = cache.Store(config.cache, warn)
    groups = Groups(config.by)
    counts = {"articles": 0, "unknown": 0, "cached": 0, "rescored": 0}
    outlets = Outlets()
    vocabulary = TermCounts() if config.keyness else None
    # With no pairs named, no group is compared once there are more than MAX_GROUPS
    # (distinctive.distinctive): from then on their counts can share one row.
    pool_past = MAX_GROUPS if config.keyness and not config.keyness.pairs else None
    counted = Counted(scoring_key())  # the articles counted, for fetching keyness examples
    # Keyness counts of texts whose counts are in the store: (article index, text, group).
    waiting: list[tuple[int, bytes, str]] = []
    # Every counted text and its group, in order: the key of the summed counts in the store.
    corpus_key = hashlib.blake2b(scorer.terms_key.encode(), digest_size=16)
    workers = Workers(scorer, config.jobs)
    want_terms = vocabulary is not None
    query = StoreQuery(
        scoring_key(),
        scorer.registry_digest,
        scorer.files,
        scorer.terms_key if want_terms else None,
    )
    reader = BatchReader(config.inputs, store, config.jobs, query)
    try:
        scored = _scored(reader, scorer, store, workers, note, counts, want_terms, progress)
        for result in scored:
            counts["articles"] += 1
            counts["unknown"] += result.tag.type == "unknown"
            outlets.add(result.tag, result.words, result.article.date)
            scores = result.scores()
            groups.add(scores)
            if vocabulary is not None:
                group = group_key(scores, config.by)
                if pool_past is not None and not vocabulary.pooled and len(groups) > pool_past:
                    # Sums made so are stored under a key of their own: a run with pairs
                    # named must not read them.
                    vocabulary.pool()
                    corpus_key.update(b"\0pooled\0")
                corpus_key.update(result.text_key + group.encode("utf-8", "surrogatepass") + b"\0")
                if result.terms is None:
                    waiting.append((len(counted), result.text_key, group))
                else:
                    vocabulary.add(group, result.terms, len(counted))
                counted.add(result.article.id, result.text_key)
            if sink:
                sink.article(result)
        workers.close()
        reader.close()
        if not counts["articles"]:
            raise InputError("no articles to compare: every input was empty or skipped")
        found = None
        if config.keyness and vocabulary is not None:
            if stage:
                stage("comparing")
            key = corpus_key.digest()
            if store:
                vocabulary = _corpus_terms(store, scorer, key, vocabulary, waiting)
            names = [g.name for g in groups.sorted()]
            found = _distinctive(config, config.keyness, scorer, store, vocabulary, names, counted, key)
    finally:
        workers.terminate()
        reader.terminate()
        if store and own_store:
            store.close()
    return Result(
        config,
        lexicons,
        registry,
        groups.sorted(),
        warnings,
        counts["articles"],
        outlets.sorted(),
        counts["unknown"],
        counts["cached"],
        counts["rescored"],
        found,
    )


def _corpus_terms(
    store: cache.Store,
    scorer: Scorer,
    key: bytes,
    counted: TermCounts,
    waiting: list[tuple[int, bytes, str]],
) -> TermCounts:
    """The whole corpus's keyness counts: the stored sums for this corpus if there are,
    else `counted` plus the waiting texts' counts read from the store (then kept as sums)."""
    found = store.corpus_terms(key)
    summed = TermCounts.from_state(found) if found is not None else None
    if summed is not None:
        return summed
    stop = scorer.terms_key
    for i in range(0, len(waiting), batches.READ_BATCH):
        chunk = waiting[i : i + batches.READ_BATCH]
        stored = store.terms([text for _, text, _ in chunk], stop)
        for article, text, group in chunk:
            if text not in stored:  # listed by the index of counts, but not in their table
                raise StoreDamaged(
                    "the result store lists counts it does not hold (damaged, or changed by "
                    "another program during the run)"
                )
            counted.add(group, stored[text], article)
    store.write_corpus_terms(key, counted.state())
    return counted


def _distinctive(
    config: CompareConfig,
    keyness: KeynessConfig,
    scorer: Scorer,
    store: cache.Store | None,
    counts: TermCounts,
    groups: list[str],
    counted: Counted,
    corpus_key: bytes,
) -> Distinctive:
    """The keyness section, with the examples the store holds for this corpus (finding
    them reads the input a second time) and the new ones kept there. Their key holds the
    registry (it names the outlets shown) and framing's source (it finds and cuts them)."""
    examples_key = cache.digest(cache.code_key(), corpus_key.hex(), scorer.registry_key)
    known = _examples_from_state(store.examples(examples_key)) if store else {}
    found = distinctive(config, keyness, scorer, counts, groups, counted, corpus_key, known)
    if store and found.examples != known:
        state = {k: astuple(e) for k, e in found.examples.items()}
        store.write_examples(examples_key, corpus_key, state)
    return found


def _examples_from_state(state: Any) -> dict[tuple[str, str], Example]:
    return {k: Example(*v) for k, v in state.items()} if state else {}


class Workers(processes.PoolOwner):
    """The scoring processes, started at the first article that needs scoring: a re-run
    that finds everything in the store loads no dictionary and forks nothing."""

    def __init__(self, scorer: Scorer, jobs: int) -> None:
        self.scorer = scorer
        # Forked, to inherit the loaded dictionaries and lexicons.
        self.jobs = jobs if processes.can_fork() else 1
        self.started = False

    def map(self, tasks: list[Task]) -> Iterator[Outcome]:
        if not tasks:
            return iter(())
        if not self.started and not any(task[1] for task in tasks):
            # Only lexicon matching or term counting (after a lexicon edit): cheap, and it
            # needs neither the dictionaries nor other processes.
            _init_worker(self.scorer, in_process=True)
            return map(_work, tasks)
        if not self.started:
            self.started = True
            # Loaded once here, before the fork, and shared by every worker.
            readability_module.warm_up()
            sentiment_module.warm_up()
            text_module.warm_up()
            _init_worker(self.scorer, in_process=True)
            if self.jobs > 1:
                self.pool = processes.Pool(self.jobs, _init_worker, (self.scorer,))
        if self.pool is None:
            return map(_work, tasks)
        chunks = [tasks[i : i + TASKS_PER_MESSAGE] for i in range(0, len(tasks), TASKS_PER_MESSAGE)]
        return chain.from_iterable(self.pool.imap(_work_chunk, chunks))


def _scored(
    reader: BatchReader,
    scorer: Scorer,
    store: cache.Store | None,
    workers: Workers,
    note: Callable[[str], None],
    counts: dict[str, int],
    want_terms: bool,
    progress: Progress | None,
) -> Iterator[ArticleResult]:
    """Every article's result, in input order, a batch at a time. Three batches are under
    way at once: while one batch's results are handed on, the next one is scored by the
    workers, and the one after is read (by a process of its own, see batches.BatchReader).

    Each batch is asked for after the batch two before it was stored, and read before the
    batch in between is stored: what a batch finds in the store does not depend on timing,
    so neither do the counts of articles scored and read. What the input's reader said
    while reading a batch is said when the batch goes to the workers, in whichever process
    it was read: the warnings come in the same order whatever the jobs.

    `progress`: told of each batch finished, with the share of the input read when that
    batch was read."""
    pending: _Batch | None = None
    # Hits that outlived a lexicon edit, stored again under the current version at the end
    # of the run in one transaction, in key order: a batch's rows lie on pages all over
    # the edited file's rows, so storing them a batch at a time wrote each page dozens of
    # times. A run stopped before then leaves them under the old version, checked again.
    carried: list[tuple[bytes, str, str, bytes]] = []
    # What each lexicon file's stored versions changed, worked out once for the run.
    edits = {lex.file: Edits(store, lex) for lex in scorer.lexicons} if store else {}
    ahead = reader.ask()
    while True:
        read = ahead()
        for message in read.notes:
            note(message)
        following = _submit(read, scorer, store, edits, workers, want_terms) if read.size else None
        if pending is not None:
            _collect(pending, scorer, store, counts, carried)
        if following is not None:
            ahead = reader.ask()
        if pending is not None:
            yield from _finish(pending, scorer, store, note)
            if progress:
                progress(pending.read.size, pending.read.share)
        if following is None:
            if store and carried:
                store.write((), carried, ())
            return
        pending = following


@dataclass
class _Batch:
    read: InputBatch  # as the input and the store gave it
    slots: list[_Slot]  # one per article with text
    outcomes: Iterator[Outcome]  # of the slots with a task, in order


def _submit(
    read: InputBatch,
    scorer: Scorer,
    store: cache.Store | None,
    edits: dict[str, Edits],
    workers: Workers,
    want_terms: bool,
) -> _Batch:
    """What the store holds for each article of the batch, and the rest sent to be scored."""
    slots = [
        _Slot(a, article_key, text_key, place)
        for a, text_key, article_key, place in zip(
            read.texts, read.text_keys, read.article_keys, read.places, strict=True
        )
    ]
    all_files = scorer.files
    stored_terms: frozenset[bytes] = frozenset()
    if store and read.rows:
        _from_store(slots, scorer, store, edits, read.rows)
        # Not read here: the run reads them only if the store lacks the corpus's sums.
        stored_terms = read.rows.terms
    for s in slots:
        missing = all_files if s.hits is None else tuple(f for f in all_files if f not in s.hits)
        need_terms = want_terms and s.text_key not in stored_terms
        if s.base is None or missing or need_terms:
            s.task = (s.article, s.base is None, missing, need_terms, store is not None)
    outcomes = workers.map([s.task for s in slots if s.task])
    return _Batch(read, slots, outcomes)


def _collect(
    batch: _Batch,
    scorer: Scorer,
    store: cache.Store | None,
    counts: dict[str, int],
    carried: list[tuple[bytes, str, str, bytes]],
) -> None:
    """The batch's scores collected from the workers, and stored. Hits carried over a
    lexicon edit are added to `carried`, for the caller to store."""
    slots, outcomes = batch.slots, batch.outcomes
    all_files = scorer.files
    registry = scorer.registry_digest
    new_bases, new_tags, new_hits, new_vocab, new_terms = [], [], [], [], []
    for s in slots:
        for file, data in (s.carried or {}).items():
            # Stored again under the current version: as it was if no entry moved (an edit
            # that appends lines), else packed again with the entries' current positions.
            assert s.hits is not None
            if data is None:
                data = store_rows.pack([scorer.stored(file, h) for h in s.hits[file]])
            carried.append((s.text_key, file, scorer.lexicons[all_files.index(file)].sha256, data))
        if s.tagged_again:
            assert s.base is not None
            new_tags.append((s.article_key, registry, s.base.tag))
        if s.task is None:
            counts["cached"] += 1
        else:
            counts["rescored"] += 1
            base, found, vocab, terms = next(outcomes)
            if terms is not None:
                s.terms = terms
                new_terms.append((s.text_key, terms))
            if base is not None:
                s.base = base
                new_bases.append((s.text_key, _text_results(base)))
                new_tags.append((s.article_key, registry, base.tag))
            s.hits = s.hits or {}
            for file, stored in found.items():
                lex = scorer.lexicons[all_files.index(file)]
                s.hits[file] = as_hits(lex.entries, stored)
                new_hits.append((s.text_key, file, lex.sha256, stored))
            new_vocab.append((s.text_key, vocab))
    if store:  # packed only to be stored: 5% of the parent's time with --no-cache
        terms_key = scorer.terms_key
        store.write(
            new_bases,
            [(text_key, file, sha, store_rows.pack(stored)) for text_key, file, sha, stored in new_hits],
            new_vocab,
            [(lex.sha256, [identity(e) for e in lex.entries]) for lex in scorer.lexicons],
            [(text_key, terms_key, terms) for text_key, terms in new_terms],
            new_tags,
        )


def _finish(
    batch: _Batch, scorer: Scorer, store: cache.Store | None, note: Callable[[str], None]
) -> Iterator[ArticleResult]:
    """The batch's results (collected by _collect), in input order."""
    for article in batch.read.empty:  # no text: skipped, in input order
        note(f"{article.source}: article {article.id!r} has no text, skipped")
    slots = batch.slots
    for s in slots:
        assert s.base is not None and s.hits is not None
        s.all_hits = tuple(h for lex in scorer.lexicons for h in s.hits[lex.file])
        if store and s.base.words:
            s.report_key = _report_key(s, s.all_hits)
    rows = batch.read.rows
    reports = rows.report_lines(s.report_key for s in slots if s.report_key) if rows else {}
    for s in slots:
        assert s.base is not None
        if s.base.words == 0:
            # Zero words would give every rate and readability score a false value.
            cut = ", ".join(sorted({r.reason for r in s.base.removed})) or "no words"
            a = s.article
            note(f"{a.source}: article {a.id!r} has no words left after cleaning ({cut}), skipped")
            continue
        report = reports.get(s.report_key[1]) if s.report_key else None
        yield ArticleResult(s.article, s.base, s.all_hits, s.terms, s.text_key, s.report_key, report)


def _report_key(s: _Slot, hits: tuple[Hit, ...]) -> tuple[bytes, bytes]:
    """The article's place in the input (source and id), and a key of everything its
    report lines are made of: its text's results (the text key), its tag, the fields of the
    input shown, each hit as the JSON shows it (its entry's `shown`, its span and voice),
    and the code that writes them (any change to framing's source makes every line again).
    The tag itself, not the registry's hash: after a registry edit only the articles whose
    tag changed are written again. The hits go in column by column, each column by one call
    that runs in C: repr() of every hit was 5% of a 100k re-run."""
    a = s.article
    assert s.base is not None
    return s.place, cache.digest(
        cache.code_key(),
        s.text_key,
        repr(s.base.tag),
        repr((a.id, a.source, a.date, a.title, a.url)),
        b"".join(map(_SHOWN_DIGEST, hits)),
        array("q", chain.from_iterable(map(_SPAN, hits))).tobytes(),
        " ".join(map(_VOICE, hits)),
    )


_SHOWN_DIGEST = attrgetter("entry.shown_digest")
_SPAN = attrgetter("start", "end")
_VOICE = attrgetter("voice")


def _from_store(
    slots: list[_Slot], scorer: Scorer, store: cache.Store, edits: dict[str, Edits], rows: cache.BatchRows
) -> None:
    """Fill each slot with what the store still holds for it: `rows`, and the vocabularies
    an edited lexicon needs."""
    bases = {k: store_rows.unpack(d) for k, d in rows.bases.items()}
    tags = {k: store_rows.unpack(d) for k, d in rows.tags.items()}
    stored_hits = rows.hits
    # Vocabularies are read only for texts that have hits of an edited lexicon and whose
    # batch's token set does not rule out every entry that differs.
    need_vocab = [
        s.text_key
        for s in slots
        if any(
            sha != edits[f].lexicon.sha256 and s.text_key not in edits[f].clear(sha)
            for f, (sha, _) in stored_hits.get(s.text_key, {}).items()
            if f in edits
        )
    ]
    vocab = store.vocabularies(need_vocab) if need_vocab else {}
    for s in slots:
        results = bases.get(s.text_key)
        if results is not None:
            found = tags.get(s.article_key)
            if found is None:
                a = s.article
                removed = results[_TEXT_RESULTS.index("removed")]
                found = tag(a.outlet, a.url, restore(a.text, list(removed)), scorer.registry)
                s.tagged_again = True
            s.base = _with_tag(found, results)
        held = stored_hits.get(s.text_key, {})
        s.hits = {}
        for lex in scorer.lexicons:
            row = held.get(lex.file)
            if row is None:
                continue
            sha, data = row
            stored = store_rows.unpack(data)
            if sha == lex.sha256:
                s.hits[lex.file] = as_hits(lex.entries, stored)
                continue
            edit = edits[lex.file]
            carried = edit.carry_over(sha, stored, vocab.get(s.text_key), s.text_key in edit.clear(sha))
            if carried is not None:
                s.hits[lex.file] = carried
                s.carried = s.carried or {}
                s.carried[lex.file] = data if edit.unmoved(sha) else None
