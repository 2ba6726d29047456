"""What a run is asked to do, as one frozen value instead of a long parameter list."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from framing.compare import By


@dataclass(frozen=True)
class CompareConfig:
    inputs: tuple[Path, ...]
    lexicons: Path
    out: Path
    name: str = "seeds"
    by: By = "outlet_type"
    jobs: int = 1  # worker processes for per-article scoring; 1 scores in this process
    cache: Path | None = None  # the result store; None scores everything afresh
