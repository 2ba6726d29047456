"""SCORING_VERSION is part of the key of every stored result. A change to the code that
scores a text must come with a new one, or a re-run mixes results of the old code with the
new and differs from --no-cache with nothing said. Nothing but a person's memory kept the
two together; this test holds a digest of that code with the version it was recorded
under, so that changing the code makes someone decide. The two other versions kept by
hand with what they version get the same guard: the stored vocabulary sets' hashes and
the summed term counts."""

import hashlib
import inspect
from pathlib import Path

import framing
from framing import keyness, vocabulary_sets
from framing.lexicon.load import MIN_GLOB_PREFIX
from framing.score.article import SCORING_VERSION

PACKAGE = Path(framing.__file__).parent  # the code under test, installed or not
# What decides a text's stored results: its cleaning, tokens, sentences and quotations, its
# outlet tag, its term counts, its lexicon hits, its tone and readability.
SCORING_CODE = (
    "clean.py",
    "document.py",
    "lexicon/load.py",
    "lexicon/match.py",
    "outlets.py",
    "quotes.py",
    "score/article.py",
    "score/lexicon.py",
    "score/readability.py",
    "score/sentiment.py",
    "terms.py",
    "text.py",
)
RECORDED = ("2026-11-24.1", "df5b4180eef15c0db26f7ac96303355a74a4d81a0d250cae05be4099ffd4ba51")


def scoring_code_digest() -> str:
    h = hashlib.sha256()
    for name in SCORING_CODE:
        h.update(name.encode() + b"\0" + (PACKAGE / name).read_bytes() + b"\0")
    return h.hexdigest()


def test_the_scoring_code_is_the_code_recorded_with_this_scoring_version():
    digest = scoring_code_digest()
    assert (SCORING_VERSION, digest) == RECORDED, (
        "The code that scores a text changed. If a stored result of any text could now "
        "differ (cleaning, tokens, tags, counts, hits, tone, readability), change "
        "SCORING_VERSION in src/framing/score/article.py; if not (a comment, a rename, the "
        "same values faster), keep it. Either way record what you decided in RECORDED in "
        f"tests/test_scoring_version.py: ({SCORING_VERSION!r}, {digest!r})"
    )


# The same for the hashes of the stored vocabulary sets, which tell what texts an edited
# lexicon entry cannot match in: read with other hashes than they were made with, they
# could keep a text's stale hits. Their version is vocabulary_sets.HASHES; what decides
# them is that module and the length of a glob's prefix.
RECORDED_HASHES = ("1", "38b641091f5d7c11a45f8cc52a47b48bba7b799da7d82b2a82a342fd5326cf8c")


def hashes_code_digest() -> str:
    h = hashlib.sha256(f"MIN_GLOB_PREFIX {MIN_GLOB_PREFIX}\0".encode())
    h.update((PACKAGE / "vocabulary_sets.py").read_bytes())
    return h.hexdigest()


def test_the_hashing_code_is_the_code_recorded_with_this_hashes_version():
    digest = hashes_code_digest()
    assert (vocabulary_sets.HASHES, digest) == RECORDED_HASHES, (
        "The code behind the stored vocabulary sets changed. If a token's hash, a glob "
        "prefix's hash or a filter's bits could now differ, change HASHES in "
        "src/framing/vocabulary_sets.py; if not, keep it. Either way record what you decided "
        f"in RECORDED_HASHES in tests/test_scoring_version.py: ({vocabulary_sets.HASHES!r}, {digest!r})"
    )


# The same for each recent corpus's summed term counts (TermCounts.state()), whose version
# is keyness._STATE_VERSION: read into a TermCounts that keeps its counts another way, they
# could give other sums than counting afresh. What decides them is TermCounts and the
# helpers it builds its matrices with, not the statistics beside them in keyness.py.
TERM_COUNTS_CODE = (
    keyness._union,
    keyness._matrix,
    keyness._empty,
    keyness._index_type,
    keyness._widened,
    keyness._with_rows,
    keyness._row_starts,
    keyness.TermCounts,
)
RECORDED_TERM_COUNTS = (3, "1db7cd9343150de8c137e025ba87504e0d4982f13134bf2b0b8ca19868db77ca")


def term_counts_code_digest() -> str:
    h = hashlib.sha256(f"_LOW {keyness._LOW} _NEVER {keyness._NEVER}\0".encode())
    for code in TERM_COUNTS_CODE:
        h.update(inspect.getsource(code).encode() + b"\0")
    return h.hexdigest()


def test_the_term_counting_code_is_the_code_recorded_with_this_state_version():
    digest = term_counts_code_digest()
    assert (keyness._STATE_VERSION, digest) == RECORDED_TERM_COUNTS, (
        "The code that sums term counts changed. If TermCounts.state() could now give "
        "other values, or from_state() read stored ones otherwise, change _STATE_VERSION "
        "in src/framing/keyness.py; if not, keep it. Either way record what you decided in "
        f"RECORDED_TERM_COUNTS in tests/test_scoring_version.py: ({keyness._STATE_VERSION!r}, {digest!r})"
    )
