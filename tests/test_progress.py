"""The progress bar: nothing when stderr is not a terminal or the run is short; otherwise
what the run is doing, the articles scored and their rate."""

from __future__ import annotations

import pytest

from framing import progress as progress_module
from framing.progress import Progress


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock(100.0)
    monkeypatch.setattr(progress_module, "_now", fake)
    return fake


def test_nothing_is_shown_when_stderr_is_not_a_terminal(capsys, clock):
    with Progress() as p:  # pytest captures stderr: not a terminal
        clock.now += 60
        p.advance(500)
        p.stage("comparing")
        assert not p.enabled and p._bar is None
    assert capsys.readouterr().err == ""


def test_a_short_run_shows_no_bar(capsys, clock):
    with Progress(enabled=True) as p:
        clock.now += 1.5  # under the 2 s delay
        p.advance(500)
        p.stage("writing the report")
        assert p._bar is None
    assert capsys.readouterr().err == ""


def test_the_bar_shows_the_stage_the_articles_and_their_rate(capsys, clock):
    with Progress(enabled=True) as p:
        clock.now += 2.0
        p.advance(50)  # 50 articles in 2 s
        assert p._bar is not None
        task = p._bar.tasks[0]
        assert (task.description, task.completed, task.fields["rate"]) == ("scoring", 50, "25")
        assert task.elapsed == 2.0  # the run's time, though the bar has only just come up
        clock.now += 38.0
        p.advance(2950)  # 3,000 in 40 s
        assert (task.completed, task.fields["rate"]) == (3000, "75")
        clock.now += 20.0
        p.stage("comparing")  # the rate stays that of the scoring
        assert (task.description, task.completed, task.fields["rate"]) == ("comparing", 3000, "75")
        p.advance(0)
        clock.now += 1.0
        p.stage("writing the report")
        assert task.description == "writing the report"
        assert task.elapsed == 61.0


def test_a_stage_after_the_delay_brings_the_bar_up(capsys, clock):
    # A run whose scoring was quick (all from the store) but whose end is long.
    with Progress(enabled=True) as p:
        p.advance(10)
        assert p._bar is None
        clock.now += 5.0
        p.stage("writing the report")
        assert p._bar is not None and p._bar.tasks[0].description == "writing the report"


def test_warnings_go_above_the_bar_or_to_the_plain_warner(capsys, clock):
    seen: list[str] = []
    with Progress(enabled=True) as p:
        warn = p.wrap(seen.append)
        warn("before the bar")
        clock.now += 3.0
        p.advance(1)
        warn("with the bar")
    assert seen == ["before the bar"]
    assert "warning: with the bar" in capsys.readouterr().err
