"""Which stored texts might hold a lexicon entry, told without reading their vocabularies.

The store keeps, for each batch of texts whose vocabularies were stored together, the
hashes of every token of any of them (and of each token's first letters, for globs), and
each text's own Bloom filter of those hashes. An entry can match only in a text that has
all of its tokens, so one whose hashes are not all in a batch's set matches in none of its
texts, nor in a text whose filter lacks one of them. After a lexicon edit only the texts
that might hold an entry the edit touched have their vocabularies read (edits.py).

Pure: vocabularies in, arrays out; cache.py stores the arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from framing.lexicon.load import MIN_GLOB_PREFIX

# Kept with every stored set: change it whenever token_hashes, the glob prefix's length or
# the filters' bits change. A set read with other hashes than it was made with could rule
# out a text that holds an edited entry, whose stale hits would then be kept; a set of
# another version rules out nothing, and its texts' vocabularies are read. (Sets stored
# before versions were kept were made as version 1.) tests/test_scoring_version.py fails
# on any change to this module until the choice is recorded.
HASHES = "1"

_P = np.uint64(0x100000001B3)  # odd: its powers are invertible modulo 2**64
_P_INVERSE = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_PREFIX_MARK = np.uint64(0x9E3779B97F4A7C15)  # sets a prefix's hash apart from a word's


def token_hashes(joined: str) -> NDArray[np.uint64]:
    """64-bit hashes of the newline-separated tokens of `joined`, and of the first
    MIN_GLOB_PREFIX characters of each token that long (marked apart), unsorted.

    A token's hash is the sum of (code point + 1) · P^i over its characters, modulo 2**64,
    i counted from the token's start; over a whole batch it is taken from one running sum
    and P's inverse powers, so the work is a few array operations, not a call per token.
    A hash only ever says "might hold": two tokens with the same hash make a batch look
    like it holds a word it does not, and its vocabularies are then read and checked."""
    return _hashes_and_starts(joined)[0]


def _hashes_and_starts(joined: str) -> tuple[NDArray[np.uint64], NDArray[np.intp]]:
    """token_hashes(joined), and where each hashed token starts in `joined` (code points)."""
    chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(chars)
    if not n:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.intp)
    with np.errstate(over="ignore"):
        powers = np.ones(n, dtype=np.uint64)  # P^0 .. P^(n-1), wrapping
        np.cumprod(np.full(n - 1, _P, dtype=np.uint64), out=powers[1:])
        inverse = np.ones(n, dtype=np.uint64)  # P^-0 .. P^-(n-1)
        np.cumprod(np.full(n - 1, _P_INVERSE, dtype=np.uint64), out=inverse[1:])
        running = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum((chars.astype(np.uint64) + np.uint64(1)) * powers, out=running[1:])
        breaks = np.flatnonzero(chars == ord("\n"))
        starts = np.r_[0, breaks + 1]
        ends = np.r_[breaks, n]
        starts, ends = starts[ends > starts], ends[ends > starts]
        words = (running[ends] - running[starts]) * inverse[starts]
        long = starts[ends - starts >= MIN_GLOB_PREFIX]
        prefixes = (running[long + MIN_GLOB_PREFIX] - running[long]) * inverse[long] + _PREFIX_MARK
    return np.concatenate([words, prefixes]), np.concatenate([starts, long])


_SET_CHUNK = 1 << 18  # characters hashed at once: a few MB of arrays, not a batch's worth

# Each text's own filter: a token's hash sets three of BLOOM_BITS bits, taken from three
# parts of the hash. On 512 stored AllSides vocabularies 30% of a filter's bits are set, so
# a word a text lacks finds its three bits set about 2.7% of the time (0.3³; then its
# vocabulary is read).
BLOOM_BITS = 4096
_BLOOM_SHIFTS = (np.uint64(0), np.uint64(21), np.uint64(42))


def _bloom_positions(hashes: NDArray[np.uint64]) -> NDArray[np.intp]:
    """The bits that `hashes` set in a text's filter, three per hash."""
    mask = np.uint64(BLOOM_BITS - 1)
    return np.concatenate([(hashes >> shift) & mask for shift in _BLOOM_SHIFTS]).astype(np.intp)


def token_set(vocabularies: Sequence[str]) -> tuple[NDArray[np.uint64], NDArray[np.uint8]]:
    """The sorted distinct token_hashes of all the vocabularies (newline-separated tokens),
    and each vocabulary's own filter (a row of BLOOM_BITS / 8 bytes): a batch's set rules
    out the batch, a filter one text of it."""
    parts: list[NDArray[np.uint64]] = []
    filters = np.zeros((len(vocabularies), BLOOM_BITS), dtype=bool)
    chunk: list[str] = []
    first = 0  # the index of the chunk's first vocabulary
    size = 0
    for i, v in enumerate([*vocabularies, None]):
        if v is None or (chunk and size + len(v) > _SET_CHUNK):
            hashes, starts = _hashes_and_starts("\n".join(chunk))
            # Whose each token is: the last vocabulary to start at or before it.
            offsets = np.cumsum([0] + [len(c) + 1 for c in chunk[:-1]])
            owners = first + np.searchsorted(offsets, starts, side="right") - 1
            bits = np.tile(owners * BLOOM_BITS, len(_BLOOM_SHIFTS)) + _bloom_positions(hashes)
            filters.reshape(-1)[bits] = True  # by flat index: 3.5x faster than by (row, column)
            parts.append(hashes)
            chunk, size, first = [], 0, i
        if v is not None:
            chunk.append(v)
            size += len(v) + 1
    # Sorted, then repeats dropped: np.unique hashes every value first, several times slower.
    out: NDArray[np.uint64] = np.sort(np.concatenate(parts))
    distinct = out[np.r_[True, out[1:] != out[:-1]]] if len(out) else out
    return distinct, np.packbits(filters, axis=1)


def entry_hashes(tokens: Sequence[str]) -> NDArray[np.uint64] | None:
    """The hashes a token set must hold for its texts to hold every one of `tokens` (a
    lexicon entry's): a word's hash, or for a glob (a token ending in `*`) the hash of its
    first MIN_GLOB_PREFIX letters. None when a glob is shorter than that (the lexicon check
    refuses those), so nothing can be ruled out."""
    wanted = []
    for token in tokens:
        word = token.removesuffix("*")
        if word == token:
            wanted.append(token_hashes(word)[0])
        elif len(word) < MIN_GLOB_PREFIX:
            return None
        else:
            wanted.append(token_hashes(word[:MIN_GLOB_PREFIX])[1])  # [word, its prefix]
    return np.array(wanted, dtype=np.uint64)


def _holds_all(token_set: NDArray[np.uint64], wanted: NDArray[np.uint64] | None) -> bool:
    if wanted is None or not len(wanted):
        return True
    if not len(token_set):
        return False
    at = np.minimum(np.searchsorted(token_set, wanted), len(token_set) - 1)
    return bool(np.all(token_set[at] == wanted))


def might_hold(token_set: NDArray[np.uint64], tokens: Sequence[str]) -> bool:
    """Whether a text whose tokens hash into the sorted `token_set` might hold every one of
    `tokens` (a lexicon entry's; a token ending in `*` is a prefix, as in a glob)."""
    return _holds_all(token_set, entry_hashes(tokens))


def _filters_hold(filters: NDArray[np.uint8], wanted: NDArray[np.uint64] | None) -> NDArray[np.bool_]:
    """For each text's filter (a row of packed bits), whether it might hold all of `wanted`."""
    if wanted is None:
        return np.ones(len(filters), dtype=bool)
    positions = _bloom_positions(wanted)
    bits = filters[:, positions >> 3] >> (7 - (positions & 7)).astype(np.uint8) & 1
    return np.asarray(bits.all(axis=1), dtype=bool)


def might_hold_each(filters: NDArray[np.uint8], tokens: Sequence[str]) -> list[bool]:
    """For each text's filter (token_set's second value), whether that text might hold
    every one of `tokens`."""
    return [bool(b) for b in _filters_hold(filters, entry_hashes(tokens))]


def texts_clear_of(
    texts: Sequence[bytes],
    token_set: NDArray[np.uint64],
    filters: NDArray[np.uint8] | None,
    wanted: Sequence[NDArray[np.uint64] | None],
) -> list[bytes]:
    """Of one batch's `texts`, those that cannot hold all the tokens of any entry, each
    given by its entry_hashes: by the batch's token set, then by each text's filter (a
    set stored before filters existed, None, rules out the whole batch or none of it)."""
    might = [w for w in wanted if _holds_all(token_set, w)]
    if not might:
        return list(texts)
    if filters is None:
        return []
    held = np.zeros(len(texts), dtype=bool)
    for w in might:
        held |= _filters_hold(filters, w)
    return [texts[i] for i in np.flatnonzero(~held).tolist()]
