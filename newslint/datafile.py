"""Data-only serialisation for everything newslint writes and reads back: cache entries, the stat
index, the spec cache, the corpus index and the run's spool.

Why not pickle: a pickle is a program. A cache folder or an ``--index`` file committed to a
repository by someone else would run their code on the machine of whoever checks it. This format
can only ever build plain data — ``None``, booleans, numbers, strings, bytes, lists, tuples, dicts,
sets, ``array.array`` — and instances of the record types named in :data:`RECORDS`, a fixed table
in this file. A record is rebuilt by setting its declared fields (no constructor, ``__setstate__``
or any other code of the data's choosing runs), and each field's value is checked against the
field's annotation (the outer type; nested records check their own fields). Anything else — an
unknown record name, a wrong field count or type, a truncated or foreign file, another format
version — raises :class:`DataError`, which every reader turns into "ignore it and rebuild".

Layout: ``b"NLDATA"``, one version byte, a kind tag (``b"cache"``, ``b"index"``…) and a newline,
then one MessagePack value. Lists and dicts are MessagePack arrays and maps; a tuple, set, frozenset
or record is an array whose first element is an empty *marker* extension (``[TUPLE, 1, 2]``,
``[RECORD, "Position", 3, 7]``), and an ``array.array`` is an extension holding its bytes. A list of
``(index, record)`` pairs of one record type — a task's corpus map summaries, by the thousand — may be
written column by column (:class:`Columns`: ``[COLUMNS, "DocSummary", count, indexes, field 1, field
2…]``; a task's document references likewise, with no indexes): it reads back as the same list, each
column type-checked in one C loop instead of one Python hook per pair and per record.
Version 1 nested a separate MessagePack value inside an extension for every tuple and record: each
was a Python call that started another decoder (C → Python → C), and a corpus run's summaries hold
hundreds of thousands of them. Markers keep the whole value one decoder pass, with one light hook
per array, and nothing nests through Python calls (the C decoder bounds the depth itself).
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import types
import typing
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

MAGIC = b"NLDATA"
FORMAT_VERSION = 2

_ARRAY = 3  # an array.array: typecode + bytes
# markers: empty extensions that open an array holding a tuple, a record, a set, a frozenset, record columns,
# finding columns (finding_columns.py) or (number, value) pairs
_TUPLE, _RECORD, _SET, _FROZENSET, _COLUMNS, _FINDINGS, _PAIRS = 10, 11, 12, 13, 14, 15, 16
_MARKERS = (_TUPLE, _RECORD, _SET, _FROZENSET, _COLUMNS, _FINDINGS, _PAIRS)
_ARRAY_CODES = frozenset("bBhHiIlLqQfd")

# Short name in the data → where the class lives. Only these can ever be built from a file.
RECORDS: dict[str, str] = {
    "Counter": "collections:Counter",
    "Severity": "newslint.model:Severity",
    "Applicability": "newslint.model:Applicability",
    "Scope": "newslint.model:Scope",
    "Edit": "newslint.model:Edit",
    "Fix": "newslint.model:Fix",
    "Position": "newslint.model:Position",
    "Finding": "newslint.model:Finding",
    "InputProblem": "newslint.report:InputProblem",
    "Blob": "newslint.spool:Blob",
    "Chunk": "newslint.spool:Chunk",
    "FindingStats": "newslint.spool:FindingStats",
    "DocRef": "newslint.engine.records:DocRef",
    "TaskResult": "newslint.engine.records:TaskResult",
    "DocSummary": "newslint.dedup.detectors:DocSummary",
    "BoilerplateSummary": "newslint.detectors.corpus_boilerplate:_Summary",
    "NameSummary": "newslint.names.analyze:Summary",
    "ZhName": "newslint.names.analyze:ZhName",
    "NameSpan": "newslint.names.english:NameSpan",
    "PlaceSpan": "newslint.names.english:PlaceSpan",
    "CheckSpec": "newslint.registry:CheckSpec",
    "CheckDoc": "newslint.registry:CheckDoc",
    "Example": "newslint.registry:Example",
    "Role": "newslint.document:Role",
    "Format": "newslint.document:Format",
}


class DataError(ValueError):
    """The bytes are not a valid newslint data file of the expected kind and version."""


class _Record:
    """How one record type is written and rebuilt."""

    __slots__ = ("name", "cls", "fields", "style", "types")

    def __init__(self, name: str, cls: type) -> None:
        self.name, self.cls = name, cls
        self.types: tuple[type | tuple[type, ...], ...] | None = None  # built on first decode
        if issubclass(cls, enum.Enum):
            self.style, self.fields = "enum", ("value",)
        elif issubclass(cls, Counter):
            self.style, self.fields = "counter", ("items",)
        elif issubclass(cls, tuple) and hasattr(cls, "_fields"):
            self.style, self.fields = "namedtuple", tuple(cls._fields)
        elif dataclasses.is_dataclass(cls):
            # (a dataclass without slots is filled through its __dict__ at once)
            self.style = "slotted" if "__slots__" in cls.__dict__ else "dataclass"
            self.fields = tuple(f.name for f in dataclasses.fields(cls))
        else:
            raise TypeError(f"{cls!r} cannot be a data record")

    def values(self, obj: Any) -> list[Any]:
        if self.style == "enum":
            return [obj.value]
        if self.style == "counter":
            return [dict(obj)]
        if self.style == "namedtuple":
            return list(obj)
        return [getattr(obj, name) for name in self.fields]

    def build(self, values: list[Any]) -> Any:
        if len(values) != len(self.fields):
            raise DataError(f"{self.name}: {len(values)} fields, expected {len(self.fields)}")
        if self.style == "enum":
            try:
                return self.cls(values[0])
            except ValueError:
                raise DataError(f"{self.name}: no member {values[0]!r}") from None
        if self.style == "counter":
            if not isinstance(values[0], dict):
                raise DataError("Counter: not a mapping")
            return Counter(values[0])
        if self.types is None:
            self.types = _field_types(self.cls, self.fields)
        if not all(map(isinstance, values, self.types)):  # (one C loop: records come by the hundred thousand)
            name, value = next((n, v) for n, v, t in zip(self.fields, values, self.types, strict=True)
                               if not isinstance(v, t))
            raise DataError(f"{self.name}.{name}: unexpected {type(value).__name__}")
        if self.style == "namedtuple":
            return self.cls._make(values)
        obj = object.__new__(self.cls)
        if self.style == "dataclass":
            obj.__dict__.update(zip(self.fields, values, strict=True))
            return obj
        for name, value in zip(self.fields, values, strict=True):
            object.__setattr__(obj, name, value)
        return obj

    def build_columns(self, columns: list[Any], count: int) -> list[Any]:
        """``count`` records from one list per field (written by :class:`Columns`), each column's
        values checked against the field's annotation in one C loop."""
        if self.style not in ("namedtuple", "dataclass", "slotted") or not self.fields:
            raise DataError(f"{self.name}: not a record with fields")
        if len(columns) != len(self.fields):
            raise DataError(f"{self.name}: {len(columns)} columns, expected {len(self.fields)}")
        if not all(type(column) is list for column in columns):
            raise DataError(f"{self.name}: a column that is not a list")
        if not all(len(column) == count for column in columns):
            raise DataError(f"{self.name}: columns of another length than the count ({count})")
        if self.types is None:
            self.types = _field_types(self.cls, self.fields)
        for name, column, allowed in zip(self.fields, columns, self.types, strict=True):
            if allowed is not object and not all(map(isinstance, column, repeat(allowed))):
                value = next(v for v in column if not isinstance(v, allowed))
                raise DataError(f"{self.name}.{name}: unexpected {type(value).__name__}")
        rows = zip(*columns, strict=True)
        if self.style == "namedtuple":
            return list(map(self.cls._make, rows))
        out = []
        for row in rows:
            obj = object.__new__(self.cls)
            if self.style == "dataclass":
                obj.__dict__.update(zip(self.fields, row, strict=True))
            else:
                for name, value in zip(self.fields, row, strict=True):
                    object.__setattr__(obj, name, value)
            out.append(obj)
        return out


_BY_NAME: dict[str, _Record] = {}
_BY_CLASS: dict[type, _Record] = {}


def _record_named(name: Any) -> _Record:
    record = _BY_NAME.get(name) if isinstance(name, str) else None
    if record is None:
        where = RECORDS.get(name) if isinstance(name, str) else None
        if where is None:
            raise DataError(f"unknown record type {name!r}")
        module, _, attr = where.partition(":")
        record = _Record(name, getattr(importlib.import_module(module), attr))
        _BY_NAME[name] = _BY_CLASS[record.cls] = record
    return record


_NAME_OF = {where: name for name, where in RECORDS.items()}


def _record_of(cls: type) -> _Record | None:
    """The record type of ``cls`` when it is in the table (looked up by name: no imports)."""
    record = _BY_CLASS.get(cls)
    if record is None:
        name = _NAME_OF.get(f"{cls.__module__}:{cls.__qualname__}")
        if name is not None:
            record = _record_named(name)
    return record


# -- field checks from annotations --------------------------------------------------------------

_SIMPLE: dict[Any, tuple[type, ...]] = {
    int: (int,), float: (int, float), str: (str,), bytes: (bytes,), bool: (bool,), type(None): (type(None),),
    list: (list,), tuple: (tuple,), dict: (dict,), set: (set,), frozenset: (frozenset,), array: (array,),
    Counter: (Counter, dict), Mapping: (dict,), Sequence: (list, tuple),
}


def _allowed(annotation: Any) -> tuple[type, ...] | None:
    """The types a value of ``annotation`` may have, or None when anything goes (Any, unknown)."""
    if annotation is None:
        return (type(None),)
    if annotation in _SIMPLE:
        return _SIMPLE[annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        out: list[type] = []
        for arg in typing.get_args(annotation):
            allowed = _allowed(arg)
            if allowed is None:
                return None
            out.extend(allowed)
        return tuple(out)
    if origin is not None:
        return _allowed(origin)
    if isinstance(annotation, type) and _record_of(annotation) is not None:
        return (annotation,)
    return None


def _field_types(cls: type, fields: tuple[str, ...]) -> tuple[type | tuple[type, ...], ...]:
    """For each field, the types its value may have (``object``: anything)."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # an annotation that cannot be resolved here: fields unchecked, still data-only
        hints = {}
    types: list[type | tuple[type, ...]] = []
    for name in fields:
        allowed = _allowed(hints[name]) if name in hints else None
        types.append(object if allowed is None else allowed)
    return tuple(types)


# -- encoding -----------------------------------------------------------------------------------

class Columns:
    """Records of one type — alone, or as the second item of ``(index, record)`` pairs — to be written
    column by column; they read back as the same list. Built by :func:`records` and :func:`pairs`."""

    __slots__ = ("items", "record", "paired")

    def __init__(self, items: list[Any], record: _Record, paired: bool) -> None:
        self.items, self.record, self.paired = items, record, paired

    def packed(self) -> list[Any]:
        record, items = self.record, self.items
        values = [s for _, s in items] if self.paired else items
        if record.style != "namedtuple":
            values = [record.values(v) for v in values]
        columns = [list(column) for column in zip(*values, strict=True)]
        index = array("q", [i for i, _ in items]) if self.paired else None
        return [_MARKS[_COLUMNS], record.name, len(items), index, *columns]


def _columnar(cls: type) -> _Record | None:
    record = _record_of(cls)
    columnar = record is not None and record.style in ("namedtuple", "dataclass", "slotted") and record.fields
    return record if columnar else None


def records(items: list[Any]) -> Any:
    """What to write for a list of values: :class:`Columns` when they are all records of one type
    with fields (a task's document references), else the list itself."""
    if not items:
        return items
    cls = type(items[0])
    record = _columnar(cls)
    if record is None or not all(type(item) is cls for item in items):
        return items
    return Columns(items, record, paired=False)


class FindingColumns:
    """Findings to be written as flat columns (:mod:`newslint.finding_columns`); they read back as the
    same list. Built by :func:`findings`."""

    __slots__ = ("columns",)

    def __init__(self, columns: list[Any]) -> None:
        self.columns = columns

    def packed(self) -> list[Any]:
        return [_MARKS[_FINDINGS], *self.columns]


def findings(items: list[Any]) -> Any:
    """What to write for a list of findings: :class:`FindingColumns` when every item is a
    :class:`~newslint.model.Finding` of the model's types (decoded several times faster), else the list."""
    if not items:
        return items
    from newslint.finding_columns import columns

    found = columns(items)
    return items if found is None else FindingColumns(found)


_INT64 = (-(2**63), 2**63 - 1)  # what the index column (``array("q")``) holds


def pairs(items: list[tuple[int, Any]]) -> Any:
    """What to write for a list of ``(int, value)`` pairs (a task's map summaries): :class:`Columns`
    when every value is a record of one type with fields, :class:`Paired` for other values, else the
    list itself."""
    if not items:
        return items
    if not all(type(item) is tuple and len(item) == 2 and type(item[0]) is int and _INT64[0] <= item[0] <= _INT64[1]
               for item in items):
        return items
    cls = type(items[0][1])
    record = _columnar(cls)
    if record is None or not all(type(item[1]) is cls for item in items):
        return Paired(items)
    return Columns(items, record, paired=True)


class Paired:
    """``(int, value)`` pairs written as the array of the numbers and the list of the values: one
    marker for all of them, where a tuple each took a marker and a decoder hook each (a corpus reduce
    reads every document's summary up to four times)."""

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[int, Any]]) -> None:
        self.items = items

    def packed(self) -> list[Any]:
        return [_MARKS[_PAIRS], array("q", [i for i, _ in self.items]), [v for _, v in self.items]]


def _paired(values: list[Any]) -> list[tuple[int, Any]]:
    """The pairs of a :class:`Paired` array."""
    if len(values) != 3 or type(values[1]) is not array or values[1].typecode != "q" or type(values[2]) is not list \
            or len(values[1]) != len(values[2]):
        raise DataError("pairs: not an index and values of one length")
    return list(zip(values[1].tolist(), values[2], strict=True))


def _marker(code: int) -> Any:
    import msgpack

    return msgpack.ExtType(code, b"")


_MARKS: dict[int, Any] = {}


def _default(obj: Any) -> Any:
    """What the packer cannot write natively: a marked array (packed in the same pass) or an
    ``array.array`` extension."""
    cls = type(obj)
    if not _MARKS:
        _MARKS.update((code, _marker(code)) for code in _MARKERS)
    if cls is tuple:
        return [_MARKS[_TUPLE], *obj]
    if cls is Columns or cls is FindingColumns or cls is Paired:
        return obj.packed()
    if cls is set or cls is frozenset:
        return [_MARKS[_SET if cls is set else _FROZENSET], *obj]
    if cls is array:
        import msgpack

        return msgpack.ExtType(_ARRAY, obj.typecode.encode("ascii") + obj.tobytes())
    record = _record_of(cls)
    if record is None:
        raise TypeError(f"newslint data files cannot hold a {cls.__module__}.{cls.__qualname__}")
    return [_MARKS[_RECORD], record.name, *record.values(obj)]


def _pack(value: Any) -> bytes:
    import msgpack

    # surrogatepass: text decoded from JSON may hold lone surrogates ("\ud800"); they round-trip
    return msgpack.packb(value, default=_default, use_bin_type=True, strict_types=True,
                         unicode_errors="surrogatepass")


class _Mark:
    """A marker read from the data: it must open an array, where :meth:`_Decoder.array` consumes it."""

    __slots__ = ("code",)

    def __init__(self, code: int) -> None:
        self.code = code


_MARK_OF = {code: _Mark(code) for code in _MARKERS}


class _Decoder:
    """The hooks of one decoding pass. Markers are counted as they are read and as arrays consume
    them: one left over (not at the start of an array) makes the file invalid, so only data leaves."""

    __slots__ = ("marks",)

    def __init__(self) -> None:
        self.marks = 0

    def ext(self, code: int, data: bytes) -> Any:
        if not data:
            mark = _MARK_OF.get(code)
            if mark is not None:
                self.marks += 1
                return mark
        if code == _ARRAY:
            return _array(data)
        raise DataError(f"unknown extension {code}")

    def array(self, values: list[Any]) -> Any:
        if not values or type(values[0]) is not _Mark:
            return values
        self.marks -= 1
        code = values[0].code
        if code == _TUPLE:
            return tuple(values[1:])
        if code == _RECORD:
            if len(values) < 2:
                raise DataError("empty record")
            return _record_named(values[1]).build(values[2:])
        if code == _COLUMNS:
            return _columns(values)
        if code == _PAIRS:
            return _paired(values)
        if code == _FINDINGS:
            from newslint.finding_columns import ColumnsError, build

            try:
                return build(values[1:])
            except ColumnsError as exc:
                raise DataError(f"findings: {exc}") from None
        return set(values[1:]) if code == _SET else frozenset(values[1:])


def _columns(values: list[Any]) -> list[Any]:
    """The records (or ``(index, record)`` pairs) of a :class:`Columns` array."""
    if len(values) < 4 or type(values[2]) is not int or values[2] < 0:
        raise DataError("columns: no count")
    count, index = values[2], values[3]
    if index is not None and (type(index) is not array or index.typecode != "q" or len(index) != count):
        raise DataError("columns: a bad index")
    built = _record_named(values[1]).build_columns(values[4:], count)
    return built if index is None else list(zip(index.tolist(), built, strict=True))


def _array(data: bytes) -> array:
    typecode = data[:1].decode("ascii", "replace")
    if typecode not in _ARRAY_CODES:
        raise DataError(f"array of type {typecode!r}")
    out = array(typecode)
    if (len(data) - 1) % out.itemsize:
        raise DataError("array: truncated")
    out.frombytes(data[1:])
    return out


def _unpack(data: bytes | memoryview) -> Any:
    import msgpack

    decoder = _Decoder()
    value = msgpack.unpackb(data, ext_hook=decoder.ext, list_hook=decoder.array, raw=False, strict_map_key=False,
                            use_list=True, unicode_errors="surrogatepass")
    if decoder.marks:
        raise DataError("a marker outside the start of an array")
    return value


def _header(kind: bytes) -> bytes:
    return MAGIC + bytes([FORMAT_VERSION]) + kind + b"\n"


def dumps(value: Any, kind: bytes = b"data") -> bytes:
    """``value`` as a data file of ``kind``; raises TypeError for anything that is not data."""
    return _header(kind) + _pack(value)


def loads(data: bytes, kind: bytes = b"data") -> Any:
    """The value of a data file of ``kind``; raises :class:`DataError` for anything else."""
    header = _header(kind)
    if not data.startswith(header):
        if data.startswith(MAGIC):
            raise DataError("another version or kind of newslint data file")
        raise DataError("not a newslint data file")
    return loads_body(memoryview(data)[len(header):])


def loads_body(data: bytes | memoryview) -> Any:
    """A value written by :func:`dump_body` (no header: the spool's blobs)."""
    import msgpack

    try:
        return _unpack(data)
    except DataError:
        raise
    except msgpack.StackError:  # the C decoder's own depth bound
        raise DataError("nested too deeply") from None
    except Exception as exc:  # truncated, malformed, a field that breaks its record…
        raise DataError(f"malformed ({type(exc).__name__}: {exc})") from None


dump_body = _pack


def is_kind(head: bytes, kind: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts a data file of ``kind``, any version."""
    return head.startswith(MAGIC) and head[len(MAGIC) + 1:].startswith(kind + b"\n")
