"""The errors framing raises. The CLI turns each into one line on stderr and exit code 2."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class FramingError(Exception):
    """Something the user can fix: bad input, a bad lexicon, an unwritable folder."""


class InputError(FramingError):
    """An article file, manifest or export that cannot be read."""


class OutputError(FramingError):
    """A report that cannot be written."""


class StoreError(FramingError):
    """A result store that cannot be used: not a store, busy, or on a disk that fails."""


class StoreDamaged(StoreError):
    """An entry of the result store that cannot be read: damaged on disk (SQLite's own check
    does not look inside entries), or written by a framing whose stored forms differ."""


class WorkerError(FramingError):
    """A worker process that died (killed when memory ran out, say): its results never come."""


@dataclass(frozen=True)
class Problem:
    """One problem in a hand-edited file, located to the line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LexiconError(FramingError):
    """One or more problems in lexicon or registry files; each names its file and line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
