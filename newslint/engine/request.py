"""What a run is asked to do (:class:`RunRequest`, immutable) and what it gives back (:class:`RunOutput`).

The request is built once (by the command line, the Python API or a test) and never written to:
what the run learns on the way (that it holds one document, the corpus fixes a check pass found)
goes into a new request made with :func:`dataclasses.replace`. A worker's whole state is built from
the request alone, so the same object can be sent to a pool process or a Ray actor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newslint.config import Settings
from newslint.model import Finding
from newslint.registry import CheckSpec
from newslint.report import RunResult

#: Corpus findings with fixes, found by a check pass, keyed by ``(path, record, field)``.
CorpusFixes = Mapping[tuple[str, "int | None", "str | None"], Sequence[Finding]]


@dataclass(frozen=True)
class RunRequest:
    paths: Sequence[str]
    settings: Settings
    specs: Sequence[CheckSpec]
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    force_exclude: bool = False
    stdin_filename: str = "-"
    stdin_data: bytes | None = None  # standard input, read once by run() (a fix run has several passes)
    jobs: int | None = None  # None: automatic (parallel only for many or large inputs)
    single_document: bool = False  # set by the driver when the run can hold only one document
    corpus_fixes: CorpusFixes = field(default_factory=dict)  # fix mode: from a check pass (see fixer.run_fix)
    cache: bool = False
    cache_root: Path | None = None
    progress: bool = True
    index: Path | None = None  # saved corpus index (map summaries of earlier runs)
    # Read what earlier runs stored (cache entries, the corpus index). False for the run redone after
    # stored summaries broke a reduce: everything is computed again, and stored afresh.
    stored: bool = True
    render: str | None = None  # "json"/"text": workers render report lines (check mode; see spool.seal_findings)
    engine: str = "local"  # "local" (serial or a process pool, by jobs) or "ray"
    ray_address: str | None = None  # an existing Ray cluster (else RAY_ADDRESS, else a local Ray)
    output_dir: Path | None = None  # findings (check) or cleaned shards (fix on Ray) written here
    shard_format: str = "jsonl"  # findings shards: "jsonl" or "parquet"

    @property
    def corpus_specs(self) -> list[CheckSpec]:
        return [s for s in self.specs if s.scope.value == "corpus"]

    @property
    def document_specs(self) -> list[CheckSpec]:
        return [s for s in self.specs if s.scope.value != "corpus"]


@dataclass
class RunOutput:
    result: RunResult
    diff: str = ""
    stdout_text: str | None = None  # fixed standard input, printed instead of written
    changed_paths: list[str] = field(default_factory=list)
    # seconds per stage and bytes per intermediate (benchmarks/ray_bench.py sizes a cluster run from them)
    stages: dict[str, float] = field(default_factory=dict)
