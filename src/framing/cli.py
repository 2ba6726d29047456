"""The command line: options into a config, the pipeline, the writers. Errors become one line
on stderr and exit code 2; no traceback reaches the user."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from framing.compare import BY_CHOICES
from framing.config import CompareConfig
from framing.errors import FramingError, LexiconError
from framing.resources import bundled

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

CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        help="The result store (SQLite). Default: $FRAMING_CACHE, else ~/.cache/framing/results.sqlite.",
        show_default=False,
    ),
]

EXIT_USER_ERROR = 2


def _fail(error: FramingError) -> None:
    if isinstance(error, LexiconError):
        for p in error.problems:
            typer.echo(str(p), err=True)
        typer.echo(f"error: {len(error.problems)} problem(s) in the lexicons", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(EXIT_USER_ERROR)


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


@app.command()
def compare(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders of .txt files (with an optional manifest.csv), .jsonl or .csv files. "
            "Default: the bundled seed articles.",
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
        typer.Option("--jobs", "-j", help="Worker processes for scoring. 0: one per CPU.", min=0),
    ] = 0,
    cache_path: CacheOption = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Score every article afresh; neither read nor write the store.")
    ] = False,
) -> None:
    """Compare how outlets frame a story; write a Markdown report and its JSON."""
    from framing import cache
    from framing.progress import Progress
    from framing.writers import compare as write_comparison

    try:
        if by not in BY_CHOICES:
            raise FramingError(f"--by must be one of {', '.join(BY_CHOICES)}, not {by!r}")
        paths = tuple(inputs) if inputs else (bundled("seeds"),)
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
            jobs=jobs or os.cpu_count() or 1,
            cache=None if no_cache else (cache_path or cache.default_path()),
        )
        with Progress() as progress:
            result, written = write_comparison(config, warn=progress.wrap(_warn), progress=progress.advance)
    except FramingError as e:
        _fail(e)
        return
    for path in written:
        typer.echo(f"wrote {path}")
    if config.cache:
        typer.echo(f"result store {config.cache}: {result.cached} articles read, {result.rescored} scored")


@lexicon_app.command("check")
def lexicon_check(
    directory: Annotated[
        Path | None, typer.Argument(help="Lexicon folder. Default: the bundled lexicons.", show_default=False)
    ] = None,
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
    typer.echo(
        f"ok: {len(lexicon_files(folder))} lexicon files, {entries} entries, "
        f"and the outlet registry in {folder}"
    )


@lexicon_app.command("list")
def lexicon_list(
    directory: Annotated[
        Path | None, typer.Argument(help="Lexicon folder. Default: the bundled lexicons.", show_default=False)
    ] = None,
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
        typer.echo(f"{lex.file} ({lex.kind}, {len(lex.entries)} entries)")
        seen: dict[str, list[str]] = {}
        for entry in lex.entries:
            context = "; ".join(" ".join(c) for c in entry.context)
            seen.setdefault(entry.group, []).append(
                entry.term + (f" [context: {context}]" if context else "")
            )
        for group_name, terms in seen.items():
            typer.echo(f"  {group_name}: {', '.join(terms)}")


@cache_app.command("clear")
def cache_clear(cache_path: CacheOption = None) -> None:
    """Delete the result store; the next run scores every article afresh."""
    from framing import cache

    path = cache_path or cache.default_path()
    typer.echo(f"removed {path}" if cache.clear(path) else f"no result store at {path}")


@cache_app.command("info")
def cache_info(cache_path: CacheOption = None) -> None:
    """Where the result store is, its size and what it holds."""
    from framing import cache

    path = cache_path or cache.default_path()
    if not path.exists():
        typer.echo(f"no result store at {path}")
        return
    try:
        store = cache.Store(path, _warn)
    except FramingError as e:
        _fail(e)
        return
    counts = store.counts()
    store.close()
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    typer.echo(
        f"{path}: {size / 1e6:,.1f} MB; {counts['base']:,} article results, {counts['hits']:,} "
        f"lexicon results, {counts['lexicons']:,} lexicon versions"
    )


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted: no report written", err=True)
        sys.exit(130)
