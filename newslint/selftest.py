"""Running the examples a pack carries for each check (``newslint test-packs``, and the test suite).

A flagged example must produce at least one finding of its check; a clean one none; when it gives
``fixed``, applying that check's fixes (safe and unsafe) to a fixpoint must produce exactly that text,
and a second fix must change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newslint.document import file_document
from newslint.linter import Linter
from newslint.registry import CheckSpec, Example


@dataclass(frozen=True)
class ExampleFailure:
    code: str
    pack: str
    example: Example
    problem: str

    def __str__(self) -> str:
        kind = "flagged" if self.example.flagged else "clean"
        return f"{self.pack}: {self.code} {kind} example {self.example.text[:60]!r}: {self.problem}"


def run_examples(specs: Iterable[CheckSpec]) -> tuple[int, list[ExampleFailure]]:
    """Return how many examples ran and the failures."""
    count = 0
    failures: list[ExampleFailure] = []
    for spec in specs:
        linter = Linter([spec])
        for example in spec.examples:
            count += 1
            problem = _run_one(linter, spec, example)
            if problem:
                failures.append(ExampleFailure(spec.code, spec.pack, example, problem))
    return count, failures


def _run_one(linter: Linter, spec: CheckSpec, example: Example) -> str | None:
    doc = file_document("<example>", example.text, example.format, encoding=example.encoding)
    findings = [f for f in linter.check(doc) if f.code == spec.code]
    if example.flagged and not findings:
        return "expected a finding, got none"
    if not example.flagged and findings:
        first = findings[0]
        return f"expected no finding, got {first.location.line}:{first.location.column} {first.message!r}"
    if example.fixed is not None:
        outcome = linter.fix(doc, unsafe=True)
        if outcome.text != example.fixed:
            return f"fix gave {outcome.text!r}, expected {example.fixed!r}"
        again = linter.fix(file_document("<example>", outcome.text, example.format), unsafe=True)
        if again.text != outcome.text:
            return f"fix is not idempotent: second run gave {again.text!r}"
    return None
