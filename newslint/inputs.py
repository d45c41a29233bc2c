"""Finding input files, reading them into documents, and writing fixed text back.

Directories are walked recursively for the included extensions; explicitly named files are always
read (unless ``--force-exclude``). A JSONL file becomes one document per configured text field of
each record; a malformed line is reported and kept byte for byte when the file is rewritten.
Writes are atomic: a temporary file in the same folder, the original mode copied, then a rename.
"""

from __future__ import annotations

import codecs
import fnmatch
import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newslint.config import DEFAULT_EXCLUDE, Settings
from newslint.document import (
    Document,
    Format,
    Region,
    Role,
    detect_format,
    detect_newline,
    file_document,
    looks_like_jsonl,
    text_document,
)
from newslint.model import CONTAINER_FIELD
from newslint.report import InputProblem

# One document (a whole file, or one JSONL line) larger than this is reported and not checked: the
# checks hold several copies of a document's text and per-character tables (the duplicate and
# boilerplate checks peak near 50 bytes per character), so one 1 GB line would need tens of GB.
# A JSONL file is not one document: its records are read one by one, each under this limit.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


@dataclass
class JsonlLine:
    raw: str  # the line as read, line break included
    record: dict | None  # None for blank or malformed lines, kept as they are


@dataclass
class SourceFile:
    path: Path | None  # None for standard input
    display: str
    format: Format
    encoding: str
    bom: bool
    documents: list[Document]
    lines: list[JsonlLine] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    first_record: int = 1
    lossless: bool = True  # every byte decoded, with a codec we are sure of: may be written back
    # a container file (``<doc>…</doc>`` elements): the decoded text and, per document, its element's
    # (element start, inner start, inner end, element end) offsets in that text
    text: str = ""
    elements: list[tuple[int, int, int, int]] = field(default_factory=list)


def discover(
    paths: Sequence[str], settings: Settings, force_exclude: bool = False
) -> Iterator[Path | str | InputProblem]:
    """Yield files to check, in a stable order; ``-`` passes through for standard input.

    What cannot be checked is yielded as an :class:`InputProblem` in its place: a special file (FIFO,
    socket, device: never opened — opening a FIFO blocks until a writer comes, a device never ends),
    a folder that cannot be listed. A path that does not exist, a broken link or a symlink loop is
    yielded as a path: reading it fails at once, and the read reports it."""
    seen: set[str] = set()  # normalised path strings (cheaper to hash than paths; the string is kept)
    # the include globs as one regex, matched as fnmatch.fnmatch would match each
    included = re.compile("|".join(fnmatch.translate(os.path.normcase(pat)) for pat in settings.include)).match
    for entry in paths:
        if entry == "-":
            yield entry
            continue
        path = Path(entry)
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):  # missing, a loop, a NUL in the name: the read reports it
            mode = 0
        if stat.S_ISDIR(mode):
            if not settings.exclude and settings.excluded(path):
                continue  # inside a VCS or tool folder: every file below would be excluded
            yield from _walk(path, settings, included, seen)
        else:
            if force_exclude and settings.excluded(path):
                continue
            key = os.path.normcase(str(path))
            if key in seen:
                continue
            seen.add(key)
            yield path if not mode or stat.S_ISREG(mode) else _special(path, mode)


def _walk(
    top: Path, settings: Settings, included: Callable[[str], object], seen: set[str]
) -> Iterator[Path | InputProblem]:
    """``os.walk`` order (top-down, names sorted, symlinked folders not followed), from
    ``os.scandir`` so a special file is told from a regular one by the entry's type, not by opening it."""
    stack = [top]
    while stack:
        root_path = stack.pop()
        try:
            with os.scandir(root_path) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield InputProblem(root_path.as_posix(), f"cannot read folder: {exc.strerror or exc}")
            continue
        dirs: list[Path] = []
        for item in entries:
            name = item.name
            try:
                is_dir = item.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not item.is_symlink() and not settings.excluded(root_path / name):
                    dirs.append(root_path / name)
                continue
            if not settings.include or not included(os.path.normcase(name.lower())):
                continue
            candidate = root_path.joinpath(name)
            # the folders above were checked on the way down: without exclude globs only
            # the name itself can still be excluded (a 5,000-file walk must stay cheap)
            if (settings.excluded(candidate) if settings.exclude else name in DEFAULT_EXCLUDE):
                continue
            key = os.path.normcase(str(candidate))
            if key in seen:
                continue
            seen.add(key)
            try:
                regular = item.is_file()  # the entry's type: no system call for a plain file
                mode = 0 if regular else item.stat().st_mode
            except OSError:  # a broken link, a loop, gone since the listing: the read reports it
                regular, mode = True, 0
            yield candidate if regular or not mode else _special(candidate, mode)
        stack.extend(reversed(dirs))


def _special(path: Path, mode: int) -> InputProblem:
    kind = (
        "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
        else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
    )
    # an error, not a notice like a binary file: a FIFO in a checked tree is something to look at (exit 2)
    return InputProblem(path.as_posix(), f"skipped: {kind}, not a regular file")


def read_source(
    path: Path | None, data: bytes, display: str, settings: Settings, first_record: int = 1
) -> SourceFile:
    """Decode bytes and build documents; raise BinaryInputError for non-text input.

    ``first_record`` is the line number of the first line of ``data`` (a slice of a large JSONL file).
    """
    from newslint.decoding import decode_bytes  # (not on a warm run's path: the cache answers it)

    if len(data) > MAX_DOCUMENT_BYTES and first_record == 1 and not _jsonl(display, data) \
            and not _CONTAINER_HEAD.match(data[:4096].decode("latin-1")):
        problem = InputProblem(display, f"not checked: {_mib(len(data))} in one document, "
                                        f"over the {_mib(MAX_DOCUMENT_BYTES)} limit")
        return SourceFile(path, display, Format.PLAIN, "utf-8", False, [], problems=[problem], lossless=False)
    decoded = decode_bytes(data)
    fmt = Format.JSONL if first_record > 1 else detect_format(display, decoded.text)
    if fmt is not Format.JSONL and first_record == 1:
        container = _read_container(path, display, decoded)
        if container is not None:
            return container
    if len(data) > MAX_DOCUMENT_BYTES and fmt is not Format.JSONL:
        problem = InputProblem(display, f"not checked: {_mib(len(data))} in one document, "
                                        f"over the {_mib(MAX_DOCUMENT_BYTES)} limit")
        return SourceFile(path, display, Format.PLAIN, "utf-8", False, [], problems=[problem], lossless=False)
    if fmt is not Format.JSONL:
        doc = file_document(
            display, decoded.text, fmt, decoded.encoding, decoded.confidence, decoded.lossless
        )
        return SourceFile(path, display, fmt, decoded.encoding, decoded.bom, [doc], lossless=decoded.lossless)
    source = SourceFile(path, display, fmt, decoded.encoding, decoded.bom, [], first_record=first_record,
                        lossless=decoded.lossless)
    fields = list(dict.fromkeys([*settings.text_fields, *settings.extra_fields]))
    for number, raw in enumerate(physical_lines(decoded.text), first_record):
        if len(raw) > MAX_DOCUMENT_BYTES:  # (characters: at least as many bytes)
            source.lines.append(JsonlLine(raw, None))
            source.problems.append(InputProblem(
                display, f"record not checked: a line of {_mib(len(raw))}, over the {_mib(MAX_DOCUMENT_BYTES)} limit",
                number))
            continue
        stripped = raw.strip().lstrip("\ufeff")  # a BOM inside: files concatenated with ``cat``
        if not stripped:
            source.lines.append(JsonlLine(raw, None))
            continue
        try:
            record = json.loads(stripped)
        except ValueError as exc:
            source.lines.append(JsonlLine(raw, None))
            source.problems.append(InputProblem(display, f"malformed JSON line: {exc}", number))
            continue
        except RecursionError:
            source.lines.append(JsonlLine(raw, None))
            source.problems.append(InputProblem(display, "JSON line nested too deeply", number))
            continue
        if not isinstance(record, dict):
            source.lines.append(JsonlLine(raw, None))
            source.problems.append(InputProblem(display, "JSONL line is not a JSON object", number))
            continue
        source.lines.append(JsonlLine(raw, record))
        origin = record.get(settings.source_field)
        origin = f"{display}:{origin}" if isinstance(origin, str) and origin else display
        disabled = record_disabled(record.get(RECORD_DISABLE_FIELD)) if RECORD_DISABLE_FIELD in record else None
        for name in fields:
            value = record.get(name)
            if isinstance(value, str) and value:
                source.documents.append(text_document(display, value, number, name, source=origin,
                                                      disabled=disabled))
    return source


# Container files (TREC, SogouCA, Gigaword): ``<doc>…</doc>`` / ``<DOC …>…</DOC>`` elements, one
# document each. Known by the first non-blank line (``<doclist>``, ``<DOC>``, ``<doc>``, after an
# optional XML declaration), or by a container extension and at least one element.
_CONTAINER_HEAD = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?<(?:doclist|DOC|doc)(?=[\s>])")
_CONTAINER_EXTENSIONS = (".dat", ".trec", ".sgml", ".sgm")
_ELEMENT_OPEN = re.compile(r"<(doc|DOC)(?=[\s>])[^>]*>")


# A JSONL record's own suppression: ``"newslint_disable": ["NL201", "html-entity"]`` (codes, prefixes or
# names; a comma-separated string works too), or ``true`` / ``"ALL"`` for every check.
RECORD_DISABLE_FIELD = "newslint_disable"


def record_disabled(value: object) -> tuple[str, ...]:
    if value is True:
        return ("ALL",)
    if isinstance(value, str):
        items = [v.strip() for v in value.replace(";", ",").split(",")]
    elif isinstance(value, list):
        items = [v.strip() for v in value if isinstance(v, str)]
    else:
        items = []
    return tuple(v for v in items if v)


def may_be_container(path: Path) -> bool:
    """Whether a file may hold several ``<doc>`` elements (its extension, or its first bytes): then a
    run over this one file is not a one-document run (its corpus checks compare the elements)."""
    if path.name.lower().endswith(_CONTAINER_EXTENSIONS):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return _CONTAINER_HEAD.match(head.decode("latin-1")) is not None


def container_elements(text: str) -> list[tuple[int, int, int, int]]:
    """(element start, inner start, inner end, element end) of each ``<doc>…</doc>`` element, in order;
    an opening tag without its closing tag (same case) ends the list."""
    out: list[tuple[int, int, int, int]] = []
    at = 0
    while True:
        opening = _ELEMENT_OPEN.search(text, at)
        if opening is None:
            return out
        closing = text.find(f"</{opening.group(1)}>", opening.end())
        if closing < 0:
            return out
        end = closing + len(opening.group(1)) + 3
        out.append((opening.start(), opening.end(), closing, end))
        at = end


def _read_container(path: Path | None, display: str, decoded: Any) -> SourceFile | None:
    text = decoded.text
    if not (_CONTAINER_HEAD.match(text) or display.lower().endswith(_CONTAINER_EXTENSIONS)):
        return None
    elements = container_elements(text)
    if not elements:
        return None
    source = SourceFile(path, display, Format.PLAIN, decoded.encoding, decoded.bom, [],
                        lossless=decoded.lossless, text=text)
    line, line_start = 1, 0  # the file's line number at offset line_start
    for number, (_, start, end, _) in enumerate(elements, 1):
        line += text.count("\n", line_start, start)
        line_start = text.rfind("\n", 0, start) + 1
        if end - start > MAX_DOCUMENT_BYTES:  # (characters: at least as many bytes)
            source.problems.append(InputProblem(
                display, f"doc {number} not checked: {_mib(end - start)}, over the {_mib(MAX_DOCUMENT_BYTES)} limit"))
            continue
        inner = text[start:end]
        source.documents.append(Document(
            path=display, text=inner, format=Format.PLAIN, regions=(Region(0, len(inner), Role.BODY),),
            record=number, field_name=CONTAINER_FIELD, encoding=decoded.encoding,
            encoding_confidence=decoded.confidence, lossless=decoded.lossless, newline=detect_newline(inner),
            first_line=line, first_column=start - line_start + 1,
        ))
        source.elements.append(elements[number - 1])
    return source


def render_container(source: SourceFile, texts: dict[int, str], drop: frozenset[int]) -> tuple[str, list[str]]:
    """The container's text with element ``N``'s inner text replaced by ``texts[N]`` and the elements in
    ``drop`` removed (with their line break; returned apart for the sidecar); everything else byte for byte."""
    text = source.text
    out: list[str] = []
    dropped: list[str] = []
    at = 0
    for doc, (elem_start, start, end, elem_end) in zip(source.documents, source.elements, strict=True):
        number = doc.record
        if number in drop:
            stop = elem_end + (2 if text.startswith("\r\n", elem_end) else 1 if text.startswith("\n", elem_end) else 0)
            out.append(text[at:elem_start])
            dropped.append(text[elem_start:elem_end] + "\n")
            at = stop
        elif number in texts:
            out.append(text[at:start])
            out.append(texts[number])
            at = end
    out.append(text[at:])
    return "".join(out), dropped


def _jsonl(display: str, data: bytes) -> bool:
    """JSONL by name or by its first lines (as :func:`detect_format` decides, from the raw bytes)."""
    if display.lower().endswith((".jsonl", ".ndjson")):
        return True
    head = data[:4096].decode("utf-8", "ignore")
    return head.lstrip().startswith("{") and looks_like_jsonl(head)


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


def physical_lines(text: str) -> Iterator[str]:
    """Lines split on ``\n`` only: ``str.splitlines`` would also split inside a JSON string on U+2028."""
    parts = text.split("\n")
    for index, part in enumerate(parts):
        if index < len(parts) - 1:
            yield part + "\n"
        elif part:
            yield part


def read_stdin() -> bytes:
    import sys

    return sys.stdin.buffer.read()


def load(
    entry: Path | str, settings: Settings, stdin_name: str = "-", stdin_data: bytes | None = None
) -> SourceFile | InputProblem:
    """Read one input; every failure becomes an InputProblem naming the file. Standard input is
    read here unless ``stdin_data`` holds it already (a fix run reads it once, for both passes)."""
    if entry == "-":
        data = read_stdin() if stdin_data is None else stdin_data
        path, display = None, stdin_name
    else:
        assert isinstance(entry, Path)
        path, display = entry, entry.as_posix()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return InputProblem(display, "no such file or directory")
        except IsADirectoryError:
            return InputProblem(display, "is a directory")
        except OSError as exc:
            return InputProblem(display, f"cannot read: {exc.strerror or exc}")
    from newslint.decoding import BinaryInputError

    try:
        return read_source(path, data, display, settings)
    except BinaryInputError as exc:
        return InputProblem(display, f"skipped: {exc}", skipped=True)


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def value_spans(line: str) -> dict[str, tuple[int, int]] | None:
    """Where each top-level member's value of a JSON object line starts and ends (for a key given
    twice, its last value: the one ``json.loads`` keeps), or None if the line is not one object."""
    space = _JSON_SPACE.match
    at = space(line, len(line) - len(line.lstrip("\ufeff"))).end()
    if line[at:at + 1] != "{":
        return None
    spans: dict[str, tuple[int, int]] = {}
    at = space(line, at + 1).end()
    if line[at:at + 1] == "}":
        return spans
    try:
        while True:
            if line[at:at + 1] != '"':
                return None
            key, at = json.decoder.scanstring(line, at + 1)
            at = space(line, at).end()
            if line[at:at + 1] != ":":
                return None
            start = space(line, at + 1).end()
            _, at = _DECODER.raw_decode(line, start)
            spans[key] = (start, at)
            at = space(line, at).end()
            if line[at:at + 1] == "}":
                return spans
            if line[at:at + 1] != ",":
                return None
            at = space(line, at + 1).end()
    except (ValueError, RecursionError):
        return None


def _splice_fields(raw: str, record: dict[str, Any], changed: dict[str, str]) -> str:
    """The line with only the changed fields' values replaced: every other byte — numbers written
    ``1e999`` or ``1.50``, key order, spacing, escapes — stays as it was. Escapes follow the line's own
    style (an all-ASCII line with ``\\u`` escapes keeps them). A line the scanner cannot follow is
    written out again whole."""
    ascii_only = "\\u" in raw and raw.isascii()
    spans = value_spans(raw)
    if spans is None or not all(name in spans for name in changed):
        body = raw.rstrip("\r\n")
        lead = body[:len(body) - len(body.lstrip("\ufeff \t"))]
        compact = '": ' not in body and '", "' not in body
        separators = (",", ":") if compact else (", ", ": ")
        updated = {**record, **changed}
        return lead + json.dumps(updated, ensure_ascii=ascii_only, separators=separators) + raw[len(body):]
    pieces: list[str] = []
    last = 0
    for start, end, name in sorted((*spans[name], name) for name in changed):
        pieces.append(raw[last:start])
        pieces.append(json.dumps(changed[name], ensure_ascii=ascii_only))
        last = end
    pieces.append(raw[last:])
    return "".join(pieces)


def render_jsonl(
    source: SourceFile, texts: dict[tuple[int, str], str], drop: frozenset[int] = frozenset()
) -> tuple[str, list[str]]:
    """Rebuild a JSONL file with fixed field values, minus the records in ``drop`` (returned apart,
    unchanged, for the sidecar); untouched lines are kept byte for byte, and in a changed line only
    the fixed values change."""
    out: list[str] = []
    dropped: list[str] = []
    for number, line in enumerate(source.lines, source.first_record):
        if number in drop:
            dropped.append(line.raw if line.raw.endswith("\n") else line.raw + "\n")
            continue
        changed = {name: text for (rec, name), text in texts.items() if rec == number}
        if line.record is None or not changed or all(line.record.get(k) == v for k, v in changed.items()):
            out.append(line.raw)
            continue
        out.append(_splice_fields(line.raw, line.record, changed))
    return "".join(out), dropped


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler for JSONL: a character the file's encoding cannot hold — one a fix
    brought in, or a lone surrogate (a valid JSON escape, ``"\\ud800"``, that no codec can write as a
    character) — is written as a JSON escape. Characters outside strings are ASCII, so every such
    character is inside a string."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start:error.end].encode("utf-16-be", "surrogatepass")
    escapes = "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}" for i in range(0, len(units), 2))
    return escapes, error.end


codecs.register_error("newslint-json-escape", _json_escape)


def encode_output(text: str, encoding: str, bom: bool, *, jsonl: bool = False) -> bytes:
    """Bytes to write back. JSONL keeps the file's encoding too: a character it cannot hold (from a
    fix) becomes a JSON escape rather than the file changing encoding."""
    if not jsonl:
        from newslint.decoding import encode_text

        return encode_text(text, encoding, bom)
    data = text.encode(encoding, "newslint-json-escape")
    return codecs.BOM_UTF8 + data if bom and encoding == "utf-8" else data


