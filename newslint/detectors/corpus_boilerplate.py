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


class _Line(NamedTuple):
    key: bytes
    start: int  # the line, break included, so a fix removes it whole
    end: int
    text_start: int  # the visible text, for the finding's span
    text_end: int
    shown: str


class _Summary(NamedTuple):
    source: str
    body_digest: bytes
    lines: tuple[_Line, ...]
    sketch: bytes  # uint32 hashes of the body's lines (packed): near-copies of one article count once


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
        lines: list[_Line] = []
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
                key = hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest()
                lines.append(_Line(key, start, end, text_start, text_start + len(shown), shown))
        digest = hashlib.blake2b("\0".join(bodies).encode("utf-8", "surrogatepass"), digest_size=12).digest()
        return _Summary(self._source(doc), digest, tuple(lines), array("I", sorted(sketch)).tobytes())

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
        """Four streaming passes over the spooled summaries, each keeping less than the last:
        (1) per source, the distinct bodies, and a fixed-size table counting line hashes (a line in
        fewer than ``min_documents`` documents can be dropped without knowing it); (2) for the lines
        that pass, distinct bodies per line; (3) for lines held by enough bodies, the sketches of the
        first :data:`_EXACT_HOLDERS` of them, to count near-copies once; (4) the findings."""
        from newslint.dedup.minhash import _np

        np = _np()
        sources: dict[str, int] = {}
        bodies: list[array] = []
        table = np.zeros(_TABLE, dtype=np.uint32)
        pending = array("Q")
        for _, summary in summaries:
            source = sources.setdefault(summary.source, len(sources))
            if source == len(bodies):
                bodies.append(array("Q"))
            bodies[source].append(_prefix(summary.body_digest))
            pending.extend(_line_id(source, line.key) % _TABLE for line in summary.lines)
            if len(pending) >= 1 << 20:
                table += np.bincount(np.frombuffer(pending, dtype=np.uint64), minlength=_TABLE).astype(np.uint32)
                pending = array("Q")
        if pending:
            table += np.bincount(np.frombuffer(pending, dtype=np.uint64), minlength=_TABLE).astype(np.uint32)
        totals = [len(np.unique(np.frombuffer(b, dtype=np.uint64))) for b in bodies]
        del bodies
        floor = self.p["min_documents"]
        needed = [max(floor, self.p["min_fraction"] * total) for total in totals]

        # (2) distinct bodies of each surviving line
        ids, owners = array("Q"), array("Q")
        for _, summary in summaries:
            source = sources[summary.source]
            body = _prefix(summary.body_digest)
            for line in summary.lines:
                line_id = _line_id(source, line.key)
                if table[line_id % _TABLE] >= floor:
                    ids.append(line_id)
                    owners.append(body)
        del table
        if not ids:
            return
        pairs = np.unique(np.stack([np.frombuffer(ids, dtype=np.uint64), np.frombuffer(owners, dtype=np.uint64)],
                                   axis=1), axis=0)
        line_ids, body_counts = np.unique(pairs[:, 0], return_counts=True)
        del pairs, ids, owners
        bodies_of = dict(zip(line_ids.tolist(), body_counts.tolist(), strict=True))

        # (3) sketches of the first holders of each line that enough bodies hold
        held: dict[int, dict[int, bytes]] = {}
        for _, summary in summaries:
            source = sources[summary.source]
            body = _prefix(summary.body_digest)
            for line in summary.lines:
                line_id = _line_id(source, line.key)
                if bodies_of.get(line_id, 0) < needed[source]:
                    continue
                holders = held.setdefault(line_id, {})
                if len(holders) < _EXACT_HOLDERS and body not in holders:
                    holders[body] = summary.sketch
        counts: dict[int, int] = {}
        for line_id, holders in held.items():
            distinct = self._distinct(list(holders.values()))
            counts[line_id] = distinct + max(0, bodies_of[line_id] - len(holders))
        del held

        # (4) one finding per boilerplate line of each document
        names = {number: name for name, number in sources.items()}
        for index, summary in summaries:
            source = sources[summary.source]
            seen: set[int] = set()
            for line in summary.lines:
                line_id = _line_id(source, line.key)
                count = counts.get(line_id, 0)
                if count < needed[source] or line_id in seen:
                    continue
                seen.add(line_id)
                yield index, Hit(
                    line.text_start,
                    line.text_end,
                    {"line": line.shown, "count": count, "total": totals[source], "source": names[source]},
                    (Edit(line.start, line.end, ""),),
                )


# Near-copies are told apart by sketch for the first this-many distinct bodies holding a line; beyond
# them (a line in thousands of posts) every further distinct body counts, which can only overcount
# a line that is boilerplate anyway.
_EXACT_HOLDERS = 200
_TABLE = 1 << 22  # counters of the pass-1 filter (16 MB); collisions only let more lines through


def _prefix(digest: bytes) -> int:
    return int.from_bytes(digest[:8], "little")


def _line_id(source: int, key: bytes) -> int:
    """One 64-bit id for (source, normalised line): the line hash mixed with the source number."""
    return int.from_bytes(key, "little") ^ ((source + 1) * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)
