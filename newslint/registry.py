"""Checks and detector kinds.

A *check* is data (code, name, severity, message, docs, parameters) declared in a YAML pack; a
*detector kind* is the Python class that does the matching for it. Kinds are found by name: the
built-in ones from a table (no entry-point scan on the hot start-up path), anything else from the
``newslint.detectors`` entry-point group, which is also where the built-ins are declared so the
plugin path stays exercised (a test checks the two agree).
"""

from __future__ import annotations

import importlib
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from newslint.document import Document, Format, Region, Role
from newslint.model import Applicability, Hit, Scope, Severity

ENTRY_POINT_GROUP = "newslint.detectors"

BUILTIN_KINDS: dict[str, str] = {
    "pattern": "newslint.detectors.pattern:PatternDetector",
    "phrases": "newslint.detectors.phrases:PhrasesDetector",
    "mojibake": "newslint.detectors.mojibake:MojibakeDetector",
    "non-utf8": "newslint.detectors.encoding:NonUtf8Detector",
    "invisible": "newslint.detectors.invisible:InvisibleDetector",
    "html-entity": "newslint.detectors.html:EntityDetector",
    "html-tag": "newslint.detectors.html:TagDetector",
    "html-comment": "newslint.detectors.html:CommentDetector",
    "style-or-script": "newslint.detectors.html:StyleScriptDetector",
    "front-matter": "newslint.detectors.front_matter:FrontMatterDetector",
    "suppression-directive": "newslint.detectors.directives:DirectiveDetector",
    "ticker-link": "newslint.detectors.tickers:TickerLinkDetector",
    "leading-boilerplate": "newslint.detectors.boilerplate:LeadingBoilerplateDetector",
    "trailing-boilerplate": "newslint.detectors.boilerplate:TrailingBoilerplateDetector",
    "repeated-paragraph": "newslint.detectors.boilerplate:RepeatedParagraphDetector",
    "cjk-punctuation-in-latin": "newslint.detectors.script:CjkPunctuationDetector",
    "script-mixing": "newslint.detectors.script:ScriptMixingDetector",
    "corpus-boilerplate": "newslint.detectors.corpus_boilerplate:CorpusBoilerplateDetector",
    "junk-line": "newslint.detectors.junk:JunkLineDetector",
    "exact-duplicate": "newslint.dedup.detectors:ExactDuplicateDetector",
    "near-duplicate": "newslint.dedup.detectors:NearDuplicateDetector",
    "translation-pair": "newslint.names.detectors:TranslationPairDetector",
    "name-mistranslation": "newslint.names.detectors:NameMistranslationDetector",
    "name-variant": "newslint.names.detectors:NameVariantDetector",
    "glossary": "newslint.names.detectors:GlossaryDetector",
}


# How many documents a run must hold for a corpus kind to have anything to say (the class attribute
# ``CorpusDetector.min_documents``), as data: a one-document run drops these checks before building
# them, so it never imports their modules (dedup, names analysis, NL403's tables). A kind not listed
# needs one document; a plugin kind is asked through its class. A test checks the table against
# the classes.
BUILTIN_MIN_DOCUMENTS: dict[str, int] = {
    "corpus-boilerplate": 3,
    "exact-duplicate": 2,
    "near-duplicate": 2,
    "translation-pair": 2,
    "name-mistranslation": 2,
}


def min_documents(kind: str) -> int:
    """The fewest documents a run needs for a check of ``kind`` to report anything: from the table
    for a built-in kind (no import), from the class for a plugin."""
    if kind in BUILTIN_KINDS:
        return BUILTIN_MIN_DOCUMENTS.get(kind, 1)
    return int(getattr(detector_class(kind), "min_documents", 1))


class PackError(Exception):
    """A pack or config that cannot be loaded; the message names the file and the check."""


class PatternTimeout(Exception):
    """A pack pattern stopped by its limit on one document: its time budget ran out, or the
    matching engine gave up for lack of memory (``memory``). The linter catches it, drops that
    check's hits on that document and reports the document as an input problem (exit code 2)."""

    def __init__(self, limit: float, memory: bool = False) -> None:
        self.limit = limit
        self.memory = memory
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.memory:
            return "pattern ran out of matching memory on this document"
        shown = f"{self.limit:.1f}" if round(self.limit, 1) == self.limit else f"{self.limit:g}"
        return f"pattern took longer than {shown} s on this document"


class PatternLimits:
    """How pack patterns are compiled and bounded (see ``detectors/pattern.py``).

    ``trusted`` is True only while the detector of a check exactly as a pack shipped with newslint
    declares it is being built (:func:`build_detector`, ``packs.shipped``): its patterns, reviewed
    with the code, compile with the stdlib ``re`` at full speed. Every other pattern is compiled for
    bounded matching, and draws on ``deadline``: a ``time.monotonic()`` value while a check runs on a
    document; ``0.0`` when a check is about to run (its first pattern call starts the clock, with
    that pattern's limit); ``-1.0`` outside the linter (loading a pack, a test), where each call gets
    the whole limit. The linter sets it with plain stores, not a context manager: it does so for
    every check on every document.
    """

    __slots__ = ("deadline", "trusted")

    def __init__(self) -> None:
        self.deadline = -1.0
        self.trusted = False


PATTERN_LIMITS = PatternLimits()


@dataclass(frozen=True)
class Param:
    """One detector parameter: its expected type(s), default, and whether a pack must give it."""

    types: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Example:
    """A pack's own test case: text that must (or must not) be flagged, and what the fix gives."""

    text: str
    flagged: bool
    fixed: str | None = None
    format: Format = Format.PLAIN
    encoding: str = "utf-8"  # the file's encoding, for checks about the file rather than the text


@dataclass(frozen=True)
class CheckDoc:
    what: str = ""
    why: str = ""
    example: str = ""
    fix: str = ""


@dataclass(frozen=True)
class CheckSpec:
    code: str
    name: str
    kind: str
    severity: Severity
    fix: Applicability
    message: str
    summary: str
    docs: CheckDoc
    params: Mapping[str, Any]
    pack: str
    scope: Scope = Scope.DOCUMENT
    enabled_by_default: bool = True
    roles: frozenset[Role] = frozenset({Role.BODY})
    formats: frozenset[Format] | None = None
    examples: tuple[Example, ...] = ()
    tags: tuple[str, ...] = field(default=())

    def fingerprint(self) -> str:
        """A stable text of everything that decides this check's results (for cache and index keys;
        ``repr`` would print the frozensets in a per-process order)."""
        import json

        return json.dumps(
            [self.code, self.name, self.kind, self.severity.value, self.fix.value, self.message, self.scope.value,
             sorted(r.value for r in self.roles), sorted(f.value for f in self.formats or ()),
             self.params],
            sort_keys=True, default=str, ensure_ascii=False,
        )

    def applies_to(self, doc: Document) -> bool:
        return self.formats is None or doc.format in self.formats

    def render(self, hit: Hit) -> str:
        if hit.message is not None:
            return hit.message
        return self.message.format_map(_Missing(hit.args))


class _Missing(dict):
    """``format_map`` helper: an argument a hit did not supply renders as ``{name}``, never raises."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Detector:
    """Base of every detector kind.

    Subclasses set ``kind``, declare ``params`` and implement :meth:`detect`. They are built once
    per run with their check's spec (parameters already validated and defaulted), so compile
    regexes and tables in ``__init__`` and keep :meth:`detect` to a scan.
    """

    kind: ClassVar[str] = ""
    scope: ClassVar[Scope] = Scope.DOCUMENT
    params: ClassVar[dict[str, Param]] = {}

    def __init__(self, check: CheckSpec) -> None:
        self.check = check
        self.p = check.params

    def defers_to(self) -> frozenset[str]:
        """Codes of the checks whose hits this one reads on each document (``recall_hits``)."""
        return frozenset()

    def regions(self, doc: Document) -> list[Region]:
        """The regions of ``doc`` this check looks at (the body, and front matter if the pack says so)."""
        return doc.regions_for(self.check.roles)

    def detect(self, doc: Document) -> Iterable[Hit]:
        raise NotImplementedError


class CorpusDetector(Detector):
    """A check over the whole run: ``map`` each document to a small picklable summary (in parallel),
    then ``reduce`` all summaries to hits. Keeping the phases apart lets the reduce move elsewhere."""

    scope: ClassVar[Scope] = Scope.CORPUS
    # A check comparing documents with each other has nothing to say about a single one; the runner
    # then skips its map (and the libraries it would import) for a one-document run.
    min_documents: ClassVar[int] = 1
    # The most applicable fix its hits give themselves (``Hit.applicability``, which overrides the
    # check's ``fix:`` setting); None: they never set one. A fix run re-checks the corpus between
    # writes only with checks whose fixes it may apply (``fixer.may_fix``); a kind that does not say
    # is taken to give safe ones.
    hit_applicability: ClassVar[Applicability | None] = Applicability.SAFE

    def detect(self, doc: Document) -> Iterable[Hit]:
        return ()

    def map(self, doc: Document) -> Any:
        raise NotImplementedError

    def map_key(self) -> Hashable | None:
        """Checks whose ``map_key`` is equal (and not None) map every document to the same summary:
        the runner then maps once and hands all of them one stream."""
        return None

    def reduce(self, summaries: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Hit]]:
        """``summaries`` are ``(document index, map result)`` in document order; yield
        ``(document index, hit)``. The stream can be iterated more than once (each pass reads the
        run's spool again), so a reduce over millions of documents should keep only what its
        counts show it needs, not ``list(summaries)``."""
        raise NotImplementedError


# The hits each check gave on the document being checked (the detector's own output, before
# suppressions), kept for that one document: the linter and a check that leaves some spans to others
# (``junk-line``'s ``defer_to``) each run such a check once, whichever comes first. Keyed by the
# document object, not its text: the same text under another path can be another format.
_document_hits: tuple[Document, dict[str, tuple[CheckSpec, list[Hit]]]] | None = None


def remember_hits(doc: Document, spec: CheckSpec, hits: list[Hit]) -> None:
    """Keep ``spec``'s complete hits on ``doc`` (the hits of any earlier document are dropped).
    Only hits of a detector built as the linter builds it (``packs.shipped`` decides trust)."""
    global _document_hits
    if _document_hits is None or _document_hits[0] is not doc:
        _document_hits = (doc, {})
    _document_hits[1][spec.code] = (spec, hits)


def recall_hits(doc: Document, spec: CheckSpec) -> list[Hit] | None:
    """The hits remembered for exactly this check on exactly this document, or None."""
    memo = _document_hits
    if memo is None or memo[0] is not doc:
        return None
    found = memo[1].get(spec.code)
    if found is None or not _same_check(found[0], spec):
        return None
    return found[1]


# Whether two specs are equal, by the pair: the linter's and a deferring check's copy of one check are
# compared on every document (a few microseconds each). The specs are kept, so their ids stay theirs.
_same_checks: dict[tuple[int, int], tuple[CheckSpec, CheckSpec, bool]] = {}


def _same_check(a: CheckSpec, b: CheckSpec) -> bool:
    if a is b:
        return True
    found = _same_checks.get((id(a), id(b)))
    if found is None:
        if len(_same_checks) > 1000:
            _same_checks.clear()
        found = _same_checks[(id(a), id(b))] = (a, b, a == b)
    return found[2]


def build_detector(spec: CheckSpec, trusted: bool = False) -> Detector:
    """The detector of ``spec``. ``trusted``: the check is exactly as a pack shipped with newslint
    declares it (``packs.shipped``), so its patterns compile with the stdlib ``re``, unbounded; any
    other check's patterns are time-limited (ARCHITECTURE.md, "Bounded patterns")."""
    cls = detector_class(spec.kind)
    PATTERN_LIMITS.trusted = trusted
    try:
        return cls(spec)
    finally:
        PATTERN_LIMITS.trusted = False


_kind_cache: dict[str, type[Detector]] = {}


def _load(target: str) -> type[Detector]:
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def detector_class(kind: str) -> type[Detector]:
    """Resolve a kind name to its class: built-ins by table, plugins by entry point."""
    cls = _kind_cache.get(kind)
    if cls is not None:
        return cls
    if kind in BUILTIN_KINDS:
        cls = _load(BUILTIN_KINDS[kind])
    else:
        cls = plugin_kind(kind)
        if cls is None:
            known = ", ".join(sorted(set(BUILTIN_KINDS) | plugin_kind_names()))
            raise PackError(f"unknown detector kind {kind!r} (known kinds: {known})")
    if not (isinstance(cls, type) and issubclass(cls, Detector)):
        raise PackError(f"detector kind {kind!r} does not name a newslint Detector subclass")
    _kind_cache[kind] = cls
    return cls


def plugin_kind_names() -> set[str]:
    from importlib.metadata import entry_points

    return {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}


def plugin_kind(kind: str) -> type[Detector] | None:
    """A kind declared through the entry-point group; only the plugin asked for is imported."""
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP, name=kind):
        try:
            return ep.load()
        except Exception as exc:  # a broken plugin must name itself, not crash with a traceback
            raise PackError(f"detector plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
    return None
