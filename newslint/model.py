"""The finding model shared by detectors, the fixer and every reporter.

Offsets are code-point indexes into ``Document.text``; reporters turn them into 1-based line:column
through the document's line index, so every output format agrees on where a finding is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

# ``Finding.field_name`` of a container element's document (``<doc>…</doc>`` of a TREC/SogouCA file):
# its ``record`` is the element's number, its line:column are those of the file.
CONTAINER_FIELD = "<doc>"


class Severity(str, enum.Enum):
    """How bad a finding is; ordered so ``--fail-on`` can compare."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(str, enum.Enum):
    """Whether a fix may be applied without a human looking (ruff's model)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


class Scope(str, enum.Enum):
    DOCUMENT = "document"
    CORPUS = "corpus"


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``replacement`` (code-point offsets)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """What applying a finding's fix does: text edits, and optionally a new output encoding."""

    edits: tuple[Edit, ...]
    applicability: Applicability
    message: str = ""
    encoding: str | None = None
    drop_record: bool = False  # JSONL: remove the whole record (kept in a sidecar file, never lost)

    @property
    def span(self) -> tuple[int, int]:
        if not self.edits:
            return (0, 0)
        return (min(e.start for e in self.edits), max(e.end for e in self.edits))


class Position(NamedTuple):
    """1-based line and column, columns counted in Unicode code points."""

    line: int
    column: int


@dataclass(frozen=True)
class Hit:
    """What a detector reports: a span, message arguments and an optional fix.

    The engine turns hits into findings by adding the check's code, severity and location.
    ``applicability`` overrides the check's default when one hit is safer or riskier than usual.
    """

    start: int
    end: int
    args: dict[str, object] = field(default_factory=dict)
    edits: tuple[Edit, ...] | None = None
    applicability: Applicability | None = None
    encoding: str | None = None
    message: str | None = None
    drop_record: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    path: str
    start: int
    end: int
    location: Position
    end_location: Position
    record: int | None = None
    field_name: str | None = None
    fix: Fix | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.fix.applicability is not Applicability.NONE

    def sort_key(self) -> tuple:
        return (self.path, self.record or 0, self.field_name or "", self.start, self.code)

    @property
    def in_container(self) -> bool:
        """In one ``<doc>`` element of a container file: located by file line:column, not in a field."""
        return self.field_name == CONTAINER_FIELD

    def display_path(self) -> str:
        """``path``, ``path:record N`` (ruff's notebook-cell form) for JSONL records, ``path:doc N``
        for the N-th element of a container file."""
        if self.record is None:
            return self.path
        if self.in_container:
            return f"{self.path}:doc {self.record}"
        return f"{self.path}:record {self.record}"
