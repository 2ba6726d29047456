"""Reading the input: framing's readers against the bare standard library, in one run.

    python benchmarks/reading.py [--articles 10000] [--scale 100000]

Writes the AllSides corpus (../shared/corpora/allsides-10k.jsonl.gz, repeated with every
copy made distinct, as benchmarks/run.py does) as JSON Lines and as a Media Cloud-style
CSV, each plain and gzip-compressed, and as one pretty-printed JSON array, at --articles and at --scale, into a temporary folder.
For each file it prints the seconds and the peak resident memory (each read in a process
of its own; Linux, from /proc) of:
- bare: the standard library reading every record, nothing kept (`json.loads` per line of
  `gzip.open`/`open`; `csv.reader` over `open(..., newline="")`; `json.load` of the whole
  array, the standard library's only way);
- framing: `framing.corpus.read_path`, every article made and dropped;
and the ratio of the two times. Memory that does not grow from --articles to --scale is
what streaming means.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run import _OWN_PEAK, corpus_records  # the same distinct copies, the same peak

COLUMNS = ["stories_id", "media_name", "url", "publish_date", "title", "text"]

# Each is run as `python -c CODE PATH`; it prints the records read, the seconds and the
# process's own peak RSS in kB (run.py's own_peak: getrusage would count the peak of this
# process, which started it).
_TIMED = (
    "import resource, sys, time\n"
    "from pathlib import Path\n"
    f"{_OWN_PEAK}"
    "path = Path(sys.argv[1])\n"
    "start = time.perf_counter()\n"
    "{body}\n"
    "seconds = time.perf_counter() - start\n"
    "print(n, seconds, own_peak())\n"
)
BARE_JSONL = """
import gzip, json
opened = gzip.open(path, "rt", encoding="utf-8") if path.name.endswith(".gz") else path.open(encoding="utf-8")
n = 0
with opened as f:
    for line in f:
        json.loads(line)
        n += 1
"""
BARE_CSV = """
import csv, gzip
csv.field_size_limit(64 * 1024 * 1024)
opened = (
    gzip.open(path, "rt", encoding="utf-8", newline="")
    if path.name.endswith(".gz")
    else path.open(encoding="utf-8", newline="")
)
n = -1  # the header
with opened as f:
    for _ in csv.reader(f):
        n += 1
"""
BARE_ARRAY = """
import json
with path.open(encoding="utf-8") as f:
    n = len(json.load(f))  # the whole array at once: the standard library has no other way
"""
FRAMING = """
from framing.corpus import read_path
n = sum(1 for _ in read_path(path, lambda _: None))
"""


def records(n: int) -> list[dict[str, str]]:
    """run.py's corpus (the first n articles, each copy made distinct), under Media Cloud's
    column names."""
    return [
        {
            "stories_id": r["id"],
            "media_name": r["outlet"],
            "url": r["source_url"],
            "publish_date": r["date"],
            "title": r["title"],
            "text": r["text"],
        }
        for r in corpus_records(n)
    ]


def write(folder: Path, n: int) -> list[Path]:
    rows = records(n)
    jsonl = folder / f"{n}.jsonl"
    with jsonl.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    table = folder / f"{n}.csv"
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows([r[c] for c in COLUMNS] for r in rows)
    array = folder / f"{n}.json"
    with array.open("w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False, indent=2)
    paths = [jsonl, table, array]
    for plain in (jsonl, table):
        packed = plain.with_name(plain.name + ".gz")
        with plain.open("rb") as src, gzip.open(packed, "wb", compresslevel=1) as dst:
            shutil.copyfileobj(src, dst)
        paths.append(packed)
    return paths


def timed(body: str, path: Path) -> tuple[int, float, float]:
    """Records, seconds and peak RSS (MB) of one reader on one file, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _TIMED.format(body=body), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    n, seconds, rss = done.stdout.split()
    return int(n), float(seconds), int(rss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.articles, args.scale):
            for path in write(Path(tmp), n):
                bare = (
                    BARE_CSV if ".csv" in path.name else BARE_ARRAY if path.suffix == ".json" else BARE_JSONL
                )
                size = path.stat().st_size / 1e6
                count_bare, s_bare, mb_bare = timed(bare, path)
                count, s_ours, mb_ours = timed(FRAMING, path)
                assert count == count_bare == n, (path.name, count, count_bare)
                print(
                    f"{path.name:>16} ({size:,.0f} MB): bare {s_bare:6.2f} s, {mb_bare:5.0f} MB peak; "
                    f"framing {s_ours:6.2f} s, {mb_ours:5.0f} MB peak; {s_ours / s_bare:.2f}× the bare time",
                    flush=True,
                )


if __name__ == "__main__":
    main()
