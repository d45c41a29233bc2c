"""Boilerplate around the article: the ``leading-boilerplate``, ``trailing-boilerplate`` and
``repeated-paragraph`` kinds.

All three look at *units*: the lines of a region, further split at block-level HTML tags (``<p>``,
``<div>``, ``<br>``…), because a scraped post often keeps a whole article on one line of ``<p>``s and
the footer (``<p class="em_media">（文章来源：北京晚报）</p>``) glued to the last paragraph. A unit's
*visible text* is its text with comments, ``<style>``/``<script>`` blocks and tags blanked out
(same length, so offsets still hold); a unit with no visible text is markup and never counts as
article text, nor as boilerplate.

Trailing boilerplate is found by walking back from the end: markup is stepped over, units matching
a signature are boilerplate, units matching a ``skip`` pattern (ad stubs another check reports) are
stepped over, and the first other unit is the article's last real paragraph, where the walk stops —
so the fix can never cut it. A *block start* (``Theme: … by …``, a site's self-description) also
claims the short lines after it (``Cape Town, South Africa``). Leading boilerplate is the same walk
forward over the first few units. A site signature gives a safe fix, a generic heuristic an unsafe
one. Repeated paragraphs are units whose normalised visible text (case, spacing) was seen before in
the document; the later copy is dropped.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, NamedTuple

from newslint.detectors.html import BLOCK_TAGS, CELL_TAGS, INLINE_TAGS
from newslint.detectors.pattern import compile_pattern
from newslint.document import Document, Region
from newslint.model import Applicability, Edit, Hit
from newslint.registry import CheckSpec, Detector, PackError, Param

_HIDDEN = re.compile(r"<!--.*?(?:-->|\Z)|<(style|script)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.S | re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_BLOCK = "p|div|br|li|h[1-6]|center|section|article|table|tr|ul|ol|blockquote|figure|figcaption|hr"
_SPLIT = re.compile(rf"<(?:{_BLOCK})\b[^>]*>|</(?:{_BLOCK})\s*>", re.I)
_ELEMENT = re.compile(r"\A<([A-Za-z][A-Za-z0-9]*)\b[^>]*>.*</\1\s*>\Z", re.S)
_SPACE = re.compile(r"\s+")
_STRIP = " \t\r\n\u3000\u00a0"


class Unit(NamedTuple):
    """A line, or a block-level HTML element within a line; ``text`` is its visible text, stripped.
    (A tuple: a document has one per line, and a frozen dataclass costs several times as much to build.)"""

    start: int
    end: int
    vis_start: int
    vis_end: int
    text: str
    markup: bool  # the raw span holds tags (so deleting it must keep the HTML balanced)


def _blank(match: re.Match[str]) -> str:
    """The match with every character but a newline turned into a space (offsets keep holding)."""
    found = match.group(0)
    if "\n" not in found:
        return " " * len(found)
    return "\n".join(" " * len(part) for part in found.split("\n"))


# The three detectors of one document ask for the same units (a short text's head and tail windows
# are the whole region): they are computed once per document text, like html.py's scan.
_units_cache: tuple[str, dict[tuple[int, int], list[Unit]]] | None = None


def units(doc: Document, region: Region) -> list[Unit]:
    """The units of a region, in order; units without visible text are included (``text == ''``)."""
    global _units_cache
    cache = _units_cache
    if cache is None or cache[0] is not doc.text:
        cache = _units_cache = (doc.text, {})
    key = (region.start, region.end)
    found = cache[1].get(key)
    if found is None:
        found = cache[1][key] = _units(doc.text, region.start, region.end)
    return list(found)


def _units(text: str, start: int, end: int) -> list[Unit]:
    raw = text[start:end]
    out: list[Unit] = []
    pos = 0
    if "<" not in raw:
        # No markup: each line holding text is one unit, and its visible text is the line itself.
        for line in raw.split("\n"):
            line_end = pos + len(line)
            body = line.lstrip(_STRIP)
            if body:
                lead = len(line) - len(body)
                body = body.rstrip(_STRIP)
                # str.split() splits at exactly the characters \s matches: this is _SPACE.sub(" ", …)
                # then a strip, in one C call.
                out.append(Unit(start + pos, start + line_end, start + pos + lead, start + pos + lead + len(body),
                                " ".join(body.split()) or _SPACE.sub(" ", body), False))
            pos = line_end + 1
        return out
    shown = _HIDDEN.sub(_blank, raw)
    visible = _TAG.sub(_blank, shown)
    for line in raw.split("\n"):
        line_end = pos + len(line)
        if "<" in line:
            cuts = [pos, line_end]
            for m in _SPLIT.finditer(shown, pos, line_end):
                cuts.append(m.start() if not m.group(0).startswith("</") else m.end())
            cuts = sorted(set(cuts))
            spans: Iterable[tuple[int, int]] = zip(cuts, cuts[1:], strict=False)
        else:
            spans = ((pos, line_end),) if pos < line_end else ()
        for a, b in spans:
            piece = raw[a:b]
            if not piece.strip(_STRIP):
                continue
            seg = visible[a:b]
            lead = len(seg) - len(seg.lstrip(_STRIP))
            if lead < len(seg):
                vs = a + lead
                ve = b - (len(seg) - len(seg.rstrip(_STRIP)))
                # Tags inside a word (上海<span>证券</span>报) must not become spaces in the text matched.
                inner = shown[vs:ve]
                if "<" in inner:
                    inner = _TAG.sub("", inner)
                unit_text = " ".join(inner.split()) or _SPACE.sub(" ", visible[vs:ve])
            else:
                vs = ve = a
                unit_text = ""
            out.append(Unit(start + a, start + b, start + vs, start + ve, unit_text, piece != seg))
        pos = line_end + 1
    return out


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def _removable(text: str, unit: Unit) -> tuple[int, int]:
    """The span of ``unit`` that can go without unbalancing HTML: all of it, or only its visible text."""
    if not unit.markup:
        return unit.vis_start, unit.vis_end
    raw = text[unit.start:unit.end]
    body = raw.strip(_STRIP)
    if _ELEMENT.match(body) and body.count("<") % 2 == 0:
        lead = len(raw) - len(raw.lstrip(_STRIP))
        return unit.start + lead, unit.start + lead + len(body)
    return unit.vis_start, unit.vis_end


def deletion(doc: Document, first: Unit, last: Unit) -> Edit:
    """An edit removing units ``first``..``last`` (and their line, when they fill it).

    Markup that cannot be removed whole (an unbalanced tag) is kept: only the visible text goes.
    """
    text = doc.text
    start, _ = _removable(text, first)
    _, end = _removable(text, last)
    line_start, line_end = _line_bounds(text, start, end)
    if not text[line_start:start].strip(_STRIP) and not text[end:line_end].strip(_STRIP):
        start, end = line_start, min(line_end + 1, len(text))
        if end == len(text) and not text.endswith(("\n", "\r")):
            # the last lines of a text that has no final newline: the line breaks before them go too,
            # in this edit (declared), so a fix never gives the text a final newline it did not have
            while start > 0 and text[start - 1] in "\r\n \t\u3000":
                start -= 1
    return Edit(start, end, "")


def _compile_list(patterns: Any, what: str, flags: list[str]) -> list[str]:
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise PackError(f"{what} must be a list of non-empty regexes")
    for source in patterns:
        compile_pattern(source, flags)
    return list(patterns)


class _Signatures:
    """Named regex families compiled into one alternation matched against a unit's whole visible text.

    ``classify`` says which family matched (site name, or ``generic``/``block``/``skip``), so one
    regex run per unit tells a safe site signature from a generic heuristic.
    """

    def __init__(self, families: Mapping[str, list[str]], flags: list[str]) -> None:
        branches: list[str] = []
        self.names: list[str] = []
        for name, patterns in families.items():
            for source in patterns:
                branches.append(f"(?P<_s{len(self.names)}>{source})")
                self.names.append(name)
        self.regex = compile_pattern("|".join(branches), flags) if branches else None

    def classify(self, text: str) -> str | None:
        if self.regex is None or not text:
            return None
        match = self.regex.fullmatch(text)
        if match is None:
            return None
        return self.names[int((match.lastgroup or "_s0")[2:])]


def _site_families(sites: Any, flags: list[str], what: str) -> dict[str, list[str]]:
    if not isinstance(sites, dict):
        raise PackError(f"{what} must map a site name to a list of regexes")
    return {f"site:{name}": _compile_list(p, f"{what}[{name!r}]", flags) for name, p in sites.items()}


class TrailingBoilerplateDetector(Detector):
    """Editor lines, source lines, nav links, disclaimers and theme footers after the article ends."""

    kind: ClassVar[str] = "trailing-boilerplate"
    params: ClassVar[dict[str, Param]] = {
        "sites": Param(dict, default={}, doc="site name -> regexes of known footer lines (safe fix)"),
        "generic": Param(list, default=[], doc="regexes of footer-like lines (unsafe fix)"),
        "block_starts": Param(dict, default={}, doc="site name -> regexes of a line opening a footer block"),
        "skip": Param(list, default=[], doc="regexes of lines to step over (ad stubs other checks report)"),
        "block_line_chars": Param(int, default=60, doc="longest line a footer block may claim after its start"),
        "window": Param(int, default=12, doc="how many units from the end are examined"),
        "flags": Param(list, default=[], doc="regex flags"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        flags = self.p["flags"]
        families = _site_families(self.p["sites"], flags, "sites")
        families["generic"] = _compile_list(self.p["generic"], "generic", flags)
        for name, patterns in _site_families(self.p["block_starts"], flags, "block_starts").items():
            families["block:" + name] = patterns
        families["skip"] = _compile_list(self.p["skip"], "skip", flags)
        self.signatures = _Signatures(families, flags)

    def detect(self, doc: Document) -> Iterator[Hit]:
        for region in self.regions(doc):
            yield from self._detect_region(doc, region)

    def _detect_region(self, doc: Document, region: Region) -> Iterator[Hit]:
        # Only the end matters: split the last lines into units, the whole region only if they are too few.
        cut = _nth_line_from_end(doc.text, region, 4 * self.p["window"] + 20)
        shown = [u for u in units(doc, Region(cut, region.end, region.role)) if u.text]
        if cut > region.start and len(shown) <= self.p["window"]:
            cut = region.start
            shown = [u for u in units(doc, region) if u.text]
        if len(shown) < 2:
            return
        tail = shown[-self.p["window"]:]
        kinds = [self.signatures.classify(u.text) for u in tail]
        # A block start claims every short line after it, unless one of them is a long paragraph.
        for i in range(len(tail) - 1, -1, -1):
            kind = kinds[i]
            if kind and kind.startswith("block:"):
                after = range(i + 1, len(tail))
                if all(kinds[j] or len(tail[j].text) <= self.p["block_line_chars"] for j in after):
                    for j in after:
                        if not kinds[j]:
                            kinds[j] = kind
                break
        marked: list[int] = []
        stop = None
        for i in range(len(tail) - 1, -1, -1):
            kind = kinds[i]
            if kind is None:
                stop = i
                break
            if kind != "skip":
                marked.append(i)
        if stop is None and len(tail) == len(shown) and cut == region.start:
            # Nothing left that reads as article text: never empty a document on a heuristic.
            return
        if not marked:
            return
        marked.reverse()
        # Group marked units that follow each other with only whitespace (no markup) between.
        groups: list[list[int]] = [[marked[0]]]
        for i in marked[1:]:
            prev = tail[groups[-1][-1]]
            gap = doc.text[prev.end:tail[i].start]
            if gap.strip(_STRIP) or i != groups[-1][-1] + 1 or kinds[i - 1] == "skip":
                groups.append([i])
            else:
                groups[-1].append(i)
        for group in groups:
            first, last = tail[group[0]], tail[group[-1]]
            safe = all(kinds[i] and not kinds[i].startswith("generic") for i in group)
            edit = deletion(doc, first, last)
            if last is shown[-1] and not doc.text[edit.end:region.end].strip(_STRIP) and edit.end == region.end:
                # Cutting the end of the text: also drop the blank lines before the block, keep one newline.
                start = edit.start
                while start > region.start and doc.text[start - 1] in _STRIP:
                    start -= 1
                ended = doc.text[:region.end].endswith(("\n", "\r"))  # (a missing final newline stays missing)
                edit = Edit(start, edit.end, "\n" if start > region.start and ended else "")
            lines = [tail[i].text for i in group]
            yield Hit(
                first.vis_start,
                last.vis_end,
                {"line": lines[0], "lines": len(lines), "site": _site(kinds[group[0]])},
                (edit,),
                Applicability.SAFE if safe else Applicability.UNSAFE,
            )


def _nth_line_from_end(text: str, region: Region, lines: int) -> int:
    """Offset of the start of the ``lines``-th last line of ``region`` (its start if it has fewer)."""
    pos = region.end
    for _ in range(lines):
        pos = text.rfind("\n", region.start, pos)
        if pos < 0:
            return region.start
    return pos + 1


def _nth_line(text: str, region: Region, lines: int) -> int:
    """Offset just past the ``lines``-th line of ``region`` (its end if it has fewer)."""
    pos = region.start
    for _ in range(lines):
        pos = text.find("\n", pos, region.end)
        if pos < 0:
            return region.end
        pos += 1
    return pos


def _site(kind: str | None) -> str:
    if not kind:
        return "generic"
    return kind.split(":", 1)[-1].removeprefix("site:")


class LeadingBoilerplateDetector(Detector):
    """``原标题：`` / ``Original title:`` / ``来源：`` lines and date stamps glued to the first sentence."""

    kind: ClassVar[str] = "leading-boilerplate"
    params: ClassVar[dict[str, Param]] = {
        "sites": Param(dict, default={}, doc="site name -> regexes of known header lines (safe fix)"),
        "generic": Param(list, default=[], doc="regexes of header-like lines (unsafe fix)"),
        "glued": Param(list, default=[], doc="regexes of a prefix glued to the first paragraph (unsafe fix)"),
        "window": Param(int, default=6, doc="how many units from the top are examined"),
        "max_header_chars": Param(int, default=200, doc="a longer unit is a paragraph: the walk stops there"),
        "flags": Param(list, default=[], doc="regex flags"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        flags = self.p["flags"]
        families = _site_families(self.p["sites"], flags, "sites")
        families["generic"] = _compile_list(self.p["generic"], "generic", flags)
        self.signatures = _Signatures(families, flags)
        glued = _compile_list(self.p["glued"], "glued", flags)
        self.glued = compile_pattern("|".join(f"(?:{g})" for g in glued), flags) if glued else None

    def detect(self, doc: Document) -> Iterator[Hit]:
        for region in self.regions(doc):
            end = _nth_line(doc.text, region, 4 * self.p["window"] + 20)
            shown = [u for u in units(doc, Region(region.start, end, region.role)) if u.text]
            if len(shown) < 2:
                continue
            head = shown[:self.p["window"]]
            if self.glued is not None:
                first = head[0]
                match = self.glued.match(doc.text, first.vis_start, first.vis_end)
                if match and match.end() < first.vis_end:
                    yield Hit(
                        match.start(),
                        match.end(),
                        {"line": match.group(0).strip(), "site": "generic"},
                        (Edit(match.start(), match.end(), ""),),
                        Applicability.UNSAFE,
                    )
            # In a short text the window reaches its end: a source line there is a footer, not a header.
            limit = len(shown) - 1 if len(shown) > self.p["window"] else len(shown) // 2
            for unit in head[:limit]:
                if len(unit.text) > self.p["max_header_chars"]:
                    break
                kind = self.signatures.classify(unit.text)
                if kind is None:
                    continue
                yield Hit(
                    unit.vis_start,
                    unit.vis_end,
                    {"line": unit.text, "site": _site(kind)},
                    (deletion(doc, unit, unit),),
                    Applicability.UNSAFE if kind == "generic" else Applicability.SAFE,
                )


_NOT_ALNUM = re.compile(r"[\W_]+")
_WIDE = re.compile(r"[\u2e81-\U0010ffff]")


def _weight(text: str, enough: int) -> int:
    """Letters and digits in ``text``, CJK counting double (stops counting once ``enough`` is reached)."""
    letters = _NOT_ALNUM.sub("", text)
    if len(letters) >= enough or 2 * len(letters) < enough:
        return len(letters)
    return len(letters) + len(_WIDE.findall(letters))


def _heavy(text: str, enough: int) -> bool:
    """``_weight(text, enough) >= enough``, mostly decided on a short prefix (paragraphs are long)."""
    if 2 * len(text) < enough:
        return False  # the weight is at most twice the length
    head = text[:2 * enough]
    if len(head) < len(text) and len(_NOT_ALNUM.sub("", head)) >= enough:
        return True  # the prefix alone has enough letters
    return _weight(text, enough) >= enough


class RepeatedParagraphDetector(Detector):
    """The same paragraph twice in one article: a scraper that took the title or a block twice.

    What counts, and what the fix may delete, is kept narrow on purpose (a deletion cannot be undone):

    - A repeat counts only within one article. In a container file (SogouCA/TREC ``<doc>…</doc>``,
      RSS ``<item>``, ``<article>``…) every element is an article of its own: a disclaimer that ends
      thirty articles is not a repeat. Front matter is never compared with the body.
    - Structure is never compared nor deleted: headings (Markdown, HTML, and a line that is all bold
      and ends no sentence), Markdown table rows and separators (with or without outer pipes), HTML
      table rows, tab-separated rows, JSON members (``"comment": "…",``), fenced code, and lines that
      are elements of a container format (``<content>…</content>``, ``<contenttitle>``, ``<url>``,
      ``<docno>``: a tag that is no HTML element). Repeated section headings and table headers are
      what structured text looks like.
    - Only prose is compared: a line of nothing but links and images (a nav bar at the top and the
      bottom of a page, the same picture twice) is not, and neither is a short list item that ends no
      sentence (a document may list one name or title under two headings); a list item that is a
      sentence, or long, is prose.
    - In hard-wrapped text (short lines that mostly go on in the next one) only whole paragraphs count:
      a line that continues the line before it, or goes on in the next one, is part of a paragraph, and
      two paragraphs may share a line (two clauses of a licence start with the same 60 characters).
    - The fix (deleting the later copy) is safe only when both copies are in the same section; across
      a heading (a digest listing one story under two sections) it is unsafe.
    """

    kind: ClassVar[str] = "repeated-paragraph"
    params: ClassVar[dict[str, Param]] = {
        "min_chars": Param(int, default=24, doc="shortest paragraph compared (CJK characters count double)"),
    }

    def _may_repeat(self, raw: str) -> bool:
        """Cheap exact pre-test for text without markup, where units are lines: is any line long
        enough to count there twice? (With markup, paragraphs can repeat inside lines: no shortcut.)"""
        if "<" in raw:
            return True
        shortest = (self.p["min_chars"] + 1) // 2  # CJK letters count double
        seen: set[str] = set()
        for line in raw.split("\n"):
            line = line.strip(_STRIP).casefold()
            if len(line) < shortest:
                continue
            if line in seen:
                return True
            seen.add(line)
        return False

    def detect(self, doc: Document) -> Iterator[Hit]:
        min_chars = self.p["min_chars"]
        text = doc.text
        for region in self.regions(doc):
            if not self._may_repeat(text[region.start:region.end]):
                continue
            # Only a unit whose text occurs twice can repeat or be repeated: the rest need no tests.
            folds = [(unit, unit.text.casefold()) for unit in units(doc, region) if unit.text]
            counts = Counter(folded for _, folded in folds)
            folds = [(unit, folded) for unit, folded in folds if counts[folded] > 1]
            if not folds:
                continue
            articles = _article_starts(text, region)
            headings = _heading_starts(text, region)
            fences = _fenced(text, region)
            wrapped = _hard_wrapped(text[region.start:region.end])
            seen: dict[tuple[int, str], Unit] = {}
            for unit, folded in folds:
                # Count letters only: a separator line (<<<<<<, ------) is layout, never a paragraph.
                if not _heavy(folded, min_chars):
                    continue
                if _structure(text, unit) or (wrapped and not _whole_paragraph(text, unit, region)):
                    continue
                if (fences and bisect.bisect_right(fences, unit.start) % 2) or not _prose(text, unit, min_chars):
                    continue
                key = (bisect.bisect_right(articles, unit.start), folded)
                earlier = seen.get(key)
                if earlier is None:
                    seen[key] = unit
                    continue
                across = bisect.bisect_right(headings, unit.start) != bisect.bisect_right(headings, earlier.start)
                yield Hit(
                    unit.vis_start,
                    unit.vis_end,
                    {"line": unit.text, "first_line": doc.position(earlier.vis_start).line},
                    (deletion(doc, unit, unit),),
                    Applicability.UNSAFE if across else None,
                )


# Elements that hold one article each in a file of many: SogouCA/TREC/Gigaword <doc>/<DOC>, RSS
# <item>, Atom <entry>, HTML <article>, generic <record>.
_ARTICLE_OPEN = re.compile(r"<(?:doc|item|entry|article|record)\b[^>]*>", re.I)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]|^[^\n]+\n[ \t]{0,3}(?:=+|-+)[ \t]*$|<h[1-6]\b", re.M | re.I)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_TSV_ROW = re.compile(r"[^\t\n]\t+[^\t\n]")
_JSON_MEMBER = re.compile(r'^\s*"(?:[^"\\]|\\.)*"\s*:')
_MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$)")
_LEADING_TAG = re.compile(r"^\s*<([A-Za-z][A-Za-z0-9:_-]*)\b")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•·]|\d{1,3}[.)、]|[（(]?[一二三四五六七八九十]{1,3}[)）、])\s*")
# Text ending here ends a sentence or a block: the next line starts a paragraph of its own.
_SENTENCE_END = tuple(".!?。！？…；;:：”\"'’)）]】」』》>|*_`")
# The elements of HTML: a line led by any other tag is an element of a container format (SogouCA's
# <content>, <contenttitle>, <url>, <docno>; TREC's <DOCNO>, <HEADLINE>, <TEXT>).
HTML_ELEMENTS = BLOCK_TAGS | CELL_TAGS | INLINE_TAGS | {"script", "style"}


def _article_starts(text: str, region: Region) -> list[int]:
    """Offsets where an article element opens (empty unless this is a container file)."""
    return [m.start() for m in _ARTICLE_OPEN.finditer(text, region.start, region.end)]


def _heading_starts(text: str, region: Region) -> list[int]:
    return [m.start() for m in _HEADING.finditer(text, region.start, region.end)]


def _line_of(text: str, unit: Unit) -> str:
    start = text.rfind("\n", 0, unit.start) + 1
    end = text.find("\n", unit.end)
    return text[start:len(text) if end < 0 else end]


def _structure(text: str, unit: Unit) -> bool:
    """Whether the unit is structure that a repeat may never delete (see the class docstring)."""
    line = _line_of(text, unit).rstrip("\r")
    if _MARKDOWN_HEADING.match(line) or _TABLE_ROW.match(line) or _JSON_MEMBER.match(line):
        return True
    if _TSV_ROW.search(line):
        return True
    raw = text[unit.start:unit.end].lstrip(_STRIP)
    if (unit.text if unit.markup else line).count("|") >= 2:
        return True  # a table row without outer pipes (`a | b | c`)
    bold = _HTML_BOLD.match(raw) if unit.markup else _BOLD_LINE.match(line)
    if bold and not unit.text.rstrip(_STRIP + "*_").endswith(_PROSE_END):
        return True  # a bold line that ends no sentence: a heading in all but name
    tag = _LEADING_TAG.match(raw) or _LEADING_TAG.match(line)
    if tag and tag.group(1).lower() in _TABLE_TAGS:
        return True
    return bool(tag and tag.group(1).lower() not in HTML_ELEMENTS)


_BOLD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(\*\*|__)(?:(?!\1).)+\1[:：]?\s*$")
_HTML_BOLD = re.compile(
    r"^\s*(?:<(?:p|div|li|center)\b[^>]*>\s*)?<(strong|b)\b[^>]*>[^<]*</\1\s*>"
    r"\s*(?:</(?:p|div|li|center)\s*>\s*)?$", re.I)
# A list item's marker: a bullet and a space, `1.` / `1)` / `1、`, `（一）` / `一、`.
_ITEM = re.compile(r"^\s*(?:[-*+•·]\s+|\d{1,3}[.)](?!\d)\s*|\d{1,3}、"
                   r"|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")
_TABLE_TAGS = frozenset({"tr", "td", "th", "thead", "tbody", "tfoot", "table", "caption"})
# Text ending here ends a sentence (a list item that does is prose).
_PROSE_END = tuple(".!?。！？…；;”\"'’」』")
_LINK_OR_IMAGE = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)|<https?://[^>\s]*>|https?://\S+|www\.\S+")
_FENCE = re.compile(r"^[ \t]{0,3}(?:```|~~~)", re.M)


def _prose(text: str, unit: Unit, min_chars: int) -> bool:
    """Whether a unit reads as prose (see the class docstring): not links and images alone, and
    not a short list item that ends no sentence."""
    shown = unit.text
    if ("](" in shown or "http" in shown or "www." in shown) and not _heavy(
            _LINK_OR_IMAGE.sub(" ", shown).casefold(), min_chars):
        return False  # links and images, with a few words between them at most
    if unit.markup:
        if not _LIST_ITEM_TAG.match(text, unit.start, unit.end):
            return True
        item = shown
    else:
        marker = _ITEM.match(shown)
        if marker is None:
            return True
        item = shown[marker.end():]
    item = item.rstrip(_STRIP + "*_")
    return item.endswith(_PROSE_END) or _heavy(item.casefold(), 3 * min_chars)


_LIST_ITEM_TAG = re.compile(r"\s*<li\b", re.I)


def _fenced(text: str, region: Region) -> list[int]:
    """Offsets of the fence lines of fenced code blocks, in pairs (an unclosed fence runs to the end):
    a unit is inside a block when an odd number of them precede it."""
    return [m.start() for m in _FENCE.finditer(text, region.start, region.end)]


def _hard_wrapped(raw: str) -> bool:
    """Whether the text is wrapped at a fixed width (a licence, an e-mail, a plain-text README): short lines,
    most of which go on in the next line. Text with a paragraph per line is not, however it is laid out."""
    lines = [line.rstrip(_STRIP) for line in raw.split("\n", 4000)[:4000]]
    followed = [a for a, b in zip(lines, lines[1:], strict=False) if a.strip(_STRIP) and b.strip(_STRIP)]
    if len(followed) < 4:
        return False
    shown = [line for line in lines if line.strip(_STRIP)]
    # Display width: a CJK character takes two columns (a 54-character Chinese line is a paragraph).
    short = sum(1 for line in shown if len(line) + len(_WIDE.findall(line)) <= _WRAP_WIDTH)
    if short < 0.95 * len(shown):
        return False
    return sum(1 for line in followed if not _ends_block(line)) * 2 >= len(followed)


_WRAP_WIDTH = 100


def _whole_paragraph(text: str, unit: Unit, region: Region) -> bool:
    """Whether a line unit of plain text is a paragraph of its own, not one line of a hard-wrapped one."""
    if unit.markup:
        return True  # a block-level HTML element, or a line holding one
    line_start = text.rfind("\n", 0, unit.start) + 1
    line_end = text.find("\n", unit.end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].rstrip("\r")
    prev_line = _neighbour(text, line_start - 1, region, before=True)
    next_line = _neighbour(text, line_end, region, before=False)
    return _starts_block(prev_line, line) and (next_line is None or _ends_block(line) or _starts_block(line, next_line))


def _neighbour(text: str, newline: int, region: Region, before: bool) -> str | None:
    """The line before (``before``) or after the newline at ``newline``; None if blank or outside the region."""
    if before:
        if newline <= region.start:
            return None
        start = text.rfind("\n", region.start, newline) + 1
        found = text[max(start, region.start):newline]
    else:
        if newline < 0 or newline >= region.end:
            return None
        end = text.find("\n", newline + 1, region.end)
        found = text[newline + 1:region.end if end < 0 else end]
    found = found.rstrip("\r")
    return found if found.strip(_STRIP) else None


def _starts_block(prev_line: str | None, line: str) -> bool:
    """Whether ``line`` begins a paragraph after ``prev_line`` (None: a blank line or the region's start)."""
    if prev_line is None or _ends_block(prev_line):
        return True
    if _LIST_MARKER.match(line) or _MARKDOWN_HEADING.match(line) or _MARKDOWN_HEADING.match(prev_line):
        return True
    if line.startswith("\u3000"):
        return True  # a Chinese paragraph's ideographic indent
    indent = len(line) - len(line.lstrip(" \t"))
    return indent > len(prev_line) - len(prev_line.lstrip(" \t"))  # a first-line indent


def _ends_block(line: str) -> bool:
    stripped = line.rstrip(_STRIP)
    return not stripped or stripped.endswith(_SENTENCE_END)


__all__ = [
    "HTML_ELEMENTS",
    "LeadingBoilerplateDetector",
    "RepeatedParagraphDetector",
    "TrailingBoilerplateDetector",
    "Unit",
    "deletion",
    "units",
]
