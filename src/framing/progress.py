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
_now = time.monotonic  # the clock of the delay and the rate (tests set it)


class Progress:
    """The bar: what the run is doing (scoring, then comparing, then writing the report),
    the articles scored and their rate, and the time so far."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._start = _now()
        self._done = 0
        self._stage = "scoring"
        self._rate = "–"  # articles scored per second, as of the last article
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
        self._rate = f"{self._done / max(_now() - self._start, 1e-9):,.0f}"
        self._show()

    def stage(self, name: str) -> None:
        """The run has moved on to `name`: after scoring, the keyness comparisons and the
        report's tail take seconds (minutes at 100k articles) with no article to count."""
        self._stage = name
        self._show()

    def _show(self) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if _now() - self._start < _DELAY:
                return
            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),  # pulses: a streamed corpus has no known length
                MofNCompleteColumn(),
                TextColumn("articles · {task.fields[rate]}/s"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
                get_time=_now,
            )
            self._task = self._bar.add_task(self._stage, total=None, completed=self._done, rate=self._rate)
            # The time shown is the run's, not the bar's (which shows up 2 s or more late).
            self._bar.tasks[0].start_time = self._start
            self._bar.start()
        assert self._task is not None
        self._bar.update(self._task, description=self._stage, completed=self._done, rate=self._rate)

    def wrap(self, warn: Callable[[str], None]) -> Callable[[str], None]:
        """Warnings printed above the bar, not through it."""

        def print_warning(message: str) -> None:
            if self._bar:
                self._bar.console.print(f"warning: {message}", markup=False, highlight=False)
            else:
                warn(message)

        return print_warning
