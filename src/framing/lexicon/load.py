"""The one reader and validator of lexicon files.

A lexicon is a UTF-8 CSV file. Its header says its kind:
- contrast: `concept,frame,term[,context][,note]` — rival words for one thing;
- category: `category,term[,context][,note]` — words of a kind (a stance, a label).
Every problem is reported with its file and line, all of them at once; nothing is skipped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from framing.csvfile import Table, check_columns, read_table
from framing.errors import LexiconError, Problem
from framing.text import term_tokens

# Files in a lexicon folder that are not lexicons.
REGISTRY_FILES = frozenset({"outlets.csv", "outlet_types.csv"})

MIN_GLOB_PREFIX = 3
_TERM = re.compile(r"[^\W_]+\*?(?:[ \-‐'’]+[^\W_]+\*?)*")
_GLOB_INSIDE = re.compile(r"\*(?=[^\W_])")

Kind = Literal["contrast", "category"]


@dataclass(frozen=True)
class Entry:
    lexicon: str  # file name
    line: int
    term: str
    tokens: tuple[str, ...]  # casefolded; a token ending in "*" is a prefix glob
    concept: str
    frame: str
    category: str
    context: tuple[tuple[str, ...], ...]  # any one of these must occur in the sentence
    note: str

    @property
    def group(self) -> str:
        """What the term stands for in its file: `concept/frame` or the category."""
        return f"{self.concept}/{self.frame}" if self.concept else self.category

    @cached_property
    def literal_length(self) -> int:
        """Letters it spells out (globs' `*` not counted): a longer literal wins a tie."""
        return sum(len(t.rstrip("*")) for t in self.tokens)

    @cached_property
    def shown(self) -> tuple[str, int, str, str, str, str]:
        """What a report line shows of the entry beside a hit of it."""
        return (self.lexicon, self.line, self.term, self.concept, self.frame, self.category)

    @cached_property
    def shown_digest(self) -> bytes:
        """A hash of `shown`: the key of a report line holds one per hit (pipeline._report_key)."""
        return hashlib.blake2b(repr(self.shown).encode("utf-8", "surrogatepass"), digest_size=16).digest()

    @cached_property
    def hit_keys(self) -> dict[str, Any]:
        """Its hits' keys in the counts, by voice: filled by pipeline.hit_key."""
        return {}


@dataclass(frozen=True)
class Lexicon:
    file: str
    kind: Kind
    entries: tuple[Entry, ...]
    sha256: str

    @property
    def name(self) -> str:
        return self.file.removesuffix(".csv")

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()


def lexicon_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.csv") if p.name not in REGISTRY_FILES)


def load_lexicons(directory: Path) -> list[Lexicon]:
    """Every lexicon in `directory`, or a LexiconError listing every problem."""
    if not directory.is_dir():
        raise LexiconError([Problem(str(directory), 0, "no such lexicon folder")])
    lexicons: list[Lexicon] = []
    problems: list[Problem] = []
    files = lexicon_files(directory)
    if not files:
        problems.append(Problem(str(directory), 0, "no lexicon files (*.csv) in this folder"))
    for path in files:
        lexicon, found = read_lexicon(path)
        problems.extend(found)
        if lexicon:
            lexicons.append(lexicon)
    if problems:
        raise LexiconError(problems)
    return lexicons


def read_lexicon(path: Path) -> tuple[Lexicon | None, list[Problem]]:
    table = read_table(path)
    if table.problems:
        return None, table.problems
    kind: Kind
    if "concept" in table.header or "frame" in table.header:
        kind = "contrast"
        problems = check_columns(table, ["concept", "frame", "term"], ["context", "note"])
    elif "category" in table.header:
        kind = "category"
        problems = check_columns(table, ["category", "term"], ["context", "note"])
    else:
        return None, [
            Problem(
                table.path,
                table.header_line or 1,
                "header must name concept,frame,term (a contrast lexicon) "
                "or category,term (a category lexicon)",
            )
        ]
    if problems:
        return None, problems
    entries, problems = _entries(table, path.name, kind)
    if problems:
        return None, problems
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Lexicon(path.name, kind, tuple(entries), digest), []


def _entries(table: Table, file: str, kind: Kind) -> tuple[list[Entry], list[Problem]]:
    problems: list[Problem] = []
    entries: list[Entry] = []
    for row in table.rows:
        v = row.values
        where = (table.path, row.line)
        fields = ["concept", "frame"] if kind == "contrast" else ["category"]
        empty = [f for f in fields if not v.get(f)]
        if empty:
            problems.append(Problem(*where, f"empty {empty[0]}"))
            continue
        term = v["term"]
        tokens, message = parse_term(term)
        if message:
            problems.append(Problem(*where, message))
            continue
        context: list[tuple[str, ...]] = []
        for item in (v.get("context") or "").split(";"):
            if not item.strip():
                if v.get("context", "").strip():
                    problems.append(Problem(*where, "empty item in context (items are separated by ';')"))
                continue
            ctx, message = parse_term(item.strip(), what="context word")
            if message:
                problems.append(Problem(*where, message))
            context.append(ctx)
        entries.append(
            Entry(
                lexicon=file,
                line=row.line,
                term=term,
                tokens=tokens,
                concept=v.get("concept", ""),
                frame=v.get("frame", ""),
                category=v.get("category", ""),
                context=tuple(context),
                note=v.get("note", ""),
            )
        )
    problems.extend(_conflicts(entries, table.path))
    return entries, problems


def parse_term(term: str, what: str = "term") -> tuple[tuple[str, ...], str]:
    """A term's tokens, or a message saying why it cannot be matched as written."""
    term = term.strip()
    if not term:
        return (), f"empty {what}"
    if "*" in term and (_GLOB_INSIDE.search(term) or "**" in term or term.startswith("*") or " *" in term):
        return (), f"malformed glob in {what} {term!r}: '*' may only end a word, once"
    if not _TERM.fullmatch(term):
        bad = sorted({c for c in term if not (c.isalnum() or c in " -‐'’*")})
        shown = "".join(bad) or term
        return (), (
            f"{what} {term!r} has {shown!r}, which matching cannot see: write words, "
            "spaces, hyphens and apostrophes only"
        )
    tokens = tuple(term_tokens(term))
    for t in tokens:
        if t.endswith("*") and len(t) - 1 < MIN_GLOB_PREFIX:
            return (), (
                f"malformed glob in {what} {term!r}: the part before '*' needs at least "
                f"{MIN_GLOB_PREFIX} letters"
            )
    return tokens, ""


def _covers(glob: tuple[str, ...], other: tuple[str, ...]) -> bool:
    if len(glob) != len(other) or glob == other:
        return False
    return all(
        o == g or (g.endswith("*") and o.rstrip("*").startswith(g[:-1]))
        for g, o in zip(glob, other, strict=True)
    )


def _conflicts(entries: list[Entry], shown: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[tuple[str, ...], Entry] = {}
    for e in entries:
        first = seen.get(e.tokens)
        if first is None:
            seen[e.tokens] = e
        elif first.group == e.group:
            problems.append(
                Problem(shown, e.line, f"duplicate entry {e.term!r}: already on line {first.line}")
            )
        elif first.concept and first.concept == e.concept:
            problems.append(
                Problem(
                    shown,
                    e.line,
                    f"{e.term!r} is in two frames of concept {e.concept!r}: {first.frame!r} "
                    f"(line {first.line}) and {e.frame!r}",
                )
            )
        else:
            problems.append(
                Problem(
                    shown,
                    e.line,
                    f"{e.term!r} is already listed as {first.group!r} on line {first.line}; "
                    "a term can mean one thing per file",
                )
            )
    globs = [e for e in seen.values() if any(t.endswith("*") for t in e.tokens)]
    for e in seen.values():
        for g in globs:
            if g.group != e.group and _covers(g.tokens, e.tokens):
                problems.append(
                    Problem(
                        shown,
                        e.line,
                        f"{e.term!r} ({e.group}) is also matched by {g.term!r} on line {g.line} "
                        f"({g.group}); narrow the glob or move one of them",
                    )
                )
    return sorted(problems, key=lambda p: p.line)


def read_word_list(path: Path) -> list[str]:
    """A stop list: one word per line, `#` comments; raises LexiconError naming each bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise LexiconError([Problem(str(path), 0, f"cannot read as UTF-8 text ({e})")]) from e
    words: list[str] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        tokens = term_tokens(line)
        if len(tokens) != 1 or tokens[0].endswith("*"):
            problems.append(Problem(str(path), number, f"one word per line, not {line!r}"))
            continue
        words.append(tokens[0])
    if problems:
        raise LexiconError(problems)
    return words
