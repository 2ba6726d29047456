"""The command line, driven as a user would through Typer's CliRunner."""

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framing import cache, writers
from framing.cli import app
from framing.config import CompareConfig

from helpers import LEXICONS, SEEDS, run_limited, seed_records

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_compare_with_no_input_runs_on_the_seeds(tmp_path):
    r = invoke("compare", "--out", str(tmp_path))
    assert r.exit_code == 0, r.output
    store = os.environ["FRAMING_CACHE"]
    assert r.stdout.splitlines() == [
        f"wrote {tmp_path / 'seeds.md'}",
        f"wrote {tmp_path / 'seeds.json'}",
        f"result store {store}: 0 articles read, 5 scored",
    ]
    again = invoke("compare", "--out", str(tmp_path))
    assert again.stdout.splitlines()[-1] == f"result store {store}: 5 articles read, 0 scored"
    assert (tmp_path / "seeds.md").read_text(encoding="utf-8").startswith("# Framing comparison: seeds")


def test_the_store_line_says_article_for_one(tmp_path):
    corpus = tmp_path / "one.jsonl"
    corpus.write_text(json.dumps(seed_records()[0]) + "\n", encoding="utf-8")
    store = os.environ["FRAMING_CACHE"]
    lines = [invoke("compare", str(corpus), "--out", str(tmp_path)).stdout.splitlines()[-1] for _ in range(2)]
    assert lines == [
        f"result store {store}: 0 articles read, 1 scored",
        f"result store {store}: 1 article read, 0 scored",
    ]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_reports_get_the_permissions_of_any_new_file(tmp_path):
    # Written beside and renamed: the temporary file's owner-only mode must not stay.
    old = os.umask(0o022)
    try:
        assert invoke("compare", "--out", str(tmp_path)).exit_code == 0
    finally:
        os.umask(old)
    for name in ("seeds.md", "seeds.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644, name


def test_compare_a_jsonl_names_the_report_after_it(tmp_path):
    (tmp_path / "story.jsonl").write_text('{"id": "1", "outlet": "RT", "text": "The bloc, he claimed."}\n')
    r = invoke("compare", str(tmp_path / "story.jsonl"), "--out", str(tmp_path / "out"), "--by", "outlet")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "story.md").exists()


def _fails_cleanly(r, *expected: str) -> None:
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for line in expected:
        assert line in r.stderr.splitlines(), r.stderr


def test_bad_lexicon_exits_2_with_file_and_line_and_writes_nothing(tmp_path):
    lex = tmp_path / "lex"
    shutil.copytree(LEXICONS, lex)
    with (lex / "labels.csv").open("a", encoding="utf-8") as f:
        f.write("hedge,,,\n")
    out = tmp_path / "out"
    r = invoke("compare", "--lexicons", str(lex), "--out", str(out))
    line = len((lex / "labels.csv").read_text(encoding="utf-8").splitlines())
    _fails_cleanly(r, f"{lex / 'labels.csv'}:{line}: empty term")
    assert not out.exists()
    r = invoke("lexicon", "check", str(lex))
    _fails_cleanly(r, f"{lex / 'labels.csv'}:{line}: empty term", "error: 1 problem(s) in the lexicons")


def test_lexicon_check_and_list_on_the_bundled_lexicons():
    r = invoke("lexicon", "check")
    assert r.exit_code == 0 and r.stdout.startswith("ok: 3 lexicon files")
    r = invoke("lexicon", "list")
    assert "crimea_2014/accession: accession [context: crimea*; sevastopol; peninsula]" in r.stdout


def test_empty_and_missing_input(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    _fails_cleanly(
        invoke("compare", str(empty), "--out", str(tmp_path)), f"error: {empty}: no .txt files in this folder"
    )
    _fails_cleanly(
        invoke("compare", str(tmp_path / "nope.csv"), "--out", str(tmp_path)),
        f"error: {tmp_path / 'nope.csv'}: no such file or folder",
    )
    (empty / "a.txt").write_bytes(b"")
    r = invoke("compare", str(empty), "--out", str(tmp_path))
    _fails_cleanly(r, "error: no articles to compare: every input was empty or skipped")
    assert "warning: empty/a.txt: empty file, skipped" in r.stderr


def test_bad_by(tmp_path):
    _fails_cleanly(
        invoke("compare", "--by", "colour", "--out", str(tmp_path)),
        "error: --by must be one of outlet_type, outlet, article, not 'colour'",
    )


def test_output_path_that_is_a_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = invoke("compare", "--out", str(blocker / "sub"))
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.stderr.startswith(f"error: {blocker / 'sub'}: cannot write the report here")


def test_a_crash_while_writing_leaves_the_old_report_whole(tmp_path, monkeypatch):
    assert invoke("compare", "--out", str(tmp_path)).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    calls = []

    def replace_then_crash(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace_then_crash)
    r = invoke("compare", "--out", str(tmp_path), "--by", "article")
    assert r.exit_code == 2 and "No space left on device" in r.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temp files left either


def test_seeds_folder_given_explicitly_equals_the_default(tmp_path):
    invoke("compare", "--out", str(tmp_path / "a"))
    invoke("compare", str(SEEDS), "--out", str(tmp_path / "b"), "--name", "seeds")
    assert (tmp_path / "a" / "seeds.md").read_bytes() == (tmp_path / "b" / "seeds.md").read_bytes()


def test_an_article_that_is_all_furniture_is_skipped_with_the_reason(tmp_path):
    (tmp_path / "junk.txt").write_text("icon a icon b icon c icon d icon e\n", encoding="utf-8")
    (tmp_path / "real.txt").write_text("The alliance met.\n", encoding="utf-8")
    r = invoke("compare", str(tmp_path), "--out", str(tmp_path / "out"), "--by", "article")
    assert r.exit_code == 0, r.output
    name = tmp_path.name
    assert r.stderr.splitlines() == [
        f"warning: {name}/junk.txt: article 'junk' has no words left after cleaning "
        "(icon labels from the page navigation), skipped"
    ]
    report = (tmp_path / "out" / f"{name}.md").read_text(encoding="utf-8")
    assert "| junk |" not in report and "| real |" in report


def test_bare_framing_shows_help():
    r = runner.invoke(app, [])
    assert "compare" in r.output and "lexicon" in r.output


def _commands(command):
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def test_help_paragraphs_after_the_first_are_written_on_one_line():
    # Typer's rich help joins the first paragraph's lines but prints the others' line breaks
    # as they are: a docstring wrapped at the source's width came out cut mid-sentence.
    import inspect

    import typer.main

    commands = list(_commands(typer.main.get_command(app)))
    assert {c.name for c in commands} >= {"compare", "suggest", "info", "clear"}
    for command in commands:
        later = inspect.cleandoc(command.help or "").split("\n\n")[1:]
        assert all("\n" not in paragraph for paragraph in later), (command.name, later)


def test_compare_reports_lexicon_and_registry_problems_together(tmp_path):
    lex = tmp_path / "lex"
    shutil.copytree(LEXICONS, lex)
    with (lex / "labels.csv").open("a", encoding="utf-8") as f:
        f.write("hedge,,,\n")
    with (lex / "outlets.csv").open("a", encoding="utf-8") as f:
        f.write("Nowhere,,,wire,yes,XX,n\n")
    r = invoke("compare", "--lexicons", str(lex), "--out", str(tmp_path / "out"))
    labels = len((lex / "labels.csv").read_text(encoding="utf-8").splitlines())
    registry = len((lex / "outlets.csv").read_text(encoding="utf-8").splitlines())
    _fails_cleanly(r, f"{lex / 'labels.csv'}:{labels}: empty term", "error: 2 problem(s) in the lexicons")
    assert any(
        line.startswith(f"{lex / 'outlets.csv'}:{registry}: unknown type 'wire'")
        for line in r.stderr.splitlines()
    )


def test_a_users_new_lexicon_file_gets_its_own_section(tmp_path):
    lex = tmp_path / "lex"
    shutil.copytree(LEXICONS, lex)
    (lex / "evasive_verbs.csv").write_text(
        "category,term,context,note\nevasive,declined to comment,,\nevasive,sidestepped,,\n", encoding="utf-8"
    )
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "The ministry declined to comment. He sidestepped “the question”, and declined to comment again.\n",
        encoding="utf-8",
    )
    r = invoke("compare", str(tmp_path / "in"), "--lexicons", str(lex), "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    report = (tmp_path / "out" / "in.md").read_text(encoding="utf-8")
    assert "## Evasive verbs (evasive_verbs.csv)" in report
    # by hand: The ministry declined to comment He sidestepped the question and declined to comment again
    # = 14 words; 3 hits in the outlet's voice -> 3 / 14 * 1000 = 214.3 per 1,000 words
    row = next(line for line in report.splitlines() if line.startswith("| **evasive**"))
    assert row == "| **evasive** | **3** (214.3/1k): declined to comment ×2, sidestepped ×1 |"


def _damage_second_half(store: Path) -> bytes:
    data = bytearray(store.read_bytes())
    data[len(data) // 2 :] = b"\xa5" * (len(data) - len(data) // 2)
    store.write_bytes(bytes(data))
    return bytes(data)


def test_damage_inside_the_store_is_met_by_a_run_and_found_by_cache_info(tmp_path):
    store = tmp_path / "store.sqlite"
    assert invoke("compare", "--out", str(tmp_path), "--cache", str(store)).exit_code == 0
    report = (tmp_path / "seeds.md").read_bytes()
    (tmp_path / "seeds.md").unlink()
    # A run does not read every page at the start: it meets the damage mid-run, says so,
    # moves the store aside and starts again with a new one. No traceback, the same report.
    damaged = _damage_second_half(store)
    r = invoke("compare", "--out", str(tmp_path), "--cache", str(store))
    assert r.exit_code == 0, r.output
    assert f"warning: {store}: the result store failed (DatabaseError: database disk image is " in r.stderr
    assert "moved to store.sqlite.broken, and the run starts again with a new one" in r.stderr
    assert "Traceback" not in r.output and (tmp_path / "seeds.md").read_bytes() == report
    assert store.with_name(store.name + ".broken").read_bytes() == damaged
    # `cache info` checks every page, finds damage and starts afresh; then runs work again.
    damaged = _damage_second_half(store)
    info = invoke("cache", "info", "--cache", str(store))
    assert info.exit_code == 0, info.output
    assert f"{store}: the cache was unreadable (database disk image is malformed); moved to" in info.output
    assert "every page checked; 0 article results" in info.output
    assert store.with_name(store.name + ".broken").read_bytes() == damaged
    r = invoke("compare", "--out", str(tmp_path), "--cache", str(store))
    assert r.exit_code == 0 and "warning" not in r.stderr, r.output
    assert (tmp_path / "seeds.md").read_bytes() == report


def test_a_store_whose_first_bytes_are_damaged_is_still_known_by_its_schema(tmp_path):
    # Its first 16 bytes ("SQLite format 3") damaged, a store of a run killed early was
    # refused as "not an SQLite file" by every run after (fuzz_inputs.py stops --seed 8).
    store = tmp_path / "store.sqlite"
    assert invoke("compare", "--out", str(tmp_path), "--cache", str(store)).exit_code == 0
    report = (tmp_path / "seeds.md").read_bytes()
    damaged = b"\xff" * 16 + store.read_bytes()[16:]
    store.write_bytes(damaged)
    r = invoke("compare", "--out", str(tmp_path), "--cache", str(store))
    assert r.exit_code == 0, r.output
    assert f"warning: {store}: the cache was unreadable (file is not a database); moved to" in r.stderr
    assert store.with_name(store.name + ".broken").read_bytes() == damaged
    assert (tmp_path / "seeds.md").read_bytes() == report
    store.write_bytes(damaged)
    assert invoke("cache", "clear", "--cache", str(store)).exit_code == 0
    assert not store.exists()
    # A store a run killed early leaves has its schema in the WAL, not yet in the file
    # (fuzz_inputs.py stops --seed 8: 4 KB, its header damaged at byte 10).
    running = cache.Store(store)  # the schema made, in the WAL
    for side in ("", "-wal"):
        shutil.copyfile(store.with_name(store.name + side), tmp_path / f"left.sqlite{side}")
    running.close()
    left = tmp_path / "left.sqlite"
    assert b"CREATE TABLE" not in left.read_bytes()
    left.write_bytes(b"SQLite for\xa9" + left.read_bytes()[11:])
    r = invoke("compare", "--out", str(tmp_path), "--cache", str(left))
    # SQLite reads page 1, header and all, from the WAL: the damage is no damage to it.
    assert r.exit_code == 0 and r.stderr == "", r.output
    assert f"result store {left}: 0 articles read, 5 scored" in r.stdout
    assert (tmp_path / "seeds.md").read_bytes() == report
    # A file of the user's that names one of those tables is no store.
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"to do: CREATE TABLE corpus_terms in my own database\n")
    r = invoke("cache", "clear", "--cache", str(notes))
    assert r.exit_code == 2 and "not an SQLite file" in r.stderr and notes.exists()


def _foreign_database(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE items (title TEXT)")
    db.execute("INSERT INTO items VALUES ('a paper')")
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.mkdir(), "not a file; --cache takes the path of a result store file"),
        (
            lambda p: p.write_text("my notes, not a database"),
            "not a result store (not an SQLite file), left as it is; give --cache another path",
        ),
        (
            lambda p: p.write_bytes(bytes(4096)),  # zeros: not even SQLite's header
            "not a result store (not an SQLite file), left as it is; give --cache another path",
        ),
        (
            _foreign_database,
            "not a framing result store (it has tables items), left as it is; give --cache another path",
        ),
    ],
)
def test_what_is_not_a_store_is_never_moved_written_or_deleted(tmp_path, make, said):
    # --cache given a folder, a file or another program's database by mistake. A damaged
    # store is moved aside and `cache clear` deletes one: framing did both to these, and
    # wrote its tables into the other database.
    given = tmp_path / "given"
    make(given)

    def snapshot() -> object:
        if given.is_dir():
            return sorted(p.name for p in given.iterdir())
        return given.read_bytes()

    before = snapshot()
    for args in (
        ("compare", "--out", str(tmp_path / "out"), "--cache", str(given)),
        ("cache", "info", "--cache", str(given)),
        ("cache", "clear", "--cache", str(given)),
    ):
        r = invoke(*args)
        _fails_cleanly(r, f"error: {given}: {said}")
        assert snapshot() == before, args
        assert sorted(p.name for p in tmp_path.iterdir()) == ["given"], args  # no .broken, no WAL
    assert (
        invoke("compare", "--out", str(tmp_path / "out"), "--cache", str(given), "--no-cache").exit_code == 0
    )


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="a folder where no file can be made")
def test_a_store_that_cannot_be_made_is_an_error_not_a_traceback(tmp_path):
    r = invoke("compare", "--out", str(tmp_path), "--cache", "/proc/framing-store.sqlite")
    _fails_cleanly(
        r,
        "error: /proc/framing-store.sqlite: cannot open the result store (unable to open database file); "
        "give --cache another place, or run with --no-cache",
    )


def test_an_empty_file_or_a_store_with_no_tables_yet_is_taken_as_a_new_store(tmp_path):
    def no_tables(path: Path) -> None:
        db = sqlite3.connect(path)
        db.execute("PRAGMA user_version = 1")  # written: an SQLite file, with its header
        db.close()
        assert path.read_bytes().startswith(b"SQLite format 3\0")

    for name, make in (("empty", lambda p: p.write_bytes(b"")), ("no tables", no_tables)):
        store = tmp_path / name
        make(store)
        assert invoke("compare", "--out", str(tmp_path / "out"), "--cache", str(store)).exit_code == 0
        assert invoke("cache", "clear", "--cache", str(store)).stdout == f"removed {store}\n"
        assert not store.exists()


def test_cache_info_says_what_the_store_holds(tmp_path):
    store = tmp_path / "store.sqlite"
    assert invoke("compare", "--out", str(tmp_path), "--cache", str(store)).exit_code == 0
    # Beside it, a store kept aside and a file whose name begins with the store's: not counted.
    (tmp_path / "store.sqlite.broken").write_bytes(bytes(5_000_000))
    (tmp_path / "store.sqlite-old-copy").write_bytes(bytes(3_000_000))
    r = invoke("cache", "info", "--cache", str(store))
    assert r.exit_code == 0, r.output
    sides = [tmp_path / f"store.sqlite{side}" for side in ("", "-wal", "-shm")]
    size = sum(p.stat().st_size for p in sides if p.exists())
    assert size < 5_000_000
    assert r.stdout.startswith(f"{store}: {size / 1e6:,.1f} MB, every page checked; ")
    # 5 seeds: one result and one tag each, one per (seed, lexicon file) for the 3 lexicon
    # files, their term counts, the sums of this one corpus, and its keyness tables (4 outlet types: content
    # site, forum repost, state-aligned, state media; each against the rest in words and in
    # phrases: 8) and examples, and each article's lines of the report
    assert (
        "5 article results, 5 outlet tags, 15 lexicon results, 3 lexicon versions, 5 term counts, "
        "1 summed corpus term counts, 8 keyness tables, 1 sets of keyness examples, "
        "5 articles' report lines" in r.stdout
    )


def test_thousands_of_alike_warnings_are_counted_not_all_printed(tmp_path):
    """An export whose articles mostly have no text: the first five of that kind on stderr
    and in the report, then how many more; the JSON keeps every one."""
    rows = ["id,text", "real,The alliance met.", *(f"e{i}," for i in range(1, 13)), "html,<p></p>"]
    (tmp_path / "x.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = invoke("compare", str(tmp_path / "x.csv"), "--out", str(tmp_path), "--no-cache")
    assert r.exit_code == 0, r.output
    first_five = [f"x.csv:{line}: article 'e{line - 2}' has no text, skipped" for line in range(3, 8)]
    html = "x.csv:15: article 'html' has no words left after cleaning (HTML markup), skipped"
    kind = "article … has no text, skipped"
    assert r.stderr.splitlines() == [
        *(f"warning: {w}" for w in first_five),
        f"warning: {html}",
        f"warning: … and 7 more like “{kind}” (the report counts them; its JSON lists every one)",
    ]
    report = (tmp_path / "x.md").read_text(encoding="utf-8")
    start = report.index("Skipped or read with care:")
    assert report[start:].split("\n\n")[1].splitlines() == [
        *(f"- {w}" for w in first_five),
        f"- {html}",
        f"- … and 7 more like “{kind}” (the JSON's `warnings` lists every one)",
    ]
    warnings = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["warnings"]
    assert len(warnings) == 13 and warnings[-2] == "x.csv:14: article 'e12' has no text, skipped"


def test_the_kind_of_each_warning():
    from framing.warning_kinds import kind

    assert kind("a.csv:3: article '2' has no text, skipped") == "article … has no text, skipped"
    assert kind("my story/a.txt: empty file, skipped") == "empty file, skipped"
    assert (
        kind("b.jsonl:1: duplicate article id 'x' (first in a.jsonl:1); kept as 'x@b.jsonl:1'")
        == "duplicate article id … (…); kept as …"
    )
    assert kind("ru.txt: not UTF-8; read as cp1251 (detected)") == "not UTF-8; read as cp1251 (…)"


def _framing(*args: str, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "framing", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # not inherited as ignored
        **options,
    )


def _wait_for(found, run: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not found():
        assert time.monotonic() < deadline and run.poll() is None, run.stderr.read()
        time.sleep(0.02)


@pytest.mark.skipif(os.name != "posix", reason="sends signals")
@pytest.mark.parametrize(
    ("sent", "status", "said"),
    [
        (signal.SIGINT, 130, "interrupted"),
        (signal.SIGTERM, 143, "terminated"),
        (signal.SIGHUP, 129, "terminated"),
    ],
)
def test_ctrl_c_sigterm_or_sighup_says_no_report_was_written(tmp_path, sent, status, said):
    # A real signal to a real process: Typer, not framing, sees a KeyboardInterrupt that
    # leaves the command, and ends the run silently; SIGTERM killed it outright. Standard
    # input held open keeps the run waiting at a known point (copying it).
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    run = _framing(
        "compare", "-", "--out", str(tmp_path / "out"), "--no-cache",
        stdin=subprocess.PIPE, env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    try:
        run.stdin.write(b'{"id": "1", "outlet": "RT", "text": "The bloc, he claimed."}\n')
        run.stdin.flush()
        _wait_for(lambda: any(scratch.iterdir()), run)  # the copy of standard input has begun
        run.send_signal(sent)
        _, stderr = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode == status
    assert stderr.decode().splitlines() == [f"{said}: no report written"]
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "out").exists()


def _stopped_while_scoring(tmp_path: Path, stop) -> tuple[int, str, list[str]]:
    """A run of 2,000 articles with two workers, stopped by stop(run) while its report's JSON
    is being written: its status, its stderr, and what its output folder holds. Its
    workers must not outlive it."""
    out = tmp_path / "out"
    out.mkdir()
    run = _framing("compare", str(_many_seeds(tmp_path)), "--out", str(out), "--no-cache", "--jobs", "2")
    try:
        _wait_for(lambda: any(out.iterdir()) and len(_children(run.pid)) == CHILDREN_OF_TWO_JOBS, run)
        workers = _children(run.pid)
        stop(run)
        # Read to the end: the workers hold the same stderr until they have ended.
        _, stderr = run.communicate(timeout=60)
    finally:
        run.kill()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived the run"
        time.sleep(0.05)
    return run.returncode, stderr.decode(), [p.name for p in out.iterdir()]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in Linux's /proc")
def test_sigterm_while_scoring_stops_the_workers_and_leaves_no_file(tmp_path):
    # Killed outright, the run left its report's temporary file in the output folder, and
    # its workers printed broken-pipe tracebacks.
    stopped = _stopped_while_scoring(tmp_path, lambda run: run.send_signal(signal.SIGTERM))
    assert stopped == (143, "terminated: no report written\n", [])


def _press_ctrl_c_until_it_ends(run: subprocess.Popen) -> None:
    for _ in range(200):  # a press every millisecond or so
        if run.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            run.send_signal(signal.SIGINT)
        time.sleep(0.001)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in Linux's /proc")
def test_ctrl_c_pressed_again_and_again_does_not_cut_the_stopping_short(tmp_path):
    # The second and later presses came while the first one's stopping ran: they left the
    # report's temporary file in the output folder, printed tracebacks of generators closed
    # half way, or ended the process by the signal (status -2), in 7 of 12 tries by hand.
    stopped = _stopped_while_scoring(tmp_path, _press_ctrl_c_until_it_ends)
    assert stopped == (130, "interrupted: no report written\n", [])


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in Linux's /proc")
def test_workers_end_quietly_with_a_run_killed_outright(tmp_path):
    # Killed by SIGKILL (or the out-of-memory killer), the run cannot stop its workers: they
    # scored on, and each printed a BrokenPipeError traceback when it sent a result.
    status, stderr, _ = _stopped_while_scoring(tmp_path, lambda run: run.kill())
    assert (status, stderr) == (-signal.SIGKILL, "")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers in Linux's /proc")
def test_under_nohup_a_hang_up_does_not_stop_the_run(tmp_path):
    # nohup starts the run with SIGHUP ignored; the run must keep it so, and its workers too
    # (a worker ended by it would stop the run with WorkerError).
    corpus = _many_seeds(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "framing",
            "compare",
            str(corpus),
            "--out",
            str(out),
            "--no-cache",
            "--jobs",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    try:
        _wait_for(lambda: any(out.iterdir()) and len(_children(run.pid)) == CHILDREN_OF_TWO_JOBS, run)
        for pid in [run.pid, *_children(run.pid)]:  # as a closed terminal sends it to them all
            os.kill(pid, signal.SIGHUP)
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 0, stderr.decode()
    assert sorted(p.name for p in out.iterdir()) == ["many.json", "many.md"]


@pytest.mark.skipif(os.name != "posix", reason="sends signals")
def test_a_run_started_with_ctrl_c_ignored_keeps_it_ignored(tmp_path):
    # A shell that is not interactive starts `framing compare … &` so: Ctrl-C in that
    # terminal is for the commands in the foreground, not this one.
    corpus = _many_seeds(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    run = subprocess.Popen(
        [sys.executable, "-m", "framing", "compare", str(corpus), "--out", str(out), "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        _wait_for(lambda: any(out.iterdir()), run)
        run.send_signal(signal.SIGINT)
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 0, stderr.decode()
    assert sorted(p.name for p in out.iterdir()) == ["many.json", "many.md"]


def _many_seeds(tmp_path: Path) -> Path:
    """2,000 articles: the seeds, copied 400 times under new ids (a run of a few seconds)."""
    seeds = seed_records()
    corpus = tmp_path / "many.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for copy in range(400):
            for record in seeds:
                f.write(json.dumps({**record, "id": f"{record['id']}-{copy}"}) + "\n")
    return corpus


# Two scoring workers, and the process that reads the input (batches.BatchReader).
CHILDREN_OF_TWO_JOBS = 3


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += map(int, children)
    return found


@pytest.mark.skipif(os.name != "posix", reason="starts a process with a standard stream closed")
def test_a_closed_stderr_or_stdin_is_no_traceback(tmp_path):
    # Started with stderr closed (as some schedulers start jobs), Python's sys.stderr is
    # None: the progress bar's terminal check failed and no report was written.
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "framing", "compare", "--out", str(out), "--no-cache"],
        stdout=subprocess.PIPE,
        preexec_fn=lambda: os.close(2),
    )
    assert run.returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["seeds.json", "seeds.md"]
    # Standard input closed, and asked for: an error, not an AttributeError.
    run = subprocess.run(
        [sys.executable, "-m", "framing", "compare", "-", "--out", str(out), "--no-cache"],
        capture_output=True,
        preexec_fn=lambda: os.close(0),
    )
    assert (run.returncode, run.stderr.decode()) == (
        2,
        "error: -: there is no standard input (it is closed)\n",
    )


def test_a_store_another_run_is_writing_is_waited_for_then_left_alone(tmp_path, monkeypatch):
    store = tmp_path / "store.sqlite"
    assert invoke("compare", "--out", str(tmp_path), "--cache", str(store), "--no-keyness").exit_code == 0
    other = sqlite3.connect(store, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run's write transaction, held
    try:
        monkeypatch.setattr("framing.cache.BUSY_WAIT", 1.0)
        r = invoke("compare", "--out", str(tmp_path / "new"), "--cache", str(store), "--by", "outlet")
    finally:
        other.execute("ROLLBACK")
        other.close()
    _fails_cleanly(
        r,
        f"error: {store}: the result store stayed busy for 1 s (another run writing to it?); "
        "run again when it is done, or give --cache another file",
    )
    assert not store.with_name(store.name + ".broken").exists()
    again = invoke("compare", "--out", str(tmp_path / "new"), "--cache", str(store), "--by", "outlet")
    assert again.exit_code == 0, again.output


@pytest.mark.skipif(os.name != "posix", reason="stops a run with SIGSTOP")
def test_cache_clear_leaves_a_store_another_run_has_open(tmp_path):
    # Deleted under a run, the store lost what that run scored (it went on writing into the
    # deleted file) and the next run started cold. The run is stopped while it holds the
    # store open, so the clear meets it there whatever the machine's speed.
    corpus = _many_seeds(tmp_path)
    store = tmp_path / "store.sqlite"
    run = _framing("compare", str(corpus), "--out", str(tmp_path / "out"), "--cache", str(store))
    try:
        _wait_for(lambda: store.with_name(store.name + "-wal").exists(), run)  # the store is open
        run.send_signal(signal.SIGSTOP)
        refused = invoke("cache", "clear", "--cache", str(store))
        run.send_signal(signal.SIGCONT)
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    _fails_cleanly(
        refused,
        f"error: {store}: the result store is open in another process (a run still going?); "
        "nothing deleted. Clear it once that process has ended",
    )
    assert run.returncode == 0, stderr.decode()
    # What the run scored is in the store: the same corpus again scores nothing.
    again = invoke("compare", str(corpus), "--out", str(tmp_path / "out"), "--cache", str(store))
    assert again.stdout.splitlines()[-1] == f"result store {store}: 2000 articles read, 0 scored"
    # Once the run has ended, clear deletes the store and its side files.
    assert invoke("cache", "clear", "--cache", str(store)).stdout == f"removed {store}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.jsonl", "out"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_standard_output_full_or_closed_is_no_traceback(tmp_path):
    # The report is complete before its paths are printed; a full disk behind standard
    # output then ended in a traceback, and the reader of a pipe stopping early could too.
    out = tmp_path / "out"
    with open("/dev/full", "wb") as full:
        run = subprocess.run(
            [sys.executable, "-m", "framing", "compare", "--out", str(out), "--no-cache"],
            stdout=full,
            stderr=subprocess.PIPE,
        )
    assert (run.returncode, run.stderr.decode()) == (
        2,
        "error: cannot write to standard output (No space left on device)\n",
    )
    assert sorted(p.name for p in out.iterdir()) == ["seeds.json", "seeds.md"]
    read, write = os.pipe()
    os.close(read)  # the reader has gone, as when `| head` has what it wanted
    try:
        run = subprocess.run(
            [sys.executable, "-m", "framing", "lexicon", "list"], stdout=write, stderr=subprocess.PIPE
        )
    finally:
        os.close(write)
    assert (run.returncode, run.stderr.decode()) == (1, "")


def test_a_report_the_disk_refuses_half_way_is_an_error_and_leaves_nothing(tmp_path):
    # An article's lines written into a full disk ended in a traceback, and another one
    # while the temporary files were closed.
    out = tmp_path / "out"
    run = run_limited(16_384, "compare", "--out", str(out), "--no-cache")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"error: {out}: cannot write the report here (File too large)\n"
    assert not out.exists()  # made by the run, and removed with its temporary files


def test_a_store_the_disk_refuses_leaves_the_report_as_no_cache_gives_it(tmp_path):
    # SQLite's I/O error (SQLITE_IOERR) this time; SQLITE_FULL is tested in test_scale.
    store = tmp_path / "store.sqlite"
    # A new store that cannot be made is an error at once: nothing is lost yet.
    run = run_limited(4096, "compare", "--out", str(tmp_path / "none"), "--cache", str(store))
    assert (run.returncode, run.stderr) == (
        2,
        f"error: {store}: cannot open the result store (disk I/O error); free some space, "
        "give --cache another place, or run with --no-cache\n",
    )
    one = tmp_path / "one.jsonl"
    one.write_text('{"id": "1", "outlet": "RT", "text": "The bloc met."}\n', encoding="utf-8")
    assert invoke("compare", str(one), "--out", str(tmp_path / "one"), "--cache", str(store)).exit_code == 0
    # Made with its tables: the seeds' results do not fit in another 64 KB.
    run = run_limited(
        store.stat().st_size + 65_536, "compare", "--out", str(tmp_path / "full"), "--cache", str(store)
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == (
        f"warning: {store}: the disk refused a write to the result store (disk I/O error); this run "
        "keeps nothing more in it, and its report is written as usual\n"
    )
    assert run.stdout.splitlines()[-1] == f"result store {store}: 0 articles read, 5 scored"
    fresh = invoke("compare", "--out", str(tmp_path / "fresh"), "--no-cache")
    assert fresh.exit_code == 0
    for name in ("seeds.md", "seeds.json"):
        assert (tmp_path / "full" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()
    again = invoke("compare", "--out", str(tmp_path / "again"), "--cache", str(store))
    assert (again.exit_code, again.stderr) == (0, "")
    assert (tmp_path / "again" / "seeds.md").read_bytes() == (tmp_path / "fresh" / "seeds.md").read_bytes()
    assert invoke("cache", "info", "--cache", str(store)).exit_code == 0


def test_an_unpaired_surrogate_escape_is_reported_not_a_traceback(tmp_path):
    # The report could not be encoded as UTF-8 at its end, and the run ended in a traceback.
    (tmp_path / "cut.jsonl").write_text(
        '{"id": "1", "outlet": "RT\\ud83d", "text": "The bloc, he claimed \\ud83d."}\n', encoding="ascii"
    )
    r = invoke("compare", str(tmp_path / "cut.jsonl"), "--out", str(tmp_path), "--no-cache")
    assert r.exit_code == 0, r.output
    warning = "cut.jsonl:1: article '1': unpaired surrogate escapes replaced with U+FFFD (2 in outlet, text)"
    assert r.stderr.splitlines() == [f"warning: {warning}"]
    report = (tmp_path / "cut.md").read_text(encoding="utf-8")
    assert f"- {warning}" in report and "RT\ufffd" in report


def test_two_runs_writing_one_report_at_once_leave_one_runs_markdown_and_json(tmp_path, monkeypatch):
    # Each run renames its Markdown into place, then its JSON. A second run that renamed
    # both in between left the first run's JSON beside its own Markdown.
    out = tmp_path / "out"
    between, second_near, second_done = threading.Event(), threading.Event(), threading.Event()
    real_replace, real_mkstemp = os.replace, writers._mkstemp

    def replace(src, dst):
        real_replace(src, dst)
        if threading.current_thread().name == "first" and str(dst).endswith(".md"):
            between.set()
            # The second run's renames, if nothing holds them back: they follow the
            # Markdown's temporary file at once.
            assert second_near.wait(timeout=120)
            second_done.wait(timeout=0.5)

    def mkstemp(prefix, folder):
        made = real_mkstemp(prefix, folder)
        if threading.current_thread().name == "second" and ".md." in prefix:
            second_near.set()
        return made

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(writers, "_mkstemp", mkstemp)

    def run(by: str) -> None:
        writers.compare(CompareConfig((SEEDS,), LEXICONS, out, "same", by))

    first = threading.Thread(target=run, args=("article",), name="first")
    first.start()
    assert between.wait(timeout=120)
    second = threading.Thread(target=lambda: (run("outlet_type"), second_done.set()), name="second")
    second.start()
    second.join(timeout=120)
    first.join(timeout=120)
    assert not first.is_alive() and second_done.is_set()
    # The second run renamed last: its pair, whole.
    md = (out / "same.md").read_text(encoding="utf-8")
    assert json.loads((out / "same.json").read_text(encoding="utf-8"))["by"] == "outlet_type"
    assert "grouped by outlet type:" in md.splitlines()[2]
    assert sorted(p.name for p in out.iterdir()) == ["same.json", "same.md"]
