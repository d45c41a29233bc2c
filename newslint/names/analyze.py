"""Per-document analysis shared by the names checks (the ``map`` half of the corpus phase).

One pass per document builds a :class:`Summary`: the language, the Chinese names with their title
context (no pypinyin needed), the English name and place spans with offsets, the normalised anchors
of both sides (amounts, dates, countries, Latin words: :mod:`newslint.names.anchors`) and a few
front-matter fields for explicit translation links. Every English document gets its anchors: a
translation that renders every name wrongly must still pair (that is when NL601 matters); the name
contexts and head features only when it holds a romanised name.

What the maps store is cheaper than that: the pairing map (NL503/NL601, :func:`map_entry`) analyses
the documents of a batch that holds both languages and keeps the others raw, for the reduce to analyse
only when the run holds the other language (an English-only run never computes anchors, a
Chinese-only one never extracts names); NL602 (:func:`english_spans`) keeps only the name and
place spans, as flat lists. The body text is kept as it is for the name alignment of confirmed pairs
(:mod:`newslint.names.render`); compressing it cost more CPU than the bytes it saved.
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass, field

from newslint.document import Document, Role, front_matter_data
from newslint.names.english import NameSpan, PlaceSpan, en_dates, name_spans, number_weights, place_spans, zh_dates

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]+")
_TAG = re.compile(r"<[^<>]*>|&[a-zA-Z#0-9]+;")
_HEAD_CHARS = 400
_CTX_AFTER = 40  # characters after a name read for its title context


@dataclass
class ZhName:
    name: str
    title: str
    rel_pos: float
    count: int


@dataclass
class Summary:
    """What the names checks keep of one document."""

    path: str
    lang: str  # "zh", "en" or ""
    length: int = 0
    body_start: int = 0
    first_line_end: int = 0
    numbers: dict[str, float] = field(default_factory=dict)
    dates: frozenset = frozenset()
    meta: dict[str, str] = field(default_factory=dict)
    # English side
    names: list[NameSpan] = field(default_factory=list)
    name_ctx: list[frozenset] = field(default_factory=list)  # title keywords near each name span
    places: list[PlaceSpan] = field(default_factory=list)
    anchors: frozenset = frozenset()
    head_names: frozenset = frozenset()
    head_numbers: frozenset = frozenset()
    # Chinese side
    zh_names: list[ZhName] = field(default_factory=list)
    zh_title_names: tuple = ()
    zh_title_numbers: tuple = ()
    han_packed: bytes = b""
    # both sides: normalised anchors (amounts, percentages, dates, countries, Latin words; see anchors.py)
    facts: dict[str, float] = field(default_factory=dict)
    # the body text, read back only for confirmed pairs (paragraph and role alignment of the names, see
    # render.py), as it is (Chinese without tags); ``text_packed`` is the zlib form earlier versions wrote
    # (compressing every document of a run cost more CPU than the bytes it saved)
    text_packed: bytes = b""
    body: str = ""
    # English side: the capitalised words, lower case, space-separated (matched with the zh ``l:`` keys;
    # one string encodes far faster than a set of a hundred)
    words: str = ""

    def han_text(self) -> str:
        if self.han_packed:
            return zlib.decompress(self.han_packed).decode("utf-8", "surrogatepass")
        return "|".join(_HAN_RUN.findall(self.text())) if self.lang == "zh" else ""

    def text(self) -> str:
        if self.body:
            return self.body
        return zlib.decompress(self.text_packed).decode("utf-8", "surrogatepass") if self.text_packed else ""


@functools.lru_cache(maxsize=1)
def _keyword_re() -> re.Pattern[str]:
    from newslint.names.data import TITLE_KEYWORDS

    words = sorted({w for ws in TITLE_KEYWORDS.values() for w in ws}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


_last: tuple[object, tuple, Summary] | None = None


def summarise(doc: Document, meta_fields: tuple[str, ...] = ()) -> Summary:
    """The document's summary, computed once even when several names checks map it."""
    global _last
    key = (doc.path, doc.record, doc.field_name, len(doc.text), meta_fields)
    if _last is not None and _last[0] is doc and _last[1] == key:
        return _last[2]
    summary = _analyse(doc, meta_fields)
    _last = (doc, key, summary)
    return summary


def _front_matter(doc: Document, fields: tuple[str, ...]) -> dict[str, str]:
    data = front_matter_data(doc)  # None when absent, malformed, or over the YAML limits
    if not isinstance(data, dict):
        return {}
    out = {}
    for k in ("title", "date", *fields):
        value = data.get(k)
        if value is None or value == "":
            continue
        try:
            out[k] = str(value)
        except RecursionError:  # a value nested past the interpreter's recursion limit (fuzz 15:99476)
            continue
    return out


_SPACES = re.compile(r"\s*")  # what str.lstrip strips


def _bounds(doc: Document) -> tuple[int, int, int] | None:
    """(start, end, end of the first line) of the document's body regions; None when it has no body."""
    bodies = [r for r in doc.regions if r.role is Role.BODY]
    if not bodies:
        return None
    start, end = bodies[0].start, bodies[-1].end
    text = doc.text
    lead = _SPACES.match(text, start, end).end() if start < end else start  # (no copies of the body)
    first = text.find("\n", lead)
    return start, end, end if first < 0 or first > end else first


def _chinese(body: str) -> tuple[int, str] | None:
    """(Han characters, text without tags) when the body is Chinese: five Han characters or more and
    at least a quarter as many as Latin letters. An ASCII body is decided without a regex pass."""
    # counted by runs: a list of every Han character cost more than the rest of the decision
    han = 0 if body.isascii() or not _HAN_CHAR.search(body) else sum(map(len, _HAN_RUN.findall(body)))
    if han >= 5:
        plain = _TAG.sub(" ", body)
        letters = sum(len(w) for w in _LATIN.findall(plain))
        if han * 4 >= letters:
            return han, plain
    return None


def _analyse(doc: Document, meta_fields: tuple[str, ...], defer: bool = False) -> Summary | list:
    """The document's summary; with ``defer``, a Chinese or English document's deferred entry
    instead (see :func:`map_entry`)."""
    bounds = _bounds(doc)
    if bounds is None:
        return Summary(doc.path, "")
    start, end, first_end = bounds
    body = doc.text[start:end]
    meta = _front_matter(doc, meta_fields)
    zh = _chinese(body)
    if zh is not None:
        if defer:
            return [RAW_CHINESE, doc.path, meta, start, first_end, zh[0], zh[1]]
        return _zh(doc.path, zh[1], zh[0], meta, start, first_end)
    if defer:
        return [RAW_ENGLISH, doc.path, meta, start, end, first_end, doc.text[:end + _CTX_AFTER]]
    return english_summary(doc.path, doc.text, bounds, meta)


# A deferred English entry, what the pairing map stores for an English document: the text up to
# the body's end plus the 40 characters the name contexts read after a name, and where the body is.
# A deferred Chinese entry: the body without tags (what the analysis reads) and where it is. Either
# is analysed in the map when its batch of documents holds both languages (the run pairs, and the
# work is spread over the map's workers: ``names.detectors``); otherwise the reduce does it, and only
# when the run holds the other language: an English-only run never pays for anchors and name
# contexts, a Chinese-only one never extracts names.
RAW_ENGLISH = "en:text"
RAW_CHINESE = "zh:text"
RAW_KINDS = (RAW_ENGLISH, RAW_CHINESE)


def map_entry(doc: Document, meta_fields: tuple[str, ...]) -> Summary | list:
    """The pairing map's first value: a body-less document's :class:`Summary`, or a deferred entry —
    ``[RAW_ENGLISH, path, meta, start, end, first_line_end, text]`` or ``[RAW_CHINESE, path, meta,
    start, first_line_end, han, plain]`` (lists: plain data that encodes at C speed) — analysed later
    by :func:`raw_summary` exactly as :func:`summarise` would have."""
    return _analyse(doc, meta_fields, defer=True)


def is_raw(entry: object, kind: str | None = None) -> bool:
    """Whether ``entry`` is a deferred entry (of ``kind``: ``RAW_ENGLISH`` or ``RAW_CHINESE``)."""
    return type(entry) is list and bool(entry) and (entry[0] in RAW_KINDS if kind is None else entry[0] == kind)


def raw_summary(entry: list) -> Summary:
    """The :class:`Summary` of a deferred entry (see :func:`map_entry`)."""
    if entry[0] == RAW_CHINESE:
        _, path, meta, start, first_end, han, plain = entry
        return _zh(path, plain, han, meta, start, first_end)
    _, path, meta, start, end, first_end, text = entry
    return english_summary(path, text, (start, end, first_end), meta)


def english_spans(doc: Document) -> list | None:
    """What NL602 keeps of an English document: its name and place spans, flattened into two lists
    (``[start, end, surface, surname, given, …]`` and ``[start, end, surface, key, …]``: plain data
    encodes and decodes at C speed, a record per span would not); None when it has neither or is
    not English."""
    bounds = _bounds(doc)
    if bounds is None:
        return None
    start, end, _ = bounds
    if not doc.text.isascii() and _chinese(doc.text[start:end]) is not None:  # (isascii costs nothing)
        return None
    names = name_spans(doc.text, start, end)
    places = place_spans(doc.text, start, end)
    return flat_spans(names, places) if names or places else None


def flat_spans(names: list[NameSpan], places: list[PlaceSpan]) -> list[list]:
    """The name and place spans as two flat lists (see :func:`english_spans`)."""
    return [[v for x in names for v in (x.start, x.end, x.surface, x.surname, x.given)],
            [v for x in places for v in (x.start, x.end, x.surface, x.key)]]


def _zh(path: str, plain: str, han: int, meta: dict[str, str], start: int, first_end: int) -> Summary:
    from newslint.names.anchors import zh_anchors
    from newslint.names.extract import extract_names

    names = extract_names(plain)
    n = max(1, len(plain))
    zh_names = [ZhName(x.name, x.title, x.positions[0] / n if x.positions else 0.0, len(x.positions)) for x in names]
    title = meta.get("title", "")
    dates = zh_dates(plain)
    return Summary(
        path=path,
        lang="zh",
        length=han,
        body_start=start,
        first_line_end=first_end,
        numbers=number_weights(plain),
        dates=dates,
        meta=meta,
        zh_names=zh_names,
        zh_title_names=tuple(x.name for x in names if x.name in title),
        zh_title_numbers=tuple(k for k in number_weights(title) if k),
        facts=zh_anchors(plain),
        body=plain,
    )


def english_summary(path: str, text: str, bounds: tuple[int, int, int], meta: dict[str, str]) -> Summary:
    """English side: the name spans, and the anchors that pair it with an original (a translation whose
    names are all mangled must still pair: that is when NL601 is needed); the name contexts and head
    features only when names were found."""
    from newslint.names.anchors import en_anchors

    start, end, first_end = bounds
    names = name_spans(text, start, end)
    facts, words = en_anchors(text[start:end])
    summary = Summary(path=path, lang="en", length=end - start, body_start=start, first_line_end=first_end,
                      meta=meta, names=names, places=place_spans(text, start, end), facts=facts,
                      words=" ".join(words))
    if summary.facts or summary.words:
        summary.body = text[start:end]
    summary.anchors = frozenset(p.key.split(" ", 1)[0] for p in summary.places)
    if not names:
        return summary
    summary.dates = en_dates(text, start, end)
    keywords = _keyword_re()
    low = text.lower()
    summary.name_ctx = [frozenset(keywords.findall(low, max(start, s.start - 120), s.end + _CTX_AFTER)) for s in names]
    summary.numbers = number_weights(text[start:end])
    head_end = min(end, start + _HEAD_CHARS)
    summary.head_names = frozenset(f"{s.surname} {s.given}" for s in names if s.start < head_end)
    summary.head_numbers = frozenset(number_weights(text[start:head_end]))
    return summary
