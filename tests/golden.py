"""The seeds report as the golden test and the regeneration script both render it."""

from __future__ import annotations

from pathlib import Path

from framing.config import CompareConfig
from framing.pipeline import run
from framing.report import markdown, to_json

from helpers import LEXICONS, SEEDS

GOLDEN = Path(__file__).resolve().parent / "golden"


def render_seeds() -> dict[str, str]:
    result = run(CompareConfig((SEEDS,), LEXICONS, Path("reports"), "seeds", "outlet_type"))
    return {".md": markdown(result), ".json": to_json(result)}
