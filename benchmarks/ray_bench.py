"""Ray Data (local mode) against the process pool, on generated JSONL (issue 15).

Generates (or reuses) a JSONL corpus with ``benchmarks/corpus.py --layout jsonl``, then runs
``newslint check --no-cache --format json`` on it with ``--jobs N`` and with ``--engine ray --jobs N``,
each in a fresh process whose resident memory is sampled from ``/proc`` (the driver only: Ray's
workers and the pool's children are other processes). Reports wall time, throughput, the ratio,
the driver's peak RSS, whether the two reports are identical, and the engine's per-stage figures
(``RunOutput.stages``: seconds per stage, spool and summary bytes) that the 1 TB estimate uses.

    python benchmarks/ray_bench.py --mb 200 --out /tmp/nl-ray        # the acceptance run
    python benchmarks/ray_bench.py --mb 20 --out /tmp/nl-ray-small   # a quick one
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus(mb: float, out: Path) -> Path:
    path = out / "corpus.jsonl"
    if not path.exists() or path.stat().st_size < mb * 1e6 * 0.95:
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--mb", str(mb), "--layout", "jsonl",
                        "--out", str(out)], check=True)
        (out / "truth.jsonl").unlink(missing_ok=True)
    return path


_CHILD = r"""
import json, sys, time
from pathlib import Path
from newslint.cli import _all_specs, _selected, build_parser, _settings
from newslint.engine import RunRequest, run
from newslint.report import ReportOptions
from newslint.reporters import write
args = build_parser().parse_args(json.loads(sys.argv[1]))
settings = _settings(args)
specs = _selected(args, settings, _all_specs(settings, args.pack))
start = time.perf_counter()
output = run(RunRequest(paths=args.paths, settings=settings, specs=specs, jobs=args.jobs, engine=args.engine,
                        render="json", progress=False))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    write("json", output.result, ReportOptions(), out)
stages = dict(output.stages, total_s=time.perf_counter() - start)
print(json.dumps(stages))
"""


def measure(argv: list[str], report: Path) -> dict:
    """Run the engine in a child process (the CLI's own request, minus the cache), sampling its RSS."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps(argv), str(report)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith(("VmHWM:", "VmRSS:")):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.1)
    wall = time.perf_counter() - started
    out = child.stdout.read() if child.stdout else ""
    stages = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    digest = hashlib.sha256(report.read_bytes()).hexdigest()[:16] if report.exists() else None
    return {"wall_s": wall, "driver_peak_rss_mb": peak / 1024, "report_sha": digest, "stages": stages,
            "exit": child.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=200)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--select", default=None, help="checks (default: the defaults)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = corpus(args.mb, args.out)
    size = path.stat().st_size
    base = ["check", "--isolated", "--no-cache", "--jobs", str(args.jobs)]
    if args.select:
        base += ["--select", args.select]
    results = {}
    for engine in ("local", "ray"):
        results[engine] = measure([*base, "--engine", engine, str(path)], args.out / f"report-{engine}.json")
        r = results[engine]
        print(f"{engine:5}  {r['wall_s']:7.1f} s  {size / 1e6 / r['wall_s']:6.2f} MB/s  "
              f"driver peak RSS {r['driver_peak_rss_mb']:7.1f} MB  report {r['report_sha']}  "
              f"stages {json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in r['stages'].items()})}",
              flush=True)
    ratio = results["local"]["wall_s"] / results["ray"]["wall_s"]
    same = results["local"]["report_sha"] == results["ray"]["report_sha"]
    print(f"input {size / 1e6:.1f} MB; ray / pool throughput {ratio:.2f}x; same report: {same}; "
          f"cpus {os.cpu_count()}")
    if args.json:
        args.json.write_text(json.dumps({"input_bytes": size, "ratio": ratio, "same": same, **results}, indent=1))


if __name__ == "__main__":
    main()
