"""Mutated inputs against `framing compare`, run by hand (not by pytest): every run must end
in a report or in one error line (exit 0 or 2), never a traceback; and where the bytes can
be compared, `--jobs 1`, `--jobs 2`, a cold and a warm store, and a store after lexicon
edits must give the same report as `--no-cache`.

    python tests/fuzz_inputs.py                      # every kind, 100 cases each, seed 0
    python tests/fuzz_inputs.py files lexicons --cases 300 --seed 3

Kinds: files (CSV, TSV, JSON Lines, JSON arrays, gzip), folder (the seeds with files
mutated, re-encoded, emptied, removed or added), lexicons (one bundled lexicon file
mutated: `lexicon check` and `compare`), options (keyness and grouping options with odd
values and mutated background and stop-word files), same-bytes and edits (AllSides
articles from ../shared/corpora, reposted and doubled; a few hundred cases take minutes),
stops (a run on a store stopped by a signal at a random moment, its store sometimes
damaged after: the next runs must give the bytes of `--no-cache`), full (a run whose
files are limited in size, as on a full disk: the report of `--no-cache`, or one error
line and no file left behind), together (two or three runs at once on one store, one
sometimes killed: each run not killed, and each run after them, gives the bytes of
`--no-cache`).
Every report a case writes must have every table row whole (as many cells as its header).
A failing case is kept under --keep for a test to be made of it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from functools import cache
from pathlib import Path

from typer.testing import CliRunner

from framing.cli import app
from framing.outlets import read_registry
from framing.resources import bundled

from helpers import broken_table_row, run_limited

ALLSIDES = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "allsides-10k.jsonl.gz"
SEEDS = bundled("seeds")
LEXICONS = bundled("lexicons")

# Pieces that broke parsers somewhere: quotes, separators, line ends, byte-order marks,
# bytes that are not UTF-8, a lone surrogate escape, Markdown and HTML.
PIECES = [
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'"', b",", b"\t", b";", b"\n", b"\r", b"\r\n", b"{", b"}",
    b"[", b"]", b"\\", b"\\u0000", b"\\ud800", b"\\ud83d", b"|", b"*", b"#", b"<script>", b"\x1b[31m",
    "\u2028".encode(), "€".encode(), "İ".encode(), b"\xc3", b"\x80", b"\xcf\xf0", b"null", b"1e999", b"-1",
]  # fmt: skip


class Fuzz:
    def __init__(self, seed: int, keep: Path) -> None:
        self.rng = random.Random(seed)
        self.runner = CliRunner()
        self.keep = keep
        self.failures = 0

    def mutate(self, data: bytes, most: int = 5) -> bytes:
        b = bytearray(data)
        for _ in range(self.rng.randint(1, most)):
            at = self.rng.randint(0, len(b))
            op = self.rng.random()
            if op < 0.45:
                b[at:at] = self.rng.choice(PIECES)
            elif op < 0.65 and b:
                del b[at : at + self.rng.randint(1, 20)]
            elif op < 0.9 and b:
                b[at:at] = b[self.rng.randint(0, len(b) - 1) :][: self.rng.randint(1, 60)]
            else:
                b[at:at] = self.rng.randbytes(self.rng.randint(1, 5))
        return bytes(b)

    def run(self, *args: str) -> tuple[int, str]:
        r = self.runner.invoke(app, list(args))
        if r.exception and not isinstance(r.exception, SystemExit):
            return -1, "".join(traceback.format_exception(r.exception))
        return r.exit_code, r.output

    def ends_cleanly(self, case: Path, *args: str) -> None:
        """Exit 0 or 2, no traceback; a report written has every table row whole."""
        status, output = self.run(*args)
        if status not in (0, 2) or "Traceback" in output:
            self.fail(case, f"exit {status}: {' '.join(args)}\n{output[-1500:]}")
        elif status == 0 and "--out" in args:
            for report in sorted(Path(args[args.index("--out") + 1]).glob("*.md")):
                row = broken_table_row(report.read_text(encoding="utf-8"))
                if row is not None:
                    self.fail(case, f"a broken table row in {report}: {' '.join(args)}\n{row[:1500]}")

    def fail(self, case: Path, what: str) -> None:
        self.failures += 1
        kept = self.keep / f"{case.name}-{self.failures}"
        shutil.copytree(case, kept)
        print(f"FAILED, kept in {kept}: {what}")


def files(fuzz: Fuzz, case: Path) -> None:
    rows = [
        {"id": "1", "outlet": "RT", "title": "# A | b <b>x</b>", "text": 'The bloc, he claimed.\n\nNATO "annexation".'},
        {"id": "2", "outlet": "Reuters", "text": 'Crimea accession was said. "We will," said Lavrov.', "date": "2021-02-03"},
    ]  # fmt: skip
    csv = 'id,outlet,title,text\n1,RT,"A | b","The bloc, he claimed. ""Annexation""."\n2,Reuters,T,"Said, he."\n'
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    bases = {".csv": csv, ".tsv": csv.replace(",", "\t"), ".jsonl": lines, ".json": json.dumps(rows)}
    suffix = fuzz.rng.choice(list(bases))
    data = fuzz.mutate(bases[suffix].encode())
    packed = fuzz.rng.random() < 0.2
    path = case / ("in" + suffix + (".gz" if packed else ""))
    path.write_bytes(gzip.compress(data) if packed else data)
    fuzz.ends_cleanly(case, "compare", str(path), "--out", str(case / "out"), "--no-cache")


def folder(fuzz: Fuzz, case: Path) -> None:
    seeds = case / "seeds"
    shutil.copytree(SEEDS, seeds)
    for _ in range(fuzz.rng.randint(1, 3)):
        found = sorted(seeds.iterdir())
        if not found:
            break
        p = fuzz.rng.choice(found)
        op = fuzz.rng.random()
        if op < 0.6:
            p.write_bytes(fuzz.mutate(p.read_bytes()))
        elif op < 0.7:
            p.write_bytes(b"")
        elif op < 0.8:
            encoding = fuzz.rng.choice(["utf-16", "utf-16-be", "cp1251", "latin-1"])
            p.write_bytes(p.read_bytes().decode("utf-8", "replace").encode(encoding, "replace"))
        elif op < 0.9:
            p.unlink()
        else:
            name = fuzz.rng.choice(["extra.txt", "X.TXT", ".hidden.txt", "a b|c.txt"])
            (seeds / name).write_bytes(fuzz.mutate(b"Hello. He claimed the bloc."))
    fuzz.ends_cleanly(case, "compare", str(seeds), "--out", str(case / "out"), "--no-cache")


def lexicons(fuzz: Fuzz, case: Path) -> None:
    lex = case / "lexicons"
    shutil.copytree(LEXICONS, lex)
    p = fuzz.rng.choice(sorted(lex.iterdir()))
    p.write_bytes(fuzz.mutate(p.read_bytes(), most=3))
    fuzz.ends_cleanly(case, "lexicon", "check", str(lex))
    fuzz.ends_cleanly(case, "compare", "--lexicons", str(lex), "--out", str(case / "out"), "--no-cache")


def options(fuzz: Fuzz, case: Path) -> None:
    (case / "bg.csv").write_bytes(fuzz.mutate(b"term,count\nnato,120\nannexation,4\nthe,100000\n", most=3))
    (case / "stop.txt").write_bytes(fuzz.mutate(b"the\nof\nand\n", most=3))
    choice = fuzz.rng.choice
    extra = choice(
        [
            ["--background", str(case / "bg.csv")],
            ["--stop-words", str(case / "stop.txt")],
            [
                "--prior",
                choice(["uniform:0", "uniform:-1", "uniform:x", "uniform:1e400", "uniform:nan", "corpus"]),
            ],
            ["--variance", choice(["monroe", "scattertext", "x", ""])],
            ["--pair", choice(["agency,agency", "a,b", ",", "state_media,agency,x", "agency"])],
            ["--by", choice(["outlet", "type", "x"])],
            ["--top", choice(["0", "1", "100000"])],
            ["--min-count", choice(["1", "1000000", "-3"])],
        ]
    )
    fuzz.ends_cleanly(case, "compare", "--out", str(case / "out"), "--no-cache", *extra)


def _allsides(fuzz: Fuzz, case: Path, low: int, high: int) -> Path:
    """Up to `high` AllSides articles, some reposting another's paragraphs (cut, shuffled)
    and some doubled, under outlets of several types and hostile names."""
    source = _allsides_records()
    outlets = ["RT", "TASS", "Reuters", "AP", "Sputnik", "BBC", "", "Unknown | Outlet", "<b>x</b>"]
    records: list[dict[str, str]] = []
    for i, r in enumerate(fuzz.rng.sample(source, fuzz.rng.randint(low, high))):
        text = r["text"]
        if records and fuzz.rng.random() < 0.3:
            paragraphs = fuzz.rng.choice(records)["text"].split("\n")
            if fuzz.rng.random() < 0.3:
                fuzz.rng.shuffle(paragraphs)
            text = "\n".join(paragraphs[: fuzz.rng.randint(1, len(paragraphs))]) + "\n" + text[:300]
        if fuzz.rng.random() < 0.2:
            text += "\n" + text
        records.append({"id": str(i), "outlet": fuzz.rng.choice(outlets), "text": text})
    path = case / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@cache
def _allsides_records() -> list[dict[str, str]]:
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def same_bytes(fuzz: Fuzz, case: Path) -> None:
    corpus = _allsides(fuzz, case, 5, 60)
    grouping = fuzz.rng.choice([[], ["--by", "outlet"], ["--pair", "state_media,agency"]])
    store = str(case / "store.sqlite")
    runs = {
        "jobs 1": ["--jobs", "1", "--no-cache"],
        "jobs 2": ["--jobs", "2", "--no-cache"],
        "cold store": ["--jobs", "2", "--cache", store],
        "warm store": ["--jobs", "1", "--cache", store],
    }
    digests = {}
    for name, extra in runs.items():
        out = case / name.replace(" ", "-")
        status, output = fuzz.run("compare", str(corpus), "--out", str(out), *grouping, *extra)
        if status != 0:
            return fuzz.fail(case, f"{name}: exit {status}\n{output[-1500:]}")
        digests[name] = _digest(out)
    if any(d != digests["jobs 1"] for d in digests.values()):
        fuzz.fail(case, f"reports differ: {digests}")


def edits(fuzz: Fuzz, case: Path) -> None:
    """Three random edits of a lexicon (a line added, removed, moved, a context changed)
    or of the outlet registry (an outlet given another type), each re-run on the store
    against a run with no store."""
    corpus = _allsides(fuzz, case, 10, 40)
    lex = case / "lexicons"
    shutil.copytree(LEXICONS, lex)
    store = str(case / "store.sqlite")
    base = ["compare", str(corpus), "--lexicons", str(lex), *fuzz.rng.choice([[], ["--by", "outlet"]])]
    if fuzz.run(*base, "--out", str(case / "first"), "--cache", store)[0] != 0:
        return fuzz.fail(case, "the first run failed")
    words = re.findall(r"[a-z]{5,}", corpus.read_text(encoding="utf-8").lower())
    registry, _ = read_registry(lex)
    assert registry is not None
    types = sorted(registry.types)
    for step in range(3):
        p = lex / fuzz.rng.choice(["labels.csv", "attribution_verbs.csv", "contrasts.csv", "outlets.csv"])
        lines = p.read_text(encoding="utf-8").split("\n")
        body = [i for i, line in enumerate(lines) if line and not line.startswith("#") and "," in line][1:]
        op = fuzz.rng.random()
        if p.name == "outlets.csv":
            # One of the outlets the corpus names more often than not, else any.
            named = [i for i in body if lines[i].split(",")[0] in ("RT", "TASS", "Reuters", "BBC")]
            i = fuzz.rng.choice(named if named and fuzz.rng.random() < 0.7 else body)
            cells = lines[i].split(",", 4)
            cells[3] = fuzz.rng.choice(types)
            lines[i] = ",".join(cells)
        elif op < 0.3 and body:
            del lines[fuzz.rng.choice(body)]
        elif op < 0.5 and len(body) > 1:
            i, j = fuzz.rng.sample(body, 2)
            lines[i], lines[j] = lines[j], lines[i]
        elif p.name == "contrasts.csv" and body:
            i = fuzz.rng.choice(body)
            cells = lines[i].split(",")
            if len(cells) > 3:
                cells[3] = fuzz.rng.choice(words) if fuzz.rng.random() < 0.7 else ""
                lines[i] = ",".join(cells)
        elif p.name != "contrasts.csv":
            category = "loaded_label" if p.name == "labels.csv" else "distancing"
            context = fuzz.rng.choice(words) if fuzz.rng.random() < 0.3 else ""
            term = fuzz.rng.choice(words) + ("*" if fuzz.rng.random() < 0.3 else "")
            lines.insert(fuzz.rng.choice(body or [len(lines)]), f"{category},{term},{context},fuzz")
        p.write_text("\n".join(lines), encoding="utf-8")
        if fuzz.run("lexicon", "check", str(lex))[0] != 0:
            return  # an edit that made a bad lexicon (a term twice): nothing to compare
        stored, fresh = case / f"stored-{step}", case / f"fresh-{step}"
        jobs = fuzz.rng.choice(["1", "2"])
        s1, o1 = fuzz.run(*base, "--out", str(stored), "--cache", store, "--jobs", jobs)
        s2, o2 = fuzz.run(*base, "--out", str(fresh), "--no-cache", "--jobs", "1")
        if s1 or s2 or _digest(stored) != _digest(fresh):
            return fuzz.fail(
                case, f"edit {step} of {p.name}: the stored run differs\n{o1[-800:]}\n{o2[-800:]}"
            )


# How a run on a store is stopped, with what chance: a kill leaves the store as of its last
# commit and may leave temporary files; SIGTERM and SIGINT must leave no temporary file.
_STOPS = [(signal.SIGKILL, 0.6), (signal.SIGTERM, 0.2), (signal.SIGINT, 0.2)]


def stops(fuzz: Fuzz, case: Path) -> None:
    """A run on a new store stopped by a signal at a random moment, the store then left as
    it is, truncated, or with bytes overwritten (the disk's damage, which SQLite does not
    check for), and run on twice. Every run after the stop must end in a report with the
    bytes of `--no-cache` (a damaged store is moved aside and rebuilt); what the stopped
    run left in its output folder must be whole files of that same report. Ctrl-C and
    SIGTERM are sometimes sent again and again."""
    corpus = _allsides(fuzz, case, 20, 300)
    store = case / "store.sqlite"
    base = ["compare", str(corpus), *fuzz.rng.choice([[], ["--by", "outlet"]])]
    fresh = case / "fresh"
    if fuzz.run(*base, "--out", str(fresh), "--no-cache")[0] != 0:
        return fuzz.fail(case, "the run with no store failed")
    expected = _digest(fresh)
    stopped = case / "stopped"
    sig = fuzz.rng.choices([s for s, _ in _STOPS], [w for _, w in _STOPS])[0]
    jobs = fuzz.rng.choice(["1", "2"])
    command = [sys.executable, "-m", "framing", *base, "--out", str(stopped), "--cache", str(store)]
    with subprocess.Popen(
        [*command, "--jobs", jobs], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as run:
        time.sleep(fuzz.rng.uniform(0.5, 6.0))
        presses = 1 if sig == signal.SIGKILL else fuzz.rng.choice([1, 1, 2, 5])  # Ctrl-C again and again
        for _ in range(presses):
            if run.poll() is None:
                run.send_signal(sig)
            time.sleep(fuzz.rng.choice([0, 0.001, 0.02]))
        _, err = run.communicate(timeout=120)
    if sig == signal.SIGTERM and presses > 1:
        sig = signal.SIGKILL  # a TERMINATING signal again ends the run at once, as a kill does
    if b"Traceback" in err:
        return fuzz.fail(case, f"{sig.name}: a traceback\n{err.decode()[-1500:]}")
    left = _digest(stopped) if stopped.exists() else {}
    unfinished = [n for n in left if n not in expected and not (sig == signal.SIGKILL and n.endswith(".tmp"))]
    if unfinished or any(left[n] != expected[n] for n in left if n in expected):
        return fuzz.fail(case, f"{sig.name}: the stopped run left {sorted(left)}")
    damage = _damage(fuzz, store)
    for attempt in range(2):
        out = case / f"again-{attempt}"
        status, output = fuzz.run(
            *base, "--out", str(out), "--cache", str(store), "--jobs", fuzz.rng.choice(["1", "2"])
        )
        if status == 0 and _digest(out) == expected:
            continue
        return fuzz.fail(
            case, f"{sig.name}, {damage or 'no damage'}, run {attempt}: exit {status}\n{output[-1500:]}"
        )


def _damage(fuzz: Fuzz, store: Path) -> str:
    """Leave the store as the stop left it, or truncate it, or overwrite a few bytes of it."""
    if not store.exists() or fuzz.rng.random() < 0.5:
        return ""
    data = bytearray(store.read_bytes())
    if fuzz.rng.random() < 0.3:
        at = fuzz.rng.randint(0, len(data))
        store.write_bytes(data[:at])
        return f"truncated at {at} of {len(data)}"
    spots = []
    for _ in range(fuzz.rng.randint(1, 4)):
        at = fuzz.rng.randint(0, max(0, len(data) - 1))
        width = fuzz.rng.choice([1, 4, 64])
        data[at : at + width] = fuzz.rng.randbytes(len(data[at : at + width]))
        spots.append(at)
    store.write_bytes(data)
    return f"bytes overwritten at {spots} of {len(data)}"


def full(fuzz: Fuzz, case: Path) -> None:
    """A run whose every file is limited to a random size (RLIMIT_FSIZE: a write past it
    fails, as on a full disk), on a new store or one that holds part of the corpus, its
    input sometimes on stdin (copied first). It must end in the report of `--no-cache`,
    with at most a warning that the store took no more, or in one error line that leaves
    no file in its output folder; the next run, with room, must give that report."""
    corpus = _allsides(fuzz, case, 20, 300)
    store = case / "store.sqlite"
    piped = fuzz.rng.random() < 0.3
    base = ["compare", "-" if piped else str(corpus), *fuzz.rng.choice([[], ["--by", "outlet"]])]
    stdin = corpus if piped else None
    fresh = run_limited(None, *base, "--out", str(case / "fresh"), "--no-cache", stdin=stdin)
    if fresh.returncode != 0:
        return fuzz.fail(case, f"the run with no store failed\n{fresh.stderr[-1500:]}")
    expected = _digest(case / "fresh")
    if fuzz.rng.random() < 0.5:  # a store that holds the first part of the corpus already
        part = case / "part.jsonl"
        lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
        part.write_text("".join(lines[: fuzz.rng.randint(1, len(lines))]), encoding="utf-8")
        if fuzz.run("compare", str(part), "--out", str(case / "part"), "--cache", str(store))[0] != 0:
            return fuzz.fail(case, "the run on part of the corpus failed")
    limit = int(2 ** fuzz.rng.uniform(12, 24))  # 4 KB to 16 MB a file
    out = case / "limited"
    jobs = fuzz.rng.choice(["1", "2"])
    run = run_limited(limit, *base, "--out", str(out), "--cache", str(store), "--jobs", jobs, stdin=stdin)
    said = run.stderr.splitlines()
    what = f"limit {limit:,} bytes{', piped' if piped else ''}: exit {run.returncode}\n{run.stderr[-1500:]}"
    # Said at most once, before the report or before the error that stopped it.
    refused = [line for line in said if "the disk refused a write to the result store" in line][:1]
    if run.returncode == 0:
        if said != refused or _digest(out) != expected:
            return fuzz.fail(case, what)
    else:
        left = sorted(p.name for p in out.iterdir()) if out.exists() else []
        error = said[len(refused) :]
        if run.returncode != 2 or said[: len(refused)] != refused or len(error) != 1 or left:
            return fuzz.fail(case, f"{what}\nleft {left}")
        if not error[0].startswith("error: "):
            return fuzz.fail(case, what)
    again = run_limited(None, *base, "--out", str(case / "again"), "--cache", str(store), stdin=stdin)
    if again.returncode != 0 or _digest(case / "again") != expected:
        fuzz.fail(case, f"{what}\nthe next run: exit {again.returncode}\n{again.stderr[-1500:]}")


def together(fuzz: Fuzz, case: Path) -> None:
    """Two or three runs at once on one store, as from a researcher's terminals: each on its
    own share of one set of AllSides articles (so they score some texts in common), with
    its own grouping, jobs and sometimes a lexicon line added, started a moment apart; one
    is sometimes killed part way. Every run not killed must end in the report of
    `--no-cache`, and so must each run once more on the store after them all. Sometimes
    they all write one report: it must then be one run's, Markdown and JSON."""
    lines = _allsides(fuzz, case, 50, 400).read_text(encoding="utf-8").splitlines(keepends=True)
    store = case / "store.sqlite"
    runs: list[list[str]] = []
    for k in range(fuzz.rng.choice([2, 2, 3])):
        corpus = case / f"corpus-{k}.jsonl"
        corpus.write_text("".join(fuzz.rng.sample(lines, fuzz.rng.randint(5, len(lines)))), encoding="utf-8")
        lex = case / f"lexicons-{k}"
        shutil.copytree(LEXICONS, lex)
        if fuzz.rng.random() < 0.4:
            word = fuzz.rng.choice(
                re.findall(r"[a-z]{6,}", corpus.read_text(encoding="utf-8").lower()) or ["zzzzzz"]
            )
            with (lex / "labels.csv").open("a", encoding="utf-8") as f:
                f.write(f"loaded_label,{word},,fuzz\n")
        grouping = fuzz.rng.choice([[], ["--by", "outlet"], ["--pair", "state_media,agency"]])
        runs.append(["compare", str(corpus), "--lexicons", str(lex), "--name", "report", *grouping])
    expected = []
    for k, args in enumerate(runs):
        status, output = fuzz.run(*args, "--out", str(case / f"fresh-{k}"), "--no-cache")
        if status != 0:
            return  # a lexicon line that the check refuses (a term twice): nothing to compare
        expected.append(_digest(case / f"fresh-{k}"))
    killed = fuzz.rng.randrange(len(runs)) if fuzz.rng.random() < 0.3 else None
    one_report = fuzz.rng.random() < 0.4
    started: list[subprocess.Popen[bytes]] = []
    for k, args in enumerate(runs):
        out = case / ("at-once" if one_report else f"at-once-{k}")
        command = [sys.executable, "-m", "framing", *args, "--out", str(out)]
        jobs = fuzz.rng.choice(["1", "2"])
        started.append(
            subprocess.Popen(
                [*command, "--cache", str(store), "--jobs", jobs],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        time.sleep(fuzz.rng.uniform(0, 1.5))
    if killed is not None:
        time.sleep(fuzz.rng.uniform(0, 3))
        started[killed].kill()
    for k, run in enumerate(started):
        _, err = run.communicate(timeout=600)
        if k == killed:
            continue
        if (
            run.returncode != 0
            or b"Traceback" in err
            or (not one_report and _digest(case / f"at-once-{k}") != expected[k])
        ):
            return fuzz.fail(
                case, f"run {k} of {len(runs)} at once: exit {run.returncode}\n{err.decode()[-1500:]}"
            )
    # A run killed outright leaves its temporary files (named with a leading dot).
    if one_report and {n: d for n, d in _digest(case / "at-once").items() if n[0] != "."} not in expected:
        return fuzz.fail(case, f"{len(runs)} runs writing one report at once: it is none of theirs")
    for k, args in enumerate(runs):
        out = case / f"after-{k}"
        status, output = fuzz.run(*args, "--out", str(out), "--cache", str(store))
        if status != 0 or _digest(out) != expected[k]:
            return fuzz.fail(case, f"run {k} after the others: exit {status}\n{output[-1500:]}")


KINDS: dict[str, Callable[[Fuzz, Path], None]] = {
    "files": files,
    "folder": folder,
    "lexicons": lexicons,
    "options": options,
    "same-bytes": same_bytes,
    "edits": edits,
    "stops": stops,
    "full": full,
    "together": together,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kinds", nargs="*", help=f"of {', '.join(KINDS)}; all by default")
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args()
    unknown = [k for k in args.kinds if k not in KINDS]
    if unknown:
        parser.error(f"no kind {', '.join(unknown)}; the kinds are {', '.join(KINDS)}")
    args.keep.mkdir(exist_ok=True)
    fuzz = Fuzz(args.seed, args.keep)
    for kind in args.kinds or KINDS:
        before = fuzz.failures
        for n in range(args.cases):
            with tempfile.TemporaryDirectory() as scratch:
                case = Path(scratch) / f"{kind}-{args.seed}-{n}"
                case.mkdir()
                KINDS[kind](fuzz, case)
        print(f"{kind}: {args.cases} cases, {fuzz.failures - before} failed")
    return 1 if fuzz.failures else 0


if __name__ == "__main__":
    sys.exit(main())
