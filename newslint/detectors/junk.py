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
from typing import Any, ClassVar

from newslint.detectors.boilerplate import Unit, deletion, units
from newslint.detectors.pattern import compile_pattern
from newslint.document import Document, Format, Region
from newslint.model import Applicability, Edit, Hit
from newslint.registry import CheckSpec, Detector, PackError, Param

FAMILIES = ("promotion", "navigation", "legal", "attribution", "chrome")
_CJK = re.compile(r"[\u2e81-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
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
_STAMP = re.compile(r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*")


def weight(text: str) -> int:
    """Display length: CJK characters count double (a 30-character Chinese line is as long as a
    60-character English one)."""
    return len(text) + len(_CJK.findall(text))


@dataclass(frozen=True)
class Verdict:
    family: str
    cue: str  # what fired, for the message
    strong: bool  # a label, cue or widget line (not a shape alone)
    widget: bool = False


def required_literals(source: str) -> frozenset[str] | None:
    """Lowercased strings one of which every match of ``source`` contains, or None if the pattern
    has no such literal (then it must always be searched). A cue is searched only in a unit holding
    one of its literals: ``str.__contains__`` over a few dozen literals costs a fraction of running
    a large alternation of lookbehinds and classes at every position of every unit."""
    from newslint.detectors.pattern import _sre_parse

    sre = _sre_parse()
    try:
        return _literals(sre.parse(source), sre)
    except Exception:  # noqa: BLE001 - an unusual construct: no shortcut, the pattern is searched
        return None


def _literals(items: Any, sre: Any) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        char = None
        if op is sre.LITERAL:
            char = chr(av).lower()
        elif op is sre.IN and av and all(o is sre.LITERAL for o, _ in av):
            lowered = {chr(v).lower() for _, v in av}
            char = lowered.pop() if len(lowered) == 1 else None
        if char is not None:
            run += char
            continue
        if run:
            candidates.append(frozenset({run}))
            run = ""
        found: frozenset[str] | None = None
        if op is sre.SUBPATTERN:
            found = _literals(av[-1], sre)
        elif op is sre.BRANCH:
            alternatives = [_literals(branch, sre) for branch in av[1]]
            if all(alternatives):
                found = frozenset().union(*alternatives)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            found = _literals(av[2], sre)
        elif op is sre.IN:
            chars = [chr(v).lower() for o, v in av if o is sre.LITERAL]
            if len(chars) == len(av):
                found = frozenset(chars)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset({run}))
    if not candidates:
        return None
    return max(candidates, key=lambda c: min(len(x) for x in c))


def _alternation(families: Any, what: str, flags: list[str], anchored: bool = False) -> tuple[Any, list[str]]:
    """One regex of named branches for ``family -> [regex]``; the branch that matched names the family."""
    if not isinstance(families, Mapping):
        raise PackError(f"{what} must map a family ({', '.join(FAMILIES)}) to a list of regexes")
    branches, names = [], []
    for family, patterns in families.items():
        if family not in FAMILIES:
            raise PackError(f"{what}: unknown family {family!r} (known: {', '.join(FAMILIES)})")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
            raise PackError(f"{what}[{family!r}] must be a list of non-empty regexes")
        for source in patterns:
            compile_pattern(source, flags)  # each on its own, so an error names the pattern
            branches.append(f"(?P<_j{len(names)}>{source})")
            names.append(family)
    if not branches:
        return None, names
    body = "|".join(branches)
    return compile_pattern(f"(?:{body})" if anchored else body, flags), names


def _prefilter(families: Any) -> tuple[str, ...] | None:
    """The union of every cue pattern's required literals; None when one pattern has none."""
    out: set[str] = set()
    for patterns in families.values():
        for source in [patterns] if isinstance(patterns, str) else patterns:
            found = required_literals(source)
            if not found:
                return None
            out |= found
    return tuple(sorted(out, key=len))


def _patterns(value: Any, what: str, flags: list[str]) -> Any:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise PackError(f"{what} must be a list of non-empty regexes")
    for source in value:
        compile_pattern(source, flags)
    return compile_pattern("|".join(f"(?:{p})" for p in value), flags) if value else None


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
        flags = self.p["flags"]
        unknown = [f for f in self.p["report"] if f not in FAMILIES]
        if unknown:
            raise PackError(f"report: unknown families {unknown} (known: {', '.join(FAMILIES)})")
        self.report = frozenset(self.p["report"])
        self.labels, self.label_names = _alternation(self.p["labels"], "labels", flags, anchored=True)
        self.cues, self.cue_names = _alternation(self.p["cues"], "cues", flags)
        self.cue_literals = _prefilter(self.p["cues"])
        self.edge_cues, self.edge_names = _alternation(self.p["edge_cues"], "edge_cues", flags, anchored=True)
        self.widgets = _patterns(self.p["widgets"], "widgets", flags)
        self.news = _patterns(self.p["news"], "news", flags)
        shared = {k: v for k, v in self.p.items() if k not in ("report", "data_uri", "defer_to")}
        self.key = hash(json.dumps(shared, sort_keys=True, default=str, ensure_ascii=False))
        self._deferred: list[Detector] | None = None

    # -- classification ----------------------------------------------------------------------

    def _named(self, match: Any, names: list[str]) -> str:
        return names[int((match.lastgroup or "_j0")[2:])]

    def _newsy(self, text: str) -> bool:
        return self.news is not None and text.rstrip().endswith(_SENTENCE_END) and self.news.search(text) is not None

    def _widget_line(self, text: str) -> str | None:
        """The widget words of a unit made of nothing else (None if it holds more)."""
        if self.widgets is None:
            return None
        found = [m.group(0) for m in self.widgets.finditer(text) if m.group(0).strip()]
        if not found:
            return None
        rest = _LEFTOVER.sub("", self.widgets.sub(" ", text))
        if weight(rest) > self.p["leftover_chars"]:
            return None
        return " ".join(found)[:40]

    def _cue(self, text: str) -> Verdict | None:
        if self.cues is None:
            return None
        if self.cue_literals is not None:
            low = text.lower()
            if not any(literal in low for literal in self.cue_literals):
                return None
        match = self.cues.search(text)
        if match and not self._newsy(text):
            return Verdict(self._named(match, self.cue_names), match.group(0).strip(), True)
        return None

    def _early(self, text: str, size: int) -> Verdict | None:
        """The verdict that does not depend on the unit's position (widget line, label, cue in a
        short unit); cues in long units are looked for only at the article's edges (``_classify``)."""
        if self.labels is not None:
            # A label may follow the timestamp of the page's date line (``2019-09-07 13:43 来源: …``).
            stamp = _STAMP.match(text)
            match = self.labels.match(text, stamp.end() if stamp else 0)
            if match:
                return Verdict(self._named(match, self.label_names), match.group(0).strip(), True)
        if size <= self.p["max_chars"]:
            verdict = self._cue(text)
            if verdict:
                return verdict
        if size <= self.p["widget_chars"]:
            cue = self._widget_line(text)
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
        prepared: list[tuple[str, str, int]] = []
        verdicts: list[Verdict | None] = []
        prose: list[int] = []
        for i, unit in enumerate(shown):
            plain = unit.text
            if "&" in plain:
                plain = html.unescape(plain)
            if plain[:1] in _LEAD_CHARS:
                plain = _MARKDOWN_LEAD.sub("", plain)
            if "*" in plain or "_" in plain or "~" in plain:
                plain = _EMPHASIS.sub("", plain)
            plain = plain.strip()
            # Past edge_chars every threshold is decided: no need to count the CJK of a paragraph.
            size = len(plain) + 1 if len(plain) >= self.p["edge_chars"] else weight(plain)
            line_start = text.rfind("\n", 0, unit.start) + 1
            line_end = text.find("\n", unit.end)
            raw_line = text[line_start:len(text) if line_end < 0 else line_end]
            prepared.append((plain, raw_line, size))
            verdict = self._early(plain, size) if plain else None
            if verdict is None and plain and size <= 2 * self.p["max_chars"]:
                verdict = self._row(plain, raw_line)
            verdicts.append(verdict)
            if verdict is None and _prose(plain, size, self.p["prose_chars"]):
                prose.append(i)
        # A long unit with a cue at either end (a "contributed to this report" line, a promotion
        # paragraph) is not the article's first or last paragraph: walk in from both ends. Cues are
        # searched in long units only here, so a long article costs a few searches, not one a paragraph.
        limit = self.p["edge_chars"]
        while prose and prepared[prose[-1]][2] <= limit and (cued := self._cue(prepared[prose[-1]][0])):
            verdicts[prose.pop()] = cued
        while prose and prepared[prose[0]][2] <= limit and (cued := self._cue(prepared[prose[0]][0])):
            verdicts[prose.pop(0)] = cued
        first = prose[0] if prose else len(shown)
        last = prose[-1] if prose else -1
        out = []
        for i, unit in enumerate(shown):
            edge = i < first or i > last
            verdict = verdicts[i]
            plain, raw_line, size = prepared[i]
            # A long labelled or cued unit (a disclaimer paragraph, a "contributed to this report" line)
            # is junk only outside the article.
            long_unit = size > self.p["max_chars"]
            if long_unit and verdict is not None and not verdict.widget and (not edge or size > limit):
                verdict = None
            if verdict is None and edge and long_unit and size <= limit:
                verdict = self._cue(plain)
            if verdict is None and edge and plain:
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
            trusted = _shipped(self.check)
            self._deferred = [build_detector(s, trusted) for s in specs]
            self._deferred_specs = specs
        spans = []
        for spec, detector in zip(self._deferred_specs, self._deferred, strict=True):
            if not spec.applies_to(doc):
                continue
            spans.extend((h.start, h.end) for h in detector.detect(doc))
        return spans


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
