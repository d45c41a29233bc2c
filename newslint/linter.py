"""Running checks on one document, and fixing it to a fixpoint.

The linter owns the detectors built for the selected checks. ``check`` turns detector hits into
located findings (minus suppressed ones); ``fix`` applies the applicable fixes, re-checks the new
text and repeats until nothing changes or a round limit is hit (sqlfluff users hit non-converging
fixers; ruff stops at 100 rounds and says so, we do the same at a lower bound).

Pack patterns run on a time budget per check per document (``registry.PATTERN_LIMITS``, reset here
before each check; see ``detectors/pattern.py``). A check that runs out raises ``PatternTimeout``:
its hits on that document are dropped, the document is recorded as an input problem naming the
check (``take_problems``, collected by the runner after each task: exit code 2), and the check is
not run on that document again (fix rounds). After ``MAX_PATTERN_TIMEOUTS`` documents of one task,
it is not run on the task's other documents either.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newslint.document import Document, Format, Region, Role, file_document
from newslint.edits import apply_fix_groups
from newslint.markdown_code import code_spans, overlapping, whole_lines
from newslint.model import Applicability, Edit, Finding, Fix, Hit, Position, Scope, Severity
from newslint.packs import shipped
from newslint.registry import (
    PATTERN_LIMITS,
    CheckSpec,
    Detector,
    PatternTimeout,
    build_detector,
    recall_hits,
    remember_hits,
)
from newslint.suppression import directive_spans, suppressed_ranges

if TYPE_CHECKING:
    from newslint.report import InputProblem

MAX_FIX_ROUNDS = 12
#: A check that times out on this many documents of one task (a file, or a slice of a large JSONL
#: file) is not run on the task's other documents: a file where every record trips it must not cost
#: its time limit a record.
MAX_PATTERN_TIMEOUTS = 3


@dataclass
class FixOutcome:
    text: str
    encoding: str
    fixed: Counter[str]
    converged: bool
    remaining: list[Finding]


class Linter:
    def __init__(self, specs: Sequence[CheckSpec], severity_overrides: dict[str, Severity] | None = None) -> None:
        self.specs = list(specs)
        self.severity = {s.code: (severity_overrides or {}).get(s.code, s.severity) for s in self.specs}
        # The document checks' detectors are built when a document of a format they apply to first
        # needs them (``_detectors_for``), not here: a run served from the cache, or one whose files
        # no check applies to, compiles nothing; the corpus stages build their own (``CorpusPlan``).
        self._document_specs = [s for s in self.specs if s.scope is Scope.DOCUMENT]
        self._built: dict[int, Detector] = {}  # by index in _document_specs: built once, whatever the format
        # per format: its detectors in check order, and the codes whose hits are shared (``_hits``)
        self._by_format: dict[Format, tuple[list[Detector], frozenset[str]]] = {}
        self._corpus_detectors: list[Detector] | None = None
        # Pattern limits, since the last take_problems(): problems to report, the documents each
        # check timed out on (path, record, field, code), how often, and documents skipped after that.
        self._problems: list[InputProblem] = []
        self._timed_out: set[tuple[str, int | None, str | None, str]] = set()
        self._timeouts: Counter[str] = Counter()
        self._given_up: dict[str, set[tuple[str, int | None, str | None]]] = {}

    # -- checking -------------------------------------------------------------------------------

    def check(self, doc: Document) -> list[Finding]:
        findings: list[Finding] = []
        suppressed = suppressed_ranges(doc.text) if doc.format.value in ("markdown", "html", "plain") else []
        directives = directive_spans(doc.text) if suppressed else []
        code = code_spans(doc.text) if doc.format is Format.MARKDOWN else []  # literal text: see markdown_code
        code_starts = [s for s, _ in code]
        limits = PATTERN_LIMITS
        detectors, shared = self._detectors_for(doc)
        try:
            for detector in detectors:
                spec = detector.check
                if doc.disabled and spec.kind != DIRECTIVE_KIND and _record_disables(doc.disabled, spec):
                    continue
                if self._timed_out and self._skip(doc, spec.code):
                    continue
                mark = len(findings)
                limits.deadline = 0.0  # the check's first pattern call starts its clock
                try:
                    hits = self._hits(doc, detector) if spec.code in shared else detector.detect(doc)
                    for hit in hits:
                        if directives and spec.kind != DIRECTIVE_KIND and \
                                any(s <= hit.start < e for s, e in directives):
                            continue
                        if suppressed and any(r.covers(spec.code, spec.name, hit.start) for r in suppressed):
                            continue
                        if code and _in_code(doc.text, code, code_starts, hit):
                            continue
                        findings.append(self.finding(doc, spec, hit))
                except PatternTimeout as exc:
                    del findings[mark:]  # a check that did not finish reports nothing on this document
                    self._pattern_stopped(doc, spec, exc)
        finally:
            limits.deadline = -1.0
        findings.sort(key=Finding.sort_key)
        return findings

    def _detectors_for(self, doc: Document) -> tuple[list[Detector], frozenset[str]]:
        """The detectors of the checks that apply to ``doc``'s format (in check order), built on the
        first document of that format, and the codes of those whose hits another of them reads
        (``defers_to``): those run once per document, their hits kept for the other."""
        found = self._by_format.get(doc.format)
        if found is None:
            detectors = [self._detector(n) for n, s in enumerate(self._document_specs) if s.applies_to(doc)]
            shared = frozenset().union(*(d.defers_to() for d in detectors))
            found = self._by_format[doc.format] = (detectors, shared)
        return found

    def _detector(self, n: int) -> Detector:
        """The detector of document check ``n``, built once: a shipped check's patterns run on ``re``,
        any other's are bounded (``packs.shipped``)."""
        detector = self._built.get(n)
        if detector is None:
            spec = self._document_specs[n]
            detector = self._built[n] = build_detector(spec, shipped(spec))
        return detector

    @property
    def detectors(self) -> list[Detector]:
        """Every document check's detector (all built): for callers that inspect them, not the check path."""
        return [self._detector(n) for n in range(len(self._document_specs))]

    @property
    def corpus_detectors(self) -> list[Detector]:
        """The corpus checks' detectors, built on first use (the engine's stages build their own, in
        ``CorpusPlan``; this is for callers of the Python API that map and reduce themselves)."""
        if self._corpus_detectors is None:
            self._corpus_detectors = [build_detector(s, shipped(s)) for s in self.specs if s.scope is Scope.CORPUS]
        return self._corpus_detectors

    @staticmethod
    def _hits(doc: Document, detector: Detector) -> list[Hit]:
        """A shared check's hits: taken from the check that ran it on ``doc`` already, or run and kept."""
        hits = recall_hits(doc, detector.check)
        if hits is None:
            hits = list(detector.detect(doc))
            remember_hits(doc, detector.check, hits)
        return hits

    def _skip(self, doc: Document, code: str) -> bool:
        """Whether a check that timed out before is not run on ``doc``: it timed out on this very
        document (an earlier fix round), or on too many documents of this task."""
        if (doc.path, doc.record, doc.field_name, code) in self._timed_out:
            return True
        if self._timeouts[code] < MAX_PATTERN_TIMEOUTS:
            return False
        self._given_up.setdefault(code, set()).add((doc.path, doc.record, doc.field_name))
        return True

    def _pattern_stopped(self, doc: Document, spec: CheckSpec, exc: PatternTimeout) -> None:
        from newslint.report import InputProblem

        self._timed_out.add((doc.path, doc.record, doc.field_name, spec.code))
        self._timeouts[spec.code] += 1
        where = f" ({doc.field_name!r} field)" if doc.record is not None and doc.field_name else ""
        self._problems.append(
            InputProblem(doc.path, f"{spec.code} ({spec.name}): {exc.describe()}{where}; check skipped", doc.record)
        )

    def take_problems(self) -> list[InputProblem]:
        """The input problems of the documents checked since the last call (the runner calls it
        after each task), and a fresh start for the per-task limit on timeouts."""
        from newslint.report import InputProblem

        problems = self._problems
        names = {s.code: s.name for s in self.specs}
        for code, docs in sorted(self._given_up.items()):
            path = min(docs, key=lambda d: (d[1] or 0))[0]
            problems.append(InputProblem(
                path,
                f"{code} ({names.get(code, code)}): timed out on {self._timeouts[code]} documents of this file; "
                f"not run on {len(docs)} more of them",
            ))
        self._problems = []
        self._timed_out.clear()
        self._timeouts.clear()
        self._given_up.clear()
        return problems

    def finding(self, doc: Document, spec: CheckSpec, hit: Hit) -> Finding:
        return self.located(spec, hit, doc.path, doc.record, doc.field_name, doc.position)

    def located(
        self,
        spec: CheckSpec,
        hit: Hit,
        path: str,
        record: int | None,
        field_name: str | None,
        position: Callable[[int], Position],
    ) -> Finding:
        """A finding from a hit, located by ``position`` (a document's, or a corpus reference's)."""
        fix = None
        applicability = hit.applicability or spec.fix
        if (hit.edits is not None or hit.encoding or hit.drop_record) and applicability is not Applicability.NONE:
            fix = Fix(hit.edits or (), applicability, encoding=hit.encoding, drop_record=hit.drop_record)
        return Finding(
            code=spec.code,
            name=spec.name,
            severity=self.severity.get(spec.code, spec.severity),
            message=spec.render(hit),
            path=path,
            start=hit.start,
            end=hit.end,
            location=position(hit.start),
            end_location=position(hit.end),
            record=record,
            field_name=field_name,
            fix=fix,
        )

    # -- fixing ---------------------------------------------------------------------------------

    def fix(self, doc: Document, unsafe: bool = False, preset: Sequence[Finding] = ()) -> FixOutcome:
        """Fix ``doc`` to a fixpoint. ``preset`` are findings computed elsewhere on this same text
        (corpus checks), applied in the first round together with the document's own."""
        fixed: Counter[str] = Counter()
        encoding = doc.encoding
        original = doc
        extra = [f for f in preset if applicable(f, unsafe)]
        for _ in range(MAX_FIX_ROUNDS):
            findings = self.check(doc)
            # a corpus check's edits (``preset``) obey the front-matter rule too
            candidates = extra + [f for f in findings if applicable(f, unsafe)]
            chosen = [f for f in candidates if _may_edit(doc, f, self._roles)]
            extra = []
            if not chosen:
                return FixOutcome(doc.text, encoding, fixed, True, findings)
            text, applied = apply_fix_groups(doc.text, [f.fix.edits for f in chosen if f.fix])
            text, applied = _guard_front_matter(doc, text, chosen, applied)
            changed_encoding = False
            for index in applied:
                finding = chosen[index]
                fixed[finding.code] += 1
                if finding.fix and finding.fix.encoding and finding.fix.encoding != encoding:
                    encoding = finding.fix.encoding
                    changed_encoding = True
            if text == doc.text and not changed_encoding:
                return FixOutcome(doc.text, encoding, fixed, True, findings)
            doc = _with_text(doc, text, encoding)
        # No fixpoint: a fix keeps re-creating what it fixes (a user pack's ``\w+`` → ``{match}``). Writing
        # the text of the last round would leave a file that the next ``fix`` changes again; when in doubt,
        # don't touch: the document stays as it was, its findings reported as they are.
        return FixOutcome(original.text, original.encoding, Counter(), False, self.check(original))

    @property
    def _roles(self) -> dict[str, frozenset[Role]]:
        return {s.code: s.roles for s in self.specs}


# The check that reports unknown codes in suppressions looks inside the directives themselves.
DIRECTIVE_KIND = "suppression-directive"


def _record_disables(disabled: tuple[str, ...], spec: CheckSpec) -> bool:
    from newslint.selection import matches

    return any(matches(code, spec) for code in disabled)


def applicable(finding: Finding, unsafe: bool) -> bool:
    """Whether ``fix`` applies this finding's fix: safe ones always, unsafe ones with --unsafe-fixes."""
    if finding.fix is None:
        return False
    if finding.fix.applicability is Applicability.SAFE:
        return True
    return unsafe and finding.fix.applicability is Applicability.UNSAFE


def _may_edit(doc: Document, finding: Finding, roles: dict[str, frozenset[Role]]) -> bool:
    """Edits may touch front matter only for checks that declared they look at it."""
    front = doc.front_matter()
    if front is None or finding.fix is None:
        return True
    if Role.FRONT_MATTER in roles.get(finding.code, frozenset()):
        return True
    return all(e.end <= front.start or e.start >= front.end for e in finding.fix.edits)


def _guard_front_matter(
    doc: Document, text: str, chosen: list[Finding], applied: list[int]
) -> tuple[str, list[int]]:
    """Undo front-matter edits if they would leave the YAML unparsable (nothing is ever broken)."""
    front = doc.front_matter()
    if front is None or text == doc.text:
        return text, applied
    touching = [
        i for i in applied
        if (fix := chosen[i].fix) and any(e.start < front.end for e in fix.edits)
    ]
    if not touching:
        return text, applied
    if _front_matter_parses(text) or not _front_matter_parses(doc.text):
        return text, applied
    keep = [i for i in applied if i not in touching]
    groups: list[tuple[Edit, ...]] = [chosen[i].fix.edits if chosen[i].fix else () for i in keep]
    new_text, sub_applied = apply_fix_groups(doc.text, groups)
    return new_text, [keep[i] for i in sub_applied]


def _front_matter_parses(text: str) -> bool:
    from newslint.document import front_matter_span

    span = front_matter_span(text)
    if span is None:
        return False
    from newslint.document import MAX_FRONT_MATTER_YAML, YamlError, load_yaml

    block = text[span[0]:span[1]].strip().strip("-")
    try:
        load_yaml(block, MAX_FRONT_MATTER_YAML)
    except YamlError:
        return False
    return True


def _with_text(doc: Document, text: str, encoding: str) -> Document:
    if doc.record is None:
        fresh = file_document(doc.path, text, doc.format, encoding, doc.encoding_confidence, doc.lossless)
        return fresh
    return dataclasses.replace(doc, text=text, regions=(Region(0, len(text), Role.BODY),), _line_starts=None)


def _in_code(text: str, code: list[tuple[int, int]], starts: list[int], hit: Hit) -> bool:
    """Whether ``hit`` touches a Markdown code span or block (see :mod:`newslint.markdown_code`): it
    overlaps one without being whole lines that hold all of it, or one of its edits cuts into one."""
    touched = overlapping(code, starts, hit.start, hit.end)
    if touched and not (whole_lines(text, hit.start, hit.end)
                        and all(hit.start <= s and t <= hit.end for s, t in touched)):
        return True
    return any(not (s <= e.start and e.end <= t) and not (e.start <= s and t <= e.end)
               for e in hit.edits or () for s, t in overlapping(code, starts, e.start, e.end))
