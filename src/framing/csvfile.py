"""Reading the CSV files people edit by hand: lexicons, the outlet registry, manifests.

One reader so that every file gets the same rules: UTF-8 (a BOM is fine), a header row,
`#` starting a comment line, blank lines ignored, and every problem reported as a Problem
naming the file and the physical line, never as a traceback.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from framing.errors import Problem


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    path: str  # as shown in messages
    header: list[str]
    header_line: int
    rows: list[Row]
    problems: list[Problem]


def decode_utf8(data: bytes, shown: str) -> tuple[str | None, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, Problem(shown, line, f"not UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8")


def read_table(path: Path) -> Table:
    shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return Table(shown, [], 0, [], [Problem(shown, 0, f"cannot read: {e.strerror}")])
    text, problem = decode_utf8(data, shown)
    if problem:
        return Table(shown, [], 0, [], [problem])
    assert text is not None
    return parse_table(text, shown)


def parse_table(text: str, shown: str) -> Table:
    physical = text.splitlines(keepends=True)
    problems: list[Problem] = []
    consumed: list[int] = []  # physical line numbers handed to the csv reader, in order

    def feed() -> Iterator[str]:
        inside_quotes = False  # a quoted field runs on from the line before
        for number, line in enumerate(physical, start=1):
            if not inside_quotes and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.count('"') % 2:
                inside_quotes = not inside_quotes
            consumed.append(number)
            yield line

    reader = csv.reader(feed(), strict=True, skipinitialspace=False)
    header: list[str] = []
    header_line = 0
    rows: list[Row] = []
    while True:
        before = len(consumed)
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            line = consumed[before] if len(consumed) > before else (consumed[-1] if consumed else 1)
            problems.append(Problem(shown, line, f"malformed CSV: {e}"))
            break
        line = consumed[before]
        fields = [f.strip() for f in fields]
        if not header:
            header, header_line = [h.casefold() for h in fields], line
            dupes = sorted({h for h in header if header.count(h) > 1})
            if dupes:
                problems.append(Problem(shown, line, f"column {dupes[0]!r} appears twice in the header"))
            continue
        if len(fields) != len(header):
            problems.append(
                Problem(
                    shown,
                    line,
                    f"expected {len(header)} fields ({','.join(header)}), found {len(fields)}; "
                    "put a field that contains a comma in double quotes",
                )
            )
            continue
        rows.append(Row(line, dict(zip(header, fields, strict=True))))
    if not header and not problems:
        problems.append(Problem(shown, 1, "empty file: a header row is needed"))
    return Table(shown, header, header_line, rows, problems)


def check_columns(table: Table, required: list[str], optional: list[str]) -> list[Problem]:
    problems = []
    known = required + optional
    for col in table.header:
        if col not in known:
            problems.append(
                Problem(
                    table.path, table.header_line, f"unknown column {col!r} (expected: {', '.join(known)})"
                )
            )
    for col in required:
        if col not in table.header:
            problems.append(Problem(table.path, table.header_line, f"missing column {col!r}"))
    return problems
