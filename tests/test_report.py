import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from framing.config import CompareConfig
from framing.pipeline import EVIDENCE_PER_CELL
from framing.report import md

from helpers import LEXICONS, broken_table_row, render


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


def test_every_table_row_of_the_seeds_report_has_its_headers_cells(seeds_result):
    assert broken_table_row(seeds_result.md) is None
    # Outlets, three lexicons, tone, eight keyness tables (four groups: words, phrases), articles.
    assert seeds_result.md.count("\n|---") == 14


def test_every_hit_has_one_evidence_line(seeds_result):
    text = seeds_result.md
    evidence = text[text.index("## Evidence") : text.index("## Articles")]
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
    assert broken_table_row(text) is None
    assert broken_table_row(text.replace("RT \\| ", "RT | ", 1)) is not None  # the check can fail
    for section in ("## Outlets", "## Articles"):
        table = text.split(section)[1].split("\n\n")[1]
        assert len(table.splitlines()) == 2 + 2, table  # header, rule, both articles' rows
        assert broken_table_row(table) is None, table


def test_one_group_says_there_is_nothing_to_contrast(tmp_path):
    (tmp_path / "a.txt").write_text("The alliance met.", encoding="utf-8")
    result = render(CompareConfig((tmp_path,), LEXICONS, Path("x"), "t", "outlet_type"))
    assert "One group only (unknown): nothing to set side by side." in result.md


def _reference_rows_text(c) -> str:
    """What the keyness rows were written as before the fast path: round() and json.dumps."""
    rows = [
        [t, i, j, *(round(v, 4) + 0.0 for v in values)]
        for t, i, j, *values in zip(c.terms, c.count_i, c.count_j, c.delta, c.z, c.g2, c.chi2, strict=True)
    ]
    return json.dumps(rows, ensure_ascii=False, sort_keys=True)[1:-1]


def test_keyness_rows_are_written_as_round_and_json_dumps_write_them():
    import numpy as np

    from framing.keyness import Comparison
    from framing.report import _keyness_rows_text

    rng = np.random.default_rng(7)
    n = 20_000
    values = [(rng.standard_normal(n) * scale).tolist() for scale in (0.01, 3.0, 50.0, 1e5)]
    # Exact and near ties at the fourth decimal, signed zeros, tiny and huge values.
    ties = [j / 32 for j in range(-200, 200)] + [(k + 0.5) / 1e4 for k in range(-200, 200)]
    edge = [0.0, -0.0, 2.675, 1.00005, -0.00005, 5e-324, 1e-7, 4.5e11, 1e300, *ties]
    values = [v[: n - len(edge)] + edge for v in values]
    terms = [f"t{k} ü" for k in range(n)]
    c = Comparison("a", "rest", 1, terms, list(range(n)), list(range(n, 0, -1)), *values)
    assert _keyness_rows_text(c) == _reference_rows_text(c)

    hostile = Comparison(
        "a", "rest", 1, ['say "no"', "back\\slash", "line\nbreak", "ok"], [1, 2, 3, 4], [4, 3, 2, 1],
        [0.1, -0.2, 0.3, 0.4], [1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25],
    )  # fmt: skip
    assert _keyness_rows_text(hostile) == _reference_rows_text(hostile)
    not_finite = Comparison(
        "a",
        "rest",
        1,
        ["x", "y"],
        [1, 2],
        [2, 1],
        [float("nan"), 0.1],
        [float("inf"), 0.2],
        [0.0, 1.0],
        [0.0, 1.0],
    )
    assert _keyness_rows_text(not_finite) == _reference_rows_text(not_finite)
    empty = Comparison("a", "rest", 1, [], [], [], [], [], [], [])
    assert _keyness_rows_text(empty) == ""


def _table(text: str, section: str) -> list[list[str]]:
    """The rows of the first table under `section`, as cells (no cell here holds a `|`)."""
    lines = text.split(f"\n{section}\n\n")[1].split("\n\n")[0].splitlines()
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


def test_the_outlets_table_sums_the_seed_articles_by_outlet(seeds_result):
    # The seeds README: News Front, USTV, RT twice, and a defence.pk post reposting TASS.
    outlets = _table(seeds_result.md, "## Outlets")
    assert [row[:3] for row in outlets] == [  # by type, then most articles first
        ["USTV", "content_site", "1"],
        ["defence.pk", "forum_repost", "1"],
        ["News Front", "state_aligned", "1"],
        ["RT", "state_media (state-owned)", "2"],
    ]
    assert [row[5] for row in outlets] == ["–", "TASS (agency, state-owned) ×1", "–", "–"]
    # The seeds README's dates: RT's two articles, 2016-04-07 and 2021-06-07.
    assert [row[4] for row in outlets] == [
        "2021-06-07",
        "2021-12-26",
        "2020-12-29",
        "2016-04-07 – 2021-06-07",
    ]
    # Words: each outlet's articles' words, summed here from the article table.
    words: Counter[str] = Counter()
    for row in _table(seeds_result.md, "## Articles"):
        words[row[1]] += int(row[5].replace(",", ""))
    assert {row[0]: int(row[3].replace(",", "")) for row in outlets} == words
    assert words["RT"] == sum(a.words for a in seeds_result.articles if a.tag.outlet == "RT")
    assert seeds_result.md.splitlines()[2].startswith("5 articles from 4 outlets, ")


def test_the_outlets_table_counts_each_origin_and_is_as_long_as_the_outlets(tmp_path):
    wire = "TASS, December 26. NATO is a bloc, he claimed.\n\nThe alliance met again."
    own = "NATO is a bloc, he claimed.\n\nThe alliance met again."
    records = [
        *(
            {"id": f"t{i}", "outlet": "TASS", "text": f"{own} Item {i}.", "date": date}
            for i, date in enumerate(["2022-02-26T10:00:00Z", "2022-02-24", "24 Feb 2022"])
        ),
        {"id": "r", "outlet": "Reuters", "text": own},
        {"id": "f1", "outlet": "defence.pk", "text": wire, "date": "2022-03-01"},
        {"id": "f2", "outlet": "defence.pk", "text": own + " Posted again."},
        {"id": "f3", "outlet": "defence.pk", "text": "TASS, December 27. The alliance met twice."},
        {"id": "n", "outlet": "Nowhere Gazette", "text": own, "date": "2022-02-245"},
        {
            "id": "n2",
            "outlet": "Nowhere Gazette",
            "text": own,
            "date": "\u0662\u0660\u0662\u0662-\u0660\u0662-\u0662\u0664",
        },
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    rendered = render(CompareConfig((corpus,), LEXICONS, tmp_path, "c", "outlet_type"))
    assert _table(rendered.md, "## Outlets") == [
        [
            "TASS",
            "agency (state-owned)",
            "3",
            f"{sum(a.words for a in rendered.articles[:3]):,}",
            "2022-02-24 – 2022-02-26 (1 not YYYY-MM-DD)",
            "–",
        ],
        ["Reuters", "agency", "1", f"{rendered.articles[3].words:,}", "–", "–"],
        [
            "defence.pk",
            "forum_repost",
            "3",
            f"{sum(a.words for a in rendered.articles[4:7]):,}",
            "2022-03-01 (2 not YYYY-MM-DD)",
            "TASS (agency, state-owned) ×2",
        ],
        ["Nowhere Gazette", "unknown", "2", f"{rendered.articles[7].words * 2:,}", "–", "–"],
    ]
    outlets = json.loads(rendered.json)["outlets"]
    assert [(o["outlet"], o["outlet_type"], o["articles"]) for o in outlets] == [
        ("TASS", "agency", 3),
        ("Reuters", "agency", 1),
        ("defence.pk", "forum_repost", 3),
        ("Nowhere Gazette", "unknown", 2),
    ]
    assert outlets[2]["origins"] == [
        {"outlet": "TASS", "type": "agency", "state_owned": "yes", "articles": 2}
    ]
    dates = [(o["first_date"], o["last_date"], o["articles_without_iso_date"]) for o in outlets]
    assert dates == [
        ("2022-02-24", "2022-02-26", 1),
        (None, None, 1),
        ("2022-03-01", "2022-03-01", 2),
        (None, None, 2),
    ]


def test_the_article_table_ends_the_report_after_the_tables_and_the_evidence(seeds_result):
    text = seeds_result.md
    sections = [ln for ln in text.splitlines() if ln.startswith("## ")]
    assert sections[:2] == ["## Summary", "## Outlets"]
    assert sections[-2:] == ["## Evidence", "## Articles"]
    tail = text[text.index("## Articles") :]
    assert len(_table(text, "## Articles")) == 5
    assert tail.endswith("line repeated as a sentence of another paragraph ×1; repeated paragraph ×1\n")
    assert "\n\n\n" not in text


def test_contrast_over_the_groups_once_agrees_with_every_pair():
    # The definition as first written, over every ordered pair of groups.
    import random

    from framing.report import _contrast

    rng = random.Random(7)
    frames = ["annexation", "accession", "reunification"]
    for _ in range(2000):
        own: dict[str, set[str]] = {}
        distanced: dict[str, set[str]] = {}
        for g in range(rng.randint(1, 5)):
            used = {f for f in frames if rng.random() < 0.4}
            own[f"g{g}"] = {f for f in used if rng.random() < 0.6}
            distanced[f"g{g}"] = used - own[f"g{g}"]
        pairs = [(a, b) for a in own for b in own if a != b]
        expected = (any(own[a] - own[b] for a, b in pairs), any(own[a] & distanced[b] for a, b in pairs))
        assert _contrast(own, distanced) == expected, (own, distanced)


def _many_groups(tmp_path, n: int):
    """n articles grouped by article: a01–a07 say "military bloc" twice and "claimed" once, the rest
    say "alliance" once (contrasts.csv: nato_label; attribution_verbs.csv: distancing)."""
    records = [
        {
            "id": f"a{i:02}",
            "outlet": "RT",
            "text": "The military bloc met, he claimed. The military bloc grew."
            if i <= 7
            else "The alliance met.",
        }
        for i in range(1, n + 1)
    ]
    corpus = tmp_path / f"many{n}.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return render(CompareConfig((corpus,), LEXICONS, tmp_path, "many", "article"))


def test_past_twelve_groups_the_lexicon_tables_have_a_row_per_group(tmp_path):
    wide = _many_groups(tmp_path, 12).md
    header = wide.split("## Loaded terms side by side: contrasts.csv")[1].split("\n\n")[2].splitlines()[0]
    assert header.startswith("| concept | a01 (n=1, 10 words) |") and header.count(" (n=1, ") == 12

    rendered = _many_groups(tmp_path, 13)
    section = rendered.md.split("## Loaded terms side by side: contrasts.csv")[1]
    assert "Left out" not in section.split("## ")[0]
    assert (
        "grouped by article: 13 groups, each in the tone and readability table."
        in rendered.md.splitlines()[2]
    )
    assert "grouped by article: a01 (1), a02 (1), " in wide.splitlines()[2]
    lines = section.split("\n\n")[2].splitlines()
    assert lines[0] == "| group | **nato_label** |"
    assert lines[2:] == [
        *(f"| a{i:02} (n=1, 10 words) | bloc ×2 (military bloc ×2) |" for i in range(1, 8)),
        *(f"| a{i:02} (n=1, 3 words) | alliance ×1 |" for i in range(8, 14)),
    ]
    verbs = rendered.md.split("## Attribution verbs (attribution_verbs.csv)")[1].split("\n\n")[2].splitlines()
    assert verbs[0].startswith("| group | **neutral** | **distancing** |") and len(verbs) == 2 + 13
    assert verbs[2].split(" | ")[2] == "**1** (100.0/1k): claimed ×1"  # 1 in 10 words

    # Two articles more that name no concept: left out of the contrast table, said so; the
    # verb table keeps every group (a zero is a finding there).
    corpus = tmp_path / "many13.jsonl"
    with corpus.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "b1", "outlet": "RT", "text": "The weather was fine."}) + "\n")
        f.write(json.dumps({"id": "b2", "outlet": "RT", "text": "The rain came."}) + "\n")
    more = render(CompareConfig((corpus,), LEXICONS, tmp_path, "many", "article")).md
    section = more.split("## Loaded terms side by side: contrasts.csv")[1].split("\n\n")
    assert section[2] == "Left out: 2 groups name none of these concepts."
    assert section[3].splitlines()[2:] == lines[2:]
    verbs = more.split("## Attribution verbs (attribution_verbs.csv)")[1].split("\n\n")[2].splitlines()
    assert len(verbs) == 2 + 15


def test_a_summary_line_names_at_most_ten_groups(tmp_path):
    text = _many_groups(tmp_path, 13).md
    nato = next(ln for ln in text.splitlines() if ln.startswith("- **nato_label**"))
    # The ten with most uses: a01–a07 (2 each), then a08–a10 (1 each, by name).
    named = re.findall(r"\ba\d\d\b", nato.split(". Counts:")[0])
    assert named == [f"a{i:02}" for i in range(1, 11)]
    assert nato.count("; and 3 more groups with this concept") == 2
    distancing = next(ln for ln in text.splitlines() if ln.startswith("  - distancing:"))
    assert distancing.endswith("; none in a08, a09, a10, a11, a12, a13.")
    assert len(re.findall(r"\ba0\d \*\*1\*\*", distancing)) == 7
