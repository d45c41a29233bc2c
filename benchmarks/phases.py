"""Where the wall time of one ``newslint check`` goes, by engine phase and by check (a benchmark, not a test).

Runs the CLI in this process with the engine's phase functions wrapped in timers: each document's
checks, each corpus check's map and batched map finish, each group's reduce, reading the inputs, and
the run as a whole. At ``--jobs 1`` every phase runs here, so the figures add up to the run (what
they leave out is spooling, result handling, start-up and the report); at ``--jobs 2`` the map
phases run in worker processes and only the main process's part is seen.

    python benchmarks/phases.py check /tmp/c50/corpus.jsonl --no-cache --jobs 1 --format json -o /dev/null

Every argument after the script's name is ``newslint``'s own.
"""

from __future__ import annotations

import collections
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECONDS: collections.Counter[str] = collections.Counter()
CALLS: collections.Counter[str] = collections.Counter()


def timed(owner: Any, name: str, label: Callable[[tuple], str]) -> None:
    """Replace ``owner.name`` by a wrapper adding its wall time to ``label(args)``."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            key = label(args)
            SECONDS[key] += time.perf_counter() - started
            CALLS[key] += 1

    setattr(owner, name, wrapper)


def _group(plan: Any, members: list[int]) -> str:
    return "reduce " + "+".join(plan.detectors[m].check.code for m in members)


def main(argv: list[str]) -> int:
    from newslint import cli, linter
    from newslint.dedup.detectors import NearDuplicateDetector
    from newslint.detectors.corpus_boilerplate import CorpusBoilerplateDetector
    from newslint.engine import corpus, driver, worker
    from newslint.names.detectors import _NamesCorpus

    timed(linter.Linter, "check", lambda a: "document checks")
    timed(corpus, "map_bounded", lambda a: "map " + a[0].check.code)
    for cls in (NearDuplicateDetector, CorpusBoilerplateDetector, _NamesCorpus):
        timed(cls, "map_finish", lambda a: "map finish " + a[0].check.code)
    timed(corpus, "reduce_group", lambda a: _group(a[0], a[1]))
    timed(corpus, "reduce_all", lambda a: "all reduces")
    timed(worker, "read_source", lambda a: "reading and decoding")
    timed(driver, "_run_pass", lambda a: "the pass (all of the above and more)")
    started = time.perf_counter()
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    total = time.perf_counter() - started
    print("| phase | seconds | calls |", file=sys.stderr)
    print("|---|---:|---:|", file=sys.stderr)
    for key, seconds in SECONDS.most_common():
        print(f"| {key} | {seconds:.2f} | {CALLS[key]:,} |", file=sys.stderr)
    print(f"| the command, start to end | {total:.2f} | 1 |", file=sys.stderr)
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
