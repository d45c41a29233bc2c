"""Finding input files, reading them into documents, and writing fixed text back.

Directories are walked recursively for the included extensions; explicitly named files are always
read (unless ``--force-exclude``). A JSONL file becomes one document per configured text field of
each record; a malformed line is reported and kept byte for byte when the file is rewritten.
Writes are atomic: a temporary file in the same folder, the original mode copied, then a rename.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newslint.config import DEFAULT_EXCLUDE, Settings
from newslint.decoding import BinaryInputError, decode_bytes, encode_text
from newslint.document import Document, Format, detect_format, file_document, text_document
from newslint.report import InputProblem


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


def discover(paths: Sequence[str], settings: Settings, force_exclude: bool = False) -> Iterator[Path | str]:
    """Yield files to check, in a stable order; ``-`` passes through for standard input."""
    seen: set[str] = set()  # normalised path strings (cheaper to hash than paths; the string is kept)
    # the include globs as one regex, matched as fnmatch.fnmatch would match each
    included = re.compile("|".join(fnmatch.translate(os.path.normcase(pat)) for pat in settings.include)).match
    for entry in paths:
        if entry == "-":
            yield entry
            continue
        path = Path(entry)
        if path.is_dir():
            if not settings.exclude and settings.excluded(path):
                continue  # inside a VCS or tool folder: every file below would be excluded
            for root, dirs, files in os.walk(path):
                root_path = Path(root)
                dirs[:] = sorted(d for d in dirs if not settings.excluded(root_path / d))
                for name in sorted(files):
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
                    yield candidate
        else:
            if force_exclude and settings.excluded(path):
                continue
            key = os.path.normcase(str(path))
            if key not in seen:
                seen.add(key)
                yield path


def read_source(
    path: Path | None, data: bytes, display: str, settings: Settings, first_record: int = 1
) -> SourceFile:
    """Decode bytes and build documents; raise BinaryInputError for non-text input.

    ``first_record`` is the line number of the first line of ``data`` (a slice of a large JSONL file).
    """
    decoded = decode_bytes(data)
    fmt = Format.JSONL if first_record > 1 else detect_format(display, decoded.text)
    if fmt is not Format.JSONL:
        doc = file_document(
            display, decoded.text, fmt, decoded.encoding, decoded.confidence, decoded.lossless
        )
        return SourceFile(path, display, fmt, decoded.encoding, decoded.bom, [doc])
    source = SourceFile(path, display, fmt, decoded.encoding, decoded.bom, [], first_record=first_record)
    fields = list(dict.fromkeys([*settings.text_fields, *settings.extra_fields]))
    for number, raw in enumerate(physical_lines(decoded.text), first_record):
        stripped = raw.strip()
        if not stripped:
            source.lines.append(JsonlLine(raw, None))
            continue
        try:
            record = json.loads(stripped)
        except ValueError as exc:
            source.lines.append(JsonlLine(raw, None))
            source.problems.append(InputProblem(display, f"malformed JSON line: {exc}", number))
            continue
        if not isinstance(record, dict):
            source.lines.append(JsonlLine(raw, None))
            source.problems.append(InputProblem(display, "JSONL line is not a JSON object", number))
            continue
        source.lines.append(JsonlLine(raw, record))
        origin = record.get(settings.source_field)
        origin = f"{display}:{origin}" if isinstance(origin, str) and origin else display
        for name in fields:
            value = record.get(name)
            if isinstance(value, str) and value:
                source.documents.append(text_document(display, value, number, name, source=origin))
    return source


def physical_lines(text: str) -> Iterator[str]:
    """Lines split on ``\n`` only: ``str.splitlines`` would also split inside a JSON string on U+2028."""
    parts = text.split("\n")
    for index, part in enumerate(parts):
        if index < len(parts) - 1:
            yield part + "\n"
        elif part:
            yield part


def load(entry: Path | str, settings: Settings, stdin_name: str = "-") -> SourceFile | InputProblem:
    """Read one input; every failure becomes an InputProblem naming the file."""
    if entry == "-":
        import sys

        data = sys.stdin.buffer.read()
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
    try:
        return read_source(path, data, display, settings)
    except BinaryInputError as exc:
        return InputProblem(display, f"skipped: {exc}", skipped=True)


def render_jsonl(
    source: SourceFile, texts: dict[tuple[int, str], str], drop: frozenset[int] = frozenset()
) -> tuple[str, list[str]]:
    """Rebuild a JSONL file with fixed field values, minus the records in ``drop`` (returned apart,
    unchanged, for the sidecar); untouched lines are kept byte for byte."""
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
        record = dict(line.record)
        record.update(changed)
        body = line.raw.rstrip("\r\n")
        ending = line.raw[len(body):]
        ascii_only = "\\u" in body and body.isascii()
        compact = '": ' not in body and '", "' not in body
        separators = (",", ":") if compact else (", ", ": ")
        out.append(json.dumps(record, ensure_ascii=ascii_only, separators=separators) + ending)
    return "".join(out), dropped


def encode_output(text: str, encoding: str, bom: bool) -> bytes:
    return encode_text(text, encoding, bom)


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file."""
    mode = None
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".newslint-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
