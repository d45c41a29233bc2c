"""The ``corpus-boilerplate`` kind: lines that recur across many documents of one source.

Sites repeat their nav links, app promos and source lines in every post; no pack can list every
site, but the corpus being checked shows them: a line that appears, after normalisation (markup and
entities dropped, case folded, digits made 0, spacing collapsed — CCNet's line normalisation), in
many *different* documents of the same source is boilerplate. The map phase hashes each document's
candidate lines; the reduce counts documents per (source, line) globally.

Guards against flagging article text: identical bodies count once (a post saved twice is not a
template); only lines near the start or end of the body are candidates, since templates wrap the
article; long lines (paragraphs) and lines with almost no text are never candidates; and documents
that share most of their lines (re-crawls, near-copies) count as one article.
"""

from __future__ import annotations

import hashlib
import html
import re
import zlib
from array import array
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, NamedTuple

from newslint.document import Document
from newslint.model import Edit, Hit
from newslint.registry import CorpusDetector, Param

_TAG = re.compile(r"<[^<>\n]{0,400}>")
_ENTITY = re.compile(r"&#?\w{1,10};")
_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_TEXT_CHAR = re.compile(r"[^\W\d_]")
_URL_ONLY = re.compile(r"^<?https?://\S+>?$")


class _Summary(NamedTuple):
    """One document's candidate lines, laid out to unpickle fast and count with numpy: the reduce
    reads every summary four times. (Pickled as a plain tuple: see :meth:`CorpusBoilerplateDetector.map`.)"""

    source: str
    body: int  # 64-bit digest of the body: identical bodies count once
    keys: bytes  # uint64 per candidate line: hash of its normalised text
    spans: bytes  # int64 × 4 per line: line start and end (break included), visible text start and end
    shown: tuple[str, ...]  # the visible text of each line, for the message
    sketch: bytes  # uint32 hashes of the body's lines (sorted): near-copies of one article count once


_SKETCH_LINES = 64


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def normalise(line: str) -> str:
    text = _TAG.sub(" ", line) if "<" in line else line
    if "&" in text:
        text = html.unescape(text) if _ENTITY.search(text) else text
    return _SPACE.sub(" ", _DIGITS.sub("0", text.casefold())).strip()


class CorpusBoilerplateDetector(CorpusDetector):
    kind: ClassVar[str] = "corpus-boilerplate"
    min_documents = 3
    params: ClassVar[dict[str, Param]] = {
        "min_documents": Param(int, default=3, doc="distinct documents of one source that must share the line"),
        "min_fraction": Param(float, default=0.0, doc="…and at least this share of the source's documents"),
        "max_line_chars": Param(int, default=200, doc="longer lines are article paragraphs, never boilerplate"),
        "min_text_chars": Param(int, default=4, doc="letters/ideographs a line needs to count"),
        "edge_lines": Param(int, default=12, doc="only the first and last N non-empty body lines are candidates"),
        "source_by": Param(str, default="directory", doc="'directory' (of the file) or 'file'"),
        "same_article_overlap": Param(float, default=0.6,
                                      doc="documents sharing this share of their lines are copies of one article"),
    }

    def map(self, doc: Document) -> _Summary:
        keys: list[bytes] = []
        spans = array("q")
        shown_lines: list[str] = []
        bodies = []
        sketch: set[int] = set()
        for region in self.regions(doc):
            bodies.append(doc.text[region.start:region.end])
            candidates = []
            for match in re.finditer(r"[^\n]*(?:\n|$)", doc.text[region.start:region.end]):
                raw = match.group(0)
                if not raw.strip():
                    continue
                candidates.append((region.start + match.start(), region.start + match.end(), raw))
                if len(sketch) < _SKETCH_LINES:
                    # crc32, not hash(): stable across worker processes and runs (--index)
                    sketch.add(zlib.crc32(raw.strip().encode("utf-8", "surrogatepass")))
            edge = self.p["edge_lines"]
            if len(candidates) > 2 * edge:
                candidates = candidates[:edge] + candidates[-edge:]
            for start, end, raw in candidates:
                shown = raw.strip()
                text_start = start + len(raw) - len(raw.lstrip())
                if len(shown) > self.p["max_line_chars"]:
                    continue
                norm = normalise(shown)
                if len(_TEXT_CHAR.findall(norm)) < self.p["min_text_chars"] and not _URL_ONLY.match(norm):
                    continue
                keys.append(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest())
                spans.extend((start, end, text_start, text_start + len(shown)))
                shown_lines.append(shown)
        digest = hashlib.blake2b("\0".join(bodies).encode("utf-8", "surrogatepass"), digest_size=8).digest()
        # a plain tuple: unpickling a NamedTuple calls its class, four passes × millions of documents
        return (self._source(doc), int.from_bytes(digest, "little"), b"".join(keys), spans.tobytes(),  # type: ignore[return-value]
                tuple(shown_lines), array("I", sorted(sketch)).tobytes())

    def _distinct(self, sketches: list[bytes]) -> int:
        """How many different articles hold a line: near-copies (mostly the same lines) count once."""
        overlap = self.p["same_article_overlap"]
        kept: list[frozenset[int]] = []
        for packed in sketches:
            sketch = frozenset(array("I", packed))
            if not any(_jaccard(sketch, other) >= overlap for other in kept):
                kept.append(sketch)
        return len(kept)

    def _source(self, doc: Document) -> str:
        if doc.source is not None:
            return doc.source
        if self.p["source_by"] == "file" or doc.record is not None:
            return doc.path
        return doc.path.rsplit("/", 1)[0] if "/" in doc.path else "."

    def reduce(self, summaries: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Hit]]:
        """Four streaming passes over the spooled summaries, each keeping less than the last, each
        counting a batch of documents at a time with numpy: (1) per source, the distinct bodies, and
        a fixed-size table counting line hashes (a line in fewer than ``min_documents`` documents
        can be dropped without knowing it); (2) for the lines that pass, distinct bodies per line;
        (3) for lines held by enough bodies, the sketches of the first :data:`_EXACT_HOLDERS` of
        them, to count near-copies once; (4) the findings."""
        from newslint.dedup.minhash import _np

        np = _np()
        sources: dict[str, int] = {}
        bodies: list[list[int]] = []
        table = np.zeros(_TABLE, dtype=np.uint32)
        for batch in _batches(summaries):
            for _, summary in batch:
                source = sources.setdefault(summary[0], len(sources))
                if source == len(bodies):
                    bodies.append([])
                bodies[source].append(summary[1])
            line_ids, _ = _line_ids(np, batch, sources)
            table += np.bincount(line_ids % _TABLE, minlength=_TABLE).astype(np.uint32)
        totals = [len(set(b)) for b in bodies]
        del bodies
        floor = self.p["min_documents"]
        needed = [max(floor, self.p["min_fraction"] * total) for total in totals]

        # (2) distinct bodies of each line that passed the table
        id_parts, body_parts = [], []
        for batch in _batches(summaries):
            line_ids, owners = _line_ids(np, batch, sources)
            keep = table[line_ids % _TABLE] >= floor
            id_parts.append(line_ids[keep])
            body_parts.append(owners[keep])
        del table
        if not id_parts or not sum(len(p) for p in id_parts):
            return
        ids, owners = np.concatenate(id_parts), np.concatenate(body_parts)
        del id_parts, body_parts
        order = np.lexsort((owners, ids))
        ids, owners = ids[order], owners[order]
        first = np.ones(len(ids), dtype=bool)
        first[1:] = (ids[1:] != ids[:-1]) | (owners[1:] != owners[:-1])
        line_ids, body_counts = np.unique(ids[first], return_counts=True)
        del ids, owners, first, order
        bodies_of = dict(zip(line_ids.tolist(), body_counts.tolist(), strict=True))
        floor_ids = line_ids[body_counts >= floor]

        # (3) sketches of the first holders of each line that enough bodies hold
        held: dict[int, dict[int, bytes]] = {}
        for batch in _batches(summaries):
            for line_id, position, _ in _members(np, batch, sources, floor_ids):
                summary = batch[position][1]
                if bodies_of[line_id] < needed[sources[summary[0]]]:
                    continue
                holders = held.setdefault(line_id, {})
                if len(holders) < _EXACT_HOLDERS and summary[1] not in holders:
                    holders[summary[1]] = summary[5]
        counts: dict[int, int] = {}
        for line_id, holders in held.items():
            distinct = self._distinct(list(holders.values()))
            counts[line_id] = distinct + max(0, bodies_of[line_id] - len(holders))
        del held, bodies_of
        found = np.fromiter((k for k, c in counts.items() if c >= floor), dtype=np.uint64)
        if not len(found):
            return

        # (4) one finding per boilerplate line of each document
        names = {number: name for name, number in sources.items()}
        for batch in _batches(summaries):
            hits: list[tuple[int, Hit]] = []
            seen: set[tuple[int, int]] = set()
            for line_id, position, n in _members(np, batch, sources, found):
                index, summary = batch[position]
                source = sources[summary[0]]
                count = counts[line_id]
                if count < needed[source] or (position, line_id) in seen:
                    continue
                seen.add((position, line_id))
                start, end, text_start, text_end = array("q", summary[3][32 * n:32 * n + 32])
                hits.append((index, Hit(
                    text_start,
                    text_end,
                    {"line": summary[4][n], "count": count, "total": totals[source], "source": names[source]},
                    (Edit(start, end, ""),),
                )))
            yield from hits


# Near-copies are told apart by sketch for the first this-many distinct bodies holding a line; beyond
# them (a line in thousands of posts) every further distinct body counts, which can only overcount
# a line that is boilerplate anyway.
_EXACT_HOLDERS = 200
_TABLE = 1 << 22  # counters of the pass-1 filter (16 MB); collisions only let more lines through


_BATCH = 4096


def _batches(summaries: Iterable[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    batch: list[tuple[int, Any]] = []
    for item in summaries:
        batch.append(item)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _salt(source: int) -> int:
    return (source + 1) * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF


def _ids_of(np: Any, keys: bytes, source: int) -> Any:
    """One 64-bit id per line for (source, normalised line): the line hash mixed with the source."""
    return np.frombuffer(keys, dtype=np.uint64) ^ np.uint64(_salt(source))


def _line_ids(np: Any, batch: list[tuple[int, Any]], sources: dict[str, int]) -> tuple[Any, Any]:
    """Line ids of a batch of summaries, and the body digest of the document holding each."""
    keys = np.frombuffer(b"".join(s[2] for _, s in batch), dtype=np.uint64)
    counts = np.fromiter((len(s[2]) // 8 for _, s in batch), dtype=np.int64, count=len(batch))
    salts = np.fromiter((_salt(sources[s[0]]) for _, s in batch), dtype=np.uint64, count=len(batch))
    owners = np.fromiter((s[1] for _, s in batch), dtype=np.uint64, count=len(batch))
    return keys ^ np.repeat(salts, counts), np.repeat(owners, counts)


def _members(
    np: Any, batch: list[tuple[int, Any]], sources: dict[str, int], wanted: Any
) -> Iterator[tuple[int, int, int]]:
    """(line id, position in batch, line number in its summary) of every line of the batch whose id
    is in ``wanted``, in batch and line order."""
    line_ids, _ = _line_ids(np, batch, sources)
    hit = np.flatnonzero(np.isin(line_ids, wanted))
    if not len(hit):
        return
    counts = np.fromiter((len(s[2]) // 8 for _, s in batch), dtype=np.int64, count=len(batch))
    position = np.repeat(np.arange(len(batch)), counts)
    starts = np.cumsum(counts) - counts
    number = np.arange(len(line_ids)) - starts[position]
    yield from zip(line_ids[hit].tolist(), position[hit].tolist(), number[hit].tolist(), strict=True)
