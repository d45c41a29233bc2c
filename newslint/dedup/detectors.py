"""Corpus-scope duplicate checks: ``exact-duplicate`` (NL501) and ``near-duplicate`` (NL502).

Both are :class:`~newslint.registry.CorpusDetector` kinds. ``map`` runs per document (in parallel,
later on another engine) and returns a small picklable :class:`DocSummary`: where the document is
(path, record, start of body), a digest of its canonical body, and for near-duplicates its MinHash
signature and canonical text. ``reduce`` sees all summaries of the run at once.

* exact: documents whose canonical bodies (:mod:`newslint.dedup.normalize`) have the same digest
  form a group; every copy but the kept one is reported.
* near: identical bodies are collapsed to one node, LSH banding over the node signatures proposes
  candidate pairs, each candidate is verified with rapidfuzz on the canonical texts (so a band
  collision is never reported on its own), and the verified graph's connected components are the
  clusters (A≈B, B≈C → one cluster even when A and C are further apart). Every member whose
  body differs from the kept one is reported with its similarity to it; copies identical to the
  kept one are left to NL501.

The kept representative is the first document of the run (``keep: first``) or the one with the
longest canonical body (``keep: longest``, "the most complete"), ties going to the first.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from newslint.model import Hit
from newslint.registry import CheckSpec, CorpusDetector, PackError, Param

# The normalisation and the pattern compiler are imported where a check is built or a document
# mapped: reading a cached summary (``DocSummary``, a ``datafile`` record) must not pull them in.
if TYPE_CHECKING:
    from newslint.dedup.normalize import Boilerplate
    from newslint.document import Document

_KEEP = ("first", "longest")
_VERIFY = ("ratio", "token-set", "none")


class DocSummary(NamedTuple):
    """What ``map`` keeps of a document: location, body digest, and (near only) signature and text."""

    path: str
    record: int | None
    start: int  # offset of the first non-blank character of the body (where the finding points)
    end: int  # end of that line
    digest: bytes | None  # None: body too short to compare
    length: int  # code points of the canonical body
    signature: bytes | None = None  # uint32[num_perm] as raw bytes (near only)
    text: str | None = None  # canonical body (near only; what verification compares)


def _anchor(doc: Document, body: str, offset: int) -> tuple[int, int]:
    stripped = len(body) - len(body.lstrip())
    start = offset + min(stripped, len(body))
    newline = doc.text.find("\n", start, offset + len(body))
    end = newline if newline != -1 else offset + len(body)
    if end > start and doc.text[end - 1] == "\r":
        end -= 1
    return start, max(start, end)


def _where(summary: DocSummary) -> str:
    return summary.path if summary.record is None else f"{summary.path}:record {summary.record}"


def _digest(canon: str) -> bytes:
    import hashlib

    return hashlib.blake2b(canon.encode("utf-8", "surrogatepass"), digest_size=16).digest()


_PAIR_CHUNK = 1 << 16  # candidate pairs turned into Python ints at a time


class _Texts:
    """Canonical texts of candidate nodes in a temporary file, read back by offset (each a few
    times): the reduce keeps 12 bytes a node, the operating system's page cache the rest. Stored as
    plain UTF-8: compressing and decompressing them was a third of the reduce's time."""

    def __init__(self, nodes: int) -> None:
        import tempfile

        from newslint.dedup.minhash import _np

        np = _np()
        self._file = tempfile.TemporaryFile(prefix="newslint-near-")  # noqa: SIM115 (closed by close())
        self._offset = np.zeros(nodes, dtype=np.int64)
        self._size = np.zeros(nodes, dtype=np.int32)
        self._end = 0
        self._last: dict[int, str] = {}
        self._reading = False

    def add(self, node: int, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._file.write(data)
        self._offset[node] = self._end
        self._size[node] = len(data)
        self._end += len(data)

    def __getitem__(self, node: int) -> str:
        text = self._last.get(node)
        if text is None:
            if not self._reading:
                self._file.flush()
                self._reading = True
            if len(self._last) >= 64:
                self._last.clear()
            data = os.pread(self._file.fileno(), int(self._size[node]), int(self._offset[node]))
            text = self._last[node] = data.decode("utf-8", "surrogatepass")
        return text

    def close(self) -> None:
        self._file.close()


class _Located:
    """Where each candidate document is (path, record, body span, length) in flat arrays: a tuple of
    Python objects per document would cost ~250 bytes, these ~40."""

    def __init__(self, size: int) -> None:
        from newslint.dedup.minhash import _np

        np = _np()
        self._numbers = np.zeros((size, 4), dtype=np.int64)  # start, end, length, record (-1: none)
        self._path_of = np.zeros(size, dtype=np.int32)
        self._paths: dict[str, int] = {}
        self._path_list: list[str] = []

    def add(self, position: int, summary: DocSummary) -> None:
        path_id = self._paths.get(summary.path)
        if path_id is None:
            path_id = self._paths[summary.path] = len(self._path_list)
            self._path_list.append(summary.path)
        record = -1 if summary.record is None else summary.record
        self._numbers[position] = (summary.start, summary.end, summary.length, record)
        self._path_of[position] = path_id

    def __getitem__(self, position: int) -> DocSummary:
        start, end, length, record = self._numbers[position].tolist()
        path = self._path_list[int(self._path_of[position])]
        return DocSummary(path, None if record < 0 else record, start, end, None, length)


def _clusters(uf: Any, item_node: Any, positions: Any, np: Any) -> Iterator[list[int]]:
    """Positions grouped by their node's cluster, clusters of two or more only, each ascending and
    in the order of their first member (without a list per singleton: most documents are one)."""
    roots = np.fromiter((uf.find(node) for node in item_node[positions].tolist()), dtype=np.int64,
                        count=len(positions))
    order = np.argsort(roots, kind="stable")  # positions ascend within a root
    ordered = roots[order]
    cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(ordered)]))
    big = np.flatnonzero(ends - starts >= 2)
    first = positions[order[starts[big]]]
    for k in np.argsort(first, kind="stable").tolist():
        group = big[k]
        yield positions[order[starts[group]:ends[group]]].tolist()


def _choose(members: list[int], summaries: Any, keep: str) -> int:
    """The kept member: the first, or the longest body (ties to the first)."""
    if keep == "longest":
        return min(members, key=lambda m: (-summaries[m].length, m))
    return min(members)


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _kept_args(kept: DocSummary) -> dict[str, object]:
    return {"kept": _where(kept), "kept_path": kept.path, "kept_record": kept.record}


# The runner maps one document through NL501 then NL502: the second reuses the first's canonical
# text (one slot, keyed by the text object itself, which the slot keeps alive).
_LAST: dict[str, Any] = {}

_COMMON_PARAMS: dict[str, Param] = {
    "keep": Param(str, default="first", doc="which copy is kept: 'first' (run order) or 'longest' body"),
    "min_length": Param(int, default=20, doc="bodies shorter than this (canonical code points) are skipped"),
    "boilerplate": Param(
        list, default=None, doc="regexes matched at line start; matching lines are dropped before hashing"
    ),
    "boilerplate_phrases": Param(list, default=None, doc="literal phrases; a line holding one is dropped"),
}


class _DedupBase(CorpusDetector):
    min_documents = 2
    hit_applicability = None  # (the check's ``fix:`` decides: NL501 drops records, NL502 has no fix)

    def __init__(self, check: CheckSpec) -> None:
        from newslint.dedup.normalize import compile_boilerplate
        from newslint.detectors.pattern import compile_generated, compile_pattern

        super().__init__(check)
        if self.p["keep"] not in _KEEP:
            raise PackError(f"keep must be one of {', '.join(_KEEP)}")
        if self.p["min_length"] < 1:
            raise PackError("min_length must be at least 1")
        patterns, phrases = self.p["boilerplate"], self.p["boilerplate_phrases"]
        for name, value in (("boilerplate", patterns), ("boilerplate_phrases", phrases)):
            if value is not None and not all(isinstance(x, str) and x for x in value):
                raise PackError(f"{name} must be a list of non-empty strings")
        for pattern in patterns or ():
            try:
                compile_pattern(pattern)  # what a pack pattern may be (PackError says what is wrong)
            except PackError as exc:
                raise PackError(f"boilerplate: {exc}") from None
        try:
            # a user pack's patterns are time-limited like any pack pattern (the runner catches the
            # PatternTimeout of a document's map); the shipped defaults run on re
            self.boilerplate: Boilerplate = compile_boilerplate(patterns, phrases, compile_generated)
        except re.error as exc:
            raise PackError(f"boilerplate: invalid regex: {exc}") from None

    def _canonical(self, doc: Document) -> tuple[str, int, int]:
        rules = self.boilerplate.key
        cached = _LAST.get("entry")
        if cached is not None and cached[0] is doc.text and cached[1] == rules:
            return cached[2]
        from newslint.dedup.normalize import body_text, normalize

        body, offset = body_text(doc)
        start, end = _anchor(doc, body, offset)
        result = (normalize(body, self.boilerplate), start, end)
        _LAST["entry"] = (doc.text, rules, result)
        return result


class ExactDuplicateDetector(_DedupBase):
    """NL501: the same body after normalisation."""

    kind: ClassVar[str] = "exact-duplicate"
    params: ClassVar[dict[str, Param]] = dict(_COMMON_PARAMS)

    def map(self, doc: Document) -> DocSummary:
        canon, start, end = self._canonical(doc)
        digest = _digest(canon) if len(canon) >= self.p["min_length"] else None
        return DocSummary(doc.path, doc.record, start, end, digest, len(canon))

    def partition_key(self, summary: DocSummary | None) -> bytes | None:
        """The reduce compares only summaries with the same digest (None: never reported), so an
        executor may hash-partition the stream by this key and reduce each partition on its own:
        the hits are the same (``newslint.ray_engine.keyed_reduce``: a Ray Data group-by stage)."""
        return summary.digest if summary is not None else None

    def reduce(self, summaries: Iterable[tuple[int, DocSummary]]) -> Iterator[tuple[int, Hit]]:
        # Two passes over the (re-iterable, spooled) summaries: 8 bytes of digest per document find
        # the digests held more than once; only those documents' summaries are then kept.
        from newslint.dedup.minhash import _np

        np = _np()
        indexes, prefixes = array("q"), array("Q")
        for index, summary in summaries:
            if summary is not None and summary.digest is not None:
                indexes.append(index)
                prefixes.append(int.from_bytes(summary.digest[:8], "little"))
        if len(prefixes) < 2:
            return
        _, inverse, counts = np.unique(np.frombuffer(prefixes, dtype=np.uint64), return_inverse=True,
                                       return_counts=True)
        wanted = set(np.frombuffer(indexes, dtype=np.int64)[counts[inverse.ravel()] >= 2].tolist())
        # sorted by document index: "first" means first in the run, whatever order the map finished in
        items = sorted(((i, s) for i, s in summaries if i in wanted and s is not None), key=_first)
        groups: dict[bytes, list[int]] = {}
        for position, (_, summary) in enumerate(items):
            groups.setdefault(summary.digest, []).append(position)  # type: ignore[arg-type]
        plain = [s for _, s in items]
        out: list[tuple[int, Hit]] = []
        for members in groups.values():
            if len(members) < 2:
                continue
            kept = _choose(members, plain, self.p["keep"])
            args = _kept_args(plain[kept])
            args["copies"] = len(members)
            for member in members:
                if member != kept:
                    s = plain[member]
                    # A JSONL record can be dropped (the fixer keeps it in a sidecar); files only reported.
                    out.append((items[member][0], Hit(s.start, s.end, dict(args), drop_record=s.record is not None)))
        out.sort(key=lambda pair: pair[0])
        yield from out


class NearDuplicateDetector(_DedupBase):
    """NL502: mostly the same body (MinHash + LSH candidates, rapidfuzz-verified, clustered)."""

    kind: ClassVar[str] = "near-duplicate"
    # most of a summary's bytes are its canonical text, read again only for candidate pairs
    reduce_bytes_weight: ClassVar[float] = 0.25
    params: ClassVar[dict[str, Param]] = {
        **_COMMON_PARAMS,
        "num_perm": Param(int, default=128, doc="signature length (MinHash bins)"),
        "threshold": Param((int, float), default=0.4, doc="Jaccard similarity the LSH banding is tuned for"),
        "bands": Param(int, default=0, doc="LSH bands; 0 = chosen from threshold and num_perm"),
        "rows": Param(int, default=0, doc="LSH rows per band; 0 = chosen from threshold and num_perm"),
        "cjk_ngram": Param(int, default=4, doc="shingle size in characters for CJK text"),
        "word_ngram": Param(int, default=3, doc="shingle size in words for Latin text"),
        "verify": Param(str, default="ratio", doc="'ratio', 'token-set' (rapidfuzz) or 'none' (signature only)"),
        "verify_threshold": Param((int, float), default=0.8, doc="minimum verified similarity, 0..1"),
        "seed": Param(int, default=1, doc="hash seed (signatures in an index must share it)"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        p = self.p
        if not 8 <= p["num_perm"] <= 4096:
            raise PackError("num_perm must be between 8 and 4096")
        if not 0 < p["threshold"] <= 1 or not 0 < p["verify_threshold"] <= 1:
            raise PackError("threshold and verify_threshold must be in (0, 1]")
        if p["verify"] not in _VERIFY:
            raise PackError(f"verify must be one of {', '.join(_VERIFY)}")
        if p["cjk_ngram"] < 1 or p["word_ngram"] < 1:
            raise PackError("cjk_ngram and word_ngram must be at least 1")
        if (p["bands"] > 0) != (p["rows"] > 0):
            raise PackError("give both bands and rows, or neither")
        if p["bands"] * p["rows"] > p["num_perm"]:
            raise PackError("bands × rows must not exceed num_perm")

    def banding(self) -> tuple[int, int]:
        if self.p["bands"] > 0:
            return self.p["bands"], self.p["rows"]
        from newslint.dedup.lsh import optimal_bands

        return optimal_bands(float(self.p["threshold"]), self.p["num_perm"])

    def map(self, doc: Document) -> DocSummary:
        return self.map_finish([self.map_start(doc)])[0]

    def map_start(self, doc: Document) -> DocSummary:
        """The summary without its signature (the canonical text, shared with NL501, is what reads
        the document); :meth:`map_finish` signs a whole batch of documents at once."""
        canon, start, end = self._canonical(doc)
        if len(canon) < self.p["min_length"]:
            return DocSummary(doc.path, doc.record, start, end, None, len(canon))
        return DocSummary(doc.path, doc.record, start, end, _digest(canon), len(canon), None, canon)

    def map_finish(self, started: list[DocSummary]) -> list[DocSummary]:
        from newslint.dedup.minhash import text_signatures

        p = self.p
        signed = [s.text for s in started if s.text is not None]
        sigs = iter(text_signatures(signed, p["num_perm"], p["cjk_ngram"], p["word_ngram"], p["seed"]))
        out = []
        for summary in started:
            if summary.text is not None:
                sig = next(sigs)
                summary = DocSummary(*summary[:6], None if sig is None else sig.tobytes(), summary.text)
            out.append(summary)
        return out

    def _scorer(self) -> Any:
        from rapidfuzz import fuzz

        return fuzz.token_set_ratio if self.p["verify"] == "token-set" else fuzz.ratio

    def reduce(self, summaries: Iterable[tuple[int, DocSummary]]) -> Iterator[tuple[int, Hit]]:
        """Two passes over the spooled summaries. The first keeps 32-bit band keys and a digest
        prefix of every document (~140 bytes each); the second, for documents whose body is part
        of a candidate pair only, their location in flat arrays and their canonical text in a
        temporary file (read back by offset). Memory follows the document count,
        never the corpus text."""
        from newslint.dedup.lsh import UnionFind, band_keys, pairs_from_columns
        from newslint.dedup.minhash import _np

        np = _np()
        k = self.p["num_perm"]
        bands, rows = self.banding()
        indexes, prefixes = array("q"), array("Q")
        key_parts: list[Any] = []
        pending: list[bytes] = []

        def flush() -> None:
            if pending:
                sigs = np.frombuffer(b"".join(pending), dtype=np.uint32).reshape(-1, k)
                key_parts.append(band_keys(sigs, bands, rows).astype(np.uint32))
                pending.clear()

        for index, summary in summaries:
            if summary is None or summary.signature is None:
                continue
            if len(summary.signature) != 4 * k:
                raise ValueError(
                    f"{self.check.code}: signatures of another num_perm (an index built with other params?)"
                )
            indexes.append(index)
            prefixes.append(int.from_bytes(summary.digest[:8], "little"))  # type: ignore[index]
            pending.append(summary.signature)
            if len(pending) >= 4096:
                flush()
        flush()
        if len(indexes) < 2:
            return
        # positions in document order ("first" means first in the run)
        order = np.argsort(np.frombuffer(indexes, dtype=np.int64), kind="stable")
        doc_of = np.frombuffer(indexes, dtype=np.int64)[order]
        digests = np.frombuffer(prefixes, dtype=np.uint64)[order]
        del indexes, prefixes
        # identical bodies are one node (numbered by first appearance): NL501 reports those copies
        _, first_pos, inverse = np.unique(digests, return_index=True, return_inverse=True)
        del digests
        rank = np.empty(len(first_pos), dtype=np.int64)
        node_order = np.argsort(first_pos, kind="stable")
        rank[node_order] = np.arange(len(first_pos))
        item_node = rank[inverse.ravel()]
        node_first = first_pos[node_order]
        del rank, node_order, inverse, first_pos
        if len(node_first) < 2:
            return
        # the arrival row of each node's first document: band b of the nodes, without an N × bands copy
        node_row = order[node_first]
        del order

        def column(b: int) -> Any:
            return np.concatenate([part[:, b] for part in key_parts])[node_row]

        # int32 node numbers where they fit: half the memory of millions of pairs
        pairs = pairs_from_columns(column, len(node_first), bands, np.int32 if len(node_first) < 2**31 else None)
        key_parts.clear()
        if not len(pairs):
            return
        candidate = np.zeros(len(node_first), dtype=bool)
        candidate[pairs.ravel()] = True
        wanted_items = candidate[item_node]
        del candidate
        # document index -> position, for wanted documents only (-1: not a candidate)
        position_of = np.full(int(doc_of[-1]) + 1, -1, dtype=np.int64)
        wanted_positions = np.flatnonzero(wanted_items)
        position_of[doc_of[wanted_positions]] = wanted_positions
        verify = self.p["verify"]
        located = _Located(len(doc_of))
        texts = _Texts(len(node_first))
        sigs_of: dict[int, Any] = {}
        for index, summary in summaries:
            if summary is None or index >= len(position_of):
                continue
            position = int(position_of[index])
            if position < 0:
                continue
            located.add(position, summary)
            node = int(item_node[position])
            if node_first[node] == position:
                texts.add(node, summary.text or "")
                if verify == "none":
                    sigs_of[node] = np.frombuffer(summary.signature, dtype=np.uint32)  # type: ignore[arg-type]
        del position_of
        uf = UnionFind(len(node_first))
        threshold = float(self.p["verify_threshold"])
        scorer = None if verify == "none" else self._scorer()
        verified: dict[tuple[int, int], float] = {}  # one per union: at most one per node
        for chunk_start in range(0, len(pairs), _PAIR_CHUNK):
            for a, b in pairs[chunk_start:chunk_start + _PAIR_CHUNK].tolist():
                if uf.find(a) == uf.find(b):
                    continue  # already one cluster: this pair cannot change the components
                score = self._similar(a, b, texts, sigs_of, scorer, threshold)
                if score is not None:
                    verified[(a, b)] = score
                    uf.union(a, b)
        del pairs
        out: list[tuple[int, Hit]] = []
        for members in _clusters(uf, item_node, wanted_positions, np):
            light = {member: located[member] for member in members}
            kept = _choose(members, light, self.p["keep"])
            kept_node = int(item_node[kept])
            args = _kept_args(light[kept])
            scores: dict[int, float] = {}
            for member in members:
                node = int(item_node[member])
                if node == kept_node:
                    continue
                if node not in scores:
                    pair = (node, kept_node) if node < kept_node else (kept_node, node)
                    known = verified.get(pair)
                    scores[node] = known if known is not None else self._similarity(*pair, texts, sigs_of, scorer)
                s = light[member]
                hit_args = dict(args, similarity=f"{scores[node]:.2f}", cluster_size=len(members))
                out.append((int(doc_of[member]), Hit(s.start, s.end, hit_args)))
        texts.close()
        out.sort(key=lambda pair: pair[0])
        yield from out

    @staticmethod
    def _similarity(a: int, b: int, texts: _Texts, sigs: Any, scorer: Any) -> float:
        if scorer is None:
            return float((sigs[a] == sigs[b]).mean())
        return scorer(texts[a], texts[b]) / 100.0

    def _similar(self, a: int, b: int, texts: _Texts, sigs: Any, scorer: Any, threshold: float) -> float | None:
        """The pair's similarity when it reaches ``threshold``, else None."""
        if scorer is None:
            estimate = float((sigs[a] == sigs[b]).mean())
            return estimate if estimate >= threshold else None
        ta, tb = texts[a], texts[b]
        la, lb = len(ta), len(tb)
        if self.p["verify"] == "ratio" and 2 * min(la, lb) < threshold * (la + lb):
            return None  # the ratio can never reach the threshold with such different lengths
        score = scorer(ta, tb, score_cutoff=threshold * 100)
        return score / 100.0 if score >= threshold * 100 else None
