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
from collections import defaultdict
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
    sketch: frozenset[int]  # hashes of the body's lines: near-copies of one article count once


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
        return _Summary(self._source(doc), digest, tuple(lines), frozenset(sketch))

    def _distinct(self, holders: list[_Summary]) -> int:
        """How many different articles hold a line: near-copies (mostly the same lines) count once."""
        overlap = self.p["same_article_overlap"]
        kept: list[frozenset[int]] = []
        for summary in holders:
            sketch = summary.sketch
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
        items: list[tuple[int, _Summary]] = list(summaries)
        bodies: dict[str, set[bytes]] = defaultdict(set)
        holders: dict[tuple[str, bytes], dict[bytes, _Summary]] = defaultdict(dict)
        for _, summary in items:
            bodies[summary.source].add(summary.body_digest)
            for line in summary.lines:
                holders[(summary.source, line.key)].setdefault(summary.body_digest, summary)
        counts: dict[tuple[str, bytes], int] = {}
        for index, summary in items:
            total = len(bodies[summary.source])
            needed = max(self.p["min_documents"], self.p["min_fraction"] * total)
            seen: set[bytes] = set()
            for line in summary.lines:
                key = (summary.source, line.key)
                if len(holders[key]) < needed or line.key in seen:
                    continue
                count = counts.get(key)
                if count is None:
                    count = counts[key] = self._distinct(list(holders[key].values()))
                if count < needed:
                    continue
                seen.add(line.key)
                yield index, Hit(
                    line.text_start,
                    line.text_end,
                    {"line": line.shown, "count": count, "total": total, "source": summary.source},
                    (Edit(line.start, line.end, ""),),
                )
