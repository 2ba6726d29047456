"""Standard input ("-") and pipes as inputs: copied once, then read like the file they are."""

import codecs
import gzip
import json
import os
import tempfile
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.spool import _format_suffix, spooled

from helpers import seed_records

runner = CliRunner()
# Keyness rows at two uses of a term: the run then goes back to the input for examples.
OPTIONS = ("--no-cache", "--by", "outlet", "--min-count", "2")


def _jsonl() -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in seed_records()).encode("utf-8")


def _report(tmp_path, name: str, *args: str, stdin: bytes | None = None) -> tuple[str, str]:
    out = tmp_path / name
    r = runner.invoke(app, ["compare", *args, "--out", str(out), *OPTIONS], input=stdin)
    assert r.exit_code == 0, r.output
    (md,) = out.glob("*.md")
    return md.read_text(encoding="utf-8"), md.with_suffix(".json").read_text(encoding="utf-8")


def _examples(report_md: str) -> list[str]:
    """The example cells of the keyness tables that hold one: an article id, then a quote."""
    cells = [line.rsplit(" | ", 1)[-1] for line in report_md.splitlines() if line.startswith("| ")]
    return [cell for cell in cells if cell.startswith("`") and "**" in cell]


def test_jsonl_on_standard_input_gives_the_bytes_of_the_same_file(tmp_path):
    data = _jsonl()
    (tmp_path / "stdin.jsonl").write_bytes(data)
    from_file = _report(tmp_path, "file", str(tmp_path / "stdin.jsonl"))
    assert _examples(from_file[0]), "the keyness section must have sent the run back to its input"
    assert _report(tmp_path, "pipe", "-", stdin=data) == from_file
    assert from_file[0].startswith("# Framing comparison: stdin\n")


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("stdin.jsonl.gz", lambda records: gzip.compress(_jsonl())),
        ("stdin.json", lambda records: json.dumps(records, indent=1).encode("utf-8")),
        ("stdin.json.gz", lambda records: gzip.compress(json.dumps(records).encode("utf-8"))),
        ("stdin.csv", lambda records: _table(records, ",")),
        ("stdin.tsv", lambda records: _table(records, "\t")),
        ("stdin.csv.gz", lambda records: gzip.compress(_table(records, ","))),
        # NUL bytes in every ASCII character, and not binary: its byte-order mark says so.
        ("stdin.csv", lambda records: _table(records, ",").decode("utf-8").encode("utf-16")),
    ],
)
def test_each_format_on_standard_input_is_told_from_its_bytes(tmp_path, name, encode):
    data = encode(seed_records())
    (tmp_path / name).write_bytes(data)
    assert _report(tmp_path, "pipe", "-", stdin=data) == _report(tmp_path, "file", str(tmp_path / name))


def _table(records: list[dict[str, str]], delimiter: str) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    ("head", "suffix"),
    [
        (b'{"id": "1"}\n', ".jsonl"),
        (codecs.BOM_UTF8 + b' \r\n\t{"id": "1"}', ".jsonl"),
        (b"\n\n  [\n  {", ".json"),
        (codecs.BOM_UTF8 + b"[{", ".json"),
        (b"id,outlet,text\n1,RT,a\tb\n", ".csv"),
        (b"id\toutlet\ttext\n", ".tsv"),
        (b"id\toutlet,x\ttext\n", ".csv"),  # a comma in the header: read as CSV
        ("id\toutlet\n".encode("utf-16"), ".tsv"),
        ("id,outlet\n".encode("utf-16"), ".csv"),
        (b"", ".csv"),
        (gzip.compress(b'{"id": "1"}\n'), ".jsonl.gz"),
        (gzip.compress(b"[{}]"), ".json.gz"),
        (gzip.compress(b"id\ttext\n"), ".tsv.gz"),
        (b"\x1f\x8bnot gzip", ".csv.gz"),  # the gzip reader then says it is not gzip
    ],
)
def test_format_from_the_first_bytes(head, suffix):
    assert _format_suffix(head) == suffix


def test_gzip_told_from_a_head_cut_short():
    # Only the first 64 KB are looked at: a long gzip stream is cut inside its deflate data.
    records = "".join(f'{{"id": "{os.urandom(8).hex()}"}}\n' for _ in range(20_000)).encode()
    compressed = gzip.compress(records)
    assert len(compressed) > 1 << 16
    assert _format_suffix(compressed[: 1 << 16]) == ".jsonl.gz"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("name", ["export", "export.jsonl"])
def test_a_named_pipe_is_read_as_the_file_it_carries(tmp_path, name):
    data = _jsonl()
    (tmp_path / "export.jsonl").write_bytes(data)
    expected = _report(tmp_path, "file", str(tmp_path / "export.jsonl"))
    pipe = tmp_path / "pipes" / name
    pipe.parent.mkdir()
    os.mkfifo(pipe)

    def write() -> None:
        with pipe.open("wb") as f:
            for at in range(0, len(data), 999):  # in pieces, as a program writing it would
                f.write(data[at : at + 999])

    writer = threading.Thread(target=write)
    writer.start()
    try:
        got = _report(tmp_path, "pipe", str(pipe))
    finally:
        writer.join(timeout=30)
    assert got == expected


def test_standard_input_that_is_a_terminal_empty_or_given_twice_is_refused(tmp_path, monkeypatch):
    def fails(*args: str, stdin: bytes | None = b"") -> str:
        r = runner.invoke(app, ["compare", *args, "--out", str(tmp_path), "--no-cache"], input=stdin)
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output
        assert not list(tmp_path.glob("*.md"))
        return r.stderr.strip()

    assert fails("-") == "error: -: nothing on standard input"
    assert fails("-", "-", stdin=_jsonl()) == "error: -: standard input given more than once"
    assert fails("-", stdin=b"\x00\x01\x02") == "error: -: binary data (NUL bytes), not a table of articles"

    import io

    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("framing.spool._standard_input", lambda: Terminal(_jsonl()))
    assert fails("-") == "error: -: standard input is a terminal; pipe the articles in: … | framing compare -"


class Endless:
    """A stream of `unit` repeated without end, counting the bytes read from it."""

    def __init__(self, unit: bytes) -> None:
        self.unit = unit
        self.read_so_far = 0

    def isatty(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "read to the end of an endless stream"
        self.read_so_far += size
        assert self.read_so_far < 1 << 24, "read on far past the head"  # not a disk filled
        return (self.unit * (size // len(self.unit) + 1))[:size]


@pytest.mark.parametrize(
    "unit",
    [
        b"\x00",  # /dev/zero
        b"id,outlet,text\n1,RT,\x00",  # a table with NUL bytes in it
        gzip.compress(b"\x00" * 100_000),  # gzip of zeros, many times over
    ],
)
def test_endless_binary_standard_input_is_refused_from_its_first_bytes(tmp_path, monkeypatch, unit):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    stream = Endless(unit)
    monkeypatch.setattr("framing.spool._standard_input", lambda: stream)
    r = runner.invoke(app, ["compare", "-", "--out", str(tmp_path / "out"), "--no-cache"])
    assert r.exit_code == 2, r.output
    assert r.stderr == "error: -: binary data (NUL bytes), not a table of articles\n"
    assert stream.read_so_far == 1 << 16  # the head that tells the format, and no more
    assert list(scratch.iterdir()) == [] and not (tmp_path / "out").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_given_as_a_file_is_refused_at_once():
    r = runner.invoke(app, ["compare", "/dev/zero", "--no-cache"])
    assert r.exit_code == 2, r.output
    assert r.stderr == "error: /dev/zero: binary data (NUL bytes), not a table of articles\n"


def test_the_copy_is_removed_after_a_run_and_after_a_failed_one(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    _report(tmp_path, "ok", "-", stdin=_jsonl())
    assert list(scratch.iterdir()) == []
    r = runner.invoke(app, ["compare", "-", "--out", str(tmp_path), "--no-cache"], input=b'{"id": "1"\n')
    assert r.exit_code == 2
    assert r.stderr.strip() == "error: stdin.jsonl:1: not a JSON object (Expecting ',' delimiter)"
    assert list(scratch.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_two_pipes_of_one_name_are_both_read(tmp_path):
    records = seed_records()
    halves = [records[:2], records[2:]]
    pipes = [tmp_path / side / "export.jsonl" for side in ("a", "b")]
    for pipe in pipes:
        pipe.parent.mkdir()
        os.mkfifo(pipe)

    def write(pipe, half) -> None:
        with pipe.open("wb") as f:
            f.write("".join(json.dumps(r) + "\n" for r in half).encode())

    writers = [threading.Thread(target=write, args=pair) for pair in zip(pipes, halves, strict=True)]
    for w in writers:
        w.start()
    try:
        _, report = _report(tmp_path, "out", *map(str, pipes))
    finally:
        for w in writers:
            w.join(timeout=30)
    assert [a["id"] for a in json.loads(report)["articles"]] == [r["id"] for r in records]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_the_bytes_copied_are_told_as_they_are_copied_across_every_input(tmp_path):
    # 3 MB through one pipe, then 1 MB + 10 bytes through another; a file is not copied.
    sizes = [3 << 20, (1 << 20) + 10]
    pipes = [tmp_path / f"{i}.csv" for i in range(2)]
    for pipe in pipes:
        os.mkfifo(pipe)
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"id,text\n1,a\n")

    def write(pipe: Path, size: int) -> None:
        with pipe.open("wb") as f:
            f.write(b"id,text\n" + b"x" * (size - 8))

    writers = [threading.Thread(target=write, args=pair) for pair in zip(pipes, sizes, strict=True)]
    for w in writers:
        w.start()
    told: list[int] = []
    try:
        with spooled((pipes[0], plain, pipes[1]), told.append) as paths:
            assert [p.stat().st_size for p in paths] == [sizes[0], plain.stat().st_size, sizes[1]]
    finally:
        for w in writers:
            w.join(timeout=30)
    # The head of each (64 KB) is copied first, then a block of 1 MB at a time: the first
    # pipe's rest is two whole blocks and a short one, the second's one short block.
    head = 1 << 16
    assert told == [head + (1 << 20), head + (2 << 20), sizes[0], sum(sizes)]
