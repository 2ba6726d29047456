"""Keyness against the reference values the issue gives (computed from Monroe et al.'s and
quanteda's definitions), on a corpus whose counts can be read off, and the counting rules."""

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from framing.cli import app
from framing.config import CompareConfig, KeynessConfig
from framing.document import prepare
from framing.keyness import Prior, chi2, g2, in_sorted, log_odds
from framing.terms import counts, occurrences
from framing.text import tokens

from helpers import LEXICONS, SEEDS, render, seed_text

# accession, annexation, said, claimed, crimea, OTHER
GROUP_I = np.array([12, 1, 40, 2, 30, 915], dtype=float)
GROUP_J = np.array([1, 14, 35, 9, 28, 913], dtype=float)
BACKGROUND = np.array([50, 60, 400, 40, 100, 9350], dtype=float)
UNIFORM = np.full(6, 0.01)


def _round(v):
    return [round(float(x), 4) for x in v]


def test_monroe_uniform_prior_reference_vector():
    r = log_odds(GROUP_I, GROUP_J, UNIFORM, "monroe")
    assert _round(r.z) == [2.4004, -2.5652, 0.5993, -1.9322, 0.2704, 0.5437]
    assert _round(r.delta) == [2.4869, -2.6429, 0.1387, -1.5072, 0.0710, 0.0254]


def test_scattertext_variance_reference_vector():
    assert _round(log_odds(GROUP_I, GROUP_J, UNIFORM, "scattertext").z) == [
        2.3981,
        -2.5628,
        0.5880,
        -1.9290,
        0.2664,
        0.1595,
    ]


def test_background_prior_reference_vector():
    assert _round(log_odds(GROUP_I, GROUP_J, BACKGROUND, "monroe").z) == [
        1.0385,
        -1.1240,
        0.1760,
        -0.7361,
        0.1260,
        0.2086,
    ]


def test_g2_and_chi2_reference_vectors():
    assert _round(g2(GROUP_I, GROUP_J)) == [11.0318, -13.5317, 0.3466, -4.8428, 0.0710, 0.0254]
    assert _round(chi2(GROUP_I, GROUP_J)) == [9.3686, -11.3518, 0.3463, -4.4792, 0.0710, 0.0254]


def test_g2_by_hand_for_one_word():
    # accession: a=12, b=1, c=988, d=999, N=2000; every expected cell is 6.5 or 993.5.
    by_hand = 2 * (
        12 * math.log(12 / 6.5)
        + math.log(1 / 6.5)
        + 988 * math.log(988 / 993.5)
        + 999 * math.log(999 / 993.5)
    )
    assert g2(GROUP_I, GROUP_J)[0] == pytest.approx(by_hand, rel=1e-12)


# ---- a corpus to read the counts off ---------------------------------------------------------

STATE = ["Crimea accession. The accession was lawful.", "The accession of Crimea, they said."]
AGENCY = ["Crimea annexation. The annexation was illegal, they said."]


@pytest.fixture
def two_groups(tmp_path: Path) -> Path:
    folder = tmp_path / "two"
    folder.mkdir()
    rows = []
    for i, text in enumerate(STATE):
        (folder / f"s{i}.txt").write_text(text + "\n", encoding="utf-8")
        rows.append(f"s{i},RT")
    for i, text in enumerate(AGENCY):
        (folder / f"a{i}.txt").write_text(text + "\n", encoding="utf-8")
        rows.append(f"a{i},Reuters")
    (folder / "manifest.csv").write_text("id,outlet\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _comparison(data, group, against, n):
    (c,) = [
        c for c in data["keyness"]["comparisons"] if (c["group"], c["against"], c["n"]) == (group, against, n)
    ]
    # The whole table: the terms used at least min_count times, and the rarer lexicon terms.
    rows = c["rows"] + c["lexicon_rows_below_min_count"]
    return {r[0]: dict(zip(c["columns"], r, strict=True)) for r in rows}


def test_counts_read_off_a_hand_made_corpus(two_groups, tmp_path):
    keyness = KeynessConfig(min_count=1)
    config = CompareConfig((two_groups,), LEXICONS, tmp_path / "out", "t", "outlet_type", keyness=keyness)
    data = json.loads(render(config).json)
    words = _comparison(data, "state_media", "rest", 1)
    # state_media: crimea 2, accession 3, the 2, was 1, lawful 1, of 1, they 1, said 1 = 12 tokens
    # agency:      crimea 1, annexation 2, the 1, was 1, illegal 1, they 1, said 1 = 8 tokens
    assert (words["accession"]["count"], words["accession"]["count_other"]) == (3, 0)
    assert (words["annexation"]["count"], words["annexation"]["count_other"]) == (0, 2)
    assert (words["crimea"]["count"], words["crimea"]["count_other"]) == (2, 1)
    # z by hand, the prior being the whole corpus's counts (α_0 = 20 tokens):
    # δ = ln((3+3)/(12+20-3-3)) - ln((0+3)/(8+20-0-3)); σ² = 1/6 + 1/3
    delta = math.log(6 / 26) - math.log(3 / 25)
    assert words["accession"]["delta"] == round(delta, 4)
    assert words["accession"]["z"] == round(delta / math.sqrt(1 / 6 + 1 / 3), 4)
    # Phrases are counted on their own: "the accession" twice, "crimea accession" once
    phrases = _comparison(data, "state_media", "rest", 2)
    assert phrases["the accession"]["count"] == 2
    assert phrases["crimea accession"]["count"] == 1
    # A bigram never spans a full stop: no "accession the".
    assert "accession the" not in phrases
    # The lexicon marks say which entry a term is
    marks = data["keyness"]["lexicon_marks"]
    assert marks["accession"] == ["contrasts.csv: crimea_2014/accession"]
    assert marks["said"] == ["attribution_verbs.csv: neutral"]
    assert "crimea" not in marks


def test_a_head_to_head_pair_is_computed_too(two_groups, tmp_path):
    keyness = KeynessConfig(min_count=1, pairs=(("agency", "state_media"),))
    config = CompareConfig((two_groups,), LEXICONS, tmp_path / "out", "t", "outlet_type", keyness=keyness)
    data = json.loads(render(config).json)
    pair = _comparison(data, "agency", "state_media", 1)
    assert (pair["annexation"]["count"], pair["annexation"]["count_other"]) == (2, 0)
    assert pair["annexation"]["z"] > 0 > pair["accession"]["z"]


def test_a_lexicon_term_used_once_is_still_scored_and_shown(two_groups, tmp_path):
    # "lawful" and "illegal" occur once; only a lexicon term escapes the threshold.
    config = CompareConfig((two_groups,), LEXICONS, tmp_path / "out", "t", "outlet_type")
    rendered = render(replace(config, keyness=KeynessConfig(min_count=10)))
    data = json.loads(rendered.json)
    words = _comparison(data, "state_media", "rest", 1)
    assert set(words) == {"accession", "annexation", "said"}
    # They are in the list of their own, and the table proper is empty.
    (c,) = [c for c in data["keyness"]["comparisons"] if (c["group"], c["n"]) == ("state_media", 1)]
    assert c["rows"] == []
    assert [r[0] for r in c["lexicon_rows_below_min_count"]] == ["accession", "said", "annexation"]
    assert "accession +" in rendered.md.split("## Distinctive vocabulary")[1]
    assert "Terms used fewer than 10 times in a comparison are left out, except lexicon terms" in rendered.md


def test_stop_words_are_kept_unless_a_stop_list_is_given(two_groups, tmp_path):
    config = CompareConfig((two_groups,), LEXICONS, tmp_path / "out", "t", "outlet_type")
    kept = json.loads(render(replace(config, keyness=KeynessConfig(min_count=1))).json)
    assert "the" in _comparison(kept, "state_media", "rest", 1)
    stopped = KeynessConfig(min_count=1, stop_words=frozenset({"the"}))
    data = json.loads(render(replace(config, keyness=stopped)).json)
    assert "the" not in _comparison(data, "state_media", "rest", 1)
    assert not any("the" in t.split() for t in _comparison(data, "state_media", "rest", 2))
    assert _comparison(data, "state_media", "rest", 1)["accession"]["count"] == 3


def test_the_uniform_prior_option_gives_the_formula_with_that_alpha(two_groups, tmp_path):
    keyness = KeynessConfig(prior=Prior("uniform", 0.5), min_count=1)
    config = CompareConfig((two_groups,), LEXICONS, tmp_path / "out", "t", "outlet_type", keyness=keyness)
    words = _comparison(json.loads(render(config).json), "state_media", "rest", 1)
    vocabulary = len({w for t in STATE + AGENCY for w in counts(prepare(t))[0]})
    a0 = 0.5 * vocabulary
    delta = math.log(3.5 / (12 + a0 - 3.5)) - math.log(0.5 / (8 + a0 - 0.5))
    assert words["accession"]["z"] == round(delta / math.sqrt(1 / 3.5 + 1 / 0.5), 4)


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_count_equals_its_number_of_evidence_lines(seed):
    from framing.clean import clean

    doc = prepare(clean(seed_text(seed)).text)
    words, pairs = counts(doc)
    for term, n in [*words.items(), *pairs.items()]:
        found = occurrences(doc, term)
        assert len(found) == n, term
        # each evidence span is the term itself, tokenised as counted
        assert all(" ".join(tokens(doc.text[s:e]).norms) == term for s, e in found), term


def test_suggestions_pass_the_lexicon_check_once_the_category_is_filled(tmp_path):
    from typer.testing import CliRunner

    runner = CliRunner()
    r = runner.invoke(
        app, ["lexicon", "suggest", str(SEEDS), "--top", "5", "--min-count", "3", "--jobs", "1"]
    )
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stdout.splitlines() if not ln.startswith("#")]
    assert lines[0] == "category,term,context,note"
    assert len(lines) > 5
    for line in lines[1:]:
        assert line.startswith(","), line  # the category is left blank
        assert "z=+" in line and "e.g." in line
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    blank = lexicons / "suggested.csv"
    blank.write_text(r.stdout, encoding="utf-8")
    assert runner.invoke(app, ["lexicon", "check", str(lexicons)]).exit_code == 2  # blank category
    blank.write_text(r.stdout.replace("\n,", "\nhedge,"), encoding="utf-8")
    checked = runner.invoke(app, ["lexicon", "check", str(lexicons)])
    assert checked.exit_code == 0, checked.output
    # No suggestion is a term a lexicon already has.
    assert ",said," not in r.stdout and ",alliance," not in r.stdout


@pytest.mark.parametrize(
    ("by", "said"),
    [
        ("article", "5 groups, and each is compared against the rest only when there are at most 4."),
        ("outlet_type", None),
    ],
)
def test_suggest_says_why_there_is_no_candidate_when_groups_are_too_many(monkeypatch, by, said):
    # Five seed articles by article, with at most 4 groups compared against the rest: no
    # comparison against the rest, so no candidate. The reason given was "keyness needs at
    # least two groups".
    from typer.testing import CliRunner

    from framing import distinctive, pipeline, suggest

    for module in (distinctive, pipeline, suggest):
        monkeypatch.setattr(module, "MAX_GROUPS", 4)
    r = CliRunner().invoke(
        app, ["lexicon", "suggest", str(SEEDS), "--jobs", "1", "--min-count", "2", "--by", by]
    )
    assert r.exit_code == 0, r.output
    last = r.stdout.splitlines()[-1]
    if said is None:  # four outlet types, each against the rest: candidates
        assert last.startswith(",") and "z=+" in last
    else:
        assert last.startswith("# No candidates: ") and said in last


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--prior", "uniform:x"], "--prior uniform:A needs a positive number A"),
        (["--prior", "flat"], "--prior must be corpus or uniform:A"),
        (["--variance", "other"], "--variance must be one of monroe, scattertext"),
        (["--pair", "agency"], "--pair takes two group names separated by a comma"),
    ],
)
def test_bad_keyness_options_exit_2_with_a_message(tmp_path, options, message):
    from typer.testing import CliRunner

    r = CliRunner().invoke(app, ["compare", "--out", str(tmp_path), "--no-cache", *options])
    assert r.exit_code == 2
    assert message in r.stderr
    assert not any(tmp_path.iterdir())


def test_a_bad_background_file_names_its_line(tmp_path):
    from typer.testing import CliRunner

    background = tmp_path / "bg.csv"
    background.write_text("term,count\nthe,100\ncrimea,lots\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["compare", "--out", str(tmp_path / "out"), "--background", str(background)])
    assert r.exit_code == 2
    assert f"{background}:3: count must be a number of 0 or more, not 'lots'" in r.stderr


@pytest.mark.parametrize("seed", ["000", "002", "004"])
def test_compact_counts_are_the_counts(seed):
    from framing.clean import clean
    from framing.terms import compact_counts

    doc = prepare(clean(seed_text(seed)).text)
    words, pairs = counts(doc)
    compact = compact_counts(doc)
    assert dict(zip(compact.words, compact.counts, strict=True)) == dict(words)
    assert {f"{compact.words[a]} {compact.words[b]}": n for a, b, n in compact.pairs} == dict(pairs)
    stopped = compact_counts(doc, frozenset({"the", "of"}))
    assert set(stopped.words) == set(words) - {"the", "of"}
    assert {f"{stopped.words[a]} {stopped.words[b]}": n for a, b, n in stopped.pairs} == {
        p: n for p, n in pairs.items() if not {"the", "of"} & set(p.split())
    }


def _whole(parts):
    """One comparison from the parts of its table."""
    parts = list(parts)
    return replace(
        parts[0],
        **{
            f: [v for p in parts for v in getattr(p, f)]
            for f in ("terms", "count_i", "count_j", "delta", "z", "g2", "chi2")
        },
    )


def test_report_keeps_an_excerpt_and_the_json_the_full_tables(tmp_path):
    # Memory: only the top rows each way and the lexicon terms' rows are kept per
    # comparison; the JSON's full tables are made again one at a time.
    config = CompareConfig(
        (SEEDS,), LEXICONS, tmp_path, "seeds", "outlet_type", keyness=KeynessConfig(top=3, min_count=2)
    )
    rendered = render(config)
    d = rendered.result.distinctive
    assert len(d.comparisons) > 2
    head = 3 * (len(d.comparisons) // 2 + 1) + len(d.marks)
    json_tables = json.loads(rendered.json)["keyness"]["comparisons"]
    for excerpt, written in zip(d.comparisons, json_tables, strict=True):
        counted, listed = _whole(d.table(excerpt)), d.listed(excerpt)
        assert all(r.count_i + r.count_j >= 2 for r in counted.rows)
        assert all(0 < r.count_i + r.count_j < 2 and r.term in d.marks for r in listed.rows)
        # The whole table is the two lists merged in the report's order: by z, then term.
        full = sorted(counted.rows + listed.rows, key=lambda r: (-r.z, r.term))
        assert excerpt.full_size == len(full)
        wanted = [r for k, r in enumerate(full) if k < head or k >= len(full) - 3 or r.term in d.marks]
        assert excerpt.rows == wanted
        assert [r[0] for r in written["rows"]] == counted.terms
        assert [r[0] for r in written["lexicon_rows_below_min_count"]] == listed.terms
    assert any(len(c) < c.full_size for c in d.comparisons)  # an excerpt, not the whole table
    assert any(len(d.listed(c)) for c in d.comparisons)  # rare lexicon terms were there to list


def test_json_tables_written_in_parts_are_the_bytes_of_one_dump(tmp_path, monkeypatch):
    from functools import partial

    from framing import distinctive, keyness

    config = CompareConfig(
        (SEEDS,), LEXICONS, tmp_path, "seeds", "outlet_type", keyness=KeynessConfig(min_count=1)
    )
    whole = render(config)
    monkeypatch.setattr(distinctive, "table_parts", partial(keyness.table_parts, part=3))
    in_parts = render(config)
    assert in_parts.json == whole.json
    rows = [c["rows"] for c in json.loads(whole.json)["keyness"]["comparisons"]]
    assert max(len(r) for r in rows) > 3  # more than one part


def test_terms_sort_by_their_alphabetical_numbers_as_by_their_strings():
    from framing.keyness import TermCounts
    from framing.terms import TextTerms

    counts = TermCounts()
    words = ("abc", "ab", "b", "é", "z", "a1", "ab2", "Ω")
    pairs = [(0, 1), (1, 0), (1, 6), (6, 1), (2, 3), (3, 2), (4, 7), (5, 0), (1, 5)]
    first, second = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    ones = np.ones(len(words), dtype=np.int64)
    counts.add("g", TextTerms(words, ones, first, second, np.ones(len(pairs), dtype=np.int64)), 0)
    for n in (1, 2):
        keys = counts.keys(n)
        strings = counts.terms(n, keys)
        by_number = [strings[k] for k in np.argsort(counts.alphabetical(n, keys), kind="stable")]
        assert by_number == sorted(strings)
    assert "ab ab2" in counts.terms(2, counts.keys(2)) and "abc ab" in counts.terms(2, counts.keys(2))


def test_first_use_is_the_earliest_article_whatever_order_texts_are_added_in():
    # A re-run adds the texts it scores at once and those read from the store at the end,
    # so article 5 can be added before article 2: the first use of "crimea" is still 2.
    from framing.keyness import TermCounts
    from framing.terms import TextTerms

    none = np.zeros(0, dtype=np.int64)
    text = TextTerms(("crimea",), np.ones(1, dtype=np.int64), none, none, none)
    counts = TermCounts()
    counts.add("g", text, 5)
    counts.add("g", text, 2)
    counts.add("h", text, 7)
    assert counts.first("crimea", "g") == 2
    assert counts.first("crimea", "g", other=True) == 7
    counts.add("g", text, 1)  # after the tables were summed once (first() sums them)
    assert counts.first("crimea", "g") == 1


def test_texts_that_hold_no_phrase_give_empty_phrase_tables_not_an_error(tmp_path):
    # One-word texts hold no two-word phrase, so the phrase counts got no row for their
    # groups, and comparing them ended in an IndexError (found by tests/fuzz_inputs.py).
    folder = tmp_path / "short"
    folder.mkdir()
    (folder / "s.txt").write_text("Accession!\n", encoding="utf-8")
    (folder / "a.txt").write_text("Annexation. Annexation.\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("id,outlet\ns,RT\na,Reuters\n", encoding="utf-8")
    config = CompareConfig(
        (folder,), LEXICONS, tmp_path / "out", "t", "outlet_type", keyness=KeynessConfig(min_count=1)
    )
    data = json.loads(render(config).json)
    words = _comparison(data, "state_media", "rest", 1)
    assert (words["accession"]["count"], words["accession"]["count_other"]) == (1, 0)
    assert (words["annexation"]["count"], words["annexation"]["count_other"]) == (0, 2)
    assert _comparison(data, "state_media", "rest", 2) == {}


def test_the_phrase_counts_hold_a_row_for_a_group_with_no_phrase():
    # Summed before the second group came (first() and vector() sum what is pending), the
    # phrase matrix had one row; the second group's texts held no phrase to add its row.
    from framing.keyness import TermCounts
    from framing.terms import TextTerms

    one = np.ones(1, dtype=np.int64)
    first, second = np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.int64)
    pair = TextTerms(("crimea", "accession"), np.ones(2, dtype=np.int64), first, second, one)
    word = TextTerms(("annexation",), one, *(np.zeros(0, dtype=np.int64),) * 3)
    counts = TermCounts()
    counts.add("g", pair, 0)
    assert counts.vector(2, "g").tolist() == [1.0]
    counts.add("h", word, 1)
    assert counts.vector(2, "h").tolist() == [0.0]
    assert counts.first("crimea accession", "h") is None
    assert counts.first("crimea accession", "h", other=True) == 0
    counts.add("g", pair, 2)
    assert counts.vector(2, "g").tolist() == [2.0]
    assert counts.vector(2, "h").tolist() == [0.0]


def test_membership_in_a_sorted_set_is_numpys_isin():
    rng = np.random.default_rng(7)
    values = rng.integers(0, 1 << 40, 5000)
    chosen = np.unique(np.r_[values[::97], rng.integers(0, 1 << 40, 50), [0, (1 << 40) + 5]])
    assert in_sorted(values, chosen).tolist() == np.isin(values, chosen).tolist()
    # Values past either end of the set, and an empty set.
    edges = np.array([-1, 0, 1, (1 << 40) + 5, (1 << 40) + 6], dtype=np.int64)
    assert in_sorted(edges, chosen).tolist() == [False, True, False, True, False]
    assert in_sorted(values, np.zeros(0, dtype=np.int64)).tolist() == [False] * len(values)


def test_vocabulary_of_sorted_group_tables_is_their_union_as_np_unique_gives_it():
    from framing.keyness import _union

    rng = np.random.default_rng(3)
    # Overlapping groups (shared terms), an empty group, one value, values past 2**32.
    parts = [np.unique(rng.integers(0, 5_000, size=n)) for n in (4_000, 1_000, 10)]
    parts += [np.zeros(0, dtype=np.int64), np.array([7], dtype=np.int64), np.array([2**40, 2**41])]
    assert _union(parts).tolist() == np.unique(np.concatenate(parts)).tolist()
    assert _union([]).tolist() == [] and _union([np.zeros(0, dtype=np.int64)]).tolist() == []


def _articles_for_counting() -> list[str]:
    """The seeds, and BASIL's articles when the shared corpora are there."""
    from framing.clean import clean

    from helpers import SHARED

    texts = [seed_text(s) for s in ("000", "001", "002", "003", "004")]
    basil = SHARED / "corpora" / "basil.jsonl"
    if basil.is_file():
        texts += [json.loads(line)["text"] for line in basil.open(encoding="utf-8")][:120]
    return [clean(t).text for t in texts]


@pytest.mark.parametrize("wide", [False, True], ids=["32-bit indices", "64-bit indices"])
def test_group_counts_are_scikit_learns_document_term_matrix_summed_by_group(monkeypatch, wide):
    # The reference: CountVectorizer over the same terms (terms.counts, the Counter path),
    # its document-term matrix summed by group with NumPy. TermCounts is fed the texts
    # out of order, with a group first seen late and tables summed every few hundred
    # entries, so batches, merges into a growing vocabulary and the first-use rule all run.
    # 64-bit indices are what a table past 2**31 entries gets; here they are forced.
    from sklearn.feature_extraction.text import CountVectorizer

    from framing import keyness
    from framing.terms import compact_counts

    assert keyness._index_type(10, 2**31 - 2) is np.int32 and keyness._index_type(2**31) is np.int64
    if wide:
        monkeypatch.setattr(keyness, "_index_type", lambda *sizes: np.int64)
    monkeypatch.setattr(keyness, "_CONSOLIDATE_AT", 700)
    docs = [prepare(t) for t in _articles_for_counting()]
    groups = ["agency", "state", "forum"]
    group_of = [groups[min(i % 3, 1)] if i < len(docs) // 2 else groups[i % 3] for i in range(len(docs))]
    order = np.random.default_rng(11).permutation(len(docs)).tolist()
    counted = keyness.TermCounts()
    for i in order:
        counted.add(group_of[i], compact_counts(docs[i]), i)
    restored = keyness.TermCounts.from_state(counted.state())
    assert restored is not None
    assert {counted._counts[n].indices.dtype for n in (1, 2)} == {np.dtype(np.int64 if wide else np.int32)}
    # Counts and first uses have the same entries, so they share one index array.
    assert all(np.shares_memory(counted._first[n].indices, counted._counts[n].indices) for n in (1, 2))
    for n in (1, 2):
        per_doc = [list(counts(d)[n - 1].elements()) for d in docs]
        vectorizer = CountVectorizer(analyzer=per_doc.__getitem__, lowercase=False)
        matrix = vectorizer.fit_transform(range(len(docs))).toarray()
        names = vectorizer.get_feature_names_out().tolist()
        for tc in (counted, restored):
            terms = tc.terms(n, tc.keys(n))
            assert sorted(terms) == names
            where = dict(zip(names, range(len(names)), strict=True))
            column = [where[t] for t in terms]
            for g in groups:
                rows = [i for i in range(len(docs)) if group_of[i] == g]
                expected = matrix[rows].sum(axis=0)[column]
                assert tc.vector(n, g).tolist() == expected.astype(float).tolist()
            assert tc.total(n).tolist() == matrix.sum(axis=0)[column].astype(float).tolist()
            # First use: the smallest article index of the group with the term, by hand
            # from the matrix; a sample of terms, both ways round.
            for t in terms[:: max(1, len(terms) // 40)]:
                used = matrix[:, where[t]] > 0
                for g in groups:
                    mine = [i for i in range(len(docs)) if used[i] and group_of[i] == g]
                    others = [i for i in range(len(docs)) if used[i] and group_of[i] != g]
                    assert tc.first(t, g) == (min(mine) if mine else None)
                    assert tc.first(t, g, other=True) == (min(others) if others else None)


@pytest.mark.parametrize("pool_at", [0, 1, 17, 60], ids=["before any", "after one", "midway", "after all"])
def test_pooled_counts_keep_the_vocabulary_totals_and_first_uses(monkeypatch, pool_at):
    # pool() sums every group into one row; what a run with no comparison reads of the
    # counts must stay what CountVectorizer's document-term matrix gives: the vocabulary,
    # each term's total and its first article over all groups. Texts after the pool go
    # into the one row too, also from the stored state.
    from sklearn.feature_extraction.text import CountVectorizer

    from framing import keyness
    from framing.terms import compact_counts

    monkeypatch.setattr(keyness, "_CONSOLIDATE_AT", 700)
    docs = [prepare(t) for t in _articles_for_counting()]
    assert len(docs) >= 60
    order = np.random.default_rng(5).permutation(len(docs)).tolist()
    counted = keyness.TermCounts()
    for k, i in enumerate(order):
        if k == pool_at:
            counted.pool()
            if k % 2:  # stored and read back midway: still pooled
                restored = keyness.TermCounts.from_state(counted.state())
                assert restored is not None
                counted = restored
        counted.add(f"article {i}", compact_counts(docs[i]), i)
    if pool_at >= len(order):
        counted.pool()
    assert counted.group_names == [keyness.POOLED]
    for n in (1, 2):
        per_doc = [list(counts(d)[n - 1].elements()) for d in docs]
        vectorizer = CountVectorizer(analyzer=per_doc.__getitem__, lowercase=False)
        matrix = vectorizer.fit_transform(range(len(docs))).toarray()
        names = vectorizer.get_feature_names_out().tolist()
        terms = counted.terms(n, counted.keys(n))
        assert sorted(terms) == names
        where = dict(zip(names, range(len(names)), strict=True))
        column = [where[t] for t in terms]
        assert counted.total(n).tolist() == matrix.sum(axis=0)[column].astype(float).tolist()
        assert counted._counts[n].shape == (1, len(names))
        for t in terms[:: max(1, len(terms) // 40)]:
            users = np.flatnonzero(matrix[:, where[t]] > 0)
            assert counted.first(t, keyness.POOLED) == int(users.min())


def test_an_excerpt_is_the_whole_sorted_tables_rows(monkeypatch):
    # compare() picks the excerpt's rows by partitioning z and sorts only those; the
    # reference is the whole table sorted by (-z, term), cut as the docstring says. Low
    # counts give many equal z, so ties fall on both cuts; the `always` terms include
    # rare ones (under min_count), absent ones and phrases.
    from framing import keyness
    from framing.terms import compact_counts

    docs = [prepare(t) for t in _articles_for_counting()]
    groups = ["agency", "state", "forum"]
    counted = keyness.TermCounts()
    for i, d in enumerate(docs):
        counted.add(groups[i % 3], compact_counts(d), i)
    words = counted.terms(1, counted.keys(1))
    phrases = counted.terms(2, counted.keys(2))
    always = frozenset(words[::97] + phrases[::501] + ["no such word", "crimea", "annexation"])
    background = Prior("background", background={w: float(len(w)) for w in words[::3]}, source="b")
    cases = 0
    for prior in (Prior(), Prior("uniform", 0.01), background):
        for variance in ("monroe", "scattertext"):
            for gi, gj in (("agency", None), ("state", "forum")):
                for n in (1, 2):
                    for min_count, head, tail in (
                        (1, 50, 10),
                        (3, 7, 3),
                        (2, 0, 5),
                        (1, 4, 0),
                        (1, 10**6, 10),
                    ):
                        args = (counted, n, gi, gj, prior, variance, min_count, always, (head, tail))
                        picked = keyness.compare(*args)
                        with monkeypatch.context() as m:
                            m.setattr(keyness, "_excerpt", lambda *a: None)  # the whole table, cut
                            whole = keyness.compare(*args)
                        assert picked == whole, (prior.kind, variance, gi, gj, n, min_count, head, tail)
                        cases += 1
    assert cases == 3 * 2 * 2 * 2 * 5
    # The cuts do fall among ties: some z at a cut is shared with a row outside it.
    whole = keyness.compare(counted, 1, "agency", None, Prior(), "monroe", 1, frozenset(), None)
    assert whole.z[49] == whole.z[50] or whole.z[-10] == whole.z[-11]
