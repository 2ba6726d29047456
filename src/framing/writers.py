"""Writing reports atomically: a crash or Ctrl-C never leaves half a report, nor a Markdown
report beside the JSON of another run."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import numpy as np

from framing import cache, processes, store_rows
from framing.compare import By
from framing.config import CompareConfig
from framing.distinctive import Distinctive
from framing.errors import OutputError, StoreError
from framing.keyness import Comparison
from framing.pipeline import ArticleResult, Progress, Result, run
from framing.progress import SCORING
from framing.report import (
    TAGGING_INTRO,
    Evidence,
    TableRows,
    article_json,
    article_row,
    json_head,
    json_tail,
    markdown_head,
    markdown_tail,
    table_rows_json,
    tagging_lines,
)

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

REPORTS_PER_WRITE = 256  # articles' report lines kept in the store per transaction


def _mkstemp(prefix: str, folder: Path) -> tuple[int, str]:
    """A new temporary file in `folder`, with the permissions a plainly created file would
    have: mkstemp makes it readable by its owner only, and the rename would keep that, so
    colleagues sharing the reports folder could not read them."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    if hasattr(os, "fchmod"):  # not on Windows, where mkstemp's mode does not apply
        os.fchmod(fd, 0o666 & ~umask)
    return fd, tmp


def _write_temp(target: Path, text: str, temps: list[Path]) -> None:
    """Write `text` to a new file beside `target`, added to `temps`, and flush it to disk."""
    with processes.signals_deferred():
        fd, tmp = _mkstemp(f".{target.name}.", target.parent)
        temps.append(Path(tmp))
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


@contextlib.contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Other runs' renames into `folder` wait until the block ends. Two runs writing one
    report at once each replace its Markdown and its JSON; without this, one run's Markdown
    could end up beside the other's JSON. The lock is flock on the folder itself, so
    nothing is left in it. Where there is no flock (Windows), or the file system refuses
    it, runs are not kept apart."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a folder that may be written to but not read
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd is closed
        yield
    finally:
        os.close(fd)


def _replace_together(folder: Path, renames: list[tuple[Path, Path]]) -> None:
    """Rename each (temporary file, target) in `folder`: the new report whole, or the old one."""
    with processes.signals_deferred(), _folder_locked(folder):
        for tmp, target in renames:
            os.replace(tmp, target)


def _cannot_write(out: Path, e: OSError) -> OutputError:
    return OutputError(f"{out}: cannot write the report here ({e.strerror or e})")


def write_report(out: Path, name: str, files: dict[str, str]) -> list[Path]:
    """Write OUT/NAME+suffix for every (suffix, text): all temporary files first, then the
    renames, so either every file of the report is replaced or none is."""
    targets = [out / f"{name}{suffix}" for suffix in files]
    temps: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for target, text in zip(targets, files.values(), strict=True):
            _write_temp(target, text, temps)
        _replace_together(out, list(zip(temps, targets, strict=True)))
    except OSError as e:
        raise _cannot_write(out, e) from e
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return targets


class ReportStream:
    """The report written as the run goes: each article's table row, tagging lines and
    JSON are appended to temporary files beside the report (so memory does not grow with
    the corpus); finish() writes the summary and the tables, which need every article,
    then renames the files into place together. Until then nothing at OUT/NAME changes;
    discard() (or an error) removes the temporary files.

    With a result store, each article's lines are kept in it, and an article that comes
    with its stored lines (pipeline.ArticleResult.stored_report) is written from them."""

    def __init__(self, out: Path, name: str, by: By, store: cache.Store | None = None) -> None:
        self.out = out
        self.name = name
        self.evidence = Evidence(by)
        self.store = store
        self._files: tuple[IO[bytes], IO[bytes], IO[bytes], Path] | None = None
        self._made_out = False
        self._written = False
        self._new_reports: list[tuple[bytes, bytes, bytes]] = []  # to keep in the store

    def _open(self) -> tuple[IO[bytes], IO[bytes], IO[bytes], Path]:
        """The temporary files, made at the first article: a run that fails before it
        leaves nothing behind, not even the folder. They take UTF-8 bytes: lines kept in
        the store are written as they were kept."""
        if self._files is None:
            try:
                if not self.out.exists():
                    self.out.mkdir(parents=True)
                    self._made_out = True
                # Held open across article() calls and closed by discard(): no `with` fits.
                rows = tempfile.TemporaryFile("w+b", dir=self.out)  # noqa: SIM115
                tagging = tempfile.TemporaryFile("w+b", dir=self.out)  # noqa: SIM115
                with processes.signals_deferred():  # made and known to discard(), or neither
                    fd, tmp = _mkstemp(f".{self.name}.json.", self.out)
                    self._files = (rows, tagging, os.fdopen(fd, "wb"), Path(tmp))
                self._files[2].write(json_head())
            except OSError as e:
                raise _cannot_write(self.out, e) from e
        return self._files

    def article(self, result: ArticleResult) -> None:
        rows, tagging, json_file, _ = self._open()
        try:
            self._article(result, rows, tagging, json_file)
        except OSError as e:  # a full disk, or a file-size limit, met half way
            raise _cannot_write(self.out, e) from e

    def _article(
        self, result: ArticleResult, rows: IO[bytes], tagging: IO[bytes], json_file: IO[bytes]
    ) -> None:
        if result.stored_report is not None:
            json_line, row, tags = result.stored_report
        else:
            json_line = article_json(result, result.clean).encode("utf-8")
            row = (article_row(result) + "\n").encode("utf-8")
            tags = "".join(line + "\n" for line in tagging_lines(result)).encode("utf-8")
            if self.store and result.report_key:
                self._new_reports.append((*result.report_key, store_rows.pack_lines((json_line, row, tags))))
                if len(self._new_reports) >= REPORTS_PER_WRITE:
                    self._keep_reports()
        rows.write(row)
        tagging.write(tags)
        if self._written:
            json_file.write(b",\n")
        json_file.write(json_line)
        self._written = True
        self.evidence.add(result)

    def _keep_reports(self) -> None:
        if self.store and self._new_reports:
            self.store.write_reports(self._new_reports)
        self._new_reports = []

    def finish(self, result: Result, tables: TableRows = table_rows_json) -> list[Path]:
        md_target = self.out / f"{self.name}.md"
        json_target = self.out / f"{self.name}.json"
        md_tmp: Path | None = None
        rows, tagging, json_file, json_tmp = self._open()
        self._keep_reports()
        try:
            for part in json_tail(result, tables):
                json_file.write(part)
            json_file.flush()
            os.fsync(json_file.fileno())
            json_file.close()
            with processes.signals_deferred():
                fd, tmp = _mkstemp(f".{self.name}.md.", self.out)
                md_tmp = Path(tmp)
            with os.fdopen(fd, "wb") as f:
                sections = [*markdown_head(result), *markdown_tail(result, self.evidence)]
                f.write(("\n".join(sections) + "\n").encode("utf-8"))
                _copy(rows, f)
                f.write(("\n" + TAGGING_INTRO + "\n\n").encode("utf-8"))
                _copy(tagging, f)
                f.flush()
                os.fsync(f.fileno())
            _replace_together(self.out, [(md_tmp, md_target), (json_tmp, json_target)])
        except OSError as e:
            raise _cannot_write(self.out, e) from e
        finally:
            if md_tmp:
                md_tmp.unlink(missing_ok=True)
            self.discard()
        return [md_target, json_target]

    def discard(self) -> None:
        """Remove the temporary files; the stream is then as new (a run that starts again
        writes into it from the first article)."""
        self._new_reports = []
        if self._files:
            rows, tagging, json_file, json_tmp = self._files
            for f in (rows, tagging, json_file):
                # Closing flushes what is buffered: on a full disk that fails again, and
                # the files are thrown away in any case.
                with contextlib.suppress(OSError):
                    f.close()
            json_tmp.unlink(missing_ok=True)
            self._files = None
        if self._made_out and not any(self.out.iterdir()):
            self.out.rmdir()
            self._made_out = False
        self._written = False
        self.evidence = Evidence(self.evidence.by)


def _copy(source: IO[bytes], target: IO[bytes]) -> None:
    source.seek(0)
    shutil.copyfileobj(source, target)


# Rows (at most) in the tables to make below which they are made here: formatting 100,000
# rows takes about 0.2 s, starting two workers from a large process 15–40 ms.
TABLES_AHEAD_MIN_ROWS = 100_000


class KeynessTables:
    """The keyness tables' rows for the JSON report (a TableRows): from the result store if
    kept there, else made and then kept, so a re-run on the same corpus (after a lexicon
    edit too) writes them without sorting and formatting millions of rows again.

    With jobs > 1 and large tables, the tables to make are made ahead in forked
    processes, one table per task, while this process writes them in order: formatting
    their rows is most of the run's serial end. Each is made by table_rows_json either
    way, so the bytes are the same."""

    def __init__(self, store: cache.Store | None, jobs: int) -> None:
        self.store = store
        self.jobs = jobs
        # framing's source is part of a kept table's key: no change to the statistics or
        # to how rows are written can leave an old table in a new report.
        self.code = cache.code_key() if store else ""
        self._pool: processes.Pool | None = None
        self._ahead: Iterator[tuple[int, bytes]] = iter(())
        self._ahead_of: set[int] = set()
        self._started = False

    def __call__(self, d: Distinctive, c: Comparison) -> Iterator[bytes]:
        if not self._started:
            self._started = True
            self._start(d)
        key = d.table_key(c, self.code) if self.store else None
        i = next(k for k, x in enumerate(d.comparisons) if x is c)
        if i in self._ahead_of:
            # Taken even if another run has kept this table since: the next one made
            # ahead must find its place.
            made, packed = next(self._ahead)
            assert made == i, "keyness tables asked for out of order"
            yield from store_rows.unpack_parts(packed)
        else:
            kept = self.store.keyness_table(key) if self.store and key is not None else None
            if kept is not None:
                yield from store_rows.unpack_parts(kept)
                return
            if key is None:  # nothing to keep it in, or under
                yield from table_rows_json(d, c)
                return
            packer = store_rows.PartsPacker()
            yield from map(packer.add, table_rows_json(d, c))
            packed = packer.packed()
        if self.store and key is not None:
            self.store.write_keyness_table(key, d.corpus_key, packed)

    def _start(self, d: Distinctive) -> None:
        """Make ahead every table the store does not keep, if that is worth forking for."""
        if self.jobs < 2 or not processes.can_fork():
            return
        wanted = [
            i
            for i, c in enumerate(d.comparisons)
            if not (self.store and (key := d.table_key(c, self.code)) and self.store.keyness_table_kept(key))
        ]
        # A table's rows are its terms used min_count times by the two groups together:
        # at most those the whole corpus uses that often.
        used = {n: int(np.count_nonzero(d.counts.total(n) >= d.config.min_count)) for n in (1, 2)}
        if len(wanted) < 2 or sum(used[d.comparisons[i].n] for i in wanted) < TABLES_AHEAD_MIN_ROWS:
            return
        # Forked, so the workers inherit the counts instead of receiving them pickled.
        self._pool = processes.Pool(min(self.jobs, len(wanted)), _init_table_worker, (d,), held=1)
        self._ahead = zip(wanted, self._pool.imap(_made_ahead, wanted), strict=True)
        self._ahead_of = set(wanted)

    def close(self) -> None:
        """Stop the workers (all their tables written, or the run failed)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


_table_worker: Distinctive | None = None


def _init_table_worker(d: Distinctive) -> None:
    global _table_worker
    _table_worker = d
    processes.as_worker()


def _made_ahead(i: int) -> bytes:
    """Table i compressed as it is made: at 100k articles a phrase table is about 95 MB of
    text and 15 MB compressed, and it is kept compressed in the store. The parent's
    reading it back (0.3 s per 90 MB) costs less than compressing there (0.6 s)."""
    assert _table_worker is not None
    packer = store_rows.PartsPacker()
    for part in table_rows_json(_table_worker, _table_worker.comparisons[i]):
        packer.add(part)
    return packer.packed()


def compare(
    config: CompareConfig,
    warn: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    stream: ReportStream | None = None,
    stage: Callable[[str], None] | None = None,
) -> tuple[Result, list[Path]]:
    """Run the comparison and write OUT/NAME.md and .json (into `stream` if given); nothing
    is written if it fails or is interrupted.

    A store found damaged mid-run (an entry that cannot be read, a page SQLite finds
    malformed: the checks at opening do not read every entry) is moved aside, as one found
    damaged at opening is, and the run starts again with a new store; the report is the
    one `--no-cache` gives. Damage met again is an error."""
    stream = stream or ReportStream(config.out, config.name, config.by)
    try:
        return _compare(config, warn, progress, stream, stage, start_again=True)
    except _StartAgain:
        if stage:
            stage(SCORING)  # the articles are counted again from the first
        return _compare(config, warn, progress, stream, stage, start_again=False)


class _StartAgain(Exception):
    """The store was found damaged and moved aside: run again with a new one."""


def _compare(
    config: CompareConfig,
    warn: Callable[[str], None] | None,
    progress: Progress | None,
    stream: ReportStream,
    stage: Callable[[str], None] | None,
    start_again: bool,
) -> tuple[Result, list[Path]]:
    store = cache.Store(config.cache, warn) if config.cache else None
    stream.store = store
    try:
        try:
            result = run(config, stream, warn, progress, store, stage)
            tables = KeynessTables(store, config.jobs)
            if stage:
                stage("writing the report")
            try:
                return result, stream.finish(result, tables)
            finally:
                tables.close()
        except BaseException:
            stream.discard()  # finish() has done so if it got that far; again is harmless
            raise
    except (StoreError, cache.Failure) as e:
        assert store is not None
        if cache.is_busy(e):  # not damage
            raise cache.busy_error(store.path) from e
        what = e if isinstance(e, StoreError) else f"the result store failed ({type(e).__name__}: {e})"
        if start_again and cache.is_damage(e):
            store.close()  # first: the last connection to close folds its WAL into the file
            aside = cache.move_aside(store.path)
            if warn:
                warn(f"{store.path}: {what}; moved to {aside.name}, and the run starts again with a new one")
            raise _StartAgain from e
        raise StoreError(
            f"{store.path}: {what}. Clear it with `framing cache clear --cache {store.path}`, "
            "or run with --no-cache"
        ) from e
    finally:
        if store:
            store.close()
