"""Shingles and MinHash signatures, vectorised with numpy.

**Shingles.** A canonical text (see :mod:`newslint.dedup.normalize`) is cut into *units*. A mostly
CJK text has no spaces once canonical, and its units are its characters: it is shingled into
``cjk_ngram`` consecutive characters. Other text keeps one space between words, its units are the
words, and it is shingled into ``word_ngram`` consecutive words. Chinese is never split on ``\\W``:
that turns two sentences into five "tokens" and makes unrelated short articles look alike.

Everything runs on arrays: the text becomes a code-point array (``utf-32``), words are hashed with
a polynomial hash read off prefix sums (``uint64`` arithmetic wraps, so no Python loop is needed),
and n-grams are combined the same way.
The hashes are deterministic across processes and runs (no ``hash()``, which is salted), so
signatures can be computed in parallel workers and stored in an index.

**Signature.** Classic MinHash applies ``num_perm`` hash functions to every shingle (``O(n·k)``).
We use *one-permutation hashing* with optimal densification (Shrivastava, ICML 2017): each shingle
hash picks one of ``num_perm`` bins with its high bits and competes for that bin's minimum with
its low bits (``O(n)``); empty bins (short texts) borrow the value of a bin chosen by a fixed
pseudo-random probe sequence, which keeps ``P[sig_a[i] == sig_b[i]] ≈ Jaccard(a, b)`` so LSH
banding works unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_GOLD = 0x9E3779B97F4A7C15
_UNIT_BASE = 0x100000001B3  # odd, so powers never collapse to zero modulo 2**64
_GRAM_BASE = 0xC2B2AE3D27D4EB4F
_EMPTY = 0xFFFFFFFF
_PROBES = 64


def _np() -> Any:
    import numpy

    return numpy


def fmix64(x: Any) -> Any:
    """splitmix64 finaliser on a uint64 array (wrapping arithmetic); returns a new array."""
    np = _np()
    _, _, s30, s27, s31 = _consts()
    x = x ^ (x >> s30)
    x *= np.uint64(_M1)
    x ^= x >> s27
    x *= np.uint64(_M2)
    x ^= x >> s31
    return x


def _powers(base: int, count: int) -> Any:
    np = _np()
    out = np.empty(count, dtype=np.uint64)
    out[0] = 1
    if count > 1:
        out[1:] = np.uint64(base)
        out = np.cumprod(out, dtype=np.uint64)
    return out


@lru_cache(maxsize=1)
def _consts() -> Any:
    np = _np()
    return np.uint64(_GOLD), np.uint64(_GRAM_BASE), np.uint64(30), np.uint64(27), np.uint64(31)


def unit_hashes(canon: str) -> tuple[Any, bool]:
    """Hashes of the units of a canonical text, in order, and whether they are characters.

    A canonical text without spaces is CJK (see :func:`~newslint.dedup.normalize.canonical`): its
    units are its characters. Otherwise units are the space-separated words, and a word's hash
    ``sum((cp + G) * B**i)`` is read off prefix sums of the whole text (``uint64`` wraps, and
    ``B`` is odd so ``B**-s`` exists modulo ``2**64``): a handful of array operations in all.
    """
    np = _np()
    cp = np.frombuffer(canon.encode("utf-32-le"), dtype=np.uint32)
    if " " not in canon:
        return cp.astype(np.uint64) + _consts()[0], True
    return _word_hashes(cp)[0], False


def _word_hashes(cp: Any) -> tuple[Any, Any]:
    """The hashes of the space-separated words of a code-point array and where each starts. A word's
    hash does not depend on where it is, so the words of texts joined by spaces are theirs."""
    np = _np()
    n = cp.size
    space = cp == 32
    start = ~space
    start[1:] &= space[:-1]
    starts = np.flatnonzero(start)
    if not starts.size:
        return np.empty(0, dtype=np.uint64), starts
    powers, inverse = _power_tables(n + 1)
    contrib = (cp.astype(np.uint64) + _consts()[0]) * powers[:n]
    contrib[space] = 0
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(contrib, out=prefix[1:])
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = n
    return (prefix[ends] - prefix[starts]) * inverse[starts], starts


_POWER_CACHE: list[Any] = []


def _power_tables(count: int) -> tuple[Any, Any]:
    """``B**i`` and ``B**-i`` modulo ``2**64`` for ``i < count`` (grown by doubling, kept)."""
    if not _POWER_CACHE or _POWER_CACHE[0].size < count:
        size = max(4096, 1 << (count - 1).bit_length())
        inverse_base = pow(_UNIT_BASE, -1, 1 << 64)
        _POWER_CACHE[:] = [_powers(_UNIT_BASE, size), _powers(inverse_base, size)]
    return _POWER_CACHE[0], _POWER_CACHE[1]


def shingle_hashes(canon: str, cjk_ngram: int = 4, word_ngram: int = 3) -> Any:
    """64-bit hashes of the unit n-grams of ``canon`` (n by the text's dominant script).

    Not mixed: :func:`signature` applies a finaliser with its seed anyway.
    """
    units, chars = unit_hashes(canon)
    return _grams(units, cjk_ngram if chars else word_ngram)


def _grams(units: Any, n: int) -> Any:
    """The hashes of the n-grams of a unit sequence (one n-gram of all of them when fewer than n)."""
    m = units.size
    if m == 0:
        return units
    n = max(1, min(n, m))
    count = m - n + 1
    base = _consts()[1]
    acc = units[:count].copy()
    for k in range(1, n):
        acc *= base
        acc += units[k : k + count]
    return acc


@lru_cache(maxsize=16)
def _probe_table(num_perm: int, seed: int) -> Any:
    """Donor bins for densification: row ``a`` is the ``a``-th probe of every bin (same for all docs)."""
    np = _np()
    j = np.arange(num_perm, dtype=np.uint64)[None, :]
    a = np.arange(1, _PROBES + 1, dtype=np.uint64)[:, None]
    h = fmix64(j * np.uint64(_GOLD) + a * np.uint64(_M1) + np.uint64(seed))
    return (h % np.uint64(num_perm)).astype(np.intp)


@lru_cache(maxsize=64)
def _seed_consts(num_perm: int, seed: int) -> tuple[Any, Any, Any, Any]:
    np = _np()
    shift = 64 - (num_perm.bit_length() - 1) if num_perm & (num_perm - 1) == 0 else 0
    return np.uint64(fmix64(np.array([seed], dtype=np.uint64))[0]), np.uint64(shift), np.uint64(_M1), np.uint64(_M2)


def signature(shingles: Any, num_perm: int = 128, seed: int = 1) -> Any:
    """One-permutation MinHash signature (``uint32[num_perm]``), or None without shingles."""
    if shingles.size == 0:
        return None
    return signatures(shingles, None, 1, num_perm, seed)[0]


def signatures(shingles: Any, owners: Any, count: int, num_perm: int = 128, seed: int = 1) -> Any:
    """``uint32[count, num_perm]``: the signature of each of ``count`` documents, ``owners`` naming
    the document of each shingle hash (None: all are the first's; a row without shingles stays all empty).

    Each shingle hash is re-mixed with the seed (multiply, xor-shift, multiply: the top bits pick
    the bin, the low 32 bits are the value), the per-bin minimum of every document is one
    ``minimum.at`` over ``document × bin``, and empty bins are densified from donor bins along the
    fixed probe sequence.
    """
    np = _np()
    seed_mix, shift, m1, m2 = _seed_consts(num_perm, seed)
    h = shingles ^ seed_mix
    h *= m1
    h ^= h >> np.uint64(32)
    h *= m2
    if shift:
        bins = (h >> shift).astype(np.intp)
    else:
        bins = (((h >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)).astype(np.intp)
    sig = np.full(count * num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(sig, bins if owners is None else owners * num_perm + bins, h.astype(np.uint32))
    return _densify(sig.reshape(count, num_perm), num_perm, seed)


_PROBE_BLOCK = 8  # probes looked at together: most empty bins find a filled donor in the first few


def _densify(sig: Any, num_perm: int, seed: int) -> Any:
    """Empty bins of the rows that have some filled ones take the value of the first filled donor
    along their probe sequence (the row's minimum when none of its probes is filled). Probes are
    looked at a block at a time for every bin still empty, in the flat array (``row * num_perm + bin``)."""
    np = _np()
    filled = sig != _EMPTY
    rows = np.flatnonzero(filled.any(axis=1) & ~filled.all(axis=1))
    if not rows.size:
        return sig
    row, empty = np.nonzero(~filled[rows])
    base = rows[row] * num_perm
    table = _probe_table(num_perm, seed)
    flat, filled_flat = sig.ravel(), filled.ravel()
    out = sig.copy()
    out_flat = out.ravel()
    for start in range(0, _PROBES, _PROBE_BLOCK):
        donors = table[start:start + _PROBE_BLOCK, empty] + base  # [probe, empty bin]
        ok = filled_flat[donors]
        first = ok.argmax(axis=0)
        across = np.arange(empty.size)
        done = ok[first, across]
        out_flat[(base + empty)[done]] = flat[donors[first[done], across[done]]]
        base, empty = base[~done], empty[~done]
        if not empty.size:
            return out
    # no filled donor: an empty bin holds the largest value, so a row's minimum is its filled minimum
    out_flat[base + empty] = sig.min(axis=1)[base // num_perm]
    return out


def jaccard_estimate(a: Any, b: Any) -> float:
    """Share of equal signature positions: an estimate of the Jaccard similarity of the shingle sets."""
    return float((a == b).mean())


def text_signature(canon: str, num_perm: int = 128, cjk_ngram: int = 4, word_ngram: int = 3, seed: int = 1) -> Any:
    """Signature of a canonical text in one call (None for an empty text)."""
    return signature(shingle_hashes(canon, cjk_ngram, word_ngram), num_perm, seed)


_BATCH_UNITS = 1 << 18  # code points shingled together: the arrays stay a few MB


def text_signatures(canons: list[str], num_perm: int = 128, cjk_ngram: int = 4, word_ngram: int = 3,
                    seed: int = 1) -> list[Any]:
    """:func:`text_signature` of every text, computed for batches of texts at once: a document's
    share of numpy's per-call cost was most of its signature."""
    if len(canons) == 1:  # (one document's map: the batch's bookkeeping would cost more than it saves)
        return [text_signature(canons[0], num_perm, cjk_ngram, word_ngram, seed)]
    out: list[Any] = []
    start, size = 0, 0
    for end, canon in enumerate(canons, 1):
        size += len(canon)
        if size >= _BATCH_UNITS or end == len(canons):
            out.extend(_signature_batch(canons[start:end], num_perm, cjk_ngram, word_ngram, seed))
            start, size = end, 0
    return out


def _signature_batch(canons: list[str], num_perm: int, cjk_ngram: int, word_ngram: int, seed: int) -> list[Any]:
    """The signatures of a batch: CJK texts joined as they are, the others with spaces (their units
    are the same as alone), shingled together, then one :func:`signatures` call for all."""
    np = _np()
    hash_parts, owner_parts = [], []
    for spaced, n in ((False, cjk_ngram), (True, word_ngram)):
        members = [k for k, canon in enumerate(canons) if (" " in canon) == spaced]
        if not members:
            continue
        texts = [canons[k] for k in members]
        joined = (" " if spaced else "").join(texts)
        cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        if spaced:
            units, starts = _word_hashes(cp)
            bounds = np.searchsorted(starts, np.cumsum(lengths + 1) - lengths - 1)
            counts = np.diff(np.append(bounds, units.size))
        else:
            units, counts = cp.astype(np.uint64) + _consts()[0], lengths
        grams, owners = _batch_grams(units, counts, n)
        hash_parts.append(grams)
        owner_parts.append(np.asarray(members, dtype=np.intp)[owners])
    if not any(part.size for part in hash_parts):
        return [None] * len(canons)
    sigs = signatures(np.concatenate(hash_parts), np.concatenate(owner_parts), len(canons), num_perm, seed)
    has = np.zeros(len(canons), dtype=bool)
    for owners in owner_parts:
        has[owners] = True
    return [sigs[k] if has[k] else None for k in range(len(canons))]


def _batch_grams(units: Any, counts: Any, n: int) -> tuple[Any, Any]:
    """The n-gram hashes of consecutive unit sequences of ``counts`` units each, and the number of
    the sequence each came from: the n-grams of the whole concatenation that lie inside one
    sequence, and for a sequence shorter than n its one n-gram of all its units."""
    np = _np()
    ends = np.cumsum(counts)
    offsets = ends - counts
    parts, owners = [], []
    if (counts >= n).any():
        grams = _grams(units, n)
        doc_of = np.repeat(np.arange(len(counts)), counts)[: grams.size]
        inside = np.flatnonzero(np.arange(grams.size) + n <= ends[doc_of])
        parts.append(grams[inside])
        owners.append(doc_of[inside])
    for k in np.flatnonzero((counts > 0) & (counts < n)).tolist():
        parts.append(_grams(units[offsets[k]:ends[k]], n))
        owners.append(np.full(1, k, dtype=np.int64))
    if not parts:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    return np.concatenate(parts), np.concatenate(owners)
