"""LSH banding over a signature matrix, candidate pairs, and union-find clusters.

A signature of ``num_perm`` values is cut into ``bands`` bands of ``rows`` values; two documents are
candidates when they agree on every value of at least one band, which happens with probability
``1 - (1 - J**rows)**bands`` for Jaccard similarity ``J``. ``optimal_bands`` picks ``bands × rows``
for a threshold by minimising the weighted false-positive and false-negative areas under that
S-curve, the same rule as datasketch's ``MinHashLSH`` (so a benchmark at equal ``num_perm`` and
threshold compares equal banding).

Each band is reduced to one key per document (64-bit, or 32-bit in a reduce over millions), a
band's keys are sorted, and runs of equal keys are buckets. A bucket yields the pairs
(head, member) and (previous, member), which connects it while keeping the pair count linear in
its size (a bucket of thousands of boilerplate stubs must not become millions of pairs). Pairs
from all bands are de-duplicated as they come, before the (expensive) verification.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from newslint.dedup.minhash import _np, fmix64


@lru_cache(maxsize=64)
def optimal_bands(threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5) -> tuple[int, int]:
    """``(bands, rows)`` minimising weighted false positives below and false negatives above ``threshold``."""
    np = _np()
    combos = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float)
    bands, rows = combos[:, :1], combos[:, 1:]

    def area(lo: float, hi: float, positive: bool) -> Any:
        xs = np.linspace(lo, hi, 201)[None, :]
        ys = 1 - (1 - xs**rows) ** bands  # probability of becoming a candidate
        if not positive:
            ys = 1 - ys
        return ((ys[:, 1:] + ys[:, :-1]) * np.diff(xs)).sum(axis=1) / 2

    error = area(0.0, threshold, True) * fp_weight + area(threshold, 1.0, False) * fn_weight
    best = int(np.argmin(error))  # first minimum: the same tie-break as a (bands, rows) double loop
    return int(combos[best, 0]), int(combos[best, 1])


def band_keys(signatures: Any, bands: int, rows: int) -> Any:
    """``uint64[N, bands]``: one hash per band of every signature."""
    np = _np()
    n = signatures.shape[0]
    sig = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        acc = np.zeros((n, bands), dtype=np.uint64)
        for r in range(rows):
            acc = fmix64(acc ^ sig[:, :, r] ^ np.uint64((r + 1) * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF))
        acc ^= np.arange(bands, dtype=np.uint64)[None, :] * np.uint64(0xD6E8FEB86659FD93)
    return acc


def candidate_pairs(signatures: Any, bands: int, rows: int) -> Any:
    """Distinct candidate pairs ``int64[M, 2]`` (``i < j``, row indexes into ``signatures``)."""
    np = _np()
    if signatures.shape[0] < 2:
        return np.empty((0, 2), dtype=np.int64)
    return pairs_from_keys(band_keys(signatures, bands, rows))


def pairs_from_keys(keys: Any) -> Any:
    """Candidate pairs from a ``[N, bands]`` matrix of band keys (any unsigned width: a reduce over
    millions of documents keeps 32-bit keys; a chance collision only adds a pair to verify)."""
    n, bands = keys.shape
    return pairs_from_columns(lambda b: keys[:, b], n, bands)


def pairs_from_columns(column: Callable[[int], Any], n: int, bands: int, dtype: Any = None) -> Any:
    """Candidate pairs ``int64[M, 2]`` (``i < j``, sorted) from the band keys of ``n`` documents,
    ``column(b)`` giving band ``b``'s keys. Bands are taken one at a time and their pairs merged
    into the distinct set as they come, so peak memory follows the distinct pairs, not the sum over
    bands (a true duplicate collides in every band) nor an ``N × bands`` copy of the keys.
    ``dtype`` (default int64) can be a narrower integer type when ``n`` fits it."""
    np = _np()
    if n < 2:
        return np.empty((0, 2), dtype=dtype or np.int64)
    merged = np.empty(0, dtype=np.int64)  # distinct pair codes i * n + j, ascending
    for b in range(bands):
        codes = _band_codes(np, column(b), n)
        if codes is None:
            continue
        # insert the codes not seen yet into the sorted set: one copy of it, no re-sort
        at = np.searchsorted(merged, codes)
        seen = at < len(merged)
        seen[seen] = merged[at[seen]] == codes[seen]
        merged = np.insert(merged, at[~seen], codes[~seen])
    # pairs built in slices: int64 temporaries stay small (the result may be millions of rows)
    pairs = np.empty((len(merged), 2), dtype=dtype or np.int64)
    for start in range(0, len(merged), 1 << 20):
        part = merged[start:start + (1 << 20)]
        pairs[start:start + len(part), 0] = part // n
        pairs[start:start + len(part), 1] = part % n
    return pairs


def _band_codes(np: Any, column: Any, n: int) -> Any:
    """Pair codes ``i * n + j`` (``i < j``) of one band: each bucket member with the one before it
    and with the bucket's head; None when no two documents share a key."""
    order = np.argsort(column, kind="stable")
    ordered = column[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return None
    # position of each bucket's head, carried forward over its members
    head_flag = np.ones(n, dtype=bool)
    head_flag[1:] = ~same
    head_pos = np.maximum.accumulate(np.where(head_flag, np.arange(n), 0))
    members = np.flatnonzero(~head_flag)
    this = order[members].astype(np.int64)
    parts = [order[members - 1].astype(np.int64)]
    not_adjacent = head_pos[members] != members - 1
    if not_adjacent.any():
        parts.append(order[head_pos[members[not_adjacent]]].astype(np.int64))
        this = np.concatenate([this, this[not_adjacent]])
    other = np.concatenate(parts)
    low, high = np.minimum(other, this), np.maximum(other, this)
    return np.unique(low * n + high)


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True

    def groups(self) -> dict[int, list[int]]:
        """Root → members (ascending) for every set of two or more."""
        out: dict[int, list[int]] = {}
        for x in range(len(self.parent)):
            out.setdefault(self.find(x), []).append(x)
        return {root: members for root, members in out.items() if len(members) > 1}
