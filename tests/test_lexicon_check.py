"""Every lexicon problem is reported as file:line: message, all at once, never skipped."""

from pathlib import Path

import pytest

from framing.errors import LexiconError
from framing.lexicon.load import load_lexicons, read_lexicon

from helpers import LEXICONS

HEADER = "concept,frame,term,context,note\n"


def problems(tmp_path: Path, body: str, header: str = HEADER, name: str = "bad.csv") -> list[str]:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    _, found = read_lexicon(path)
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in found]


def test_bundled_lexicons_load_and_cover_the_issue():
    lexicons = {lex.file: lex for lex in load_lexicons(LEXICONS)}
    contrasts = lexicons["contrasts.csv"]
    concepts = {e.concept for e in contrasts.entries}
    assert len(concepts) >= 25
    frames = {(e.concept, e.frame) for e in contrasts.entries}
    for needed in [
        ("crimea_2014", "annexation"),
        ("crimea_2014", "accession"),
        ("crimea_2014", "reunification"),
        ("kyiv_spelling", "Kyiv (Ukrainian)"),
        ("kyiv_spelling", "Kiev (Russian)"),
        ("donbas_spelling", "Donbass (Russian)"),
        ("nato_label", "bloc"),
        ("nato_growth", "enlargement"),
        ("nato_growth", "expansion"),
        ("war_2022", "invasion"),
        ("war_2022", "special operation"),
        ("donbas_forces", "separatists"),
        ("donbas_forces", "militia"),
        ("donbas_forces", "republics"),
    ]:
        assert needed in frames
    verbs = {(e.category, e.term) for e in lexicons["attribution_verbs.csv"].entries}
    for needed in [
        ("neutral", "said"),
        ("neutral", "told"),
        ("distancing", "claimed"),
        ("distancing", "alleged"),
        ("distancing", "insisted"),
        ("emphatic", "stressed"),
        ("emphatic", "emphasized"),
        ("combative", "blasted"),
        ("combative", "slammed"),
    ]:
        assert needed in verbs
    labels = {e.term for e in lexicons["labels.csv"].entries}
    assert {"so-called", "regime", "hegemony", "anti-Russian rhetoric", "Russian threat"} <= labels


def test_missing_and_unknown_columns(tmp_path):
    assert problems(tmp_path, "a,b,c\n", header="concept,frame,trem\n") == [
        "bad.csv:1: unknown column 'trem' (expected: concept, frame, term, context, note)",
        "bad.csv:1: missing column 'term'",
    ]


def test_empty_term_and_empty_frame(tmp_path):
    assert problems(tmp_path, "# comment\nc,f,,,\nc,,x,,\n") == [
        "bad.csv:3: empty term",
        "bad.csv:4: empty frame",
    ]


def test_duplicate_entry_names_both_lines(tmp_path):
    assert problems(tmp_path, "c,f,bloc,,\n\nc,f,Bloc,,\n") == [
        "bad.csv:4: duplicate entry 'Bloc': already on line 2"
    ]


def test_one_term_in_two_frames(tmp_path):
    assert problems(tmp_path, "c,alliance,bloc,,\nc,bloc,bloc,,\n") == [
        "bad.csv:3: 'bloc' is in two frames of concept 'c': 'alliance' (line 2) and 'bloc'"
    ]


def test_glob_that_swallows_another_frames_term(tmp_path):
    assert problems(tmp_path, "c,annexation,annexation,,\nc,other,annex*,,\n") == [
        "bad.csv:2: 'annexation' (c/annexation) is also matched by 'annex*' on line 3 (c/other); "
        "narrow the glob or move one of them"
    ]


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("an*nex", "malformed glob in term 'an*nex': '*' may only end a word, once"),
        ("*ation", "malformed glob in term '*ation': '*' may only end a word, once"),
        ("annex**", "malformed glob in term 'annex**': '*' may only end a word, once"),
        ("an*", "malformed glob in term 'an*': the part before '*' needs at least 3 letters"),
        (
            "U.S. envoy",
            "term 'U.S. envoy' has '.', which matching cannot see: write words, spaces, hyphens "
            "and apostrophes only",
        ),
        (
            "(regime)",
            "term '(regime)' has '()', which matching cannot see: write words, spaces, hyphens "
            "and apostrophes only",
        ),
    ],
)
def test_terms_that_could_never_match_are_errors(tmp_path, term, message):
    assert problems(tmp_path, f"c,f,{term},,\n") == [f"bad.csv:2: {message}"]


def test_bad_context_word(tmp_path):
    assert problems(tmp_path, "c,f,accession,crimea*;;x,\n") == [
        "bad.csv:2: empty item in context (items are separated by ';')"
    ]


def test_wrong_number_of_fields_and_malformed_csv(tmp_path):
    assert problems(tmp_path, "c,f,bloc,,note, with comma\n") == [
        "bad.csv:2: expected 5 fields (concept,frame,term,context,note), found 6; "
        "put a field that contains a comma in double quotes"
    ]
    found = problems(tmp_path, 'c,f,"bloc\n')
    assert len(found) == 1 and found[0].startswith("bad.csv:2: malformed CSV")


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(HEADER.encode() + "c,f,caf\xe9,,\n".encode("latin-1"))
    _, found = read_lexicon(path)
    assert [str(p).split("/")[-1] for p in found] == [
        "latin.csv:2: not UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_header_of_neither_kind(tmp_path):
    assert problems(tmp_path, "a,b\n", header="word,meaning\n") == [
        "bad.csv:1: header must name concept,frame,term (a contrast lexicon) or category,term (a category lexicon)"
    ]


def test_empty_file(tmp_path):
    assert problems(tmp_path, "", header="") == ["bad.csv:1: empty file: a header row is needed"]


def test_a_bom_is_fine(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "c,f,bloc,,\n").encode())
    lex, found = read_lexicon(path)
    assert not found and lex is not None and lex.entries[0].term == "bloc"


def test_load_lexicons_reports_every_file(tmp_path):
    (tmp_path / "a.csv").write_text(HEADER + "c,f,,,\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("category,term\nx,\n", encoding="utf-8")
    with pytest.raises(LexiconError) as e:
        load_lexicons(tmp_path)
    assert [(Path(p.path).name, p.line) for p in e.value.problems] == [("a.csv", 2), ("b.csv", 2)]


def test_a_hash_inside_a_quoted_field_is_not_a_comment(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(HEADER + 'c,f,bloc,,"first line\n# not a comment"\nc,f,alliance,,\n', encoding="utf-8")
    lex, found = read_lexicon(path)
    assert not found and lex is not None
    assert [(e.term, e.line, e.note) for e in lex.entries] == [
        ("bloc", 2, "first line\n# not a comment"),
        ("alliance", 4, ""),
    ]
