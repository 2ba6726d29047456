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


def _check_recorded(
    names: tuple[str, str], where: str, version: object, digest: str, recorded: tuple[object, str], what: str
) -> None:
    """Fail unless (version, digest) is what was recorded, saying what to decide. `names`:
    the version's constant, and the recorded pair's name in this file."""
    constant, recorded_name = names
    assert (version, digest) == recorded, (
        f"The code behind {what} changed. If what it gives could now differ, change "
        f"{constant} in {where}; if not (a comment, a rename, the same values faster), keep "
        f"it. Either way record what you decided in {recorded_name} in "
        f"tests/test_scoring_version.py: ({version!r}, {digest!r})"
    )


def test_the_scoring_code_is_the_code_recorded_with_this_scoring_version():
    _check_recorded(
        ("SCORING_VERSION", "RECORDED"),
        "src/framing/score/article.py",
        SCORING_VERSION,
        scoring_code_digest(),
        RECORDED,
        "a text's stored results (cleaning, tokens, tags, counts, hits, tone, readability)",
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
    _check_recorded(
        ("HASHES", "RECORDED_HASHES"),
        "src/framing/vocabulary_sets.py",
        vocabulary_sets.HASHES,
        hashes_code_digest(),
        RECORDED_HASHES,
        "the stored vocabulary sets (a token's hash, a glob prefix's hash, a filter's bits)",
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
    _check_recorded(
        ("_STATE_VERSION", "RECORDED_TERM_COUNTS"),
        "src/framing/keyness.py",
        keyness._STATE_VERSION,
        term_counts_code_digest(),
        RECORDED_TERM_COUNTS,
        "the summed term counts (what TermCounts.state() gives and from_state() reads)",
    )
