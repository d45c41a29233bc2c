"""A saved corpus index: the map-phase summaries of documents checked in earlier runs.

pre-commit passes only the changed files, in several batches, so a corpus check (duplicates,
learned boilerplate, names) would otherwise compare them only with each other. With ``--index
PATH`` the run loads the summaries saved by earlier runs, drops those of the files it is checking
again and of files that no longer exist, reduces over old and new together, reports only the
documents of this run, and saves the merged index — no earlier file is read again.

Summaries are only compatible with the same corpus checks and parameters, so the index records
their fingerprint and is ignored (rebuilt) when it differs. A corrupt index is ignored, never fatal.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1


@dataclass
class CorpusIndex:
    fingerprint: str
    refs: list[Any] = field(default_factory=list)  # DocRef per document
    summaries: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)  # check code → (doc, summary)


def load_index(path: Path, fingerprint: str) -> CorpusIndex:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
    except Exception:  # missing, corrupt, or written by another version: start afresh
        return CorpusIndex(fingerprint)
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or data.get("fingerprint") != fingerprint:
        return CorpusIndex(fingerprint)
    index = data.get("index")
    return index if isinstance(index, CorpusIndex) else CorpusIndex(fingerprint)


def save_index(path: Path, index: CorpusIndex) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"version": FORMAT_VERSION, "fingerprint": index.fingerprint, "index": index}, handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
