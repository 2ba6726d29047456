"""A progress bar on stderr for runs that last more than a moment; nothing at all when
stderr is not a terminal (logs and pipes stay clean)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

_DELAY = 2.0  # seconds before the bar appears: a short run shows none


class Progress:
    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._start = time.monotonic()
        self._done = 0
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar:
            self._bar.stop()

    def advance(self, articles: int) -> None:
        self._done += articles
        if not self.enabled:
            return
        if self._bar is None:
            if time.monotonic() - self._start < _DELAY:
                return
            self._bar = RichProgress(
                TextColumn("scoring"),
                BarColumn(),  # pulses: a streamed corpus has no known length
                MofNCompleteColumn(),
                TextColumn("articles · {task.fields[rate]}/s"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._task = self._bar.add_task("scoring", total=None, rate="–")
            self._bar.start()
        elapsed = max(time.monotonic() - self._start, 1e-9)
        assert self._task is not None
        self._bar.update(self._task, completed=self._done, rate=f"{self._done / elapsed:,.0f}")

    def wrap(self, warn: Callable[[str], None]) -> Callable[[str], None]:
        """Warnings printed above the bar, not through it."""

        def print_warning(message: str) -> None:
            if self._bar:
                self._bar.console.print(f"warning: {message}", markup=False, highlight=False)
            else:
                warn(message)

        return print_warning
