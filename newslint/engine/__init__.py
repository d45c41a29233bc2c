"""The engine: a run as explicit stages (see ARCHITECTURE.md, "How a run flows: the stages").

* :mod:`~newslint.engine.request` — the immutable :class:`RunRequest` and the :class:`RunOutput`;
* :mod:`~newslint.engine.plan` — inputs → tasks that name their data (files, JSONL slices);
* :mod:`~newslint.engine.worker` — one task → documents → findings, map summaries, sealed;
* :mod:`~newslint.engine.executors` — where tasks run: serial, process pool, Ray (``newslint.ray_engine``);
* :mod:`~newslint.engine.corpus` — the corpus stages: reduce per check group, locate, filter;
* :mod:`~newslint.engine.fixer` — fixing a source, writing it (or not), sidecars, fix rounds;
* :mod:`~newslint.engine.runcache` — every decision about the result cache;
* :mod:`~newslint.engine.shards` — ``--output-dir``: findings shards, cleaned fix shards and sidecars;
* :mod:`~newslint.engine.records` — what crosses process boundaries (DocRef, TaskResult, MapRow);
* :mod:`~newslint.engine.driver` — the stages in order, in the driver process.
"""

from __future__ import annotations

from typing import Any

from newslint.engine.driver import run
from newslint.engine.request import RunOutput, RunRequest

__all__ = ["RunOutput", "RunRequest", "run", "write_stdout"]


def __getattr__(name: str) -> Any:
    """``write_stdout`` from the fixer, imported when asked for: a check run never needs it."""
    if name == "write_stdout":
        from newslint.engine.fixer import write_stdout

        return write_stdout
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
