"""A saved corpus index: the map-phase summaries of documents checked in earlier runs.

pre-commit passes only the changed files, in several batches, so a corpus check (duplicates,
learned boilerplate, names) would otherwise compare them only with each other. With ``--index
PATH`` the run loads the summaries saved by earlier runs, drops those of the files it is checking
again and of files that no longer exist, reduces over old and new together, reports only the
documents of this run, and saves the merged index — no earlier file is read again.

Summaries are only compatible with the same corpus checks and parameters, so the index records
their fingerprint and is ignored (rebuilt) when it differs. The file is data only
(:mod:`newslint.datafile`, never a pickle: an index committed to a repository must not be able to
run code); a corrupt or foreign index is ignored with one line on stderr and rebuilt, never fatal.
A path that exists and is not an index is refused rather than overwritten.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newslint.atomic import atomic_write
from newslint.datafile import DataError, dumps, is_kind, loads, pairs

FORMAT_VERSION = 2
_KIND = b"index"


@dataclass
class CorpusIndex:
    fingerprint: str
    refs: list[Any] = field(default_factory=list)  # DocRef per document
    summaries: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)  # check code → (doc, summary)


def index_path_problem(path: Path, project: Path) -> str | None:
    """Why ``path`` cannot be used as an index (None when it can): something that exists and is not
    a newslint index is never overwritten, and missing folders are made only inside the project."""
    if path.is_symlink() or path.exists():
        if not path.is_file():
            return "exists and is not a newslint index file"
        try:
            with path.open("rb") as handle:
                head = handle.read(64)
        except OSError as exc:
            return f"cannot be read: {exc.strerror or exc}"
        if head and not is_kind(head, _KIND):
            return ("exists and is not a newslint index (refusing to overwrite it; "
                    "an index of newslint 0.1 must be deleted)")
        return None
    parent = path.parent
    if parent.is_dir():
        return None
    try:
        inside = os.path.commonpath([parent.resolve(), project.resolve()]) == str(project.resolve())
    except ValueError:
        inside = False
    return None if inside else f"folder {parent} does not exist (newslint creates folders only inside the project)"


def load_index(path: Path, fingerprint: str) -> CorpusIndex:
    try:
        data = loads(path.read_bytes(), _KIND)
    except OSError:  # missing: start afresh
        return CorpusIndex(fingerprint)
    except DataError as exc:
        from newslint.cache import warn_ignored

        warn_ignored(f"the corpus index {path}", str(exc), once=False)
        return CorpusIndex(fingerprint)
    if not (isinstance(data, dict) and data.get("version") == FORMAT_VERSION):
        from newslint.cache import warn_ignored

        warn_ignored(f"the corpus index {path}", "another version", once=False)
        return CorpusIndex(fingerprint)
    refs, summaries = data.get("refs"), data.get("summaries")
    if data.get("fingerprint") != fingerprint or not isinstance(refs, list) or not isinstance(summaries, dict):
        return CorpusIndex(fingerprint)  # other checks or parameters: summaries not comparable
    from newslint.engine.records import DocRef

    if not all(isinstance(ref, DocRef) for ref in refs) or not all(
        isinstance(code, str) and isinstance(bucket, list)
        and all(isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], int) and 0 <= e[0] < len(refs)
                for e in bucket)
        for code, bucket in summaries.items()
    ):
        from newslint.cache import warn_ignored

        warn_ignored(f"the corpus index {path}", "entries fail validation", once=False)
        return CorpusIndex(fingerprint)
    return CorpusIndex(fingerprint, refs, summaries)


def save_index(path: Path, index: CorpusIndex) -> None:
    data = dumps({"version": FORMAT_VERSION, "fingerprint": index.fingerprint, "refs": index.refs,
                  "summaries": {code: pairs(bucket) for code, bucket in index.summaries.items()}}, _KIND)
    if not path.parent.exists():  # a folder newslint makes (.newslint/) stays out of git status
        path.parent.mkdir(parents=True, exist_ok=True)
        from newslint.cache import write_gitignore

        write_gitignore(path.parent)
    atomic_write(path, data)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on the index's folder from load to save, so runs sharing one
    index (parallel pre-commit batches) take turns: each sees the documents the one before saved,
    none overwrites another's. No lock file is left behind; where ``fcntl`` is missing, no lock."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    folder = path.parent if path.parent.is_dir() else Path(".")
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def merge(
    old: CorpusIndex, refs: list[Any], summaries: dict[str, list[tuple[int, Any]]], current_paths: set[str]
) -> tuple[CorpusIndex, int]:
    """Old entries (minus re-checked and vanished files) first, then this run's; returns the merged
    index and the number of old documents kept (this run's documents start at that index)."""
    keep = [i for i, ref in enumerate(old.refs) if ref.path not in current_paths and os.path.exists(ref.path)]
    renumber = {old_index: new_index for new_index, old_index in enumerate(keep)}
    base = len(keep)
    merged = CorpusIndex(old.fingerprint, [old.refs[i] for i in keep] + list(refs), {})
    for code in set(old.summaries) | set(summaries):
        bucket = [(renumber[i], s) for i, s in old.summaries.get(code, []) if i in renumber]
        bucket.extend((base + i, s) for i, s in summaries.get(code, []))
        merged.summaries[code] = bucket
    return merged, base
