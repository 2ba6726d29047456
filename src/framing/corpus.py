"""Articles in: a folder of .txt files with an optional manifest, JSON Lines or one JSON
array, or CSV.

Readers are generators, so a large export is read one article at a time. Files that cannot
be articles (empty, binary, an encoding that cannot be told) are skipped with a warning that
names them; input that is broken as a whole (bad JSON, a CSV without a text column, a
manifest that does not match its folder) raises InputError naming the file and line.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from isal import igzip_threaded

from framing.csvfile import read_table
from framing.errors import InputError
from framing.text_encoding import decode_article, sniff_encoding

MANIFEST = "manifest.csv"
FIELDS = ("id", "outlet", "url", "date", "title", "language", "text")
# Accepted column names, first match wins: our own, then Media Cloud's export names and
# common variants.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "stories_id", "story_id", "article_id"),
    "outlet": ("outlet", "media_name", "source", "media", "publisher"),
    "url": ("url", "source_url", "link", "guid"),
    "date": ("date", "publish_date", "published", "published_at"),
    "title": ("title", "headline"),
    "language": ("language", "lang"),
    "text": ("text", "story_text", "content", "body"),
}
MEDIA_URL = "media_url"  # Media Cloud: the outlet's home page, used when the story URL is absent
MAX_FIELD = 64 * 1024 * 1024


@dataclass(frozen=True)
class Article:
    id: str
    outlet: str
    url: str
    date: str
    title: str
    language: str
    text: str
    source: str  # where it was read from, as shown to the user


Warn = Callable[[str], None]


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


class InputMeter:
    """How far through its input a run has read, as a share of the input files' bytes on
    disk (compressed bytes for gzip, whose length uncompressed is known only at its end):
    what the progress bar measures the scoring by."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.total = sum(_size_on_disk(p) for p in paths)
        self._done = 0  # bytes of the files read to their end
        self._reading: io.BufferedReader | None = None  # the file being read, if any

    def share(self) -> float | None:
        """The share read so far, 0 to 1; None when the input's size is not known."""
        if not self.total:
            return None
        at = self._done
        if self._reading is not None and not self._reading.closed:
            at += self._reading.tell()
        return min(1.0, at / self.total)

    def reading(self, disk: io.BufferedReader) -> None:
        self._reading = disk

    def read(self, size: int) -> None:
        """A file of `size` bytes is read to its end."""
        self._reading = None
        self._done += size


def _size_on_disk(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in _article_files(path))
        return path.stat().st_size
    except OSError:
        return 0  # the reader says what is wrong with it


def read_inputs(
    paths: list[Path], warn: Warn = _stderr, meter: InputMeter | None = None
) -> Iterator[Article]:
    """Articles from every input path, in order, each with an id unique across them."""
    if not paths:
        raise InputError("no input given")
    seen: dict[str, str] = {}
    for path in paths:
        for article in read_path(path, warn, meter):
            article = _without_surrogates(article, warn)
            if article.id in seen:
                # Real exports repeat ids (BASIL has four "empty"): keep the article under an
                # id that says where it came from, and say so.
                new_id = f"{article.id}@{article.source}"
                warn(
                    f"{article.source}: duplicate article id {article.id!r} "
                    f"(first in {seen[article.id]}); kept as {new_id!r}"
                )
                article = dataclasses.replace(article, id=new_id)
            seen[article.id] = article.source
            yield article


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(value: str) -> bool:
    if value.isascii():  # a flag of the string: no pass over it
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _without_surrogates(article: Article, warn: Warn) -> Article:
    """The article with each unpaired surrogate made U+FFFD, and a warning. Only a JSON
    escape makes one: "\\ud83d" without its pair, from text cut inside an emoji. No UTF-8
    holds it, so the report failed as it was written. (A check by encoding: a fifth of the
    time of a regex search, 0.04 s for the 10k AllSides texts.)"""
    broken = [f for f in FIELDS if not _encodable(getattr(article, f))]
    if not broken:
        return article
    mended, count = {}, 0
    for f in broken:
        mended[f], n = _SURROGATE.subn("\ufffd", getattr(article, f))
        count += n
    warn(
        f"{article.source}: article {mended.get('id', article.id)!r}: unpaired surrogate escapes "
        f"replaced with U+FFFD ({count} in {', '.join(broken)})"
    )
    return dataclasses.replace(article, **mended)


JSON_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz")
TABLE_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")


def read_path(path: Path, warn: Warn = _stderr, meter: InputMeter | None = None) -> Iterator[Article]:
    if path.is_dir():
        return read_folder(path, warn, meter)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    name = path.name.casefold()
    if name.endswith(JSON_SUFFIXES):
        return read_jsonl(path, meter)
    if name.endswith(TABLE_SUFFIXES):
        return read_csv(path, warn, meter)
    if name.endswith(".txt"):
        return read_text_files([path], {}, warn, path.name, meter)
    raise InputError(
        f"{path}: not a folder or a file framing reads "
        f"({', '.join(('.txt', *JSON_SUFFIXES, *TABLE_SUFFIXES))}; or - for standard input)"
    )


def _article_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.casefold() == ".txt")


def read_folder(folder: Path, warn: Warn = _stderr, meter: InputMeter | None = None) -> Iterator[Article]:
    files = _article_files(folder)
    manifest = (
        read_manifest(folder / MANIFEST, {p.stem for p in files}) if (folder / MANIFEST).exists() else {}
    )
    if not files:
        raise InputError(f"{folder}: no .txt files in this folder")
    return read_text_files(files, manifest, warn, folder.name, meter)


def read_text_files(
    files: list[Path],
    manifest: dict[str, dict[str, str]],
    warn: Warn,
    shown_root: str,
    meter: InputMeter | None = None,
) -> Iterator[Article]:
    for path in files:
        shown = f"{shown_root}/{path.name}" if shown_root != path.name else path.name
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"{shown}: cannot read ({e.strerror})") from e
        if meter:
            meter.read(len(data))
        text, message = decode_article(data, shown)
        if message:
            warn(message)
        if text is None:
            continue
        meta = manifest.get(path.stem, {})
        yield Article(
            id=path.stem,
            outlet=meta.get("outlet", ""),
            url=meta.get("url", ""),
            date=meta.get("date", ""),
            title=meta.get("title", ""),
            language=meta.get("language", ""),
            text=text,
            source=shown,
        )


def read_manifest(path: Path, ids: set[str]) -> dict[str, dict[str, str]]:
    """id -> metadata. Rows must name files that exist; unknown columns are errors."""
    table = read_table(path)
    if table.problems:
        raise InputError(str(table.problems[0]))
    known = [c for c in FIELDS if c != "text"] + ["note"]
    for col in table.header:
        if col not in known:
            raise InputError(
                f"{path}:{table.header_line}: unknown manifest column {col!r} (expected: {', '.join(known)})"
            )
    if "id" not in table.header:
        raise InputError(f"{path}:{table.header_line}: the manifest needs an 'id' column")
    out: dict[str, dict[str, str]] = {}
    for row in table.rows:
        rid = row.values["id"]
        if rid not in ids:
            raise InputError(f"{path}:{row.line}: id {rid!r} has no file {rid}.txt in this folder")
        if rid in out:
            raise InputError(f"{path}:{row.line}: id {rid!r} is listed twice")
        out[rid] = row.values
    return out


def _column_map(columns: list[str], shown: str, line: int) -> dict[str, str]:
    lower = {c.casefold().strip(): c for c in columns}
    mapping = {}
    for field, names in ALIASES.items():
        for n in names:
            if n in lower:
                mapping[field] = lower[n]
                break
    if "text" not in mapping:
        raise InputError(
            f"{shown}:{line}: no text column (looked for {', '.join(ALIASES['text'])}; "
            f"found {', '.join(columns) or 'none'})"
        )
    if MEDIA_URL in lower:
        mapping[MEDIA_URL] = lower[MEDIA_URL]
    return mapping


def _article(
    record: dict[str, object], mapping: dict[str, str], shown: str, line: int, stem: str, number: int = 0
) -> Article:
    """`line` is where the record starts; `number`, if given, names it in a made-up id
    instead (the items of a JSON array on one line share their line)."""

    def get(field: str) -> str:
        value = record.get(mapping.get(field, ""), "")
        return "" if value is None else str(value)

    url = get("url") or get(MEDIA_URL)
    return Article(
        id=get("id").strip() or f"{stem}-{number or line}",
        outlet=get("outlet").strip(),
        url=url.strip(),
        date=get("date").strip(),
        title=get("title").strip(),
        language=get("language").strip(),
        text=get("text"),
        source=f"{shown}:{line}",
    )


# Decompressed bytes per hand-over from ISA-L's thread, which reads 8 of them ahead from
# disk: with its default of 1 MB the share read moved in steps of 8 MB of a compressed
# file, a third of a 23 MB export at a time. Smaller blocks cost 5-15% of the reading time
# (0.2 s of a 100k JSON Lines file's 2.2 s; nothing next to scoring it), so only a
# metered read (the one the progress bar follows) uses them.
_METERED_GZIP_BLOCK = 1 << 17
_GZIP_BLOCK = 1 << 20  # ISA-L's default


@contextmanager
def _opened(path: Path, meter: InputMeter | None = None) -> Iterator[io.BufferedReader]:
    """The file's bytes, decompressed if it is gzip: by ISA-L, in a thread of its own that
    runs beside the parsing (it releases the GIL), three times faster than gzip.open.
    `meter` follows the file on disk as it is read, and counts it read at the end."""
    try:
        disk = path.open("rb")
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from e
    with disk:
        size = os.fstat(disk.fileno()).st_size
        if meter:
            meter.reading(disk)
        if path.name.endswith(".gz"):
            reader: io.BufferedReader = igzip_threaded.open(  # type: ignore[no-untyped-call]
                disk, "rb", threads=1, block_size=_METERED_GZIP_BLOCK if meter else _GZIP_BLOCK
            )
            with reader:
                yield reader
        else:
            yield disk
        if meter:
            meter.read(size)


def read_jsonl(path: Path, meter: InputMeter | None = None) -> Iterator[Article]:
    """Articles one line at a time: a file of any size is never held in memory. A file that
    opens with "[" is one JSON array of articles (what json.dump writes), read an item at
    a time."""
    shown = path.name
    stem = path.name.split(".")[0]
    count = 0
    with _opened(path, meter) as f:
        if _opens_array(f, path):
            yield from _array_articles(f, path)
            return
        number = 0
        while True:
            try:
                raw = f.readline()
            except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
                raise _unreadable(path, e) from e
            if not raw:
                break
            number += 1
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as e:
                problem = f"{shown}:{number}: not UTF-8 (byte 0x{raw[e.start]:02x}); save the file as UTF-8"
                raise InputError(f"{problem} (JSON Lines must be UTF-8)") from e
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{shown}:{number}: not a JSON object ({e.msg})") from e
            if not isinstance(record, dict):
                raise InputError(
                    f"{shown}:{number}: each line must be a JSON object, not {type(record).__name__}"
                )
            mapping = _column_map(list(record), shown, number)
            count += 1
            yield _article(record, mapping, shown, number, stem)
    if count == 0:
        raise InputError(f"{shown}: no articles (empty file)")


def _text_blocks(f: io.BufferedReader, path: Path) -> Iterator[str]:
    """A UTF-8 file as text, a block at a time (a byte-order mark dropped)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for block in _blocks_of(f, path):
            if text := decoder.decode(block):
                yield text
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as e:
        raise InputError(f"{path.name}: not UTF-8 ({e.reason}); save the file as UTF-8") from e


_JSON_SPACE = b" \t\n\r"  # the white space JSON allows around its values
_SPACE = re.compile(f"[{_JSON_SPACE.decode()}]*")
_PEEK = 8192  # bytes looked at for the "[" that opens a JSON array


def json_opening(head: bytes) -> bytes:
    """The start of a file past a UTF-8 byte-order mark and JSON's white space: "[" opens
    one JSON array, "{" JSON Lines."""
    return head.removeprefix(codecs.BOM_UTF8).lstrip(_JSON_SPACE)


def _opens_array(f: io.BufferedReader, path: Path) -> bool:
    """Whether the file's first character, past a byte-order mark and white space, is "["."""
    try:
        head = f.peek(_PEEK)
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
        raise _unreadable(path, e) from e
    opening = json_opening(head)
    if opening or not head:
        return opening.startswith(b"[")
    # Only white space in view (the view is one buffer): look on from the start with a
    # reader of its own, leaving `f` where it is. A JSON array after more than a buffer of
    # white space was taken for JSON Lines and refused at its "[" line.
    with _opened(path) as look:
        try:
            opening = json_opening(look.read(_PEEK))  # all _PEEK bytes: read() waits for them
            while not opening and (part := look.read(_PEEK)):
                opening = part.lstrip(_JSON_SPACE)
            return opening.startswith(b"[")
        except (OSError, EOFError) as e:
            raise _unreadable(path, e) from e


def _array_articles(f: io.BufferedReader, path: Path) -> Iterator[Article]:
    shown = path.name
    stem = path.name.split(".")[0]
    count = 0
    for count, (start, item) in enumerate(_array_items(_text_blocks(f, path), shown), 1):
        if not isinstance(item, dict):
            raise InputError(
                f"{shown}:{start}: each item of the array must be a JSON object, not {type(item).__name__}"
            )
        yield _article(item, _column_map(list(item), shown, start), shown, start, stem, count)
    if count == 0:
        raise InputError(f"{shown}: no articles (an empty array)")


def _array_items(rest: Iterator[str], shown: str) -> Iterator[tuple[int, object]]:
    """The items of the JSON array that `rest` (a file's text, in blocks) holds, each with the
    line it starts on. One item and a block of text are held at a time; an item is decoded
    by the json module's own scanner, tried again with more text when the text so far ends
    inside it."""
    decoder = json.JSONDecoder()
    text, at = "", 0
    # Line breaks before text[counted]: counted on as the items go, since counting from the
    # start of the text for each item made the reading three times slower.
    lines, counted = 0, 0
    ended = False

    def line_at(i: int) -> int:  # asked of places in the order they are read
        nonlocal lines, counted
        lines += text.count("\n", counted, i)
        counted = i
        return lines + 1

    def more() -> None:
        """Drop what is read and add a block (at least as long as what is left: an item
        longer than a block is scanned a few times, not once per block)."""
        nonlocal text, at, ended, counted
        line_at(at)
        text, at, counted = text[at:], 0, 0
        wanted = max(len(text), 1)
        added = []
        while wanted > 0:
            block = next(rest, "")
            if not block:
                ended = True
                break
            added.append(block)
            wanted -= len(block)
        text += "".join(added)

    def next_mark() -> str:
        """The next character that is not white space ("" at the end of the file)."""
        nonlocal at
        while True:
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]  # it matches ""
            if at < len(text) or ended:
                return text[at : at + 1]
            more()

    if next_mark() != "[":  # the caller saw one; the file changed since
        raise InputError(f"{shown}: a JSON array must open with '['")
    at += 1
    first_item = True
    while True:
        mark = next_mark()
        if mark == "]":
            at += 1
            break
        if not first_item:
            if mark != ",":
                found = f"found {mark!r}" if mark else "the file ends"
                raise InputError(f"{shown}:{line_at(at)}: the JSON array needs ',' or ']' here; {found}")
            at += 1
            mark = next_mark()
        if not mark:
            raise InputError(f"{shown}:{line_at(at)}: the JSON array is not closed: the file ends")
        while True:
            try:
                item, end = decoder.raw_decode(text, at)
                break
            except json.JSONDecodeError as e:
                if ended:
                    raise InputError(f"{shown}:{line_at(e.pos)}: not JSON ({e.msg})") from e
                if len(text) - at > MAX_FIELD:
                    raise InputError(
                        f"{shown}:{line_at(at)}: not JSON, or an item of more than "
                        f"{MAX_FIELD // 2**20} MB ({e.msg})"
                    ) from e
                more()
        yield line_at(at), item
        at = end
        first_item = False
    if next_mark():
        raise InputError(f"{shown}:{line_at(at)}: more after the end of the JSON array")


def read_csv(path: Path, warn: Warn = _stderr, meter: InputMeter | None = None) -> Iterator[Article]:
    """Articles one row at a time, as read_jsonl: one look over the bytes for their encoding,
    then one pass that parses. The file (600 MB for 100,000 articles) is never held whole;
    read whole and decoded, it took 5.4 GB before the first article was scored."""
    shown = path.name
    encoding, message = sniff_encoding(lambda: _blocks(path), shown)
    if encoding is None:
        raise InputError(message)
    if message:
        warn(message)
    with _opened(path, meter) as raw:
        yield from _csv_rows(io.TextIOWrapper(raw, encoding=encoding, newline=""), path)


def _blocks(path: Path) -> Iterator[bytes]:
    """The file's bytes, decompressed if it is gzip, a block at a time."""
    with _opened(path) as f:
        yield from _blocks_of(f, path)


_BLOCK = 1 << 20


def _blocks_of(f: io.BufferedReader, path: Path) -> Iterator[bytes]:
    """The rest of an open file's bytes, a block at a time."""
    while True:
        try:
            block = f.read(_BLOCK)
        except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
            raise _unreadable(path, e) from e
        if not block:
            return
        yield block


def _unreadable(path: Path, e: Exception) -> InputError:
    """A read that failed: for gzip, most often a file cut short or not compressed."""
    if path.name.endswith(".gz"):
        return InputError(f"{path}: not a readable gzip file ({e})")
    return InputError(f"{path}: cannot read ({e})")


def _csv_rows(stream: io.TextIOWrapper, path: Path) -> Iterator[Article]:
    shown = path.name
    csv.field_size_limit(MAX_FIELD)
    delimiter = "\t" if path.name.casefold().endswith((".tsv", ".tsv.gz")) else ","
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    stem = path.name.split(".")[0]
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{shown}: empty file") from None
    except csv.Error as e:
        raise InputError(f"{shown}:1: malformed CSV ({e})") from e
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise _changed(path, e) from e
    mapping = _column_map(header, shown, 1)
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise InputError(f"{shown}:{line}: malformed CSV ({e})") from e
        except (OSError, EOFError, UnicodeDecodeError) as e:
            raise _changed(path, e) from e
        if not any(f.strip() for f in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{shown}:{line}: expected {len(header)} fields, found {len(row)}")
        count += 1
        yield _article(dict(zip(header, row, strict=True)), mapping, shown, line, stem)
    if count == 0:
        raise InputError(f"{shown}: no articles (a header but no rows)")


def _changed(path: Path, e: Exception) -> InputError:
    """The parse pass met what the encoding pass did not: the file changed in between."""
    return InputError(f"{path}: changed while it was read ({e}); run again")
