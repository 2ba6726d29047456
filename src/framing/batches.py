"""The input read a batch at a time, each batch with its keys and what the result store
holds for it: in a process of its own with more than one job, in the run's otherwise.

pipeline._scored decides when each batch is asked for; this module only reads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

from framing import cache, processes
from framing.corpus import Article, InputMeter, read_inputs

# Articles read, looked up in the store and sent to the workers at a time: one number
# whatever --jobs is, so that warnings come in the same order, and so the same bytes.
READ_BATCH = 512


@dataclass(frozen=True)
class StoreQuery:
    """What every batch of a run asks of the store, besides its own articles' keys."""

    version: str  # the scoring version, part of every text's key
    registry: bytes  # the hash of the registry whose tags are wanted
    lexicons: tuple[str, ...]  # the lexicon files whose hits are wanted
    terms_key: str | None  # the stop list's key, if the run counts terms


@dataclass(frozen=True)
class InputBatch:
    """A batch of the input: its articles with text and their keys, those without (which
    are skipped), what the input's reader said while reading them, and what the store holds
    for them."""

    texts: list[Article]  # the articles with text, in order
    empty: list[Article]  # the articles without, in order
    text_keys: list[bytes]  # of `texts`, in the same order
    article_keys: list[bytes]
    places: list[bytes]  # their places in the input: source and id (see pipeline._report_key)
    notes: list[str]
    share: float | None  # of the input read with this batch, if its size is known
    rows: cache.BatchRows | None  # None without a store

    @property
    def size(self) -> int:
        """The articles read, with text or without."""
        return len(self.texts) + len(self.empty)


class _Reading:
    """The input read a batch at a time, in whichever process reads it."""

    def __init__(
        self,
        inputs: Sequence[Path],
        rows: Callable[[cache.Lookup], cache.BatchRows] | None,
        query: StoreQuery,
    ) -> None:
        self.notes: list[str] = []
        self.meter = InputMeter(inputs)
        self.articles = read_inputs(list(inputs), self.notes.append, self.meter)
        self.rows = rows
        self.query = query
        self.ahead: InputBatch | Exception | None = None  # the next batch, read ahead of its lookup

    def read_input(self) -> None:
        """Read the next batch and make its keys, ahead of its lookup: the input is not the
        store, and may be read as far ahead as wanted. An error met is raised by next()."""
        try:
            self.ahead = self._read_input()
        except Exception as e:
            self.ahead = e

    def _read_input(self) -> InputBatch:
        batch = list(islice(self.articles, READ_BATCH))
        notes = self.notes[:]
        self.notes.clear()
        texts: list[Article] = []
        empty: list[Article] = []
        for a in batch:
            (texts if a.text.strip() else empty).append(a)
        text_keys, article_keys, places = [], [], []
        version = self.query.version
        article_start = cache.hasher(version)
        for a in texts:
            key = cache.text_key(version, a.text)
            text_keys.append(key)
            # The text by its key: hashing each text twice took 0.7 s more of a 100k re-run.
            article_keys.append(cache.digest_after(article_start, a.outlet, a.url, key))
            places.append(cache.digest(a.source, a.id))
        share = self.meter.share() if batch else None
        return InputBatch(texts, empty, text_keys, article_keys, places, notes, share, None)

    def next(self) -> InputBatch:
        """The next batch, with the store's rows for it looked up now."""
        if self.ahead is None:
            self.read_input()
        read, self.ahead = self.ahead, None
        if isinstance(read, Exception):
            raise read
        assert read is not None
        if not (self.rows and read.text_keys):
            return read
        q = self.query
        lookup = cache.Lookup(
            tuple(read.text_keys),
            tuple(read.article_keys),
            tuple(read.places),
            q.registry,
            q.lexicons,
            q.terms_key,
        )
        return replace(read, rows=self.rows(lookup))


class BatchReader(processes.PoolOwner):
    """The input's batches, each asked for ahead of need (see pipeline._scored). With more
    than one job a process of its own reads them: it parses the input, makes the keys and
    looks up the store's rows while the run's process hands on the batch before. On a
    re-run of 100,000 articles that work was about 9 s of that process's 30, and the second
    core waited. (SQLite lets go of Python's lock while it reads a row, but a thread would
    wait for the lock again after every row while the run's process works: 1,000 times
    slower in a test.) With one job a batch is read in the run's process, when it is needed."""

    def __init__(
        self, inputs: Sequence[Path], store: cache.Store | None, jobs: int, query: StoreQuery
    ) -> None:
        self.reading: _Reading | None = None
        self.read_ahead: Iterator[None] | None = None  # the reading process's last read_input
        if jobs > 1 and processes.can_fork():
            path = store.path if store else None
            self.pool = processes.Pool(1, _init_reader, (inputs, path, query))
        else:
            rows = functools.partial(cache.read_batch, store.db) if store else None
            self.reading = _Reading(inputs, rows, query)

    def ask(self) -> Callable[[], InputBatch]:
        """The next batch, read by the time it is called for. Asked for after the batch
        two before it was stored, so that what it finds in the store does not depend on
        timing (see pipeline._scored). The reading process then reads the input of the
        batch after (not the store), while the run's process waits for neither."""
        if self.reading is not None:
            return self.reading.next
        assert self.pool is not None
        read_before = self.read_ahead
        found = self.pool.imap(_next, [None])
        self.read_ahead = self.pool.imap(_read_input, [None])

        def answer() -> InputBatch:
            read = next(found)
            if read_before is not None:
                next(read_before)  # done before `found` (in order), and nothing to give
            return read

        return answer


# In the reading process: what it was started with, then what reads the input.
_reader_start: tuple[Any, ...] = ()
_reading: _Reading | None = None


def _init_reader(*start: Any) -> None:
    global _reader_start
    _reader_start = start
    processes.as_worker()


def _reading_here() -> _Reading:
    """The reading process's reading, made at its first task, so that an error in it (an
    input that cannot be opened) is that task's error, raised in the run's process."""
    global _reading
    if _reading is None:
        inputs, path, query = _reader_start
        rows = cache.Reader(path).read if path else None
        _reading = _Reading(inputs, rows, query)
    return _reading


def _next(_: None) -> InputBatch:
    return _reading_here().next()


def _read_input(_: None) -> None:
    _reading_here().read_input()
