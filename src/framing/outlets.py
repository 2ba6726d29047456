"""The outlet registry and outlet tagging: every tag carries the evidence it rests on.

Tagging asks the registry first (the outlet's name, then the domain of its URL), then
looks for cues in the text: a forum profile block, an "Also on <domain>" promotion, a wire
dateline ("TASS, December 26.", "MOSCOW (Reuters) –") that names where reposted copy came from.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from framing.clean import CleanText
from framing.csvfile import check_columns, read_table
from framing.errors import Problem

REGISTRY = "outlets.csv"
TYPES = "outlet_types.csv"
STATE_OWNED = ("yes", "no", "partly")


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    type: str
    state_owned: str
    country: str
    note: str
    line: int


@dataclass(frozen=True)
class Origin:
    """Where reposted copy came from."""

    outlet: str
    type: str
    state_owned: str


@dataclass(frozen=True)
class Tag:
    outlet: str
    type: str
    state_owned: str
    origin: Origin | None
    evidence: tuple[str, ...]


class Registry:
    def __init__(self, outlets: list[Outlet], types: dict[str, str], sha256: dict[str, str]) -> None:
        self.outlets = outlets
        self.types = types
        self.sha256 = sha256
        self._names = {n.casefold(): o for o in outlets for n in (o.name, *o.aliases)}
        self._domains = {d: o for o in outlets for d in o.domains}
        agencies = sorted(
            {n for o in outlets if o.type == "agency" for n in (o.name, *o.aliases)},
            key=lambda n: (-len(n), n),
        )
        names = "|".join(re.escape(n) for n in agencies) or "(?!)"
        self._dateline = re.compile(
            rf"^(?P<a>{names}),\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{{1,2}}\."
            rf"|^[A-Z][\w .,'/-]{{0,60}}?\((?P<b>{names})\)\s*[-–—]"
            rf"|^[A-Z][\w .,'-]{{0,60}}?/(?P<c>{names})/"
        )

    def by_name(self, name: str) -> Outlet | None:
        return self._names.get(name.strip().casefold())

    def by_domain(self, host: str) -> Outlet | None:
        host = host.casefold().strip().removeprefix("www.")
        parts = host.split(".")
        for i in range(len(parts) - 1):
            found = self._domains.get(".".join(parts[i:]))
            if found:
                return found
        return None

    def dateline(self, text: str) -> tuple[str, Outlet] | None:
        """A wire dateline at the start of one of the first paragraphs."""
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()][:3]
        for p in paragraphs:
            m = self._dateline.match(p)
            if m:
                name = m.group("a") or m.group("b") or m.group("c")
                outlet = self.by_name(name)
                if outlet:
                    return m.group(0), outlet
        return None


def domain_of(url: str) -> str:
    if not url.strip():
        return ""
    candidate = url.strip() if "//" in url else "//" + url.strip()
    try:
        return (urlsplit(candidate).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def read_registry(directory: Path) -> tuple[Registry | None, list[Problem]]:
    types_path, reg_path = directory / TYPES, directory / REGISTRY
    problems: list[Problem] = []
    for p in (types_path, reg_path):
        if not p.is_file():
            problems.append(Problem(str(p), 0, "missing: the outlet registry needs this file"))
    if problems:
        return None, problems
    types_table = read_table(types_path)
    problems += types_table.problems or check_columns(types_table, ["type", "description"], [])
    types: dict[str, str] = {}
    for row in types_table.rows:
        t = row.values.get("type", "")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", t):
            problems.append(
                Problem(types_table.path, row.line, f"type {t!r} must be lower_case_with_underscores")
            )
        elif t in types:
            problems.append(Problem(types_table.path, row.line, f"type {t!r} is listed twice"))
        else:
            types[t] = row.values.get("description", "")
    for needed in ("unknown",):
        if types_table.rows and needed not in types:
            problems.append(
                Problem(types_table.path, types_table.header_line, f"type {needed!r} must be listed")
            )
    table = read_table(reg_path)
    required = ["outlet", "aliases", "domains", "type", "state_owned", "country", "note"]
    problems += table.problems or check_columns(table, required, [])
    outlets: list[Outlet] = []
    names: dict[str, int] = {}
    domains: dict[str, int] = {}
    for row in table.rows if not problems else []:
        v = row.values
        where = (table.path, row.line)
        name = v["outlet"]
        if not name:
            problems.append(Problem(*where, "empty outlet"))
            continue
        if v["type"] not in types:
            problems.append(Problem(*where, f"unknown type {v['type']!r} (known: {', '.join(types)})"))
        if v["state_owned"] not in STATE_OWNED:
            problems.append(
                Problem(
                    *where, f"state_owned must be one of {', '.join(STATE_OWNED)}, not {v['state_owned']!r}"
                )
            )
        aliases = tuple(a.strip() for a in v["aliases"].split(";") if a.strip())
        doms = tuple(d.strip().casefold().removeprefix("www.") for d in v["domains"].split(";") if d.strip())
        on_this_line: set[str] = set()
        for n in (name, *aliases):
            key = n.casefold()
            if key in on_this_line:
                problems.append(
                    Problem(*where, f"name {n!r} is given twice on this line (names ignore case)")
                )
                continue
            on_this_line.add(key)
            first = names.setdefault(key, row.line)
            if first != row.line:
                problems.append(Problem(*where, f"name {n!r} is already used on line {first}"))
        for d in doms:
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", d):
                problems.append(Problem(*where, f"domain {d!r} is not a host name like example.com"))
            elif d in domains:
                problems.append(Problem(*where, f"domain {d!r} is already used on line {domains[d]}"))
            domains.setdefault(d, row.line)
        outlets.append(
            Outlet(name, aliases, doms, v["type"], v["state_owned"], v["country"], v["note"], row.line)
        )
    if problems:
        return None, problems
    sha = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (reg_path, types_path)}
    return Registry(outlets, types, sha), []


_ALSO_ON = re.compile(r"\bAlso on ([a-z0-9-]+(?:\.[a-z0-9-]+)+)")


def tag(outlet_name: str, url: str, clean: CleanText, registry: Registry) -> Tag:
    evidence: list[str] = []
    found: Outlet | None = None
    name = outlet_name.strip()
    if name:
        found = registry.by_name(name) or registry.by_domain(name)
        if found:
            evidence.append(f"registry: {name!r} is {found.name}, {found.type} ({REGISTRY}:{found.line})")
        else:
            evidence.append(f"outlet {name!r} is not in the registry")
    host = domain_of(url)
    if found is None and host:
        found = registry.by_domain(host)
        if found:
            evidence.append(
                f"registry: URL domain {host} is {found.name}, {found.type} ({REGISTRY}:{found.line})"
            )
    # The literal first, in C: the regex's word boundary makes it slow over a whole text.
    promo = _ALSO_ON.search(clean.original) if "Also on " in clean.original else None
    if promo:
        promoted = registry.by_domain(promo.group(1))
        if promoted and (found is None or promoted is found):
            evidence.append(f"text: inline promotions link to {promo.group(1)}, {promoted.name}'s own site")
            found = found or promoted
    profile = any(r.reason == "forum profile block" for r in clean.removed)
    kind = found.type if found else "unknown"
    if profile:
        evidence.append("text: forum profile block at the top (Joined, Messages, …)")
        if kind == "unknown":
            kind = "forum_repost"
    origin = None
    wire = registry.dateline(clean.text)
    if wire and wire[1] is not found:
        line, agency = wire
        origin = Origin(agency.name, agency.type, agency.state_owned)
        owned = {"yes": ", state-owned", "partly": ", partly state-owned"}.get(agency.state_owned, "")
        evidence.append(f"text: wire dateline {line!r}: copy of {agency.name} ({agency.type}{owned})")
    display = found.name if found else (name or "unknown")
    if not found and not name:
        evidence.append("no outlet given, and no registry domain or text cue names one")
    return Tag(display, kind, found.state_owned if found else "", origin, tuple(evidence))
