"""The command line: options into a config, the pipeline, the writers. Errors become one line
on stderr and exit code 2; no traceback reaches the user."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from framing.compare import BY_CHOICES
from framing.config import CompareConfig, KeynessConfig
from framing.errors import FramingError, LexiconError, OutputError, Problem
from framing.processes import TERMINATING, usable_cpus
from framing.resources import bundled
from framing.spool import spooled

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Show how news outlets frame the same story, side by side and with evidence.",
    pretty_exceptions_enable=False,
)
lexicon_app = typer.Typer(
    add_completion=False, help="Check and list the lexicons.", pretty_exceptions_enable=False
)
app.add_typer(lexicon_app, name="lexicon")
cache_app = typer.Typer(
    add_completion=False, help="Look at or clear the result store.", pretty_exceptions_enable=False
)
app.add_typer(cache_app, name="cache")

PriorOption = Annotated[
    str, typer.Option(help="Keyness prior: corpus (each term's count in the compared corpus) or uniform:A.")
]
BackgroundOption = Annotated[
    Path | None,
    typer.Option(help="Keyness prior from a background corpus: a CSV of term,count.", show_default=False),
]
VarianceOption = Annotated[
    str, typer.Option(help="Keyness variance: monroe (Monroe et al., eq. 20) or scattertext (four terms).")
]
PairOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Also compare two groups head to head: --pair state_media,agency (repeatable).",
        show_default=False,
    ),
]
StopOption = Annotated[
    Path | None,
    typer.Option(
        "--stop-words",
        help="Leave out the words in this file (one per line). Default: keep all.",
        show_default=False,
    ),
]
TopOption = Annotated[int, typer.Option(help="Terms shown each way per comparison.", min=1)]
MinCountOption = Annotated[
    int,
    typer.Option(
        help="Leave out terms used fewer times than this in a comparison (lexicon terms never).", min=1
    ),
]
CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        help="The result store (SQLite). Default: $FRAMING_CACHE, else ~/.cache/framing/results.sqlite.",
        show_default=False,
    ),
]
LexiconFolderArgument = Annotated[
    Path | None, typer.Argument(help="Lexicon folder. Default: the bundled lexicons.", show_default=False)
]

EXIT_USER_ERROR = 2


def _say(text: str, nl: bool = True) -> None:
    """Print on standard output. By then the command's files are complete, so a full disk
    or a closed pipe there is one line on stderr, not a traceback."""
    try:
        typer.echo(text, nl=nl)
    except BrokenPipeError:
        raise  # Click ends the run quietly with status 1: `framing … | head` stopped reading
    except OSError as e:
        # Python flushes standard output once more at exit, which would fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _fail(OutputError(f"cannot write to standard output ({e.strerror or e})"))


def _fail(error: FramingError) -> None:
    if isinstance(error, LexiconError):
        for p in error.problems:
            typer.echo(str(p), err=True)
        typer.echo(f"error: {len(error.problems)} problem(s) in the lexicons", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(EXIT_USER_ERROR)


# 128 + the signal's number, as a shell reports a command the signal stopped.
EXIT_INTERRUPTED = 128 + signal.SIGINT


class Terminated(KeyboardInterrupt):
    """One of processes.TERMINATING, raised where the run is, so that it stops as after Ctrl-C:
    workers stopped, temporary files removed. Killed outright, the run left a report's
    temporary file in the output folder and its workers printed broken-pipe tracebacks."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _stop(number: int, _frame: object) -> None:
    """Ctrl-C or a TERMINATING signal: stop the run where it is. From then on Ctrl-C is
    ignored, so that the stopping (workers ended, temporary files removed) runs whole:
    pressed again and again, it cut that short, leaving a temporary file in the output
    folder, tracebacks from generators closed half way, and an exit by the signal. A
    TERMINATING signal again ends the process at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in TERMINATING:
        if signal.getsignal(other) != signal.SIG_IGN:
            signal.signal(other, signal.SIG_DFL)
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(number)


def _interrupted(stop: KeyboardInterrupt, what: str) -> NoReturn:
    # Caught here, inside the command: Typer turns a KeyboardInterrupt that reaches it into
    # a silent exit (0.16 and later) or "Aborted!" with status 1 (before).
    if isinstance(stop, Terminated):
        typer.echo(f"terminated: {what}", err=True)
        raise typer.Exit(128 + stop.number)
    typer.echo(f"interrupted: {what}", err=True)
    raise typer.Exit(EXIT_INTERRUPTED)


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


@app.command()
def compare(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders of .txt files (with an optional manifest.csv), .jsonl, .json or .csv "
            "files (also gzipped), or - for standard input. Default: the bundled seed articles.",
            show_default=False,
        ),
    ] = None,
    by: Annotated[str, typer.Option(help=f"Group articles by: {', '.join(BY_CHOICES)}.")] = "outlet_type",
    lexicons: Annotated[
        Path | None,
        typer.Option(
            help="Folder of lexicon CSV files and the outlet registry. Default: the bundled lexicons.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder to write the report into.")] = Path("reports"),
    name: Annotated[
        str | None,
        typer.Option(
            help="Report name: writes OUT/NAME.md and OUT/NAME.json. "
            "Default: seeds, or the first input's name.",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", help="Worker processes for scoring. 0: one per CPU this run may use.", min=0
        ),
    ] = 0,
    cache_path: CacheOption = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Score every article afresh; neither read nor write the store.")
    ] = False,
    keyness: Annotated[
        bool, typer.Option("--keyness/--no-keyness", help="Add the distinctive-vocabulary section.")
    ] = True,
    prior: PriorOption = "corpus",
    background: BackgroundOption = None,
    variance: VarianceOption = "monroe",
    pair: PairOption = None,
    stop_words: StopOption = None,
    top: TopOption = 10,
    min_count: MinCountOption = 10,
) -> None:
    """Compare how outlets frame a story; write a Markdown report and its JSON."""
    from framing import cache
    from framing.progress import SCORING, Progress
    from framing.warning_kinds import Tally
    from framing.writers import compare as write_comparison

    try:
        if by not in BY_CHOICES:
            raise FramingError(f"--by must be one of {', '.join(BY_CHOICES)}, not {by!r}")
        keyness_config = (
            _keyness(prior, background, variance, pair, stop_words, top, min_count) if keyness else None
        )
        with (
            Progress() as progress,
            spooled(tuple(inputs) if inputs else (bundled("seeds"),), progress.copied) as paths,
        ):
            progress.stage(SCORING)  # its rate counts from here, not from the copy's start
            # A copy of standard input is named stdin.jsonl (or .csv, …): the report, "stdin".
            report_name = name or ("seeds" if not inputs else paths[0].name.split(".")[0] or "report")
            if not report_name or "/" in report_name or report_name.startswith("."):
                raise FramingError(f"--name {report_name!r} is not a plain file name")
            by_value = next(choice for choice in BY_CHOICES if choice == by)
            config = CompareConfig(
                paths,
                lexicons or bundled("lexicons"),
                out,
                report_name,
                by_value,
                jobs=jobs or usable_cpus(),
                cache=None if no_cache else (cache_path or cache.default_path()),
                keyness=keyness_config,
            )
            tally = Tally()
            printed = progress.wrap(_warn)

            def warn(message: str) -> None:
                if tally.show(message):
                    printed(message)

            try:
                result, written = write_comparison(
                    config, warn=warn, progress=progress.advance, stage=progress.stage
                )
            finally:
                for kind, n in tally.hidden():
                    printed(
                        f"… and {n:,} more like “{kind}” (the report counts them; its JSON lists every one)"
                    )
    except FramingError as e:
        _fail(e)
        return
    except KeyboardInterrupt as stop:
        _interrupted(stop, "no report written")
    for path in written:
        _say(f"wrote {path}")
    if config.cache:
        read = "1 article" if result.cached == 1 else f"{result.cached} articles"
        _say(f"result store {config.cache}: {read} read, {result.rescored} scored")


@lexicon_app.command("check")
def lexicon_check(
    directory: LexiconFolderArgument = None,
) -> None:
    """Check every lexicon file and the outlet registry; print each problem as file:line: message."""
    from framing.lexicon.load import lexicon_files
    from framing.pipeline import load_lexicon_folder

    folder = directory or bundled("lexicons")
    try:
        lexicons, _ = load_lexicon_folder(folder)
    except LexiconError as error:
        _fail(error)
        return
    entries = sum(len(lex.entries) for lex in lexicons)
    _say(
        f"ok: {len(lexicon_files(folder))} lexicon files, {entries} entries, "
        f"and the outlet registry in {folder}"
    )


@lexicon_app.command("list")
def lexicon_list(
    directory: LexiconFolderArgument = None,
) -> None:
    """Show what is loaded: each lexicon's concepts or categories and their terms."""
    from framing.lexicon.load import load_lexicons

    folder = directory or bundled("lexicons")
    try:
        lexicons = load_lexicons(folder)
    except LexiconError as e:
        _fail(e)
        return
    for lex in lexicons:
        _say(f"{lex.file} ({lex.kind}, {len(lex.entries)} entries)")
        seen: dict[str, list[str]] = {}
        for entry in lex.entries:
            context = "; ".join(" ".join(c) for c in entry.context)
            seen.setdefault(entry.group, []).append(
                entry.term + (f" [context: {context}]" if context else "")
            )
        for group_name, terms in seen.items():
            _say(f"  {group_name}: {', '.join(terms)}")


@lexicon_app.command("suggest")
def lexicon_suggest(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Articles, as for compare. Default: the bundled seed articles.", show_default=False
        ),
    ] = None,
    by: Annotated[str, typer.Option(help=f"Group articles by: {', '.join(BY_CHOICES)}.")] = "outlet_type",
    lexicons: Annotated[
        Path | None,
        typer.Option(
            help="Lexicon folder whose terms are left out. Default: the bundled lexicons.", show_default=False
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="Candidates per group.", min=1)] = 10,
    min_count: MinCountOption = 5,
    prior: PriorOption = "corpus",
    background: BackgroundOption = None,
    variance: VarianceOption = "monroe",
    stop_words: StopOption = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Worker processes. 0: one per CPU this run may use.", min=0)
    ] = 0,
) -> None:
    """Print candidate lexicon lines: each group's most distinctive terms that no lexicon has.

    The output is a category-lexicon CSV with the category left blank.

    Fill it in, keep the lines you want, paste them into a lexicon file, run `framing lexicon check`."""
    from framing.pipeline import run
    from framing.suggest import suggestions

    try:
        if by not in BY_CHOICES:
            raise FramingError(f"--by must be one of {', '.join(BY_CHOICES)}, not {by!r}")
        keyness_config = _keyness(prior, background, variance, None, stop_words, top, min_count)
        with spooled(tuple(inputs) if inputs else (bundled("seeds"),)) as paths:
            config = CompareConfig(
                paths,
                lexicons or bundled("lexicons"),
                Path("."),
                "suggest",
                next(choice for choice in BY_CHOICES if choice == by),
                jobs=jobs or usable_cpus(),
                keyness=keyness_config,
            )
            result = run(config, warn=_warn)
    except FramingError as e:
        _fail(e)
        return
    except KeyboardInterrupt as stop:
        _interrupted(stop, "no suggestions printed")
    _say(suggestions(result, top), nl=False)


def _keyness(
    prior: str,
    background: Path | None,
    variance: str,
    pairs: list[str] | None,
    stop_words: Path | None,
    top: int,
    min_count: int,
) -> KeynessConfig:
    """The keyness options as a config; raises FramingError on a bad value."""
    from framing.keyness import VARIANCES, Prior
    from framing.lexicon.load import read_word_list

    if variance not in VARIANCES:
        raise FramingError(f"--variance must be one of {', '.join(VARIANCES)}, not {variance!r}")
    chosen: Prior
    if background is not None:
        if prior != "corpus":
            raise FramingError("give --prior or --background, not both")
        chosen = Prior("background", background=read_background(background), source=background.name)
    elif prior == "corpus":
        chosen = Prior()
    elif prior.startswith("uniform:"):
        try:
            value = float(prior.removeprefix("uniform:"))
        except ValueError:
            value = 0.0
        if not value > 0:
            raise FramingError(f"--prior uniform:A needs a positive number A, not {prior!r}")
        chosen = Prior("uniform", value)
    else:
        raise FramingError(f"--prior must be corpus or uniform:A (say uniform:0.01), not {prior!r}")
    parsed = []
    for p in pairs or []:
        a, sep, b = p.partition(",")
        if not sep or not a.strip() or not b.strip():
            raise FramingError(f"--pair takes two group names separated by a comma, not {p!r}")
        parsed.append((a.strip(), b.strip()))
    stop = frozenset(read_word_list(stop_words)) if stop_words else frozenset()
    return KeynessConfig(
        chosen, next(v for v in VARIANCES if v == variance), tuple(parsed), stop, top, min_count
    )


def read_background(path: Path) -> dict[str, float]:
    """Background counts from a CSV with the columns term,count."""
    from framing.csvfile import check_columns, read_table
    from framing.text import term_tokens

    table = read_table(path)
    problems = table.problems or check_columns(table, ["term", "count"], [])
    counts: dict[str, float] = {}
    for row in [] if problems else table.rows:
        raw = row.values.get("count", "")
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not value >= 0:
            problems.append(
                Problem(table.path, row.line, f"count must be a number of 0 or more, not {raw!r}")
            )
        counts[" ".join(term_tokens(row.values.get("term", "")))] = value
    if problems:
        raise LexiconError(problems)
    return counts


@cache_app.command("clear")
def cache_clear(cache_path: CacheOption = None) -> None:
    """Delete the result store; the next run scores every article afresh."""
    from framing import cache

    path = cache_path or cache.default_path()
    try:
        removed = cache.clear(path)
    except FramingError as e:
        _fail(e)
        return
    _say(f"removed {path}" if removed else f"no result store at {path}")


@cache_app.command("info")
def cache_info(cache_path: CacheOption = None) -> None:
    """Where the result store is, its size and what it holds, after a full check.

    SQLite checks every page; a run checks only what a killed run or a cut-short file can leave."""
    from framing import cache

    path = cache_path or cache.default_path()
    if not path.exists():
        _say(f"no result store at {path}")
        return
    try:
        store = cache.Store(path, _warn, check_all=True)
    except FramingError as e:
        _fail(e)
        return
    counts = store.counts()
    store.close()
    # Not a glob of the name: that counted a store kept aside (.broken) and any file whose
    # name begins with the store's.
    size = sum(p.stat().st_size for p in cache.store_files(path) if p.is_file())
    held = [
        f"{counts['base']:,} article results",
        f"{counts['tags']:,} outlet tags",
        f"{counts['hits']:,} lexicon results",
        f"{counts['lexicons']:,} lexicon versions",
        f"{counts['terms']:,} term counts",
        f"{counts['corpus_terms']:,} summed corpus term counts",
        f"{counts['keyness_tables']:,} keyness tables",
        f"{counts['keyness_examples']:,} sets of keyness examples",
        f"{counts['reports']:,} articles' report lines",
    ]
    _say(f"{path}: {size / 1e6:,.1f} MB, every page checked; {', '.join(held)}")


# Python's cyclic garbage collector runs a pass every 700 new container objects and a
# full pass over everything alive every hundred or so of those. A re-run makes a million
# short-lived objects from the store (hits, their tuples) while the report's evidence
# grows, so the full passes scanned ever more: 15% of a 100k re-run (63.0 and 68.0 s
# against 53.0 and 53.1 s alternated, same bytes). Fewer passes cost no memory we could
# measure (peaks 498-580 MB either way); cycles are still collected.
GC_THRESHOLDS = (100_000, 50, 100)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    for number in (signal.SIGINT, *TERMINATING):
        # Ignored when the run started (`nohup framing compare …` ignores SIGHUP, a shell
        # that is not interactive SIGINT for `framing compare &`): so it stays.
        if signal.getsignal(number) != signal.SIG_IGN:
            signal.signal(number, _stop)
    app()
