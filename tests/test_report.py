import hashlib
import json
import re
from pathlib import Path

from framing.config import CompareConfig
from framing.pipeline import EVIDENCE_PER_CELL
from framing.report import md

from helpers import LEXICONS, render


def test_no_page_furniture_reaches_the_report(seeds_result):
    text = seeds_result.md
    for junk in (
        "icon bookmark",
        "Also on rt.com",
        "Share to friends",
        "Reaction score",
        "Rate author",
        "Think your friends",
        "PDF THINK TANK",
    ):
        assert junk not in text, junk


def test_same_input_same_bytes(seeds_result):
    again = render(seeds_result.config)
    assert again.md == seeds_result.md
    assert again.json == seeds_result.json


def test_the_crimea_cell_reads_as_in_the_issue(seeds_result):
    row = next(line for line in seeds_result.md.splitlines() if line.startswith("| **crimea_2014**"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells == [
        "**crimea_2014**",
        "annexation ×1",
        "–",
        "–",
        "accession ×1 · annexation: scare-quoted ×1, in quotes ×1",
    ]


def test_every_hit_has_one_evidence_line(seeds_result):
    text = seeds_result.md
    evidence = text[text.index("## Evidence") :]
    lines = [ln for ln in evidence.splitlines() if ln.startswith("- `")]
    # Up to EVIDENCE_PER_CELL lines per cell: term group × outlet type × frame × voice.
    cells: dict[tuple[str, ...], int] = {}
    for a in seeds_result.articles:
        for h in a.hits:
            e = h.entry
            cell = (e.lexicon, e.concept or e.category, a.tag.type, e.frame or e.category, h.voice)
            cells[cell] = cells.get(cell, 0) + 1
    assert len(lines) == sum(min(n, EVIDENCE_PER_CELL) for n in cells.values())
    # 003 alone has 14 own-voice "neutral" attribution verbs: 10 shown, the heading says so.
    neutral = sum(n for c, n in cells.items() if c[1] == "neutral")
    shown = sum(min(n, EVIDENCE_PER_CELL) for c, n in cells.items() if c[1] == "neutral")
    assert shown < neutral
    assert f"#### neutral ({shown} of {neutral} shown)" in evidence
    # the scare-quoted annexation of 002, quoted as published
    assert any(
        "crimea_2014" not in ln and "scare-quoted" in ln and "its “**annexation**”" in ln for ln in lines
    )


def test_json_holds_the_same_numbers(seeds_result):
    data = json.loads(seeds_result.json)
    assert [a["id"][:3] for a in data["articles"]] == ["000", "001", "002", "003", "004"]
    for lex in data["lexicons"]:
        assert lex["sha256"] == hashlib.sha256((LEXICONS / lex["file"]).read_bytes()).hexdigest()
    for a, art in zip(data["articles"], seeds_result.articles, strict=True):
        for h in a["hits"]:
            assert art.article.text[h["start"] : h["end"]] == h["matched"]
    hits_by_group: dict[str, int] = {}
    for a in data["articles"]:
        hits_by_group[a["outlet_type"]] = hits_by_group.get(a["outlet_type"], 0) + len(a["hits"])
    for g in data["groups"]:
        assert sum(c["count"] for c in g["counts"]) == hits_by_group[g["name"]]
        assert g["words"] == sum(a["words"] for a in data["articles"] if a["id"] in g["articles"])
    for a in data["articles"]:
        assert sum(c["count"] for c in a["counts"]) == len(a["hits"])
    rt_2016 = next(a for a in data["articles"] if a["id"].startswith("002"))
    claimed = next(c for c in rt_2016["counts"] if c["term"] == "claimed")
    assert claimed["count"] == 1
    assert claimed["per_1000_words"] == round(1000 / rt_2016["words"], 4)
    forum = next(a for a in data["articles"] if a["id"].startswith("004"))
    assert forum["origin"] == {"outlet": "TASS", "type": "agency", "state_owned": "yes"}


def test_md_escaping():
    assert md("a | b") == r"a \| b"
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md("**bold** [x](y) `c` # h") == r"\*\*bold\*\* \[x\](y) \`c\` \# h"
    assert md("content_site _x_") == r"content_site \_x\_"
    assert md("two\nlines") == "two lines"


def test_hostile_titles_and_outlets_stay_in_their_cells(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("NATO is a bloc, he claimed.\n", encoding="utf-8")
    (folder / "b|c.txt").write_text("The alliance met.\n", encoding="utf-8")
    (folder / "manifest.csv").write_text(
        'id,outlet,title\na,"RT | <b>x</b>","Pipe | <script>alert(1)</script> **bold** [l](http://x)\n# h"\n'
        'b|c,"`tick`",ok\n',
        encoding="utf-8",
    )
    text = render(CompareConfig((folder,), LEXICONS, tmp_path, "t", "article")).md
    assert "<script>" not in text and "<b>" not in text
    header, _rule, *rows = [ln for ln in text.split("## Corpus")[1].splitlines() if ln.startswith("|")][:4]
    columns = len(re.findall(r"(?<!\\)\|", header))
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == columns, row


def test_one_group_says_there_is_nothing_to_contrast(tmp_path):
    (tmp_path / "a.txt").write_text("The alliance met.", encoding="utf-8")
    result = render(CompareConfig((tmp_path,), LEXICONS, Path("x"), "t", "outlet_type"))
    assert "One group only (unknown): nothing to set side by side." in result.md
