"""The result store: per-article results kept in SQLite so that a re-run scores only what
changed.

What is kept, and what invalidates it:
- `base`: cleaning, word and sentence counts, quoted share, sentence tones and readability.
  Key: a hash of the scoring version and the text. Neither lexicon nor registry edits touch it.
- `tags`: each article's outlet tag, and the hash of the registry files it was made with.
  Key: a hash of the scoring version, the outlet name, the URL and the text's key. After a
  registry edit an article is tagged again from its stored cleaning, nothing is scored
  again, and its row is replaced (with the registry in the key, every edit added a row
  for every article).
- `hits`: one row per (lexicon file, text): the hits and the hash of the lexicon file they
  were found with. Key: a hash of the scoring version and the text. Rows are kept in
  lexicon-file order, so that storing one file's hits again after an edit rewrites that
  file's pages only, not pages spread over every file's rows.
- `vocabulary`: each text's distinct tokens. When a lexicon file changes, only the entries
  that differ between its old and new versions can change its hits, and an entry can match
  only in a text that has all of its tokens; the other texts keep their hits.
- `vocabulary_sets`: for each batch of texts whose vocabularies were stored together, the
  hashes of every token of any of them (and of each token's first letters, for globs), and
  each text's own Bloom filter of those hashes. An entry whose tokens are not all in a
  batch's set matches in none of its texts, nor in a text whose filter lacks one; so after
  an edit only the texts that might hold it have their vocabularies read. Each set keeps
  the version of the hashes it was made with (vocabulary_sets.HASHES); a set of another
  version rules nothing out.
- `lexicons`: each lexicon version's entries, by file hash, to tell what an edit changed.
- `terms`: each text's word and two-word-phrase counts (for keyness), by text and stop list.
- `corpus_terms`: those counts summed per group for a whole run, keyed by every article's
  text and group in order, so a re-run does not read and sum each text's counts again.
- `reports`: each article's lines of the report (its JSON, its article-table row and its tagging
  lines) with a key of everything they are made of (see pipeline._report_key): one row per
  article's place in the input (source and id), used only while the key matches.
- `keyness_tables`: each keyness table's JSON rows, by that corpus key, the keyness
  settings and the comparison. No lexicon enters a table, so a re-run after a lexicon edit
  writes the tables without sorting and formatting millions of rows again.
- `keyness_examples`: the example sentences of a corpus's top terms, by that corpus key and
  the registry, so a re-run does not read the input a second time to find them.
  Tables and examples are kept while their corpus's sums are.

How each row is encoded is store_rows.py's part. Rows are written in transactions, so a
killed run leaves the store as of its last commit. A store that SQLite cannot read or check
(a truncated or overwritten file) is moved aside and rebuilt, never trusted; so is one
found damaged mid-run (writers.compare starts that run again).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec

import numpy as np
from numpy.typing import NDArray

from framing import vocabulary_sets
from framing.errors import OutputError, StoreDamaged, StoreError
from framing.store_rows import compress, pack, unpack, unpack_lines, unpack_str, unreadable

# 3: hits keyed by (lexicon, text_key), their lexicon hash as raw bytes;
# 4: tags keyed without the registry, whose hash each row holds
SCHEMA = 4
_CHUNK = 500  # keys per SELECT … IN (…)

_HITS_TABLE = """
CREATE TABLE IF NOT EXISTS hits (
    lexicon TEXT NOT NULL, text_key BLOB NOT NULL, sha BLOB NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (lexicon, text_key)
) WITHOUT ROWID"""
_TAGS_TABLE = """
CREATE TABLE IF NOT EXISTS tags (
    key BLOB PRIMARY KEY, registry BLOB NOT NULL, data BLOB NOT NULL
) WITHOUT ROWID"""
_TABLES = f"""
{_HITS_TABLE};
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS base (key BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
{_TAGS_TABLE};
CREATE TABLE IF NOT EXISTS vocabulary (text_key BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vocabulary_sets (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS lexicons (sha TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS terms (
    text_key BLOB NOT NULL, stop TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (text_key, stop)
) WITHOUT ROWID;
-- Which texts have counts, without reading rows of several kB each (see _has_terms).
CREATE INDEX IF NOT EXISTS terms_present ON terms (text_key, stop);
CREATE TABLE IF NOT EXISTS corpus_terms (key BLOB PRIMARY KEY, data BLOB NOT NULL, used INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS keyness_tables (key BLOB PRIMARY KEY, corpus BLOB NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS reports (article BLOB PRIMARY KEY, key BLOB NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS keyness_examples (key BLOB PRIMARY KEY, corpus BLOB NOT NULL, data BLOB NOT NULL);
"""
# What _TABLES makes: a store that holds it all, and the current schema, needs no write to open.
_MADE = frozenset(re.findall(r"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", _TABLES))
# Every table a store of any schema holds (schema 2 moved its hits through hits_schema_2).
_OWN_TABLES = frozenset([*re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", _TABLES), "hits_schema_2"])
_SQLITE_HEADER = b"SQLite format 3\0"
_COUNTED = (
    "base",
    "tags",
    "hits",
    "lexicons",
    "terms",
    "corpus_terms",
    "keyness_tables",
    "keyness_examples",
    "reports",
)
CORPUS_TERMS_KEPT = 3  # summed term counts of the last corpora compared (tens of MB each)


# 64 MB of pages for each connection (SQLite's default is 2 MB): the keys are hashes, so
# every insert and lookup lands on a random page of a store of hundreds of MB.
_PAGE_CACHE = "PRAGMA cache_size=-65536"

# Seconds a write waits for another run that is writing to the same store (SQLite's default
# is 5: a 100k run's last transactions take longer).
BUSY_WAIT = 120.0

# What SQLite raises when a read or write of the store fails mid-run: a page damaged
# inside the file (the open checks do not read every page, see _full_check_due), a full
# disk, a store locked by another program.
Failure = sqlite3.Error


def is_damage(error: BaseException) -> bool:
    """Whether `error` shows damage inside the store's file: an entry that cannot be read,
    or pages SQLite finds malformed. Not a store that is busy, full, read-only or on a disk
    that fails (OperationalError), nor a misuse of SQLite (a fault of framing's)."""
    not_damage = (sqlite3.OperationalError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
    return isinstance(error, StoreDamaged) or (
        isinstance(error, sqlite3.DatabaseError) and not isinstance(error, not_damage)
    )


def _primary_code(error: BaseException) -> int | None:
    """SQLite's primary result code of an OperationalError (its extended code's low byte)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(error, sqlite3.OperationalError) and code is not None else None


def refused_by_disk(error: BaseException) -> bool:
    """Whether `error` is a write the disk refused: full (SQLITE_FULL), or failing
    (SQLITE_IOERR: a quota, a file-size limit). Not damage, nor framing's fault."""
    return _primary_code(error) in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)


def is_busy(error: BaseException) -> bool:
    """Whether `error` is SQLite's "database is locked": another run holds the lock."""
    return _primary_code(error) == sqlite3.SQLITE_BUSY


_P = ParamSpec("_P")


def _transaction(write: Callable[Concatenate[Store, _P], None]) -> Callable[Concatenate[Store, _P], None]:
    """Run a Store method that writes as one transaction: committed, or rolled back on an
    error or an interruption. A write the disk refuses ends the store's writing for the
    run, said once, and the run goes on: it has every result it needs in memory, and a
    full disk found after minutes of scoring must not cost them. What was committed
    before stays, each entry whole."""

    def transaction(store: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> None:
        if store.refused is not None:
            return
        try:
            with store.db:
                store.db.execute("BEGIN")
                write(store, *args, **kwargs)
        except sqlite3.OperationalError as e:
            if not refused_by_disk(e):
                raise
            store.refused = e
            if store.warn:
                store.warn(
                    f"{store.path}: the disk refused a write to the result store ({e}); this run "
                    "keeps nothing more in it, and its report is written as usual"
                )

    functools.update_wrapper(transaction, write)  # its name and docstring
    return transaction


def default_path() -> Path:
    if os.environ.get("FRAMING_CACHE"):
        return Path(os.environ["FRAMING_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "framing" / "results.sqlite"


def digest(*parts: str | bytes) -> bytes:
    return digest_after(hasher(), *parts)


def text_key(version: str, text: str) -> bytes:
    """An article text's key in the store, under a scoring version: where the run keeps
    what it scored from the text, and how a second read of the input tells the same text."""
    return digest(version, text.encode("utf-8", "surrogatepass"))


def hasher(*parts: str) -> Any:
    """A hash that has read `parts`: digest(*a, *b) == digest_after(hasher(*a), *b)."""
    return _read(hashlib.blake2b(digest_size=16), parts)


def digest_after(start: Any, *parts: str | bytes) -> bytes:
    """The digest of what `start` has read followed by `parts`; a part given as bytes is
    taken as already encoded (a text hashed into two keys is encoded once)."""
    out: bytes = _read(start.copy(), parts).digest()
    return out


def _read(h: Any, parts: Iterable[str | bytes]) -> Any:
    """`h` after reading each part, encoded, and a NUL after it."""
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h


@functools.cache
def code_key() -> str:
    """A hash of framing's own source, and of the versions of Python, NumPy and SciPy that
    compute with it: part of the key of what is made from results (report lines, keyness
    tables and examples), so that no change to how they are made can leave old ones in a
    new report. (A new NumPy may round a logarithm's last bit otherwise.)"""
    import scipy  # only its version: the keyness code imports it anyway

    h = hashlib.blake2b(digest_size=16)
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    h.update(f"Python {python} NumPy {np.__version__} SciPy {scipy.__version__}\0".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def busy_error(path: Path) -> StoreError:
    return StoreError(
        f"{path}: the result store stayed busy for {BUSY_WAIT:.0f} s (another run writing to it?); "
        "run again when it is done, or give --cache another file"
    )


def _into_wal(db: sqlite3.Connection) -> None:
    """PRAGMA journal_mode=WAL, waited for up to BUSY_WAIT as every lock of the store is.
    On a new store that two runs open at once, SQLite refuses the switch at once ("database
    is locked") instead of calling its busy handler: each run holds the read lock that the
    other's switch needs gone. A store already in WAL mode stays in it without a lock."""
    deadline = time.monotonic() + BUSY_WAIT
    pause = 0.001
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if not is_busy(e) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.05)


def _made_current(db: sqlite3.Connection) -> None:
    """The tables made, the schema written, and a store of an earlier schema moved to the
    current one, in one transaction that takes the write lock first: two runs opening one new
    store at once could both find no schema row, and the second one's insert of it would
    fail as if the store were damaged. A store that needs none of it is only read, so a
    run opens it while another run writes."""
    made = db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')").fetchall()
    schema = (
        db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() if ("meta",) in made else None
    )
    if {name for (name,) in made} >= _MADE and schema == (str(SCHEMA),):
        return
    # Left open. A store of an earlier schema keeps its old tables of the same names.
    db.executescript(f"BEGIN IMMEDIATE;\n{_TABLES}")
    try:
        row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        if row is None:
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        elif row[0] in ("2", "3"):
            if row[0] == "2":
                _hits_from_schema_2(db)
            _tags_from_schema_3(db)
            db.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(SCHEMA),))
        elif row[0] != str(SCHEMA):
            raise sqlite3.DatabaseError(f"schema {row[0]}, expected {SCHEMA}")
        db.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def _hits_from_schema_2(db: sqlite3.Connection) -> None:
    """Move a schema-2 store's hits (keyed by text, then lexicon, with the lexicon hash as
    hex text) into the current table, inside the caller's transaction: the store keeps
    every result."""
    db.create_function("unhex", 1, bytes.fromhex, deterministic=True)
    db.execute("ALTER TABLE hits RENAME TO hits_schema_2")
    db.execute(_HITS_TABLE)
    db.execute(
        "INSERT INTO hits SELECT lexicon, text_key, unhex(sha), data FROM hits_schema_2"
        " ORDER BY lexicon, text_key"
    )
    db.execute("DROP TABLE hits_schema_2")


def _tags_from_schema_3(db: sqlite3.Connection) -> None:
    """Schema 3's tags dropped, inside the caller's transaction. They were keyed with the
    registry and the whole text; since the key reads the text's key instead, no run finds
    them. The next run tags its articles again from their stored cleaning and scores
    nothing again (for 100,000 articles: 2.6 s of tagging, 4.3 s of storing the tags)."""
    db.execute("DROP TABLE tags")
    db.execute(_TAGS_TABLE)


def _vocabulary_set(value: Any) -> tuple[bytes, bytes, NDArray[np.uint8] | None, str]:
    """A stored vocabulary set, checked: its texts' keys, its token set, its texts' filters
    (None in a set stored before they were) and the version of the hashes it was made with
    (vocabulary_sets.HASHES; "1" in a set stored before versions were kept)."""
    if isinstance(value, tuple) and 2 <= len(value) <= 4 and all(isinstance(v, bytes) for v in value):
        texts, tokens, *rest = value
        n = len(texts) // 16
        row = vocabulary_sets.BLOOM_BITS // 8  # one text's filter, in bytes
        version = rest[1].decode("ascii", "replace") if len(rest) == 2 else "1"
        if len(texts) % 16 == 0 and len(tokens) % 8 == 0:
            if not rest:
                return texts, tokens, None, version
            if len(rest[0]) == n * row:
                return texts, tokens, np.frombuffer(rest[0], dtype=np.uint8).reshape(n, row), version
    raise unreadable(ValueError("a vocabulary set of the wrong form"))


def _full_check_due(path: Path) -> bool:
    """Whether the store at `path` needs SQLite's quick_check before it is trusted; raises
    sqlite3.DatabaseError if its header shows it cut short.

    quick_check reads every page: 2.3 s of a 57 s re-run of a 1.5 GB store. The way a store
    is damaged in practice, short of a killed run, is being cut short (a full disk, a copy
    stopped half way), and a file cut short is shorter than the database size its header
    gives. SQLite keeps that size right on every commit to the file; in WAL mode on every
    checkpoint, and the last connection to close checkpoints and removes the WAL. So the
    full check is due only when a WAL is left (a run that was killed, or is still running:
    it may hold pages not yet in the file) or when the header's size is not valid."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return False
    if size == 0 or not header.startswith(b"SQLite format 3\0"):
        return False  # empty: SQLite makes a new store; not a database: SQLite says so
    wal = path.with_name(path.name + "-wal")
    if len(header) < 100 or (wal.exists() and wal.stat().st_size > 0):
        return True
    if header[24:28] != header[92:96]:
        return True  # the size at offset 28 is valid only while these two counters agree
    page_size = int.from_bytes(header[16:18], "big")
    expected = (65536 if page_size == 1 else page_size) * int.from_bytes(header[28:32], "big")
    if size < expected:
        raise sqlite3.DatabaseError(f"the file is {size:,} bytes, its header says {expected:,}: cut short")
    return False


# A store whose first bytes were damaged is still told by its schema, which SQLite keeps
# on the first page (at most 64 KB; in the WAL until a checkpoint): these tables'
# statements are framing's alone.
_FIRST_PAGE_MAX = 1 << 16
_OWN_SCHEMA_MARKS = (
    b"CREATE TABLE keyness_tables",
    b"CREATE TABLE corpus_terms",
    b"CREATE TABLE vocabulary_sets",
)


def _holds_own_schema(path: Path) -> bool:
    """Whether the first page of the file at `path`, or of its WAL (where a store that was
    never checkpointed, as one a run killed early leaves, keeps its schema), holds the
    statements of framing's own tables."""
    # A new store's first commits each write page 1 again in the WAL, a table more each
    # time: its first megabyte holds them all.
    for place, size in ((path, _FIRST_PAGE_MAX), (path.with_name(path.name + "-wal"), 1 << 20)):
        try:
            with place.open("rb") as f:
                head = f.read(size)
        except OSError:
            continue
        if all(mark in head for mark in _OWN_SCHEMA_MARKS):
            return True
    return False


def check_may_be_store(path: Path) -> None:
    """Raise StoreError unless nothing is at `path`, or a file that may be a result store:
    empty, an SQLite file, or one whose first page holds a store's schema (its header
    damaged: _holds_own_schema). A damaged store is moved aside, and `cache clear` deletes
    one: neither may happen to a folder, or to a file of the user's given by mistake."""
    try:
        if not path.exists():
            return
        if not path.is_file():
            raise StoreError(f"{path}: not a file; --cache takes the path of a result store file")
        with path.open("rb") as f:
            header = f.read(len(_SQLITE_HEADER))
    except OSError as e:
        raise StoreError(f"{path}: cannot read the result store ({e.strerror or e})") from e
    if header and header != _SQLITE_HEADER and not _holds_own_schema(path):
        raise StoreError(
            f"{path}: not a result store (not an SQLite file), left as it is; give --cache another path"
        )


def _check_own_tables(db: sqlite3.Connection, path: Path) -> None:
    """Raise StoreError if the database holds a table no result store has: another
    program's database, given by mistake, which framing must not write into."""
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except UnicodeDecodeError as e:
        # The first statement reads the schema. SQLite's message about a damaged one quotes
        # the damaged name, which Python then fails to decode: damage, not a fault of ours.
        raise sqlite3.DatabaseError(f"malformed database schema ({e.reason})") from e
    foreign = sorted(t for t in tables - _OWN_TABLES if not t.startswith("sqlite_"))
    if foreign:
        raise StoreError(
            f"{path}: not a framing result store (it has tables {', '.join(foreign[:5])}), "
            "left as it is; give --cache another path"
        )


@dataclass(frozen=True)
class Lookup:
    """What a batch of articles asks of the store before it is scored."""

    text_keys: tuple[bytes, ...]
    article_keys: tuple[bytes, ...]  # each text's article, in the same order
    places: tuple[bytes, ...]  # each article's place in the input, whose report lines are kept
    registry: bytes  # the hash of the registry whose tags are wanted
    lexicons: tuple[str, ...]
    terms: str | None  # the stop list's key, if the run counts terms (see _has_terms)


@dataclass(frozen=True)
class BatchRows:
    """What the store holds for a Lookup: read by `read_batch` in any process, and but for
    the report lines still packed, for the run's own to unpack (and find damage in, as in
    any read)."""

    bases: dict[bytes, bytes]  # text key -> packed results
    tags: dict[bytes, bytes]  # article key -> packed tag, of the texts that have a base
    hits: dict[bytes, dict[str, tuple[str, bytes]]]  # text key -> lexicon -> (hash, packed hits)
    terms: frozenset[bytes]  # the texts whose term counts are stored
    # place -> (key, report lines unpacked, or why they could not be). Unpacked where they
    # are read: in the reading process, not the run's (2 s of a re-run of 100,000 articles).
    reports: dict[bytes, tuple[bytes, list[bytes] | StoreDamaged]]

    def report_lines(self, wanted: Iterable[tuple[bytes, bytes]]) -> dict[bytes, list[bytes]]:
        """The stored report lines for (place, key) pairs, by key, for the places whose
        stored lines have that key. Lines that cannot be unpacked are damage only if wanted."""
        found = {}
        for place, key in wanted:
            stored = self.reports.get(place)
            if stored is not None and stored[0] == key:
                if isinstance(stored[1], StoreDamaged):
                    raise stored[1]
                found[key] = stored[1]
        return found


def read_batch(db: sqlite3.Connection, lookup: Lookup) -> BatchRows:
    bases = dict(_select(db, "SELECT key, data FROM base WHERE key IN ({})", lookup.text_keys))
    with_base = [a for t, a in zip(lookup.text_keys, lookup.article_keys, strict=True) if t in bases]
    sql = "SELECT key, data FROM tags WHERE registry = ? AND key IN ({})"
    tags = dict(_select(db, sql, with_base, lookup.registry))
    hits: dict[bytes, dict[str, tuple[str, bytes]]] = {}
    sql = "SELECT text_key, sha, data FROM hits WHERE lexicon = ? AND text_key IN ({})"
    for lexicon in lookup.lexicons:
        for key, sha, data in _select(db, sql, lookup.text_keys, lexicon):
            hits.setdefault(key, {})[lexicon] = (sha.hex(), data)
    terms = frozenset() if lookup.terms is None else frozenset(_has_terms(db, lookup.text_keys, lookup.terms))
    # By the place's index, and the key read from the row itself: a damaged index can give a
    # row of another place than asked for, kept under its own place (see report_lines).
    reports: dict[bytes, tuple[bytes, list[bytes] | StoreDamaged]] = {}
    for place, key, data in _select(
        db, "SELECT article, key, data FROM reports WHERE article IN ({})", lookup.places
    ):
        try:
            reports[place] = (key, unpack_lines(data))
        except StoreDamaged as e:
            reports[place] = (key, e)
    return BatchRows(bases, tags, hits, terms, reports)


def _has_terms(db: sqlite3.Connection, text_keys: Sequence[bytes], stop: str) -> Iterator[bytes]:
    """Which of the texts have their counts stored, without reading them: from the
    keys-only index. Looked up in the table, each key landed on a page of
    counts, and at 100,000 texts that was 4-5 s of a re-run; SQLite's planner does not pick
    the index by itself."""
    sql = "SELECT text_key FROM terms INDEXED BY terms_present WHERE stop = ? AND text_key IN ({})"
    return (k for (k,) in _select(db, sql, text_keys, stop))


def _select(db: sqlite3.Connection, sql: str, keys: Sequence[bytes], *first: object) -> list[tuple[Any, ...]]:
    """Rows for `keys`, a chunk at a time; `first` fills the placeholders before the IN list."""
    rows: list[tuple[Any, ...]] = []
    unique = list(dict.fromkeys(keys))
    for i in range(0, len(unique), _CHUNK):
        chunk = unique[i : i + _CHUNK]
        rows += db.execute(sql.format(",".join("?" * len(chunk))), [*first, *chunk]).fetchall()
    return rows


class Reader:
    """The store opened only to read, for the process that looks up rows ahead of the run
    (batches.BatchReader). The run opened, checked and made the store current first;
    connected at the first lookup, so that a failure to connect is that lookup's error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None

    def read(self, lookup: Lookup) -> BatchRows:
        if self.db is None:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_WAIT)
            db.execute("PRAGMA query_only = ON")
            db.execute(_PAGE_CACHE)
            self.db = db
        return read_batch(self.db, lookup)


class Store:
    """The result store at `path`. A store that is cut short, or that fails SQLite's
    quick_check when one is due (see _open), is moved aside and rebuilt; `check_all` runs
    quick_check whatever the state (framing cache info)."""

    def __init__(
        self, path: Path, warn: Callable[[str], None] | None = None, check_all: bool = False
    ) -> None:
        self.path = path
        self.warn = warn
        self.check_all = check_all
        self.refused: sqlite3.Error | None = None  # the write the disk refused, if one was
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"{path.parent}: cannot create the cache folder ({e.strerror or e})") from e
        check_may_be_store(path)
        try:
            self.db = self._open()
        except sqlite3.OperationalError as e:
            # Not damage: it cannot be created here, is locked, or the disk failed. Moving it
            # aside would take a store another run has open.
            if is_busy(e):
                raise busy_error(path) from e
            room = "free some space, " if refused_by_disk(e) else ""
            raise StoreError(
                f"{path}: cannot open the result store ({e}); {room}give --cache another place, "
                "or run with --no-cache"
            ) from e
        except sqlite3.DatabaseError as e:
            # Unreadable or inconsistent: keep it for inspection, start afresh. Said on
            # stderr, not in the report: the report is the one a new store gives.
            aside = move_aside(path)
            if warn:
                warn(f"{path}: the cache was unreadable ({e}); moved to {aside.name} and rebuilt")
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        # Before connecting: the first connection may create or replay the WAL.
        full_check = self.check_all or _full_check_due(self.path)
        db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_WAIT)
        try:
            _check_own_tables(db, self.path)  # first: even the journal mode is written to the file
            _into_wal(db)
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_PAGE_CACHE)
            if full_check:
                check = db.execute("PRAGMA quick_check").fetchone()
                if check is None or check[0] != "ok":
                    raise sqlite3.DatabaseError(
                        f"integrity check failed: {check[0] if check else 'no answer'}"
                    )
            _made_current(db)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self.db.close()

    # ---- reads, a batch at a time --------------------------------------------------------

    def _select(self, sql: str, keys: Sequence[bytes], *first: object) -> list[tuple[Any, ...]]:
        return _select(self.db, sql, keys, *first)

    def vocabularies(self, text_keys: Sequence[bytes]) -> dict[bytes, str]:
        sql = "SELECT text_key, data FROM vocabulary WHERE text_key IN ({})"
        return {k: unpack_str(d) for k, d in self._select(sql, text_keys)}

    def clear_of(self, entries: Sequence[Sequence[str]]) -> set[bytes]:
        """The stored texts that cannot hold all the tokens of any of `entries`: by their
        batch's token set, then by their own filters (texts stored without a set are not
        among them; sets stored before filters existed rule out whole batches only, and
        sets made with other hashes rule out nothing)."""
        clear: set[bytes] = set()
        wanted = [vocabulary_sets.entry_hashes(entry) for entry in entries]  # once, not once per set
        for (data,) in self.db.execute("SELECT data FROM vocabulary_sets"):
            texts, tokens, filters, version = _vocabulary_set(unpack(data))
            if version != vocabulary_sets.HASHES:
                continue
            keys = [texts[i : i + 16] for i in range(0, len(texts), 16)]
            token_set = np.frombuffer(tokens, dtype="<u8")
            clear.update(vocabulary_sets.texts_clear_of(keys, token_set, filters, wanted))
        return clear

    def terms(self, text_keys: Sequence[bytes], stop: str) -> dict[bytes, Any]:
        sql = "SELECT text_key, data FROM terms WHERE stop = ? AND text_key IN ({})"
        return {k: unpack(d) for k, d in self._select(sql, text_keys, stop)}

    # The tables kept per corpus (corpus_terms, keyness_tables, keyness_examples) hold a few
    # rows of megabytes each, read by key NOT INDEXED. Through their keys' index, a rowid
    # damaged there (5 made 4) handed back another key's row, and the report differed from
    # --no-cache with nothing said; SQLite takes the key from the index, never checking the
    # row's own. Scanned, each row's own key is compared: a page or so a row, not its data.

    def corpus_terms(self, key: bytes) -> Any:
        row = self.db.execute("SELECT data FROM corpus_terms NOT INDEXED WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self._used(key)
        return unpack(row[0])

    @_transaction
    def _used(self, key: bytes) -> None:
        self.db.execute("UPDATE corpus_terms SET used = ? WHERE key = ?", (time.time_ns(), key))

    @_transaction
    def write_corpus_terms(self, key: bytes, value: Any) -> None:
        """Keep `value` under `key`, and only the CORPUS_TERMS_KEPT most recently used."""
        self.db.execute(
            "INSERT OR REPLACE INTO corpus_terms VALUES (?, ?, ?)", (key, pack(value), time.time_ns())
        )
        self.db.execute(
            "DELETE FROM corpus_terms WHERE key NOT IN "
            "(SELECT key FROM corpus_terms ORDER BY used DESC LIMIT ?)",
            (CORPUS_TERMS_KEPT,),
        )
        self._forget_old_corpora()

    def _forget_old_corpora(self) -> None:
        for table in ("keyness_tables", "keyness_examples"):
            self.db.execute(f"DELETE FROM {table} WHERE corpus NOT IN (SELECT key FROM corpus_terms)")

    def _kept(self, table: str, key: bytes) -> bytes | None:
        """A row's data from a table kept per corpus (keyness_tables, keyness_examples)."""
        row = self.db.execute(f"SELECT data FROM {table} NOT INDEXED WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    @_transaction
    def _keep(self, table: str, key: bytes, corpus: bytes, data: bytes) -> None:
        """Keep a row of a table kept per corpus, while that corpus's summed counts are."""
        self.db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)", (key, corpus, data))
        self._forget_old_corpora()

    def examples(self, key: bytes) -> Any:
        data = self._kept("keyness_examples", key)
        return None if data is None else unpack(data)

    def write_examples(self, key: bytes, corpus: bytes, value: Any) -> None:
        self._keep("keyness_examples", key, corpus, pack(value))

    @_transaction
    def write_reports(self, rows: Iterable[tuple[bytes, bytes, bytes]]) -> None:
        """(article, key, packed lines): one row per article (its place in the input), the
        last one written."""
        self.db.executemany("INSERT OR REPLACE INTO reports VALUES (?, ?, ?)", rows)

    def keyness_table(self, key: bytes) -> bytes | None:
        """A kept table, zlib-compressed UTF-8 (see `store_rows.unpack_parts`)."""
        return self._kept("keyness_tables", key)

    def keyness_table_kept(self, key: bytes) -> bool:
        row = self.db.execute("SELECT 1 FROM keyness_tables NOT INDEXED WHERE key = ?", (key,)).fetchone()
        return row is not None

    def write_keyness_table(self, key: bytes, corpus: bytes, data: bytes) -> None:
        """Keep a table (zlib-compressed UTF-8) while its corpus's summed counts are kept."""
        self._keep("keyness_tables", key, corpus, data)

    def lexicon(self, sha: str) -> Any:
        row = self.db.execute("SELECT data FROM lexicons WHERE sha = ?", (sha,)).fetchone()
        return unpack(row[0]) if row else None

    # ---- writes, one transaction per batch ----------------------------------------------

    @_transaction
    def write(
        self,
        bases: Iterable[tuple[bytes, Any]],
        hits: Iterable[tuple[bytes, str, str, bytes]],
        vocabularies: Iterable[tuple[bytes, str]],
        lexicons: Iterable[tuple[str, Any]] = (),
        terms: Iterable[tuple[bytes, str, Any]] = (),
        tags: Iterable[tuple[bytes, bytes, Any]] = (),
    ) -> None:
        self.db.executemany("INSERT OR REPLACE INTO base VALUES (?, ?)", ((k, pack(v)) for k, v in bases))
        self.db.executemany(
            "INSERT OR REPLACE INTO tags VALUES (?, ?, ?)", ((k, r, pack(v)) for k, r, v in tags)
        )
        # In key order: each page of the table is then written once per transaction.
        self.db.executemany(
            "INSERT OR REPLACE INTO hits VALUES (?, ?, ?, ?)",
            sorted((lexicon, k, bytes.fromhex(sha), data) for k, lexicon, sha, data in hits),
        )
        vocabularies = list(vocabularies)
        self.db.executemany(
            "INSERT OR REPLACE INTO vocabulary VALUES (?, ?)",
            ((k, compress(v.encode("utf-8"))) for k, v in vocabularies),
        )
        if vocabularies:
            texts = b"".join(k for k, _ in vocabularies)
            tokens, filters = vocabulary_sets.token_set([v for _, v in vocabularies])
            kept = (texts, tokens.astype("<u8").tobytes(), filters.tobytes(), vocabulary_sets.HASHES.encode())
            self.db.execute("INSERT INTO vocabulary_sets (data) VALUES (?)", (pack(kept),))
        self.db.executemany(
            "INSERT OR IGNORE INTO lexicons VALUES (?, ?)", ((s, pack(v)) for s, v in lexicons)
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO terms VALUES (?, ?, ?)", ((k, s, pack(v)) for k, s, v in terms)
        )

    def counts(self) -> dict[str, int]:
        return {t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _COUNTED}


def clear(path: Path) -> bool:
    """Delete the store at `path` (with SQLite's side files). True if there was one; raises
    StoreError, deleting nothing, if what is there is not a store."""
    check_may_be_store(path)
    if path.is_file():
        try:
            with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=0)) as db:
                # Every connection to a store in WAL mode holds a shared lock as long as it
                # is open, idle or not, so the exclusive lock is refused while another run
                # uses the store. Deleting it then lost that run's results (the run went on
                # writing into the deleted file) and sent the next run in cold.
                db.execute("PRAGMA locking_mode=EXCLUSIVE")
                db.execute("BEGIN EXCLUSIVE")
                _check_own_tables(db, path)
                db.execute("ROLLBACK")
        except sqlite3.DatabaseError as e:
            if is_busy(e):
                raise StoreError(
                    f"{path}: the result store is open in another process (a run still going?); "
                    "nothing deleted. Clear it once that process has ended"
                ) from e
            # Otherwise damaged: an SQLite file at a store's path, deleted as before.
    found = False
    for p in store_files(path):
        if p.exists():
            p.unlink()
            found = True
    return found


def move_aside(path: Path) -> Path:
    """Move the store at `path` to PATH.broken, kept for inspection, so that a new one can
    be made at `path`; return where it went."""
    aside = path.with_name(path.name + ".broken")
    os.replace(path, aside)
    # With its WAL, which may hold the last commits (when another run still has the store
    # open, ours does not fold it in on close); SQLite would delete it as stale beside the
    # new, empty store (its test wal4), losing them.
    for side in ("-wal", "-shm"):
        if path.with_name(path.name + side).exists():
            os.replace(path.with_name(path.name + side), aside.with_name(aside.name + side))
    return aside


def store_files(path: Path) -> list[Path]:
    """The store's file and SQLite's side files beside it, whether or not they exist."""
    return [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
