"""Junk lines in words no pack names: the ``junk-line`` kind (NL303 junk line, NL304 page chrome).

The site packs (NL302's stubs, NL401/NL402's signatures) know the junk of the sites they list. A site
never seen writes its app promos, share prompts, copyright lines, editor/source footers and pasted
page widgets in other words, but in the same *shape*, and that shape is what this kind scores. A
*unit* (a line, or a block-level HTML element within a line: ``boilerplate.units``) is classified
into one family — ``promotion``, ``navigation``, ``legal``, ``attribution`` or ``chrome`` — from
features that carry over to new sites:

- **Widget lines** (chrome): the unit is made of nothing but widget words, counters and
  timestamps (``收藏 | 分享 | 打印``, ``今天08:23举报赞188回复``, ``08-30 06:31 Wind EnRA+A-``,
  ``Share this: Share``, ``字体:【大中小】``). What is left once they are taken out must be at most a
  short name (``Wind``), so a sentence that mentions sharing is never one.
- **Labels** at the start of the unit (``责任编辑：``, ``（原标题：``, ``免责声明：``, ``Copyright ©``,
  ``Reporting by``): a label claims a short unit anywhere, and a long one (a disclaimer paragraph)
  only at an edge of the article.
- **Cues** anywhere in a short unit (``扫码关注``, ``客户端下载``, ``版权所有``, ``Follow us on``,
  ``返回顶部``, ``相关新闻``): the unit is junk unless it reads as news — a reporting or legal word
  (``表示``, ``发布``, ``法院``, ``said``, ``launched``, ``court``) together with a sentence ending. So
  ``新浪财经APP的用户数增长了20%，公司表示。`` and ``The court ruled the copyright claim invalid.``
  stay article text.
- **Edge shape**: before the first or after the last *prose* unit (long, ending a sentence), a
  short unit without a sentence ending that is a navigation word (``首页``, ``Home``), a row of
  short items between separators (``关于腾讯 | 服务协议 | 隐私政策``) or nothing but links.
- **Embedded** ``data:`` **URIs** (base64 images pasted into Markdown or HTML): reported as chrome,
  whatever the format.

Each check of this kind reports the families in its ``report`` list, so NL303 and NL304 share one
classification (computed once per document) and never report the same unit twice. Units that a
check named in ``defer_to`` (NL302, NL401, NL402) reports are left to it: no span is reported twice.

Fixes: deleting a unit is **safe** only when the verifier accepts it on this document — the edit
removes whole lines, none of them prose, the document keeps at least one prose unit, and the unit
is a widget line, or a labelled/cued unit at an edge of the article. Anything else (inside the
article, HTML markup, a shape-only navigation line) is offered as unsafe. A data URI that is the
whole line is deleted with its line (safe); inside a line, its whole element (``![…](data:…)`` or
``<img … data:…>``) goes, never part of it (unsafe).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from newslint.detectors.boilerplate import Unit, deletion, units
from newslint.detectors.branches import BranchSearch
from newslint.detectors.pattern import compile_pattern
from newslint.document import Document, Format, Region
from newslint.model import Applicability, Edit, Hit
from newslint.registry import PATTERN_LIMITS, CheckSpec, Detector, PackError, Param, recall_hits, remember_hits

FAMILIES = ("promotion", "navigation", "legal", "attribution", "chrome")
_NOT_CJK = re.compile(r"[^\u2e81-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")
_MARKDOWN_LEAD = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)、]\s*)+")
_EMPHASIS = re.compile(r"\*\*|__|~~")
_SENTENCE_END = tuple("。！？.!?…；;”\"’」』）)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_LINKS = re.compile(r"!?\[[^\]\n]*\]\([^)\s]*\)|<https?://[^>\s]+>|https?://\S+")
_NAV_LINKS = re.compile(r"(?<!!)\[[^\]\n]*\]\([^)\s]*\)|<https?://[^>\s]+>|https?://\S+")
_SEPARATORS = re.compile(r"\s*[|｜丨•·/]\s*")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_DATA_URI = re.compile(r"data:[a-z]+/[\w.+-]+;base64,[A-Za-z0-9+/=\s]{64,}")
_MD_IMAGE_OPEN = re.compile(r"!\[[^\]\n]{0,200}\]\($")
_LEAD_CHARS = frozenset("#>-*+0123456789")
_WS = " \t\r\n\u3000\u00a0"
_LEFTOVER = re.compile(r"[\W_\d]+")
# A reporter's byline: the article's own credit (by the project's convention, never junk), so a junk unit
# that also holds one is not deleted by a safe fix (``By Lisa Be LifeBuzz Staff 1.7Mshares Share on Facebook``).
_BYLINE = re.compile(r"(?<![A-Za-z])By\s+[A-Z][a-z]+(?:\s+[A-Z][\w.'-]*){1,3}"
                     r"|(?:本报|特约)?记者\s*[\u4e00-\u9fff]{2,3}")
_STAMP = re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*")


def weight(text: str) -> int:
    """Display length: CJK characters count double (a 30-character Chinese line is as long as a
    60-character English one). What is left once the runs of other characters are cut out is the
    CJK: one new string, where ``findall`` built one per CJK character."""
    if text.isascii():
        return len(text)
    return len(text) + len(_NOT_CJK.sub("", text))


@dataclass(frozen=True)
class Verdict:
    family: str
    cue: str  # what fired, for the message
    strong: bool  # a label, cue or widget line (not a shape alone)
    widget: bool = False
    anywhere: bool = False  # a cue found anywhere in the unit (not a label at its start)


class _Alternation(NamedTuple):
    combined: Any  # one regex of named branches (None without branches); the one that matched names the family
    names: list[str]  # the family of each branch (none for a plain list)
    sources: list[str]
    branches: list[Any]  # each branch compiled on its own


def _alternation(families: Any, what: str, flags: list[str], anchored: bool = False) -> _Alternation:
    """The branches of ``family -> [regex]``, one by one and as one regex."""
    if not isinstance(families, Mapping):
        raise PackError(f"{what} must map a family ({', '.join(FAMILIES)}) to a list of regexes")
    branches, names, sources, compiled = [], [], [], []
    for family, patterns in families.items():
        if family not in FAMILIES:
            raise PackError(f"{what}: unknown family {family!r} (known: {', '.join(FAMILIES)})")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
            raise PackError(f"{what}[{family!r}] must be a list of non-empty regexes")
        for source in patterns:
            compiled.append(compile_pattern(source, flags))  # each on its own, so an error names the pattern
            sources.append(source)
            branches.append(f"(?P<_j{len(names)}>{source})")
            names.append(family)
    if not branches:
        return _Alternation(None, names, sources, compiled)
    body = "|".join(branches)
    return _Alternation(compile_pattern(f"(?:{body})" if anchored else body, flags), names, sources, compiled)


def _patterns(value: Any, what: str, flags: list[str]) -> _Alternation:
    """A list of regexes, one by one and as one regex (no families)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise PackError(f"{what} must be a list of non-empty regexes")
    compiled = [compile_pattern(source, flags) for source in value]
    combined = compile_pattern("|".join(f"(?:{p})" for p in value), flags) if value else None
    return _Alternation(combined, [], list(value), compiled)


# The parameters that only choose what a check reports; every other one goes into its tables.
_OWN_PARAMS = ("report", "data_uri", "defer_to")


class _Tables(NamedTuple):
    """What a check of this kind compiles from its classification parameters."""

    labels: Any
    label_names: list[str]
    cues: Any
    cue_names: list[str]
    cue_search: BranchSearch | None  # the cues, searched branch by branch where a unit holds their literals
    edge_cues: Any
    edge_names: list[str]
    widgets: Any
    # A unit is matched only against the widgets whose literals it holds (the others cannot match
    # anywhere in it, so the matches are the whole list's): most short units hold one or two.
    widget_search: BranchSearch | None
    widget_regexes: dict[frozenset[int], Any]  # the alternations of candidate widgets, built on first use
    news: Any


# Tables by (classification parameters, trusted): NL303 and NL304 share theirs, so the big
# alternations compile once a process, not once a check. Trust is part of the key: a shipped
# check's patterns are ``re`` ones, any other's bounded (``registry.PATTERN_LIMITS``).
_tables_cache: dict[tuple[str, bool], _Tables] = {}


def _tables(params: Mapping[str, Any], shared: str) -> _Tables:
    """The compiled tables of ``params`` (``shared``: their classification part, as JSON), built
    once per parameter set and trust."""
    key = (shared, PATTERN_LIMITS.trusted)
    found = _tables_cache.get(key)
    if found is None:
        if len(_tables_cache) >= 16:  # (a process that builds many parameter sets: tests, a fuzzer)
            _tables_cache.clear()
        found = _tables_cache[key] = _build_tables(params)
    return found


def _build_tables(params: Mapping[str, Any]) -> _Tables:
    flags = params["flags"]
    labels = _alternation(params["labels"], "labels", flags, anchored=True)
    cues = _alternation(params["cues"], "cues", flags)
    edge_cues = _alternation(params["edge_cues"], "edge_cues", flags, anchored=True)
    widgets = _patterns(params["widgets"], "widgets", flags)
    return _Tables(
        labels.combined, labels.names,
        cues.combined, cues.names,
        None if cues.combined is None else BranchSearch(cues.sources, cues.branches, cues.combined),
        edge_cues.combined, edge_cues.names,
        widgets.combined,
        None if widgets.combined is None else BranchSearch(widgets.sources, widgets.branches, widgets.combined),
        {},
        _patterns(params["news"], "news", flags).combined,
    )


# One classification per document text and parameter set: NL303 and NL304 ask for the same one.
_verdict_cache: tuple[str, int, dict[tuple[int, int], list[tuple[Unit, Verdict | None, bool]]]] | None = None


class JunkLineDetector(Detector):
    """Promotion, navigation, legal, attribution lines and page chrome, from cue words and shape."""

    kind: ClassVar[str] = "junk-line"
    params: ClassVar[dict[str, Param]] = {
        "report": Param(list, default=list(FAMILIES), doc="families this check reports"),
        "labels": Param(dict, default={}, doc="family -> regexes matched at the start of a unit"),
        "cues": Param(dict, default={}, doc="family -> regexes searched in a short unit"),
        "edge_cues": Param(dict, default={}, doc="family -> regexes of a short edge unit's whole text"),
        "widgets": Param(list, default=[], doc="regexes of widget words, counters and timestamps"),
        "news": Param(list, default=[], doc="reporting words: a cue unit with one and a sentence end is news"),
        "data_uri": Param(bool, default=False, doc="report embedded base64 data: URIs"),
        "max_chars": Param(int, default=100, doc="longest unit (CJK counting double) a cue or label claims anywhere"),
        "edge_chars": Param(int, default=600, doc="longest unit a cue or label claims before or after the article"),
        "prose_chars": Param(int, default=50, doc="a unit this long ending a sentence is article text"),
        "short_chars": Param(int, default=40, doc="longest unit the edge-shape rules claim"),
        "leftover_chars": Param(int, default=6, doc="most text a widget line may hold besides widgets"),
        "widget_chars": Param(int, default=60, doc="longest unit that may be a widget line"),
        "defer_to": Param(list, default=[], doc="codes of checks whose findings this check leaves alone"),
        "flags": Param(list, default=[], doc="regex flags"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        unknown = [f for f in self.p["report"] if f not in FAMILIES]
        if unknown:
            raise PackError(f"report: unknown families {unknown} (known: {', '.join(FAMILIES)})")
        self.report = frozenset(self.p["report"])
        shared = json.dumps({k: v for k, v in self.p.items() if k not in _OWN_PARAMS},
                            sort_keys=True, default=str, ensure_ascii=False)
        self.key = hash(shared)
        tables = _tables(self.p, shared)
        self.labels, self.label_names = tables.labels, tables.label_names
        self.cues, self.cue_names, self.cue_search = tables.cues, tables.cue_names, tables.cue_search
        self.edge_cues, self.edge_names = tables.edge_cues, tables.edge_names
        self.widgets, self.widget_search = tables.widgets, tables.widget_search
        self._widget_regexes = tables.widget_regexes
        self.news = tables.news
        self._deferred: list[Detector] | None = None

    def defers_to(self) -> frozenset[str]:
        return frozenset(self.p["defer_to"])

    # -- classification ----------------------------------------------------------------------

    def _named(self, match: Any, names: list[str]) -> str:
        return names[int((match.lastgroup or "_j0")[2:])]

    def _newsy(self, text: str) -> bool:
        return self.news is not None and text.rstrip().endswith(_SENTENCE_END) and self.news.search(text) is not None

    def _widget_line(self, text: str, candidates: frozenset[int] | None) -> str | None:
        """The widget words of a unit made of nothing else (None if it holds more); ``candidates``:
        the widgets its literals allow (None: all)."""
        widgets = self._widget_regex(candidates)
        if widgets is None:
            return None
        # What is left decides most units: the widgets are collected only for a unit made of them.
        # (Left unchanged: no widget, or only single spaces, which do not count as widgets.)
        left = widgets.sub(" ", text)
        if left == text or weight(_LEFTOVER.sub("", left)) > self.p["leftover_chars"]:
            return None
        found = [m.group(0) for m in widgets.finditer(text) if m.group(0).strip()]
        return " ".join(found)[:40] if found else None

    def _widget_regex(self, candidates: frozenset[int] | None) -> Any:
        """The alternation of the candidate widgets, in their order (None when there is none)."""
        if candidates is None or self.widget_search is None:
            return self.widgets
        if not candidates:
            return None
        found = self._widget_regexes.get(candidates)
        if found is None:
            sources = self.widget_search.sources
            body = "|".join(f"(?:{sources[i]})" for i in sorted(candidates))
            # (separable branches are re patterns, so the whole list is one too: same flags, same engine)
            found = self._widget_regexes[candidates] = re.compile(body, self.widgets.flags)
        return found

    def _cue(self, text: str, candidates: frozenset[int] | None) -> Verdict | None:
        """A cue in ``text``, unless it reads as news; ``candidates``: the cue branches its literals allow."""
        if self.cue_search is None or candidates is not None and not candidates:
            return None
        found = self.cue_search.search_among(text, candidates)
        if found and not self._newsy(text):
            match, index = found
            return Verdict(self.cue_names[index], match.group(0).strip(), True, anywhere=True)
        return None

    def _cue_candidates(self, plains: list[str], wanted: list[int]) -> dict[int, frozenset[int] | None]:
        """The cue branches the literals of each unit in ``wanted`` allow, worked out in one pass over
        all of them. Asked for the units that will be searched only (short ones, then the long ones
        at the article's edges): most of a document's text is in its body paragraphs, never searched."""
        if self.cue_search is None:
            return dict.fromkeys(wanted, frozenset())
        return dict(zip(wanted, self.cue_search.candidates([plains[i] for i in wanted]), strict=True))

    def _cue_units(self, plains: list[str], sizes: list[int], prose_like: list[bool]) -> list[int]:
        """The units searched for cues whatever the article's bounds turn out to be: the short ones, and
        the long ones outside the likely article (bounded by the prose-like units) or at its ends, where
        the walk in from both ends starts."""
        likely = [i for i, ok in enumerate(prose_like) if ok]
        lo, hi = (likely[0], likely[-1]) if likely else (len(plains), -1)
        limit, max_chars = self.p["edge_chars"], self.p["max_chars"]
        return [i for i, size in enumerate(sizes)
                if plains[i] and (size <= max_chars or (size <= limit and not lo < i < hi))]

    def _widget_candidates(self, plains: list[str], wanted: list[int]) -> dict[int, frozenset[int] | None]:
        """The widgets the literals of each unit in ``wanted`` allow (one pass over all of them)."""
        if self.widget_search is None:
            return {}
        return dict(zip(wanted, self.widget_search.candidates([plains[i] for i in wanted]), strict=True))

    def _early(self, text: str, size: int, cues: frozenset[int] | None,
               widgets: frozenset[int] | None) -> Verdict | None:
        """The verdict that does not depend on the unit's position (widget line, label, cue in a
        short unit); cues in long units are looked for only at the article's edges (``_classify``)."""
        if self.labels is not None:
            # A label may follow the timestamp of the page's date line (``2019-09-07 13:43 来源: …``).
            stamp = _STAMP.match(text)
            match = self.labels.match(text, stamp.end() if stamp else 0)
            if match:
                return Verdict(self._named(match, self.label_names), match.group(0).strip(), True)
        if size <= self.p["max_chars"]:
            verdict = self._cue(text, cues)
            if verdict:
                return verdict
        if size <= self.p["widget_chars"]:
            cue = self._widget_line(text, widgets)
            if cue:
                return Verdict("chrome", cue, True, widget=True)
        return None

    def _edge(self, text: str, raw_line: str) -> Verdict | None:
        """A short unit outside the article that is navigation by its shape."""
        if weight(text) > self.p["short_chars"] or text.endswith(_SENTENCE_END) or _HEADING.match(raw_line):
            return None
        if self.edge_cues is not None:
            match = self.edge_cues.fullmatch(text)
            if match:
                return Verdict(self._named(match, self.edge_names), text, False)
        return None

    def _row(self, text: str, raw_line: str) -> Verdict | None:
        """A row of short link items between separators (``关于腾讯 | 服务协议 | 隐私政策``), or one item
        of such a row cut off at its separator (``联系方法 |``): navigation wherever it is."""
        if _TABLE_ROW.match(raw_line) or text.endswith(_SENTENCE_END):
            return None
        pipes = text.count("|") + text.count("｜")
        if not pipes:
            return None
        items = [i for i in _SEPARATORS.split(text) if i]
        if not items or max(map(weight, items)) > 24:
            return None
        if len(items) >= 3 and pipes >= 2:
            return Verdict("navigation", "a row of short items between separators", False)
        if len(items) == 1 and weight(text) <= 16 and (text[0] in "|｜" or text[-1] in "|｜"):
            return Verdict("navigation", "an item of a separator row", False)
        return None

    def _shape(self, text: str, raw_line: str) -> Verdict | None:
        """Rows of short link items (a nav bar) and lines of nothing but links, outside the article."""
        if _TABLE_ROW.match(raw_line) or _HEADING.match(raw_line):
            return None
        links = _NAV_LINKS.findall(raw_line)
        if links and weight(_LINKS.sub("", raw_line).strip(" \t|｜·")) <= 2 and "![" not in raw_line:
            return Verdict("navigation", "links only", False)
        return None

    def classify(self, doc: Document, region: Region) -> list[tuple[Unit, Verdict | None, bool]]:
        """Every unit of ``region`` with its verdict and whether it is at an edge of the article."""
        global _verdict_cache
        cache = _verdict_cache
        if cache is None or cache[0] is not doc.text or cache[1] != self.key:
            cache = _verdict_cache = (doc.text, self.key, {})
        found = cache[2].get((region.start, region.end))
        if found is None:
            found = cache[2][(region.start, region.end)] = self._classify(doc, region)
        return found

    def _classify(self, doc: Document, region: Region) -> list[tuple[Unit, Verdict | None, bool]]:
        text = doc.text
        shown = [u for u in units(doc, region) if u.text]
        plains = [_plain(unit.text) for unit in shown]
        limit, max_chars = self.p["edge_chars"], self.p["max_chars"]
        # Past edge_chars every threshold is decided: no need to count the CJK of a paragraph.
        sizes = [len(plain) + 1 if len(plain) >= limit else weight(plain) for plain in plains]
        prose_like = [_prose(plain, size, self.p["prose_chars"]) for plain, size in zip(plains, sizes, strict=True)]
        cues = self._cue_candidates(plains, self._cue_units(plains, sizes, prose_like))

        def cue_at(i: int) -> Verdict | None:
            if i not in cues:
                cues.update(self._cue_candidates(plains, [i]))
            return self._cue(plains[i], cues[i])

        widget_chars = self.p["widget_chars"]
        widgets = self._widget_candidates(plains, [i for i, size in enumerate(sizes) if size <= widget_chars])
        verdicts: list[Verdict | None] = []
        prose: list[int] = []
        for i, plain in enumerate(plains):
            size = sizes[i]
            verdict = self._early(plain, size, cues.get(i), widgets.get(i)) if plain else None
            if verdict is None and plain and size <= 2 * max_chars and ("|" in plain or "｜" in plain):
                verdict = self._row(plain, _line_of(text, shown[i]))
            verdicts.append(verdict)
            if verdict is None and prose_like[i]:
                prose.append(i)
        # A long unit with a cue at either end (a "contributed to this report" line, a promotion
        # paragraph) is not the article's first or last paragraph: walk in from both ends. Cues are
        # searched in long units only here, so a long article costs a few searches, not one a paragraph.
        while prose and sizes[prose[-1]] <= limit and (cued := cue_at(prose[-1])):
            verdicts[prose.pop()] = cued
        while prose and sizes[prose[0]] <= limit and (cued := cue_at(prose[0])):
            verdicts[prose.pop(0)] = cued
        first = prose[0] if prose else len(shown)
        last = prose[-1] if prose else -1
        # The long units outside the article are searched for cues below: their literals in one pass.
        cues.update(self._cue_candidates(plains, [
            i for i, size in enumerate(sizes)
            if (i < first or i > last) and max_chars < size <= limit and verdicts[i] is None and i not in cues
        ]))
        out = []
        for i, unit in enumerate(shown):
            edge = i < first or i > last
            verdict = verdicts[i]
            plain, size = plains[i], sizes[i]
            # A long labelled or cued unit (a disclaimer paragraph, a "contributed to this report" line)
            # is junk only outside the article.
            long_unit = size > max_chars
            if long_unit and verdict is not None and not verdict.widget and (not edge or size > limit):
                verdict = None
            if verdict is None and edge and long_unit and size <= limit:
                verdict = cue_at(i)
            if verdict is None and edge and plain:
                raw_line = _line_of(text, unit)
                verdict = self._edge(plain, raw_line) or self._shape(plain, raw_line)
            out.append((unit, verdict, edge))
        return out

    # -- hits --------------------------------------------------------------------------------

    def detect(self, doc: Document) -> Iterator[Hit]:
        hits: list[Hit] = []
        for region in self.regions(doc):
            if self.p["data_uri"] and "data:" in doc.text[region.start:region.end]:
                hits.extend(self._data_uris(doc, region))
            if doc.format is Format.HTML:
                continue  # a whole page is a template: only what is embedded in it is reported
            classified = self.classify(doc, region)
            prose_units = [u for u, v, _ in classified if v is None]
            for unit, verdict, edge in classified:
                if verdict is None or verdict.family not in self.report:
                    continue
                if any(h.start < unit.vis_end and h.end > unit.vis_start for h in hits):
                    continue  # a data URI already reported there
                hits.append(self._hit(doc, region, unit, verdict, edge, prose_units))
        if hits and self.p["defer_to"]:
            taken = self._deferred_spans(doc)
            hits = [h for h in hits if not any(s < h.end and e > h.start for s, e in taken)]
        return iter(hits)

    def _hit(self, doc: Document, region: Region, unit: Unit, verdict: Verdict, edge: bool,
             prose_units: list[Unit]) -> Hit:
        edit = deletion(doc, unit, unit)
        text = doc.text
        if edit.end > edit.start and not text[edit.end:region.end].strip(_WS):
            # Cutting the end of the text: the blank lines before it go too and one line break stays
            # (as NL402 does), so no trailing blank lines are left for a later round to tidy up.
            start = edit.start
            while start > region.start and text[start - 1] in _WS:
                start -= 1
            if start < edit.start:
                ended = text[:region.end].endswith(("\n", "\r"))  # (a missing final newline stays missing)
                edit = Edit(start, region.end, "\n" if start > region.start and ended else "")
        safe = not unit.markup and (verdict.widget or (verdict.strong and edge))
        if safe and not verdict.widget and _BYLINE.search(unit.text):
            safe = False  # the unit also credits the article's reporter: reported, not deleted
        if safe and verdict.anywhere and weight(unit.text) > self.p["max_chars"]:
            # A cue somewhere inside a paragraph (``…View full size image…`` glued into prose) does not
            # make the whole paragraph junk: reported, never deleted by a safe fix.
            safe = False
        if safe and verdict.family == "attribution" and weight(unit.text) > self.p["max_chars"]:
            # A credit label (来源： / 责任编辑： / Source:) heads a short line; a long unit after it holds
            # glued text that may be the article's (a disclaimer paragraph under its legal label is not
            # affected): reported, not deleted by a safe fix.
            safe = False
        if safe and not _verified(doc, edit, prose_units):
            safe = False
        line = unit.text if len(unit.text) <= 80 else unit.text[:77] + "…"
        return Hit(
            unit.vis_start,
            unit.vis_end,
            {"family": _FAMILY_TEXT[verdict.family], "cue": verdict.cue, "line": line},
            (edit,),
            Applicability.SAFE if safe else Applicability.UNSAFE,
        )

    def _data_uris(self, doc: Document, region: Region) -> Iterator[Hit]:
        text = doc.text
        for match in _DATA_URI.finditer(text, region.start, region.end):
            start, end = match.start(), match.end()
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            # The whole element: a Markdown image around it, or the HTML tag holding it.
            el_start, el_end = start, end
            image = False  # the element is an image (a Markdown image or an <img> tag), not CSS in a style
            opening = _MD_IMAGE_OPEN.search(text, max(line_start, start - 210), start)
            if opening and text.startswith(")", end):
                el_start, el_end, image = opening.start(), end + 1, True
            else:
                tag = text.rfind("<", line_start, start)
                close = text.find(">", end, line_end)
                if tag >= 0 and close >= 0 and ">" not in text[tag:start]:
                    el_start, el_end = tag, close + 1
                    image = text[tag:tag + 4].lower() == "<img"
            if doc.format is Format.HTML and not image:
                continue  # a page's own CSS (a style attribute, an @font-face): its template, never its text
            whole = image and not text[line_start:el_start].strip() and not text[el_end:line_end].strip()
            edits: tuple[Edit, ...] | None
            if whole:
                edits = (Edit(line_start, min(line_end + 1, len(text)), ""),)
            elif image:
                edits = (Edit(el_start, el_end, ""),)
            else:
                edits = None  # a data URI in a style or another attribute: reported, never cut out of it
            kind = text[start + 5:text.find(";", start)]
            yield Hit(
                el_start,
                el_end,
                {"family": _FAMILY_TEXT["chrome"], "cue": f"embedded data:{kind} URI, {end - start:,} characters",
                 "line": text[el_start:min(el_end, el_start + 60)] + "…"},
                edits,
                Applicability.SAFE if whole and doc.format is not Format.HTML else Applicability.UNSAFE,
            )

    def _deferred_spans(self, doc: Document) -> list[tuple[int, int]]:
        """Spans the checks named in ``defer_to`` report on this document (built once, from this
        check's own pack file: the same version of NL302/NL401/NL402 the pack ships with)."""
        if self._deferred is None:
            self._deferred = []
            wanted = set(self.p["defer_to"])
            try:
                from newslint.packs import load_packs
                from newslint.registry import build_detector

                loaded = load_packs([Path(self.check.pack)], cached=True)
                specs = [s for s in loaded if s.code in wanted and s.kind != self.kind]
            except (OSError, PackError):
                specs = []
            self._trusted = _shipped(self.check)
            self._deferred = [build_detector(s, self._trusted) for s in specs]
            self._deferred_specs = specs
        spans = []
        for spec, detector in zip(self._deferred_specs, self._deferred, strict=True):
            if not spec.applies_to(doc):
                continue
            # Each check runs once per document: the linter's run, or this one, which the linter then
            # takes (only where this detector is built as the linter builds it: trusted).
            hits = recall_hits(doc, spec) if self._trusted else None
            if hits is None:
                hits = list(detector.detect(doc))
                if self._trusted:
                    remember_hits(doc, spec, hits)
            spans.extend((h.start, h.end) for h in hits)
        return spans


def _plain(shown: str) -> str:
    """A unit's text as the rules read it: entities decoded, Markdown markers and emphasis dropped."""
    plain = shown
    if "&" in plain:
        plain = html.unescape(plain)
    if plain[:1] in _LEAD_CHARS:
        plain = _MARKDOWN_LEAD.sub("", plain)
    if "*" in plain or "_" in plain or "~" in plain:
        plain = _EMPHASIS.sub("", plain)
    return plain.strip()


def _line_of(text: str, unit: Unit) -> str:
    """The whole line a unit is on (its Markdown markers, table pipes and links)."""
    line_start = text.rfind("\n", 0, unit.start) + 1
    line_end = text.find("\n", unit.end)
    return text[line_start:len(text) if line_end < 0 else line_end]


def _prose(plain: str, size: int, prose_chars: int) -> bool:
    """A unit of article text: long enough, ending a sentence, and not mostly links or images."""
    if size < prose_chars or not plain.endswith(_SENTENCE_END):
        return False
    return ("](" not in plain and "http" not in plain) or weight(_LINKS.sub("", plain)) >= prose_chars


def _shipped(check: CheckSpec) -> bool:
    from newslint.packs import shipped

    return shipped(check)


def _verified(doc: Document, edit: Edit, prose_units: list[Unit]) -> bool:
    """The safe-fix verifier: the edit removes whole lines, none of them article prose, and the
    document keeps at least one prose unit (never emptied on a heuristic)."""
    text = doc.text
    if edit.replacement not in ("", "\n"):
        return False
    at_end = not text[edit.end:].strip(_WS)
    if edit.start and text[edit.start - 1] != "\n" and not at_end:
        return False
    if edit.end < len(text) and text[edit.end - 1] != "\n":
        return False
    long_units = [u for u in prose_units if weight(u.text) >= 50 and u.text.endswith(_SENTENCE_END)]
    if not long_units:
        return False
    return not any(edit.start <= u.vis_start < edit.end for u in long_units)


_FAMILY_TEXT = {
    "promotion": "promotion",
    "navigation": "navigation",
    "legal": "legal notice",
    "attribution": "attribution",
    "chrome": "page chrome",
}

__all__ = ["FAMILIES", "JunkLineDetector", "weight"]
