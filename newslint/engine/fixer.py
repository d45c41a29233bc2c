"""Fixing: a source's documents to a fixpoint, the file rewritten (or not, and why), JSONL records
dropped into a ``.dropped`` sidecar, and the multi-round loop of a fix run with corpus checks.

A file is rewritten only when its decoding was certain and lossless, and when the fixed text would
be read as the same format; otherwise its findings are reported as they are in the file. Where the
bytes go is the caller's choice: :func:`write_fixed` writes the file in place (the local run),
the Ray executor writes cleaned shards instead (``newslint.ray``) and never touches its inputs.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newslint.atomic import atomic_write
from newslint.document import Document, detect_format
from newslint.engine.records import TaskResult
from newslint.engine.request import CorpusFixes, RunOutput, RunRequest
from newslint.inputs import SourceFile, encode_output, render_container, render_jsonl
from newslint.linter import FixOutcome, Linter, applicable
from newslint.model import Applicability, Finding
from newslint.registry import CheckSpec, detector_class
from newslint.report import InputProblem
from newslint.spool import FindingLog

# A fix run with corpus checks alternates a corpus check pass and a writing pass until the writing
# pass changes nothing or the corpus has no fix left; this many writing passes at most.
MAX_CORPUS_FIX_ROUNDS = 4
_NOT_CONVERGED = ("fixes did not converge (a fix keeps re-creating what it fixes); left as it was, "
                  "its findings reported")


def run_fix(request: RunRequest, run_pass: Callable[[RunRequest], RunOutput]) -> RunOutput:
    """A fix run with corpus checks that can fix something: check the corpus first, so their edits
    (computed on the unchanged text) are applied with the first round of each file. Fixes change
    what the corpus checks see (two articles that differed only by an entity are duplicates once it
    is fixed), so after a pass that wrote files the corpus is checked again, and fixed again if it
    has to be: a second ``fix`` finds nothing more, and the corpus findings left are located in the
    text as written. Only the corpus checks whose findings this run may apply take part in those
    passes; the others (the names checks, NL502, NL403 without ``--unsafe-fixes``) are checked once,
    at the end, on the text as written. ``run_pass`` runs one pass (check or fix) of a request."""
    document_specs = request.document_specs
    fixing: list[CheckSpec] = []
    reporting: list[CheckSpec] = []
    for spec in request.corpus_specs:
        (fixing if may_fix(spec, request.unsafe_fixes) else reporting).append(spec)
    writes = not request.diff and request.stdin_data is None and request.output_dir is None
    # (else the next pass would see the old text)

    def check_corpus(specs: list[CheckSpec]) -> tuple[dict[tuple[str, int | None, str | None], list[Finding]],
                                                    list[Finding]]:
        if not specs:
            return {}, []
        first = run_pass(dataclasses.replace(request, fix=False, diff=False, specs=specs, cache=False,
                                             render=None, output_dir=None))
        groups: dict[tuple[str, int | None, str | None], list[Finding]] = {}
        reported: list[Finding] = []
        for finding in first.result.findings:
            if finding.fix is not None and applicable(finding, request.unsafe_fixes):
                groups.setdefault((finding.path, finding.record, finding.field_name), []).append(finding)
            else:
                reported.append(finding)
        return groups, reported

    groups, reported = check_corpus(fixing)
    fixed: Counter[str] = Counter()
    changed: dict[str, None] = {}
    for _ in range(MAX_CORPUS_FIX_ROUNDS):
        output = run_pass(dataclasses.replace(request, specs=document_specs, corpus_fixes=groups))
        fixed.update(output.result.fixed)
        changed.update(dict.fromkeys(output.changed_paths))
        if not writes or not output.changed_paths:
            break
        applied = {path for path, _record, _field in groups}
        groups, reported = check_corpus(fixing)  # on the text as written
        if not groups and not applied - set(output.changed_paths):
            break
        # else a file whose corpus fixes kept it from being written (dropping its duplicate records
        # would change its format) is fixed again without them: its document fixes alone may apply,
        # and a second ``fix`` must find nothing to do
    else:  # still not settled: what is left to fix is reported, not applied
        reported.extend(f for group in groups.values() for f in group)
    unexpected, rest = check_corpus(reporting)  # once, on the text as written
    reported.extend(rest)
    reported.extend(f for group in unexpected.values() for f in group)  # (none: may_fix said so; never hidden)
    output.result.findings = FindingLog.of(sorted([*output.result.findings, *reported], key=Finding.sort_key))
    output.result.checks = {s.code: s for s in request.specs}
    output.result.fixed = fixed
    if writes:
        output.changed_paths = list(changed)
        output.result.files_changed = len(changed)
    return output


def may_fix(spec: CheckSpec, unsafe: bool) -> bool:
    """Whether a corpus check's findings can carry a fix that this run applies: by its ``fix:``
    setting, or by the fixes its kind's hits give themselves (``CorpusDetector.hit_applicability``;
    a kind that does not say is taken to give safe ones)."""
    applied = (Applicability.SAFE, Applicability.UNSAFE) if unsafe else (Applicability.SAFE,)
    own = getattr(detector_class(spec.kind), "hit_applicability", Applicability.SAFE)
    return spec.fix in applied or own in applied


def fix_loaded(loaded: SourceFile, linter: Linter, request: RunRequest, result: TaskResult) -> SourceFix:
    """Fix one source into ``result`` (findings left, counts, problems); returns the outcome,
    whose bytes the caller writes (or not)."""
    outcome = fix_source(loaded, linter, request.unsafe_fixes, request.corpus_fixes)
    result.findings.extend(outcome.remaining)
    result.fixed.update(outcome.fixed)
    result.problems.extend(outcome.problems)
    result.problems.extend(linter.take_problems())  # pack patterns stopped by their limit
    return outcome


def write_fixed(loaded: SourceFile, outcome: SourceFix, request: RunRequest, result: TaskResult,
                data: bytes | None = None) -> None:
    """The local run's writer: fixed standard input goes to stdout, a fixed file is rewritten in
    place (atomically, its dropped records first kept in the sidecar), or shown as a diff."""
    if loaded.path is None and not request.diff:
        # ruff's convention: fixed stdin goes to stdout (None: the input goes back as it came, see cli)
        result.stdout_text = outcome.new_text if loaded.lossless else None
        result.changed = outcome.new_bytes is not None  # "Fixed 2 findings in 1 file"
    elif outcome.new_bytes is not None:
        if request.diff:
            result.diff = unified_diff(loaded.display, outcome.old_text, outcome.new_text) or bytes_only_diff(
                loaded, outcome.new_bytes)
        else:
            assert loaded.path is not None
            try:
                if outcome.dropped:
                    keep_dropped(loaded.path, outcome.dropped)  # before the rewrite: never lost
                atomic_write(loaded.path, outcome.new_bytes)
            except OSError as exc:  # a read-only folder, a full disk: this file is left as it was
                result.problems.append(InputProblem(loaded.display, f"cannot write: {exc.strerror or exc}"))
                result.fixed.clear()
                return
        result.changed = True


@dataclass
class SourceFix:
    old_text: str
    new_text: str
    new_bytes: bytes | None
    remaining: list[Finding]
    fixed: Counter[str]
    problems: list[InputProblem]
    dropped: list[str] = field(default_factory=list)  # JSONL lines removed, for the sidecar


_NOT_REWRITTEN = ("not rewritten: its encoding is uncertain or some bytes could not be decoded, "
                  "so writing it back could lose or garble text (see NL102)")


def fix_source(
    source: SourceFile,
    linter: Linter,
    unsafe: bool,
    corpus_fixes: CorpusFixes,
) -> SourceFix:
    fixed: Counter[str] = Counter()
    remaining: list[Finding] = []
    problems: list[InputProblem] = []
    if not source.documents and source.format.value != "jsonl":  # not read into a document (too large)
        return SourceFix("", "", None, remaining, fixed, problems)
    if source.elements:
        return fix_container(source, linter, unsafe, corpus_fixes)
    if source.format.value != "jsonl":
        doc = source.documents[0]
        if not doc.lossless:  # never rewritten: report what is there, as it is there
            remaining.extend(linter.check(doc))
            if any(applicable(f, unsafe) for f in remaining):
                problems.append(InputProblem(source.display, _NOT_REWRITTEN))
            return SourceFix(doc.text, doc.text, None, remaining, fixed, problems)
        outcome = linter.fix(doc, unsafe, corpus_fixes.get((doc.path, doc.record, doc.field_name), ()))
        fixed.update(outcome.fixed)
        remaining.extend(outcome.remaining)
        if not outcome.converged:
            problems.append(InputProblem(source.display, _NOT_CONVERGED))
        if outcome.text == doc.text and outcome.encoding == doc.encoding:
            return SourceFix(doc.text, doc.text, None, remaining, fixed, problems)
        if format_changed(source, outcome.text):
            return not_rewritten_reread(source, doc.text, outcome.text, linter, problems)
        try:
            data = encode_output(outcome.text, outcome.encoding, source.bom)
        except UnicodeEncodeError:
            data = encode_output(outcome.text, "utf-8", source.bom)
        if not reads_back_as(data, outcome.text):
            return not_rewritten_misread(source, doc.text, data, linter, problems)
        return SourceFix(doc.text, outcome.text, data, remaining, fixed, problems)
    texts: dict[tuple[int, str], str] = {}
    drop: set[int] = set()
    for doc, outcome in _fix_records(source, linter, unsafe, corpus_fixes, fixed, remaining, drop):
        if not outcome.converged:
            problems.append(InputProblem(source.display, _NOT_CONVERGED, doc.record))
        if outcome.text != doc.text and not _reads_back(outcome.text):
            # kept as it was: its findings as they are in the file, its fixes not counted
            problems.append(InputProblem(source.display, _NO_ROUND_TRIP, doc.record, skipped=True))
            fixed.subtract(outcome.fixed)
            for code in [c for c, n in fixed.items() if n <= 0]:
                del fixed[code]
            here = (doc.record, doc.field_name)
            remaining[:] = [f for f in remaining if (f.record, f.field_name) != here] + linter.check(doc)
            continue
        if outcome.text != doc.text:
            assert doc.record is not None and doc.field_name is not None
            texts[(doc.record, doc.field_name)] = outcome.text
    old = "".join(line.raw for line in source.lines)
    remaining = [f for f in remaining if f.record not in drop]
    if not texts and not drop:
        return SourceFix(old, old, None, remaining, fixed, problems)
    if not source.lossless:  # untouched lines too would lose their undecodable bytes
        problems.append(InputProblem(source.display, _NOT_REWRITTEN))
        remaining = [f for doc in source.documents for f in linter.check(doc)]  # as they are in the file
        return SourceFix(old, old, None, remaining, Counter(), problems)
    new, dropped = render_jsonl(source, texts, frozenset(drop))
    if source.first_record == 1 and format_changed(source, new):
        return not_rewritten_reread(source, old, new, linter, problems)
    data = encode_output(new, source.encoding, source.bom, jsonl=True)
    if not reads_back_as(data, new):
        return not_rewritten_misread(source, old, data, linter, problems)
    return SourceFix(old, new, data, remaining, fixed, problems, dropped)


def _fix_records(
    source: SourceFile,
    linter: Linter,
    unsafe: bool,
    corpus_fixes: CorpusFixes,
    fixed: Counter[str],
    remaining: list[Finding],
    drop: set[int],
) -> Iterator[tuple[Document, FixOutcome]]:
    """Each record of a JSONL or container file fixed as its own document (with the corpus checks'
    fixes for it): a record a corpus check drops goes into ``drop`` and is not fixed; counts and
    remaining findings are collected; the caller puts each fixed text back in place."""
    for doc in source.documents:
        preset = corpus_fixes.get((doc.path, doc.record, doc.field_name), ())
        drops = [f for f in preset if f.fix is not None and f.fix.drop_record]
        if drops and doc.record is not None:
            drop.add(doc.record)
            fixed[drops[0].code] += 1
            continue
        outcome = linter.fix(doc, unsafe, preset)
        fixed.update(outcome.fixed)
        remaining.extend(outcome.remaining)
        yield doc, outcome


_SURROGATE = re.compile("[\ud800-\udfff]")
_NO_ROUND_TRIP = ("not fixed: the fixed text would not read back the same from JSON (a deletion joins two lone "
                  "halves of a surrogate pair into one character); record left as it was")


def _reads_back(text: str) -> bool:
    """Whether a JSON string of ``text`` is read back as ``text``. Not when a fix made two lone surrogate
    halves adjacent (``\\udb72\\u0081\\ude1c`` minus the control): JSON reads ``\\udb72\\ude1c`` as one
    character, a change outside every finding's span."""
    if not _SURROGATE.search(text):
        return True
    return bool(json.loads(json.dumps(text)) == text)


def format_changed(source: SourceFile, new_text: str) -> bool:
    """Whether the fixed text would be read as another format than the file was (its format is
    judged from its content where the extension does not say: a ``.txt`` of JSON lines, an ``.html``
    file that a fix would leave starting with front matter). Written, it would be checked differently
    next time — and a second ``fix`` would fix more."""
    return detect_format(source.display, new_text) is not source.format


def reads_back_as(data: bytes, text: str) -> bool:
    """Whether the fixed bytes, read again as newslint reads a file, give ``text``. A file kept in its
    legacy encoding (GB18030 when NL102 is not applied) is re-detected from its new bytes, and a fix
    that removed most of its Chinese can leave bytes that read better as another code page (KOI8-R):
    written, the next run would check — and "repair" — a text that is not the article. UTF-8 output
    reads back as itself (only its validity is judged), so only legacy encodings are decoded again."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        pass
    from newslint.decoding import BinaryInputError, decode_bytes

    try:
        return decode_bytes(data).text == text
    except BinaryInputError:
        return False


def not_rewritten_misread(
    source: SourceFile, old: str, data: bytes, linter: Linter, problems: list[InputProblem]
) -> SourceFix:
    """The file is left as it is (a warning) and its findings reported as they are: its fixed bytes
    would be read back as another encoding (see :func:`reads_back_as`)."""
    from newslint.decoding import BinaryInputError, decode_bytes

    try:
        misread = decode_bytes(data).encoding
    except BinaryInputError:
        misread = "binary data"
    problems.append(InputProblem(
        source.display, f"not rewritten: once fixed, its {source.encoding} bytes would be read as {misread}; "
        f"convert it to UTF-8 first (NL102, or `iconv -f {source.encoding} -t UTF-8`), then fix it", skipped=True))
    remaining = [f for doc in source.documents for f in linter.check(doc)]  # as they are in the file
    return SourceFix(old, old, None, remaining, Counter(), problems)


def not_rewritten_reread(
    source: SourceFile, old: str, new: str, linter: Linter, problems: list[InputProblem]
) -> SourceFix:
    """The file is left as it is (a warning, not an error) and its findings reported as they are."""
    after = detect_format(source.display, new)
    problems.append(InputProblem(
        source.display, f"not rewritten: once fixed it would be read as {after.value}, not {source.format.value}; "
        "give the file its format's extension, or fix it by hand", skipped=True))
    remaining = [f for doc in source.documents for f in linter.check(doc)]  # as they are in the file
    return SourceFix(old, old, None, remaining, Counter(), problems)


def fix_container(
    source: SourceFile,
    linter: Linter,
    unsafe: bool,
    corpus_fixes: CorpusFixes,
) -> SourceFix:
    """A container file: each ``<doc>`` element's inner text fixed as its own document and put back in
    place; tags and everything between elements stay byte for byte. Written only when lossless."""
    fixed: Counter[str] = Counter()
    remaining: list[Finding] = []
    problems: list[InputProblem] = []
    texts: dict[int, str] = {}
    drop: set[int] = set()
    for doc, outcome in _fix_records(source, linter, unsafe, corpus_fixes, fixed, remaining, drop):
        assert doc.record is not None
        if not outcome.converged:
            problems.append(InputProblem(source.display, _NOT_CONVERGED, doc.record))
        if outcome.text != doc.text:
            texts[doc.record] = outcome.text
    old = source.text
    remaining = [f for f in remaining if f.record not in drop]
    if not texts and not drop:
        return SourceFix(old, old, None, remaining, fixed, problems)
    new, dropped = render_container(source, texts, frozenset(drop))
    data = None
    if source.lossless:
        try:
            data = encode_output(new, source.encoding, source.bom)
        except UnicodeEncodeError:
            data = None
    if data is None:  # never rewritten: report what is there, as it is there
        problems.append(InputProblem(source.display, _NOT_REWRITTEN))
        remaining = [f for doc in source.documents for f in linter.check(doc)]
        return SourceFix(old, old, None, remaining, Counter(), problems)
    if not reads_back_as(data, new):
        return not_rewritten_misread(source, old, data, linter, problems)
    return SourceFix(old, new, data, remaining, fixed, problems, dropped)


def sidecar_path(path: Path) -> Path:
    """Where dropped JSONL records go: beside the file, named so directory walks skip it."""
    return path.with_name(path.name + ".dropped")


def keep_dropped(path: Path, lines: list[str]) -> None:
    """Append dropped records, unchanged, to the sidecar (atomically: old content + new lines)."""
    sidecar = sidecar_path(path)
    try:
        previous = sidecar.read_bytes()
    except FileNotFoundError:
        previous = b""
    batch = "".join(lines).encode("utf-8", "surrogatepass")
    if batch and previous.endswith(batch) and (len(previous) == len(batch) or previous[-len(batch) - 1:][:1] == b"\n"):
        return  # a run killed after writing the sidecar and before the file: these lines are kept already
    atomic_write(sidecar, previous + batch)


def unified_diff(path: str, old: str, new: str) -> str:
    import difflib  # (fix --diff only)

    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def bytes_only_diff(loaded: SourceFile, new_bytes: bytes) -> str:
    """The diff of a file whose text stays and whose bytes change (NL102 re-encodes it as UTF-8, a
    byte-order mark goes): the two headers, labelled with what changes, and no hunk — so ``fix --diff``
    lists every file ``fix`` would rewrite."""
    was = f"{loaded.encoding}{' with BOM' if loaded.bom else ''}"
    now = "utf-8" if not new_bytes.startswith(b"\xef\xbb\xbf") else "utf-8 with BOM"
    label = f"bytes rewritten, text unchanged: {was} -> {now}" if was != now else "bytes rewritten, text unchanged"
    return f"--- a/{loaded.display}\t({label})\n+++ b/{loaded.display}\t({label})\n"


def write_stdout(text: str) -> None:
    import sys

    sys.stdout.write(text)
    sys.stdout.flush()
