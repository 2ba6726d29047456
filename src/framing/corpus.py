"""Articles in: a folder of .txt files with an optional manifest, JSONL, or CSV.

Readers are generators, so a large export is read one article at a time. Files that cannot
be articles (empty, binary, an encoding that cannot be told) are skipped with a warning that
names them; input that is broken as a whole (bad JSON, a CSV without a text column, a
manifest that does not match its folder) raises InputError naming the file and line.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from framing.csvfile import decode_utf8, parse_table
from framing.errors import InputError

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


def decode_article(data: bytes, shown: str) -> tuple[str | None, str]:
    """The text of an article file, or None and the reason it is skipped."""
    if not data.strip():
        return None, f"{shown}: empty file, skipped"
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, f"{shown}: binary file (NUL bytes), skipped"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), ""
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    guess = guess_legacy_encoding(data)
    if guess is None:
        return None, (
            f"{shown}: not UTF-8, and not recognisably cp1251 or latin-1; skipped (convert it to UTF-8)"
        )
    return data.decode(guess), f"{shown}: not UTF-8; read as {guess} (detected)"


_CONTROL = set(range(0x00, 0x09)) | {0x0B, 0x0C} | set(range(0x0E, 0x20))


def guess_legacy_encoding(data: bytes) -> str | None:
    """cp1251 or cp1252 (latin-1's superset) when the bytes read as that, else None.

    Bytes above 0x7F in cp1251 Russian text are almost all Cyrillic letters; in cp1252
    Western text, accented Latin letters and typographic punctuation. Anything else — control
    bytes, undefined code points, a mix — is not guessed at.
    """
    high = [b for b in data if b >= 0x80]
    if not high or any(b in _CONTROL for b in data):
        return None
    cyrillic = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8))
    if cyrillic >= 0.9 * len(high):
        text = data.decode("cp1251")
        letters = [c for c in text if c.isalpha() and not c.isascii()]
        # Russian text in cp1251 is mostly lower case; the same bytes read as cp1252 would
        # be mostly accented capitals and lower-case letters mixed at random.
        if letters and sum(1 for c in letters if c.islower()) >= 0.6 * len(letters):
            return "cp1251"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    odd = [c for c in text if not c.isascii() and not (c.isalpha() or c in "‘’“”–—…•€£©®°«»·´¨§")]
    return "cp1252" if len(odd) <= 0.05 * len(high) else None


def read_inputs(paths: list[Path], warn: Warn = _stderr) -> Iterator[Article]:
    """Articles from every input path, in order; ids must be unique across them."""
    if not paths:
        raise InputError("no input given")
    seen: dict[str, str] = {}
    for path in paths:
        for article in read_path(path, warn):
            if article.id in seen:
                raise InputError(
                    f"{article.source}: duplicate article id {article.id!r} (first in {seen[article.id]})"
                )
            seen[article.id] = article.source
            yield article


def read_path(path: Path, warn: Warn = _stderr) -> Iterator[Article]:
    if path.is_dir():
        return read_folder(path, warn)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    name = path.name.casefold()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".json")):
        return read_jsonl(path)
    if name.endswith((".csv", ".csv.gz", ".tsv")):
        return read_csv(path, warn)
    if name.endswith(".txt"):
        return read_text_files([path], {}, warn, path.name)
    raise InputError(f"{path}: not a folder, .txt, .jsonl or .csv file")


def _open_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if path.name.endswith(".gz") else data
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from e
    except (gzip.BadGzipFile, EOFError) as e:
        raise InputError(f"{path}: not a readable gzip file ({e})") from e


def read_folder(folder: Path, warn: Warn = _stderr) -> Iterator[Article]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.casefold() == ".txt")
    manifest = (
        read_manifest(folder / MANIFEST, {p.stem for p in files}) if (folder / MANIFEST).exists() else {}
    )
    if not files:
        raise InputError(f"{folder}: no .txt files in this folder")
    return read_text_files(files, manifest, warn, folder.name)


def read_text_files(
    files: list[Path], manifest: dict[str, dict[str, str]], warn: Warn, shown_root: str
) -> Iterator[Article]:
    for path in files:
        shown = f"{shown_root}/{path.name}" if shown_root != path.name else path.name
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"{shown}: cannot read ({e.strerror})") from e
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
    data = _open_bytes(path)
    text, problem = decode_utf8(data, str(path))
    if problem:
        raise InputError(str(problem))
    assert text is not None
    table = parse_table(text, str(path))
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


def _article(record: dict[str, object], mapping: dict[str, str], shown: str, line: int, stem: str) -> Article:
    def get(field: str) -> str:
        value = record.get(mapping.get(field, ""), "")
        return "" if value is None else str(value)

    url = get("url") or get(MEDIA_URL)
    return Article(
        id=get("id").strip() or f"{stem}-{line}",
        outlet=get("outlet").strip(),
        url=url.strip(),
        date=get("date").strip(),
        title=get("title").strip(),
        language=get("language").strip(),
        text=get("text"),
        source=f"{shown}:{line}",
    )


def read_jsonl(path: Path) -> Iterator[Article]:
    data = _open_bytes(path)
    shown = path.name
    text, problem = decode_utf8(data, shown)
    if problem:
        raise InputError(f"{problem} (JSON Lines must be UTF-8)")
    assert text is not None
    stem = path.name.split(".")[0]
    count = 0
    for number, line in enumerate(io.StringIO(text), start=1):
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
        article = _article(record, mapping, shown, number, stem)
        count += 1
        yield article
    if count == 0:
        raise InputError(f"{shown}: no articles (empty file)")


def read_csv(path: Path, warn: Warn = _stderr) -> Iterator[Article]:
    data = _open_bytes(path)
    shown = path.name
    text, message = decode_article(data, shown)
    if text is None:
        raise InputError(message.replace(", skipped", ""))
    if message:
        warn(message)
    csv.field_size_limit(MAX_FIELD)
    delimiter = "\t" if path.name.casefold().endswith(".tsv") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    stem = path.name.split(".")[0]
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{shown}: empty file") from None
    except csv.Error as e:
        raise InputError(f"{shown}:1: malformed CSV ({e})") from e
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
        if not any(f.strip() for f in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{shown}:{line}: expected {len(header)} fields, found {len(row)}")
        count += 1
        yield _article(dict(zip(header, row, strict=True)), mapping, shown, line, stem)
    if count == 0:
        raise InputError(f"{shown}: no articles (a header but no rows)")
