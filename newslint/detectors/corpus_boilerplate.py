"""The ``corpus-boilerplate`` kind: lines that recur across many documents of one source.

Sites repeat their nav links, app promos and source lines in every post; no pack can list every
site, but the corpus being checked shows them: a line that appears, after normalisation, in many
*different articles* of the same source is boilerplate. The map phase hashes each document's
candidate lines; the reduce counts, per (source, line), the different articles holding it.

Normalisation (CCNet's, plus Markdown): markup and entities dropped, NFKC, case folded, digits made
0, spacing collapsed, and the Markdown that varies between copies of one template — ``**bold**`` and
``__bold__`` markers, list and quote markers, heading markers — removed, so the footer
``**风险提示：**市场有风险…`` and ``风险提示：市场有风险…`` are one line.

Guards against flagging article text:

- Only lines near the start or end of the body are candidates (templates wrap the article); long
  lines (paragraphs) and lines with almost no text are never candidates.
- Structure is never learned: headings (``#``, setext, ``<h1>``…, a whole line in bold), table rows
  and separators are not candidates, and a line whose text is a heading in any document of the
  source is not reported anywhere (a digest's ``热点聚焦`` section, headed or not, is structure).
- Identical bodies count once (a post saved twice is not a template), and so do documents that are
  the same article: near-copies, re-crawls and *translations* of one article (ten MT systems'
  versions share the sentences they happen to translate alike). Each document carries a bottom-k
  sketch of its words (Latin words, CJK character pairs); the reduce removes from it what the
  lines shared by enough documents contributed (the candidate boilerplate itself), and two holders
  of a line whose *remaining* content is alike (estimated Jaccard ≥ ``same_article_similarity``) are
  one article. A line is boilerplate when ``min_documents`` otherwise-different articles hold it.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import math
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, NamedTuple

from newslint.document import Document
from newslint.model import Edit, Hit
from newslint.registry import CheckSpec, CorpusDetector, Param

_TAG = re.compile(r"<[^<>\n]{0,400}>")
_ENTITY = re.compile(r"&#?\w{1,10};")
_DIGITS = re.compile(r"\d")
_URL_ONLY = re.compile(r"^<?https?://\S+>?$")
# Markdown that copies of one template write differently: emphasis markers anywhere; list, quote and
# heading markers at the start (``1.`` / ``1)`` need a space after them: ``1.5%`` is a number).
_EMPHASIS = re.compile(r"\*\*|__")
_MARKERS = re.compile(r"^(?:\s*(?:>|#{1,6}(?=\s|$)|[-*+•·](?=\s)|\d{1,3}[.)](?=\s)|\d{1,3}、)\s*)+")
# Structure, never a candidate: headings (ATX, HTML), a whole line in bold, table rows and separators.
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)|^\s*<h[1-6]\b", re.I)
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)[^*_\n]{1,60}\1\s*$")
_SENTENCE_END = re.compile(r"[.!?。！？…；;]\s*(?:\*\*|__)?\s*$")
_STRUCTURE_FIRST = frozenset("#<*_|:-=")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


class _Summary(NamedTuple):
    """One document's candidate lines, laid out to decode fast and count with numpy: the reduce
    reads every summary four times. (Written as a plain list: see :meth:`CorpusBoilerplateDetector.map_finish`.)"""

    source: str
    body: int  # 64-bit digest of the body: identical bodies count once
    keys: bytes  # uint64 per candidate line: hash of its normalised text
    spans: bytes  # int64 × 4 per line: line start and end (break included), visible text start and end
    shown: list[str]  # the visible text of each line, for the message
    sketch: bytes  # uint32: the _SKETCH smallest hashes of the body's words (sorted)
    masks: bytes  # uint64: which sketch entries the rest of the body holds, then each candidate line
    headings: bytes  # uint64 per heading (normalised like a line): never reported, anywhere


_SKETCH = 64  # bottom-k size: the Jaccard estimate's error is about sqrt(J(1-J)/k), 0.06 at J = 0.3
_SAMPLE_CHARS = 4000  # of the body besides its candidate lines, what the sketch reads (templates wrap it)
_LINE_CHARS = 1000
_HEADINGS = 64
_FULL = 0xFFFFFFFF


# Full-width forms and the ideographic space, each replaced by its compatibility decomposition: what
# NFKC does to them, at a fraction of its cost. A Chinese line is rarely NFKC only because of its
# punctuation (，：（）), so it is then normalised without running NFKC; any other character still
# goes through NFKC, which gives the same text either way (NFKC decomposes every character first).
_WIDE = {chr(c): unicodedata.normalize("NFKD", chr(c)) for c in (*range(0xFF01, 0xFF5F), 0x3000)}
_WIDE_CHAR = re.compile("[\uff01-\uff5e\u3000]")


def _narrow(text: str) -> str:
    """``text`` with each of :data:`_WIDE` replaced (``str.translate`` with the table, which looks up
    every character of the line: four times as long as finding the few kinds a line holds and
    replacing each)."""
    for char in set(_WIDE_CHAR.findall(text)):
        text = text.replace(char, _WIDE[char])
    return text


def _clean(line: str, nfkc: bool = True) -> str:
    """Markup and entities dropped, NFKC, case folded (digits and spacing kept)."""
    text = _TAG.sub(" ", line) if "<" in line else line
    if "&" in text:
        text = html.unescape(text) if _ENTITY.search(text) else text
    if nfkc and not text.isascii():
        text = _narrow(text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def normalise(line: str) -> str:
    """The text a line is counted by (see the module docstring)."""
    text = _clean(line).strip()
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub("", text).lstrip()
    if text[:1] in _MARKER_FIRST:
        text = _MARKERS.sub("", text)
    return " ".join(_DIGITS.sub("0", text).split())


_MARKER_FIRST = frozenset(">#-*+•·0123456789")


def _key(norm: str) -> bytes:
    return hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest()


_LEADING_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]*)\b")


def _container_field(shown: str) -> bool:
    """A line led by a tag that is no HTML element: a field of a container format (SogouCA's
    ``<url>``, ``<docno>``, ``<contenttitle>``; TREC's ``<DOCNO>``), never boilerplate."""
    from newslint.detectors.boilerplate import HTML_ELEMENTS

    match = _LEADING_TAG.match(shown)
    return match is not None and match.group(1).lower() not in HTML_ELEMENTS


def _heading(raw: str, next_raw: str | None) -> bool:
    if _HEADING.match(raw):
        return True
    if _BOLD_LINE.match(raw) and not _SENTENCE_END.search(raw):
        return True
    return next_raw is not None and _SETEXT.match(next_raw) is not None and not _SETEXT.match(raw)


class CorpusBoilerplateDetector(CorpusDetector):
    kind: ClassVar[str] = "corpus-boilerplate"
    min_documents = 3
    hit_applicability = None  # (the check's ``fix:`` decides)
    params: ClassVar[dict[str, Param]] = {
        "min_documents": Param(int, default=3, doc="different articles of one source that must share the line"),
        "min_fraction": Param(float, default=0.0, doc="…and at least this share of the source's documents"),
        "max_line_chars": Param(int, default=200, doc="longer lines are article paragraphs, never boilerplate"),
        "min_text_chars": Param(int, default=4, doc="letters/ideographs a line needs to count"),
        "edge_lines": Param(int, default=12, doc="only the first and last N non-empty body lines are candidates"),
        "source_by": Param(str, default="directory", doc="'directory' (of the file) or 'file'"),
        "same_article_similarity": Param(
            float, default=0.25,
            doc="documents whose words, the shared lines left out, are this alike (Jaccard) are one article"),
        "same_article_overlap": Param(
            float, default=0.6, doc="…and so are documents whose words, shared lines included, are this alike"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        # min_text_chars letters or ideographs (digits and punctuation between them do not count)
        wanted = self.p["min_text_chars"]
        self._letters = re.compile(r"[^\W\d_]" + r"[\W\d_]*[^\W\d_]" * (wanted - 1) if wanted > 0 else "")

    def map(self, doc: Document) -> list:
        """The document's summary: a list laid out as :class:`_Summary`."""
        return self.map_finish([self.map_start(doc)])[0]

    def map_start(self, doc: Document) -> tuple:
        """The per-document half of :meth:`map`: the candidate lines. The sketches of the words are
        left to :meth:`map_finish`, which makes them for a whole batch of documents at once (a
        document's share of numpy's per-call cost was most of its map)."""
        keys: list[bytes] = []
        spans = array("q")
        shown_lines: list[str] = []
        bodies = []
        headings: list[bytes] = []
        sample: list[str] = []  # normalised candidate lines, in key order: what the sketch reads first
        rest: list[str] = []  # other lines (raw), up to a budget
        budget = _SAMPLE_CHARS
        edge, longest = self.p["edge_lines"], self.p["max_line_chars"]
        for region in self.regions(doc):
            text = doc.text[region.start:region.end]
            bodies.append(text)
            raws = text.split("\n")
            lines = []  # (start, end with the break, raw, index in raws) of every non-blank line
            pos = region.start
            for index, raw in enumerate(raws):
                after = pos + len(raw) + 1
                if raw and not raw.isspace():
                    lines.append((pos, min(after, region.end), raw, index))
                pos = after
            last = len(lines) - edge
            for number, (start, end, raw, index) in enumerate(lines):
                shown = raw.strip()
                underlined = index + 1 < len(raws) and raws[index + 1][:4].lstrip()[:1] in ("=", "-")
                if shown[0] in _STRUCTURE_FIRST or underlined:
                    following = raws[index + 1] if index + 1 < len(raws) else None
                    if _heading(raw, following):
                        if len(headings) < _HEADINGS and len(shown) <= longest:
                            headings.append(_key(normalise(shown)))
                        continue
                    if _SETEXT.match(raw) or _TABLE_ROW.match(raw):
                        continue
                if shown[0] == "<" and _container_field(shown):
                    continue  # <url>…</url>, <docno>…: the fields of a container format are structure
                if (number < edge or number >= last) and len(shown) <= longest:
                    norm = normalise(shown)
                    if self._letters.search(norm) or _URL_ONLY.match(norm):
                        text_start = start + len(raw) - len(raw.lstrip())
                        keys.append(_key(norm))
                        spans.extend((start, end, text_start, text_start + len(shown)))
                        shown_lines.append(shown)
                        sample.append(norm[:_LINE_CHARS])
                        continue
                if budget > 0:
                    budget -= min(len(shown), _LINE_CHARS)
                    rest.append(shown[:_LINE_CHARS])
        digest = hashlib.blake2b("\0".join(bodies).encode("utf-8", "surrogatepass"), digest_size=8).digest()
        words = (sample, _clean("\n".join(rest), nfkc=False)) if keys else None
        return (self._source(doc), int.from_bytes(digest, "little"), b"".join(keys), spans.tobytes(),
                shown_lines, words, b"".join(headings))

    def map_finish(self, started: list[tuple]) -> list[list]:
        """The summaries of documents :meth:`map_start` read, their sketches made together."""
        wanted = [s[5] for s in started if s[5] is not None]
        sketches = iter(_sketches(wanted))
        # plain lists: the reduce reads each summary four times, and a list decodes without a marker (a
        # tuple is a marked array, a NamedTuple a record built through its class)
        return [[*s[:5], *(next(sketches) if s[5] is not None else (b"", b"")), s[6]]  # type: ignore[misc]
                for s in started]

    def _articles(self, holders: list[bytes], enough: int) -> int:
        """How many different articles the holders of a line are (counting stops at ``enough``).
        Two holders are one article when their content (the shared lines left out) is alike, or
        their whole sketches are (near-copies, whose every line may be shared); single linkage."""
        content_floor, whole_floor = self.p["same_article_similarity"], self.p["same_article_overlap"]
        clusters: list[list[tuple[_Part, _Part]]] = []
        for packed in holders:
            values = array("I", packed)
            limit, size = values[0], values[1]
            whole, content = tuple(values[2:2 + size]), tuple(values[2 + size:])
            member = (_Part(whole, frozenset(whole), limit), _Part(content, frozenset(content), limit))
            joined = [c for c in clusters if any(
                _similarity(member[1], other[1]) >= content_floor or _similarity(member[0], other[0]) >= whole_floor
                for other in c)]
            merged = [member]
            for cluster in joined:
                merged.extend(cluster)
                clusters.remove(cluster)
            clusters.append(merged)
            if len(clusters) >= enough:
                break
        return len(clusters)

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
        can be dropped without knowing it); (2) for the lines that pass, distinct bodies per line,
        and the headings whose text is such a line; (3) for lines held by enough bodies, the content
        sketches (the shared lines left out) of the first :data:`_EXACT_HOLDERS` of them, to count
        the different articles; (4) the findings."""
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
            slots, counts = np.unique(line_ids % _TABLE, return_counts=True)  # (not a 4M-long bincount a batch)
            table[slots] += counts.astype(np.uint32)
        totals = [len(set(b)) for b in bodies]
        del bodies
        floor = self.p["min_documents"]
        needed = [max(floor, self.p["min_fraction"] * total) for total in totals]

        # (2) distinct bodies of each line that passed the table; headings that are such lines
        id_parts, body_parts, heading_parts = [], [], []
        for batch in _batches(summaries):
            line_ids, owners = _line_ids(np, batch, sources)
            keep = table[line_ids % _TABLE] >= floor
            id_parts.append(line_ids[keep])
            body_parts.append(owners[keep])
            heading_ids = _line_ids(np, batch, sources, field=7)[0]
            heading_parts.append(heading_ids[table[heading_ids % _TABLE] >= floor])
        del table
        if not id_parts or not sum(len(p) for p in id_parts):
            return
        ids, owners = np.concatenate(id_parts), np.concatenate(body_parts)
        structure = np.unique(np.concatenate(heading_parts))
        del id_parts, body_parts, heading_parts
        order = np.lexsort((owners, ids))
        ids, owners = ids[order], owners[order]
        first = np.ones(len(ids), dtype=bool)
        first[1:] = (ids[1:] != ids[:-1]) | (owners[1:] != owners[:-1])
        line_ids, body_counts = np.unique(ids[first], return_counts=True)
        del ids, owners, first, order
        bodies_of = dict(zip(line_ids.tolist(), body_counts.tolist(), strict=True))
        shared_ids = line_ids[body_counts >= floor]  # left out of the content sketches
        floor_ids = shared_ids[~np.isin(shared_ids, structure)]

        # (3) content sketches of the first holders of each line that enough bodies hold
        held: dict[int, dict[int, bytes]] = {}
        need_of: dict[int, float] = {}
        for batch in _batches(summaries):
            line_ids, _ = _line_ids(np, batch, sources)
            shared = np.isin(line_ids, shared_ids)
            counts = np.fromiter((len(s[2]) // 8 for _, s in batch), dtype=np.int64, count=len(batch))
            starts = np.cumsum(counts) - counts
            content: dict[int, bytes] = {}
            for line_id, position, _ in _members(np, batch, sources, floor_ids, line_ids):
                summary = batch[position][1]
                need = needed[sources[summary[0]]]
                if bodies_of[line_id] < need:
                    continue
                need_of[line_id] = need
                holders = held.setdefault(line_id, {})
                if len(holders) < _EXACT_HOLDERS and summary[1] not in holders:
                    if position not in content:
                        first = starts[position]
                        content[position] = _content(np, summary, shared[first:first + counts[position]])
                    holders[summary[1]] = content[position]
        # Articles are counted until there are enough (a lower bound past that: the gate is all it decides).
        articles: dict[int, int] = {}
        for line_id, holders in held.items():
            beyond = bodies_of[line_id] - len(holders)  # every further distinct body counts as an article
            enough = max(1, math.ceil(need_of[line_id]) - beyond)
            articles[line_id] = beyond + self._articles(list(holders.values()), enough)
        found_ids = [k for k, c in articles.items() if c >= need_of[k]]
        found_counts = {k: bodies_of[k] for k in found_ids}
        del held, bodies_of
        found = np.fromiter(found_ids, dtype=np.uint64, count=len(found_ids))
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
                if articles[line_id] < needed[source] or (position, line_id) in seen:
                    continue
                seen.add((position, line_id))
                start, end, text_start, text_end = array("q", summary[3][32 * n:32 * n + 32])
                hits.append((index, Hit(
                    text_start,
                    text_end,
                    {"line": summary[4][n], "count": found_counts[line_id], "total": totals[source],
                     "source": names[source]},
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


def _line_ids(np: Any, batch: list[tuple[int, Any]], sources: dict[str, int], field: int = 2) -> tuple[Any, Any]:
    """Line ids of a batch of summaries — one 64-bit id per (source, normalised line): the line hash
    mixed with the source — and the body digest of the document holding each. ``field`` 7: the
    ids of their headings."""
    keys = np.frombuffer(b"".join(s[field] for _, s in batch), dtype=np.uint64)
    counts = np.fromiter((len(s[field]) // 8 for _, s in batch), dtype=np.int64, count=len(batch))
    salts = np.fromiter((_salt(sources[s[0]]) for _, s in batch), dtype=np.uint64, count=len(batch))
    owners = np.fromiter((s[1] for _, s in batch), dtype=np.uint64, count=len(batch))
    return keys ^ np.repeat(salts, counts), np.repeat(owners, counts)


def _members(
    np: Any, batch: list[tuple[int, Any]], sources: dict[str, int], wanted: Any, line_ids: Any = None
) -> Iterator[tuple[int, int, int]]:
    """(line id, position in batch, line number in its summary) of every line of the batch whose id
    is in ``wanted``, in batch and line order (``line_ids``: the batch's, when already known)."""
    if line_ids is None:
        line_ids, _ = _line_ids(np, batch, sources)
    hit = np.flatnonzero(np.isin(line_ids, wanted))
    if not len(hit):
        return
    counts = np.fromiter((len(s[2]) // 8 for _, s in batch), dtype=np.int64, count=len(batch))
    position = np.repeat(np.arange(len(batch)), counts)
    starts = np.cumsum(counts) - counts
    number = np.arange(len(line_ids)) - starts[position]
    yield from zip(line_ids[hit].tolist(), position[hit].tolist(), number[hit].tolist(), strict=True)


# -- content sketches ------------------------------------------------------------------------------


_BATCH_CHARS = 1 << 18  # text sketched in one go: the arrays stay a few MB


def _sketches(items: list[tuple[list[str], str]]) -> list[tuple[bytes, bytes]]:
    """For every ``(sample, rest)``, in order: the bottom-k sketch of the words of ``sample`` (a
    document's candidate lines, one per key) and ``rest`` (its other lines, read up to a budget), and
    which entries each part holds: a ``uint64`` mask for the rest, then one per candidate line.
    Words are Latin-script words of two letters or more and pairs of CJK characters (a Chinese word
    is mostly two characters; single characters make any two Chinese texts alike). Computed over
    batches of documents: one text and one set of array operations per batch, not per document."""
    from newslint.dedup.minhash import _np

    np = _np()
    out: list[tuple[bytes, bytes]] = []
    start, size = 0, 0
    for end, (sample, rest) in enumerate(items, 1):
        size += len(rest) + sum(len(line) + 1 for line in sample)
        if size >= _BATCH_CHARS or end == len(items):
            out.extend(_sketch_batch(np, items[start:end]))
            start, size = end, 0
    return out


def _sketch_batch(np: Any, items: list[tuple[list[str], str]]) -> list[tuple[bytes, bytes]]:
    """The sketches of a batch: its documents' texts joined by line breaks (no word or character
    pair crosses one), each hash tagged with its document in the top 32 bits of a ``uint64``, so
    one sort orders the batch by document, then hash."""
    texts = ["\n".join([*sample, rest]) for sample, rest in items]
    hashes, positions = _words(np, "\n".join(texts))
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    doc_starts = np.cumsum(lengths) - lengths
    doc = np.searchsorted(doc_starts, positions, side="right") - 1
    tagged = (doc.astype(np.uint64) << np.uint64(32)) | hashes.astype(np.uint64)
    ordered = np.sort(tagged)
    distinct = np.ones(ordered.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=distinct[1:])
    values = ordered[distinct]
    value_doc = (values >> np.uint64(32)).astype(np.int64)
    firsts = np.searchsorted(value_doc, np.arange(len(items) + 1))
    bottom = values[np.arange(values.size) - firsts[value_doc] < _SKETCH]  # each document's k smallest
    bounds = np.searchsorted((bottom >> np.uint64(32)).astype(np.int64), np.arange(len(items) + 1))
    # a document with no words has no hash to compare, so its (unset) threshold is never read
    threshold = np.zeros(len(items), dtype=np.uint64)
    has = bounds[1:] > bounds[:-1]
    threshold[has] = bottom[bounds[1:][has] - 1]
    chosen = np.flatnonzero(tagged <= threshold[doc])
    rank = (np.searchsorted(bottom, tagged[chosen]) - bounds[doc[chosen]]).astype(np.uint64)
    # one mask slot per candidate line and one for the rest, numbered across the batch in text order
    slots = [len(sample) + 1 for sample, _ in items]
    line_starts = np.fromiter(
        (doc_start + offset for (sample, _), doc_start in zip(items, doc_starts.tolist(), strict=True)
         for offset in _line_offsets(sample)), dtype=np.int64, count=sum(slots))
    masks = np.zeros(len(line_starts), dtype=np.uint64)
    slot = np.searchsorted(line_starts, positions[chosen], side="right") - 1
    np.bitwise_or.at(masks, slot, np.left_shift(np.uint64(1), rank))
    sketch = (bottom & np.uint64(_FULL)).astype(np.uint32)
    out = []
    base = 0
    for n, count in enumerate(slots):
        own = masks[base:base + count]
        base += count
        # the rest's mask first: the reduce reads it as the base
        out.append((sketch[bounds[n]:bounds[n + 1]].tobytes(), own[-1:].tobytes() + own[:-1].tobytes()))
    return out


def _line_offsets(sample: list[str]) -> Iterator[int]:
    """Where each candidate line, then the rest, starts in ``"\n".join([*sample, rest])``."""
    offset = 0
    yield offset
    for line in sample:
        offset += len(line) + 1
        yield offset


def _words(np: Any, text: str) -> tuple[Any, Any]:
    """32-bit hashes of the words of ``text`` (see :func:`_sketches`) and where each starts."""
    from newslint.dedup.minhash import _power_tables, fmix64

    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kind = _classes(np)[cp]
    wide = kind == 2
    pairs = np.flatnonzero(wide[:-1] & wide[1:])
    pair_hashes = (cp[pairs].astype(np.uint64) << np.uint64(21)) | cp[pairs + 1].astype(np.uint64)
    padded = np.zeros(cp.size + 2, dtype=np.int8)
    padded[1:-1] = kind == 1
    edges = padded[1:] - padded[:-1]
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = ends - starts >= 2
    starts, ends = starts[long], ends[long]
    powers, inverse = _power_tables(cp.size + 1)
    prefix = np.zeros(cp.size + 1, dtype=np.uint64)
    np.cumsum(cp * powers[:cp.size], out=prefix[1:])
    word_hashes = (prefix[ends] - prefix[starts]) * inverse[starts] + np.uint64(_WORD_SALT)
    mixed = fmix64(np.concatenate((pair_hashes, word_hashes))) >> np.uint64(32)
    return mixed.astype(np.uint32), np.concatenate((pairs, starts))


_CLASSES: list[Any] = []


def _classes(np: Any) -> Any:
    """Per code point: 1 a letter of a script written with spaces, 2 a CJK character (kana included),
    0 anything else (digits, punctuation, symbols, spaces). Built once: 1.1 MB."""
    if not _CLASSES:
        table = np.zeros(0x110000, dtype=np.uint8)
        table[0x61:0x7B] = 1
        table[0xC0:0x2000] = 1  # Latin-1 letters to Greek, Cyrillic, Arabic, Indic, Thai…
        table[[0xD7, 0xF7]] = 0  # × ÷
        table[0xAC00:0xD7A4] = 1  # Hangul syllables: Korean is written with spaces
        table[0x3040:0xA000] = 2
        table[0xF900:0xFB00] = 2
        table[0x20000:0x40000] = 2
        _CLASSES.append(table)
    return _CLASSES[0]


_WORD_SALT = 0x632BE59BD9B4E019


def _content(np: Any, summary: Any, shared: Any) -> bytes:
    """A document's sketch, and what is left of it without what only its shared lines (``shared``:
    a flag per key) put in it: the article around the candidate boilerplate. Packed as ``uint32``:
    the sketch's threshold (its largest possible value; every value when the document has fewer
    than k words), the number of values, the values, then the values kept."""
    sketch = np.frombuffer(summary[5], dtype=np.uint32)
    if not sketch.size:
        return array("I", [_FULL, 0]).tobytes()
    masks = np.frombuffer(summary[6], dtype=np.uint64)
    bits = masks[0] | np.bitwise_or.reduce(masks[1:][~shared], initial=np.uint64(0))
    kept = ((bits >> np.arange(sketch.size, dtype=np.uint64)) & np.uint64(1)).astype(bool)
    threshold = int(sketch[-1]) if sketch.size == _SKETCH else _FULL
    return array("I", [threshold, sketch.size]).tobytes() + sketch.tobytes() + sketch[kept].tobytes()


class _Part(NamedTuple):
    """Part of a bottom-k sketch: its values sorted, as a set, and the sketch's threshold."""

    values: tuple[int, ...]
    members: frozenset[int]
    limit: int


def _similarity(a: _Part, b: _Part) -> float:
    """Jaccard estimate from two bottom-k sketches (or parts of them): the values under both
    thresholds are a uniform sample of the words of either."""
    left, right = a.members, b.members
    if a.limit > b.limit:
        left = frozenset(a.values[:bisect.bisect_right(a.values, b.limit)])
    elif b.limit > a.limit:
        right = frozenset(b.values[:bisect.bisect_right(b.values, a.limit)])
    union = len(left | right)
    return len(left & right) / union if union else 0.0
