"""What a run is asked to do, as one frozen value instead of a long parameter list."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from framing.compare import By
from framing.keyness import Prior, Variance


@dataclass(frozen=True)
class KeynessConfig:
    prior: Prior = field(default_factory=Prior)
    variance: Variance = "monroe"
    pairs: tuple[tuple[str, str], ...] = ()  # groups compared head to head, besides each against the rest
    stop_words: frozenset[str] = frozenset()  # dropped from counting (kept by default: "said" is a finding)
    top: int = 10  # terms shown each way per comparison in the report
    min_count: int = 10  # terms used fewer times in a comparison are left out of the JSON table


@dataclass(frozen=True)
class CompareConfig:
    inputs: tuple[Path, ...]
    lexicons: Path
    out: Path
    name: str = "seeds"
    by: By = "outlet_type"
    jobs: int = 1  # worker processes for per-article scoring; 1 scores in this process
    cache: Path | None = None  # the result store; None scores everything afresh
    keyness: KeynessConfig | None = field(default_factory=KeynessConfig)  # None: no keyness section
