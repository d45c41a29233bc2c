"""Findings written column by column, for the spool and the cache (:mod:`newslint.datafile`).

Written as records, a finding is a record of records: its two positions, its severity, its fix, the
fix's applicability and each edit are decoded by a Python hook each — 12.8 µs a finding, paid by
every ``fix`` run (its findings are read back twice), ``--statistics``, SARIF, HTML and the full
text format. Here a chunk of findings is flat lists of plain values (strings that repeat —
codes, names, paths — written once and referred to by number), which ``msgpack`` decodes in C;
one loop then builds the objects. Decoding checks every column as strictly as the record hooks
check fields: the cache hands these back from disk.
"""

from __future__ import annotations

import operator
from typing import Any

from newslint.model import Applicability, Edit, Finding, Fix, Position, Severity

_FIELDS = ("code", "name", "severity", "message", "path", "start", "end", "location", "end_location", "record",
           "field_name", "fix")
_ROW = operator.attrgetter(*_FIELDS)
_SEVERITY = {member.value: member for member in Severity}
_APPLICABILITY = {member.value: member for member in Applicability}
_FIX_FIELDS = ("edits", "applicability", "message", "encoding", "drop_record")  # (both: the models' fields, in order)
_COLUMN_COUNT = 21  # after the count and the strings


class ColumnsError(ValueError):
    """The columns are not findings (the caller turns it into its own error)."""


def columns(findings: list[Any]) -> list[Any] | None:
    """``[count, strings, column…]`` for ``findings``, or None unless every one is a :class:`Finding`
    of exactly the model's types (anything else is written as records, which keep it as it is)."""
    if not all(type(f) is Finding for f in findings):
        return None
    strings: dict[str, int] = {}
    ref = strings.setdefault

    def refs(values: list[Any]) -> list[Any]:
        return [None if v is None else ref(v, len(strings)) for v in values]

    if not findings:
        return [0, [], *([] for _ in range(_COLUMN_COUNT))]
    (code, name, severity, message, path, start, end, locations, ends, record, field_name, fixes) = (
        list(column) for column in zip(*map(_ROW, findings), strict=True))
    fixed = [x for x in fixes if x is not None]
    edits = [e for x in fixed if type(x) is Fix and type(x.edits) is tuple for e in x.edits]
    if not (_only(str, code, name, message, path) and _only(int, start, end) and _only(Severity, severity)
            and _only(Position, locations, ends) and _only(Fix, fixed) and _only(Edit, edits)
            and _only(int, [v for p in locations for v in p], [v for p in ends for v in p])
            and _only((int, type(None)), record) and _only((str, type(None)), field_name)
            and _only(tuple, [x.edits for x in fixed]) and _only(Applicability, [x.applicability for x in fixed])
            and _only(str, [x.message for x in fixed]) and _only((str, type(None)), [x.encoding for x in fixed])
            and _only(bool, [x.drop_record for x in fixed])
            and _only(int, [e.start for e in edits], [e.end for e in edits])
            and _only(str, [e.replacement for e in edits])):
        return None
    out = [
        refs(code), refs(name), refs([s.value for s in severity]), message, refs(path), start, end,
        [p.line for p in locations], [p.column for p in locations], [p.line for p in ends], [p.column for p in ends],
        record, refs(field_name),
        refs([None if x is None else x.applicability.value for x in fixes]),
        [x.message for x in fixed], refs([x.encoding for x in fixed]), [x.drop_record for x in fixed],
        [len(x.edits) for x in fixed], [e.start for e in edits], [e.end for e in edits], [e.replacement for e in edits],
    ]
    return [len(findings), list(strings), *out]


def _only(allowed: type | tuple[type, ...], *lists: list[Any]) -> bool:
    """Whether every value of ``lists`` is exactly of an ``allowed`` type (``bool`` is no ``int`` here)."""
    kinds = allowed if isinstance(allowed, tuple) else (allowed,)
    return all(set(map(type, values)) <= set(kinds) for values in lists)


def build(values: list[Any]) -> list[Finding]:
    """The findings of :func:`columns`' output; raises :class:`ColumnsError` for anything else."""
    if len(values) != 2 + _COLUMN_COUNT:
        raise ColumnsError(f"{len(values) - 2} columns, expected {_COLUMN_COUNT}")
    count, strings, *cols = values
    if type(count) is not int or count < 0 or type(strings) is not list or not _only(str, strings):
        raise ColumnsError("no count or strings")
    if not all(type(c) is list for c in cols):
        raise ColumnsError("a column that is not a list")
    (code, name, severity, message, path, start, end, line, column, end_line, end_column, record, field_name,
     applicability, fix_message, encoding, drop, edit_count, edit_start, edit_end, replacement) = cols
    if not all(len(c) == count for c in cols[:14]):
        raise ColumnsError("a column of another length than the count")
    if not (_only(int, start, end, line, column, end_line, end_column, edit_count, edit_start, edit_end)
            and _only(str, message, fix_message, replacement) and _only((int, type(None)), record)
            and _only(bool, drop)):
        raise ColumnsError("a value of another type than its column's")
    texts: list[Any] = strings
    severities = [_SEVERITY.get(s) for s in strings]
    applicabilities = [_APPLICABILITY.get(s) for s in strings]
    fixes = count - applicability.count(None)
    if not (len(fix_message) == len(encoding) == len(drop) == len(edit_count) == fixes):
        raise ColumnsError("fix columns of another length than the fixes")
    if any(n < 0 for n in edit_count) or not len(edit_start) == len(edit_end) == len(replacement) == sum(edit_count):
        raise ColumnsError("edit columns of another length than the edits")
    flat = list(map(Edit, edit_start, edit_end, replacement))
    edits_of: list[tuple[Edit, ...]] = []
    at = 0
    for n in edit_count:
        edits_of.append(tuple(flat[at:at + n]))
        at += n
    fix_rows = zip(edits_of, _resolve([a for a in applicability if a is not None], applicabilities), fix_message,
                   _resolve(encoding, texts, optional=True), drop, strict=True)
    made = iter([_make(Fix, _FIX_FIELDS, row) for row in fix_rows])
    fix = [None if a is None else next(made) for a in applicability]
    rows = zip(_resolve(code, texts), _resolve(name, texts), _resolve(severity, severities), message,
               _resolve(path, texts), start, end, map(Position, line, column), map(Position, end_line, end_column),
               record, _resolve(field_name, texts, optional=True), fix, strict=True)
    return [_make(Finding, _FIELDS, row) for row in rows]


def _resolve(refs: list[Any], table: list[Any], optional: bool = False) -> list[Any]:
    """The values numbered ``refs`` in ``table`` (None stays None where ``optional``); a number out of
    the table or naming nothing (``table`` holds None for a string that is no member) is an error."""
    present = [r for r in refs if r is not None] if optional else refs
    if not _only(int, present) or present and not (min(present) >= 0 and max(present) < len(table)):
        raise ColumnsError("a reference out of the strings")
    got = [None if r is None else table[r] for r in refs] if optional else list(map(table.__getitem__, refs))
    if len(present) != len(got) - got.count(None):
        raise ColumnsError("a reference to no member")
    return got


def _make(cls: type, fields: tuple[str, ...], row: tuple[Any, ...]) -> Any:
    """A frozen dataclass filled the way the record hooks fill one (its ``__dict__`` at once)."""
    obj = object.__new__(cls)
    obj.__dict__.update(zip(fields, row, strict=True))
    return obj
