"""A progress bar on stderr for runs that last more than a moment; nothing at all when
stderr is not a terminal (logs and pipes stay clean)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

_DELAY = 2.0  # seconds before the bar appears: a short run shows none
_now = time.monotonic  # the clock of the delay and the rate (tests set it)


SCORING = "scoring"
COPYING = "copying the input"  # standard input or a pipe, before any article is read
_BAR = 1000  # the bar's length in steps, while the share of the input read is known


class Progress:
    """The bar: what the run is doing (scoring, then comparing, then writing the report),
    how much of the input is read, the articles scored and their rate, the time so far and,
    while scoring, the time the scoring will take yet at its rate so far."""

    def __init__(self, enabled: bool | None = None) -> None:
        # sys.stderr is None when the process was started with it closed (some schedulers).
        self.enabled = (sys.stderr is not None and sys.stderr.isatty()) if enabled is None else enabled
        self._start = _now()
        self._scoring_start = self._start  # the rate and the time left count from here
        self._done = 0
        self._share: float | None = None  # of the input read, when its size is known
        self._copied = 0  # bytes of an input that can be read once, copied so far
        self._stage = SCORING
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

    def advance(self, articles: int, share: float | None = None) -> None:
        self._done += articles
        self._share = share
        self._rate = f"{self._done / max(_now() - self._scoring_start, 1e-9):,.0f}"
        self._show()

    def copied(self, size: int) -> None:
        """`size` bytes of an input that can be read only once (standard input, a pipe)
        copied so far: the scoring starts when the copy is whole (see framing.spool), and
        a slow producer (`jq` over a large export) made that a wait with nothing shown."""
        self._stage = COPYING
        self._copied = size
        self._show()

    def stage(self, name: str) -> None:
        """The run has moved on to `name`: after scoring, the keyness comparisons and the
        report's tail take seconds (minutes at 100k articles) with no article to count.
        To SCORING (once the input is copied, or when a run that found its store damaged
        starts again): the articles, their rate and the time left are counted afresh."""
        if name == SCORING:
            self._done = 0
            self._share = None
            self._rate = "–"
            self._scoring_start = _now()
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
                BarColumn(),  # pulses when the length is not known: after the scoring, say
                TextColumn("{task.fields[share]}"),
                TextColumn("{task.fields[articles]} articles · {task.fields[rate]}/s"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[left]}"),
                console=Console(stderr=True),
                transient=True,
                get_time=_now,
            )
            self._task = self._bar.add_task(self._stage, total=None, **self._fields(None))
            # The time shown is the run's, not the bar's (which shows up 2 s or more late).
            self._bar.tasks[0].start_time = self._start
            self._bar.start()
        assert self._task is not None
        share = self._share if self._stage == SCORING else None  # shown while scoring only
        # Set on the task itself: update() takes total=None as "leave it", not "unknown".
        self._bar.tasks[0].total = None if share is None else _BAR
        self._bar.update(
            self._task,
            description=self._stage,
            completed=0 if share is None else round(_BAR * share),
            **self._fields(share),
        )

    def _fields(self, share: float | None) -> dict[str, Any]:  # rich's update takes **fields: Any
        shown = {"articles": f"{self._done:,}", "rate": self._rate, "share": "", "left": ""}
        if self._stage == COPYING:
            shown["share"] = f"{self._copied / 1e6:,.0f} MB"
        if share is not None:
            shown["share"] = f"{share:.0%} read"
            shown["left"] = _time_left(_now() - self._scoring_start, share)
        return shown

    def wrap(self, warn: Callable[[str], None]) -> Callable[[str], None]:
        """Warnings printed above the bar, not through it."""

        def print_warning(message: str) -> None:
            if self._bar:
                self._bar.console.print(f"warning: {message}", markup=False, highlight=False)
            else:
                warn(message)

        return print_warning


def _time_left(elapsed: float, share: float) -> str:
    """The scoring's time yet to come at its rate so far: read share of the input in
    elapsed seconds. Nothing until a hundredth is read (the start-up weighs too much)."""
    if share < 0.01:
        return ""
    left = elapsed * (1 - share) / share
    if left < 90:
        return f"{round(left)} s of scoring left"
    return f"{round(left / 60)} min of scoring left"
