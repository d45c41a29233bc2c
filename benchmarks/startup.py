"""Start-up of a one-file check (the pre-commit path), against bare Python, in one interleaved run.

Measures, N times each and interleaved (so a burst of load on a shared machine hits every case
alike): ``python -c pass``, ``python -c "import newslint"``, and ``newslint check`` of one seed
file and of one Markdown file with front matter, each with a warm cache (the second run of
pre-commit) and with ``--no-cache``. Prints a Markdown table of medians and minimums (wall and
CPU of the child, from ``wait4``) with the ratio to bare Python; ``--results`` appends it to
``benchmarks/RESULTS.md``.

    python benchmarks/startup.py                                   # this tree, its .venv
    python benchmarks/startup.py --tree /tmp/fz/main               # another checkout, its .venv

The result cache and the user's pack cache go to a temporary folder (``NEWSLINT_CACHE_DIR``,
``XDG_CACHE_HOME``), as do the byte-compiled files (``PYTHONPYCACHEPREFIX``, with
``PYTHONDONTWRITEBYTECODE`` unset): a measured tree is never written to, both trees run from fresh
``.pyc`` files, and two trees measured one after the other do not share or evict caches. Every case
runs twice before timing, so the caches are warm and the ``.pyc`` files exist.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SEED = "seeds/000_a3f32d6d99859141.txt"

# A short news page as a pre-commit hook sees it: Markdown with YAML front matter.
MARKDOWN = """---
title: 央行宣布下调存款准备金率
date: 2024-02-05
source: example.com
tags: [economy, policy]
---

# 央行宣布下调存款准备金率

中国人民银行5日宣布，自2月5日起下调金融机构存款准备金率0.5个百分点，释放长期资金约1万亿元。

The People's Bank of China said on Monday it would cut the reserve requirement ratio by
0.5 percentage points, releasing about 1 trillion yuan in long-term liquidity.

分析人士认为，此举有助于稳定市场预期。
"""


@dataclass
class Case:
    """One command line to time, and what it measured."""

    label: str
    argv: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def timed_run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and the child's CPU seconds (user + system, from ``wait4``: not the parent's)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in (0, 1):  # 1: findings
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime


def build_cases(python: str, newslint: str, seed: Path, markdown: Path) -> list[Case]:
    """The interleaved cases; the two ``newslint`` files are named as a pre-commit hook names them."""
    cases = [
        Case("bare `python -c pass`", [python, "-c", "pass"]),
        Case('`python -c "import newslint"`', [python, "-c", "import newslint"]),
    ]
    for what, path in (("seed .txt", seed), ("one .md, front matter", markdown)):
        cases.append(Case(f"check {what}, warm cache", [newslint, "check", str(path)]))
        cases.append(Case(f"check {what}, `--no-cache`", [newslint, "check", "--no-cache", str(path)]))
    return cases


def measure(cases: list[Case], runs: int, cwd: Path, env: dict[str, str]) -> None:
    for case in cases:  # warm: the caches filled, the .pyc written
        timed_run(case.argv, cwd, env)
        timed_run(case.argv, cwd, env)
    for _ in range(runs):
        for case in cases:
            wall, cpu = timed_run(case.argv, cwd, env)
            case.wall.append(wall)
            case.cpu.append(cpu)


def table(cases: list[Case], title: str) -> str:
    bare = statistics.median(cases[0].wall)
    bare_cpu = statistics.median(cases[0].cpu)
    lines = [
        f"{title}",
        "",
        "| | wall median (min) | × bare | CPU median (min) | × bare |",
        "|---|---:|---:|---:|---:|",
    ]
    for case in cases:
        wall, cpu = statistics.median(case.wall), statistics.median(case.cpu)
        lines.append(f"| {case.label} | {wall * 1000:.0f} ms ({min(case.wall) * 1000:.0f}) | {wall / bare:.1f} "
                     f"| {cpu * 1000:.0f} ms ({min(case.cpu) * 1000:.0f}) | {cpu / bare_cpu:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=REPO, help="checkout to measure (its .venv, seeds; cwd)")
    parser.add_argument("--python", default=None, help="interpreter (default: TREE/.venv/bin/python)")
    parser.add_argument("--runs", "-n", type=int, default=15, help="timed runs per case")
    parser.add_argument("--seed", default=SEED, help="the seed file, relative to the tree")
    parser.add_argument("--results", action="store_true", help=f"append the table to {RESULTS}")
    args = parser.parse_args()
    tree = args.tree.resolve()
    python = args.python or str(tree / ".venv" / "bin" / "python")
    newslint = str(Path(python).with_name("newslint"))
    with tempfile.TemporaryDirectory(prefix="newslint-startup-") as tmp:
        scratch = Path(tmp)
        markdown = scratch / "page" / "one.md"
        markdown.parent.mkdir()
        markdown.write_text(MARKDOWN, encoding="utf-8")
        env = {**os.environ, "NEWSLINT_CACHE_DIR": str(scratch / "cache"), "XDG_CACHE_HOME": str(scratch / "xdg"),
               "PYTHONPYCACHEPREFIX": str(scratch / "pyc")}
        env.pop("NEWSLINT_NO_CACHE", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # a tree without .pyc would compile on every run
        cases = build_cases(python, newslint, Path(args.seed), markdown)
        measure(cases, args.runs, tree, env)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    title = (f"`benchmarks/startup.py` on {tree} ({args.runs} interleaved runs each, "
             f"load average {load:.1f} at the end, {os.cpu_count()} CPUs):")
    text = table(cases, title)
    sys.stdout.write(text)
    if args.results:
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
        print(f"appended to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
