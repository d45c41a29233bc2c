"""Writer stages for ``--output-dir``: findings as JSONL or Parquet shards (one per task, one for
the corpus checks), and — ``fix`` with ``--output-dir`` — each task's cleaned text as a shard with
its ``.dropped`` sidecar. Inputs are never modified. Shard names are stable (derived from the
task, not from the order tasks finish in), so a rerun overwrites the same files.

A shard is written by the worker that made it (atomically), so findings never travel to the driver:
the driver gets their counts (``FindingStats``) only and prints the summary.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from newslint.atomic import atomic_write
from newslint.model import Finding

FINDING_COLUMNS = ("code", "name", "severity", "message", "path", "record", "field", "row", "column",
                   "end_row", "end_column", "start", "end", "fix")


def task_stem(display: str, first_record: int = 1) -> str:
    """``name.<hash of the path>.<first record>``: unique per task, stable across runs."""
    digest = hashlib.blake2b(display.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
    return f"{Path(display).name}.{digest}.{first_record:09d}"


def write_findings(folder: Path, stem: str, findings: Iterable[Finding], fmt: str) -> Path | None:
    """One shard of findings (``findings-<stem>.jsonl`` or ``.parquet``); None when there are none."""
    from newslint.reporters.jsonfmt import finding_object

    objects = [finding_object(f) for f in findings]
    if not objects:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = {name: [] for name in FINDING_COLUMNS}
        for obj in objects:
            for name in FINDING_COLUMNS:
                if name in ("row", "column"):
                    value = obj["location"][name]
                elif name in ("end_row", "end_column"):
                    value = obj["end_location"][name[4:]]
                elif name == "fix":
                    value = None if obj["fix"] is None else json.dumps(obj["fix"], ensure_ascii=False)
                else:
                    value = obj[name]
                rows[name].append(value)
        table = pa.table(rows)
        sink = io.BytesIO()
        pq.write_table(table, sink)
        path = folder / f"findings-{stem}.parquet"
        atomic_write(path, sink.getvalue())
        return path
    path = folder / f"findings-{stem}.jsonl"
    text = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
    atomic_write(path, text.encode("utf-8", "surrogatepass"))
    return path


def write_cleaned(folder: Path, stem: str, suffix: str, data: bytes, dropped: list[str]) -> Path:
    """A task's cleaned text as ``<stem><suffix>``, and its dropped records beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}{suffix}"
    sidecar = path.with_name(path.name + ".dropped")
    if dropped:
        atomic_write(sidecar, "".join(dropped).encode("utf-8", "surrogatepass"))
    elif sidecar.exists():
        sidecar.unlink()  # a rerun dropped nothing here
    atomic_write(path, data)
    return path
