"""The seeds report as the golden test and the regeneration script both render it."""

from __future__ import annotations

from pathlib import Path

from framing.config import CompareConfig

from helpers import LEXICONS, SEEDS, render

GOLDEN = Path(__file__).resolve().parent / "golden"


def render_seeds() -> dict[str, str]:
    rendered = render(CompareConfig((SEEDS,), LEXICONS, Path("reports"), "seeds", "outlet_type"))
    return {".md": rendered.md, ".json": rendered.json}
