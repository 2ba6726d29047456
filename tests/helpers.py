"""Shared by the tests: where the bundled data is, and the seeds by their number."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from framing.compare import Group
from framing.config import CompareConfig
from framing.pipeline import ArticleResult, Result
from framing.progress import SCORING
from framing.resources import bundled
from framing.writers import ReportStream, compare

SEEDS = bundled("seeds")
LEXICONS = bundled("lexicons")
SHARED = Path(__file__).resolve().parents[2] / "shared"


def seed_records() -> list[dict[str, str]]:
    """The seed articles as the records of a JSON Lines or CSV export."""
    from framing.corpus import read_inputs

    return [
        {"id": a.id, "outlet": a.outlet, "url": a.url, "date": a.date, "title": a.title, "text": a.text}
        for a in read_inputs([SEEDS])
    ]


def run_limited(limit: int | None, *args: str, stdin: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`framing ARGS` in a process of its own, reading `stdin` (else nothing), with every
    file it writes limited to `limit` bytes (RLIMIT_FSIZE): a write past it fails (EFBIG;
    Python ignores SIGXFSZ), as on a full disk."""

    def limited() -> None:
        if limit is not None:
            import resource  # POSIX only: the callers are skipped elsewhere

            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with open(stdin or os.devnull, "rb") as given:
        return subprocess.run(
            [sys.executable, "-m", "framing", *args],
            stdin=given,
            capture_output=True,
            text=True,
            preexec_fn=limited,
        )


def seed_and_basil_texts() -> list[str]:
    """The seed texts, then BASIL's where ../shared/corpora is present."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    if (SHARED / "corpora").is_dir():
        with (SHARED / "corpora" / "basil.jsonl").open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f]
    return texts


# Beyond the Basic Multilingual Plane: emoji, a musical sign, mathematical letters and
# digits, CJK extension B, Gothic; and around them what tokens and words turn on.
ASTRAL_PIECES = [
    "😀",
    "🎉",
    "𝄞",
    "𝐁",
    "𝟘",
    "𠀀",
    "𐌰",
    "a",
    "Б",
    "7",
    "'",
    "’",
    "-",
    "‑",
    " ",
    "\t",
    "\n",
    ".",
    "_",
    "\ud800",
]


def astral_texts(n: int = 500) -> list[str]:
    """Made-up texts of ASTRAL_PIECES, for the table lookups against their regexes."""
    rng = random.Random(11)
    return ["".join(rng.choice(ASTRAL_PIECES) for _ in range(rng.randrange(1, 40))) for _ in range(n)]


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@dataclass
class Rendered:
    """A run's result, its articles and its report files, for tests on small corpora."""

    result: Result
    articles: list[ArticleResult]
    md: str
    json: str
    said: list[str]  # every warning the run gave (the CLI prints them on stderr)

    @property
    def groups(self) -> list[Group]:
        return self.result.groups

    @property
    def warnings(self) -> list[str]:
        return self.result.warnings

    @property
    def config(self) -> CompareConfig:
        return self.result.config


def render(config: CompareConfig) -> Rendered:
    """Run `config` through the report writer into a temporary folder and read it back."""
    articles: list[ArticleResult] = []

    class Kept(ReportStream):
        def article(self, result: ArticleResult) -> None:
            articles.append(result)
            super().article(result)

    with tempfile.TemporaryDirectory() as tmp:
        stream = Kept(Path(tmp), config.name, config.by)
        said: list[str] = []

        def stage(name: str) -> None:
            if name == SCORING:  # the run starts again (its store was damaged)
                articles.clear()

        result, (md_path, json_path) = compare(config, warn=said.append, stream=stream, stage=stage)
        md, json = md_path.read_text(encoding="utf-8"), json_path.read_text(encoding="utf-8")
        return Rendered(result, articles, md, json, said)


_CELL_EDGE = re.compile(r"(?<!\\)\|")


def broken_table_row(markdown: str) -> str | None:
    """The first Markdown table row with more or fewer cell edges than its table's header (a
    `|` or a line break from an article let through), else None."""
    edges: int | None = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            edges = None
        elif edges is None:
            edges = len(_CELL_EDGE.findall(line))
        elif len(_CELL_EDGE.findall(line)) != edges:
            return line
    return None
