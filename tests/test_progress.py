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
        p.advance(50, 0.005)  # 50 articles in 2 s; half a percent of the input read
        assert p._bar is not None
        task = p._bar.tasks[0]
        assert (task.description, task.fields["articles"], task.fields["rate"]) == ("scoring", "50", "25")
        assert (task.total, task.completed, task.fields["share"]) == (1000, 5, "0% read")
        assert task.fields["left"] == ""  # too early to tell
        assert task.elapsed == 2.0  # the run's time, though the bar has only just come up
        clock.now += 38.0
        p.advance(2950, 0.25)  # 3,000 in 40 s, a quarter of the input: 120 s to go
        assert (task.fields["articles"], task.fields["rate"]) == ("3,000", "75")
        assert (task.completed, task.fields["share"]) == (250, "25% read")
        assert task.fields["left"] == "2 min of scoring left"
        clock.now += 40.0
        p.advance(1000, 0.5)  # half in 80 s: 80 s to go
        assert task.fields["left"] == "80 s of scoring left"
        clock.now += 20.0
        p.stage("comparing")  # the rate stays the scoring's (4,000 in 80 s); no share, no time left
        assert (task.description, task.fields["articles"], task.fields["rate"]) == (
            "comparing",
            "4,000",
            "50",
        )
        assert (task.total, task.fields["share"], task.fields["left"]) == (None, "", "")
        p.advance(0)
        clock.now += 1.0
        p.stage("writing the report")
        assert task.description == "writing the report"
        assert task.elapsed == 101.0


def test_scoring_started_again_counts_the_articles_afresh(capsys, clock):
    # A run that finds its store damaged starts its scoring again with a new store.
    with Progress(enabled=True) as p:
        clock.now += 10.0
        p.advance(400, 0.4)
        clock.now += 2.0
        p.stage("comparing")
        p.stage(progress_module.SCORING)
        task = p._bar.tasks[0]
        assert (task.description, task.fields["articles"], task.fields["rate"]) == ("scoring", "0", "–")
        assert (task.total, task.fields["share"], task.fields["left"]) == (None, "", "")
        clock.now += 4.0
        p.advance(100, 0.1)  # 100 in the 4 s since the start again, a tenth read: 36 s to go
        assert (task.fields["articles"], task.fields["rate"]) == ("100", "25")
        assert (task.completed, task.fields["share"], task.fields["left"]) == (
            100,
            "10% read",
            "36 s of scoring left",
        )
        assert task.elapsed == 16.0  # the run's time goes on


def test_copying_an_input_shows_the_megabytes_then_the_scoring_counts_from_its_end(capsys, clock):
    with Progress(enabled=True) as p:
        clock.now += 1.0
        p.copied(1 << 20)
        assert p._bar is None  # under the delay
        clock.now += 9.0
        p.copied(250_400_000)
        task = p._bar.tasks[0]
        assert (task.description, task.fields["share"], task.total) == ("copying the input", "250 MB", None)
        assert (task.fields["articles"], task.fields["left"]) == ("0", "")
        p.stage(progress_module.SCORING)  # the copy is whole
        clock.now += 5.0
        p.advance(500, 0.25)  # 500 in the 5 s since, not in the 15 s of the run
        assert (task.description, task.fields["rate"], task.fields["share"]) == ("scoring", "100", "25% read")
        assert task.fields["left"] == "15 s of scoring left"
        assert task.elapsed == 15.0


def test_an_input_of_unknown_size_gives_a_pulsing_bar(capsys, clock):
    with Progress(enabled=True) as p:
        clock.now += 3.0
        p.advance(30, None)
        task = p._bar.tasks[0]
        assert (task.total, task.fields["share"], task.fields["left"]) == (None, "", "")
        assert task.fields["articles"] == "30"


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
