"""The Python API: newslint on texts, batches, data frames and datasets, without files.

Build a :class:`Linter` once (loading and validating the packs, building the detectors) and reuse
it for every text::

    import newslint

    linter = newslint.Linter(select=["NL2"])
    findings = linter.check_text("<b>北京</b>今日晴。")
    result = linter.fix_text("<b>北京</b>今日晴。")

Findings are :class:`newslint.model.Finding` objects, the ones the command line reports;
:func:`to_json` / :func:`finding_dict` give exactly the objects of ``newslint check --format json``.
A text is checked as one document, in the format its ``path`` implies (``.md``: Markdown with front
matter; ``.jsonl``: one document per record; default: plain text, reported as ``<text>``).
Corpus checks (duplicates, names pairing) need several documents: :meth:`Linter.check_corpus`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newslint.model import Finding

TEXT_PATH = "<text>"
CORPUS_PATH = "<corpus>"


@dataclass(frozen=True)
class FixResult:
    """What :meth:`Linter.fix_text` did: the fixed text, fixes applied per check, what is left."""

    text: str
    original: str
    fixed: dict[str, int] = field(default_factory=dict)
    remaining: list[Finding] = field(default_factory=list)
    converged: bool = True
    problem: str | None = None  # why the text was left as it was (a fix would change its format)

    @property
    def changed(self) -> bool:
        return self.text != self.original


class Linter:
    """Selected checks, built once. ``select``/``ignore``/``extend_select`` take codes, prefixes and
    names as on the command line (``None``: the checks enabled by default or by the config);
    ``config`` is a ``.newslint.yaml`` or ``pyproject.toml`` (its selection, severities, params,
    packs and per-file ignores apply); ``packs`` are extra YAML packs; ``unsafe_fixes`` lets
    :meth:`fix_text` apply fixes marked unsafe."""

    def __init__(
        self,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        *,
        extend_select: Sequence[str] = (),
        config: str | Path | None = None,
        packs: Sequence[str | Path] = (),
        unsafe_fixes: bool = False,
    ) -> None:
        from newslint.cli import _all_specs
        from newslint.config import Settings, load_config
        from newslint.linter import Linter as DocumentLinter
        from newslint.selection import select_checks

        self.settings = load_config(Path(config)) if config is not None else Settings()
        specs = _all_specs(self.settings, [Path(p) for p in packs])
        chosen = select_checks(
            specs,
            list(select) if select is not None else self.settings.select,
            [*self.settings.extend_select, *extend_select],
            [*self.settings.ignore, *ignore],
        )
        self.specs = chosen
        self.unsafe_fixes = unsafe_fixes
        self._document = DocumentLinter([s for s in chosen if s.scope.value != "corpus"], self.settings.severity)
        self._by_ignores: dict[tuple[str, ...], DocumentLinter] = {(): self._document}
        self.problems: list[str] = []  # documents a user pattern stopped on (see ARCHITECTURE.md)
        self._has_corpus = any(s.scope.value == "corpus" for s in chosen)
        self._plans: dict[bool, Any] = {}

    def _plan(self, single: bool) -> Any:
        """The corpus checks (for one document: those that need only one), built once."""
        plan = self._plans.get(single)
        if plan is None:
            from newslint.engine.corpus import CorpusPlan
            from newslint.engine.request import RunRequest

            plan = self._plans[single] = CorpusPlan(RunRequest(paths=(), settings=self.settings, specs=self.specs,
                                                               single_document=single))
        return plan

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.specs]

    def _linter_for(self, path: str) -> Any:
        ignored = tuple(sorted(self.settings.ignored_for(path))) if self.settings.per_file_ignores else ()
        linter = self._by_ignores.get(ignored)
        if linter is None:
            from newslint.linter import Linter as DocumentLinter
            from newslint.selection import select_checks

            specs = [s for s in select_checks(self._document.specs, None, (), ignored) if s in self._document.specs]
            linter = self._by_ignores[ignored] = DocumentLinter(specs, self.settings.severity)
        return linter

    def _documents(self, text: str, path: str) -> list[Any]:
        from newslint.document import Format, detect_format, file_document

        fmt = detect_format(path, text)
        if fmt is Format.JSONL or path.lower().endswith((".xml", ".sgml", ".trec", ".dat")):
            from newslint.inputs import read_source

            source = read_source(Path(path), text.encode("utf-8", "surrogatepass"), path, self.settings)
            return list(source.documents)
        return [file_document(path, text, fmt)]

    def _take_problems(self, linter: Any) -> None:
        for problem in linter.take_problems():
            where = f"{problem.path}:record {problem.record}" if problem.record else problem.path
            self.problems.append(f"{where}: {problem.message}")

    # -- one text ----------------------------------------------------------------------------------

    def check_text(self, text: str, *, path: str | None = None) -> list[Finding]:
        """The findings of the document checks on ``text``, in report order."""
        display = path or TEXT_PATH
        linter = self._linter_for(display)
        findings: list[Finding] = []
        documents = self._documents(text, display)
        for doc in documents:
            findings.extend(linter.check(doc))
        self._take_problems(linter)
        if self._has_corpus:  # corpus checks that have something to say about one text (as the CLI)
            findings.extend(self._corpus_findings(documents, single=len(documents) == 1))
        return sorted(findings, key=Finding.sort_key)

    def fix_text(self, text: str, *, path: str | None = None) -> FixResult:
        """``text`` with every applicable fix applied (to a fixpoint), as ``newslint fix`` would write
        a file of that text; a fix that would make the text read as another format is not applied."""
        from newslint.document import Format, detect_format, file_document

        display = path or TEXT_PATH
        fmt = detect_format(display, text)
        if fmt is Format.JSONL:
            raise ValueError("fix_text fixes one document; fix JSONL files with `newslint fix`")
        linter = self._linter_for(display)
        outcome = linter.fix(file_document(display, text, fmt), self.unsafe_fixes)
        self._take_problems(linter)
        remaining = sorted(outcome.remaining, key=Finding.sort_key)
        if outcome.text != text and detect_format(display, outcome.text) is not fmt:
            return FixResult(text, text, {}, sorted(linter.check(file_document(display, text, fmt)),
                                                    key=Finding.sort_key), outcome.converged,
                             f"not fixed: once fixed it would be read as {detect_format(display, outcome.text).value}")
        return FixResult(outcome.text, text, dict(outcome.fixed), remaining, outcome.converged)

    # -- batches -----------------------------------------------------------------------------------

    def check_batch(self, texts: Iterable[str | None], *, paths: Sequence[str] | None = None) -> list[list[Finding]]:
        """:meth:`check_text` of each text (``None``, a missing value, has no findings)."""
        out = []
        for n, text in enumerate(texts):
            out.append([] if text is None else self.check_text(text, path=paths[n] if paths is not None else None))
        return out

    def batch_function(self, text_column: str = "text", prefix: str = "newslint_") -> Callable[[dict], dict]:
        """A function for ``datasets.Dataset.map(fn, batched=True)`` (and any dict of columns): adds
        ``{prefix}codes`` (list of codes), ``{prefix}count`` and ``{prefix}findings`` (a JSON array,
        the CLI's objects) for the texts in ``text_column``."""

        def add_columns(batch: dict) -> dict:
            columns = finding_columns(self.check_batch(batch[text_column]), prefix)
            return {**batch, **columns}

        return add_columns

    def lint_frame(self, frame: Any, text_column: str = "text", prefix: str = "newslint_") -> Any:
        """A copy of a pandas DataFrame with the finding columns of :meth:`batch_function` added."""
        texts = [None if not isinstance(t, str) else t for t in frame[text_column].tolist()]
        out = frame.copy()
        for name, values in finding_columns(self.check_batch(texts), prefix).items():
            out[name] = values
        return out

    # -- a corpus ----------------------------------------------------------------------------------

    def check_corpus(self, documents: Iterable[str | tuple[str, str]], *, document_checks: bool = False
                     ) -> list[Finding]:
        """The corpus checks (duplicates, boilerplate across documents, names) over ``documents``:
        texts (reported as ``<corpus>:record N``, N counting from 1) or ``(path, text)`` pairs. With
        ``document_checks`` the document checks' findings are included. Summaries are kept in
        memory: for corpora of many GB use ``newslint check`` (or ``--engine ray``)."""
        from newslint.document import detect_format, file_document, text_document

        def docs() -> Iterable[Any]:
            for n, item in enumerate(documents):
                if isinstance(item, str):
                    yield text_document(CORPUS_PATH, item, n + 1, "text")
                else:
                    path, text = item
                    yield file_document(path, text, detect_format(path, text))

        found: list[Finding] = []
        extra = found if document_checks else None
        found.extend(self._corpus_findings(docs(), single=False, document_findings=extra))
        return sorted(found, key=Finding.sort_key)

    def _corpus_findings(self, documents: Iterable[Any], single: bool,
                         document_findings: list[Finding] | None = None) -> list[Finding]:
        """Map each document through the corpus checks (and the document checks, into
        ``document_findings`` when given), then reduce: the engine's corpus stages, in memory."""
        from array import array

        from newslint.engine.corpus import STOPPED, map_bounded, reduce_findings
        from newslint.engine.records import DocRef

        plan = self._plan(single)
        summaries: list[list[tuple[int, Any]]] = [[] for _ in plan.detectors]
        refs: list[DocRef] = []
        problems: list[Any] = []
        for doc in documents:
            index = len(refs)
            refs.append(DocRef(doc.path, doc.record, doc.field_name, array("l", doc.line_starts()),
                               doc.first_line, doc.first_column))
            for g in plan.owners:
                detector = plan.detectors[g]
                if detector.check.applies_to(doc):
                    summary = map_bounded(detector, doc, problems)
                    if summary is not STOPPED:
                        summaries[g].append((index, summary))
            if document_findings is not None:
                document_findings.extend(self._linter_for(doc.path).check(doc))
        self.problems.extend(f"{p.path}: {p.message}" for p in problems)
        streams = [summaries[share] for share in plan.shares]
        found: list[Finding] = []
        for members in plan.groups().values():
            found.extend(reduce_findings(plan, members, streams, refs))
        return found


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as ``newslint check --format json`` writes it."""
    from newslint.reporters.jsonfmt import finding_object

    return finding_object(finding)


def to_json(findings: Iterable[Finding]) -> str:
    """Findings as ``newslint check --format json`` prints them (one array, one object a line)."""
    import io

    from newslint.report import RunResult
    from newslint.reporters import write

    out = io.StringIO()
    write("json", RunResult(findings=sorted(findings, key=Finding.sort_key), checks={}), _options(), out)
    return out.getvalue()


def _options() -> Any:
    from newslint.report import ReportOptions

    return ReportOptions()


def finding_columns(per_row: list[list[Finding]], prefix: str = "newslint_") -> dict[str, list]:
    """Columns for a batch of rows: codes, count and the findings as a JSON array (per row)."""
    return {
        f"{prefix}codes": [[f.code for f in row] for row in per_row],
        f"{prefix}count": [len(row) for row in per_row],
        f"{prefix}findings": [json.dumps([finding_dict(f) for f in row], ensure_ascii=False) for row in per_row],
    }
