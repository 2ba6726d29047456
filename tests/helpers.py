"""Shared by the tests: where the bundled data is, and the seeds by their number."""

from __future__ import annotations

from pathlib import Path

from framing.resources import bundled

SEEDS = bundled("seeds")
LEXICONS = bundled("lexicons")
SHARED = Path(__file__).resolve().parents[2] / "shared"


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")
