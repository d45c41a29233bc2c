"""Throughput and peak memory of ``newslint check`` beside its peers, on the same generated input.

On one JSONL corpus from :mod:`benchmarks.corpus` (labelled problems of every family, real news
text) it runs, each in its own child process so memory figures are separate:

* ``newslint check --jobs 1`` and ``--jobs 2`` (default checks, no cache, JSON report to a file):
  MB/s, docs/s, wall time, and the 2-job speed-up; the two JSON reports must be byte-identical;
* the peers: plain ``ftfy.fix_text`` on every record, ``datasketch`` MinHash + MinHashLSH (the
  same ``num_perm``, threshold and shingles as NL502's defaults), a ``rapidfuzz`` all-pairs
  ``fuzz.ratio`` baseline on a slice (quadratic: shown per pair, extrapolated to the corpus), and
  the floor: reading the corpus and running one compiled regex over every line;
* the cache figure: ``newslint check`` twice over an unchanged tree of small files with an empty
  cache folder, first vs second run.

Peak memory is measured two ways: the sum of the resident sizes of the child's process tree
(polled from ``/proc``; what the machine must have) and ``ru_maxrss`` from ``wait4`` (the largest
single process). Ratios are printed, and a Markdown table with machine details goes to
``benchmarks/RESULTS.md``.

    python benchmarks/speed.py --mb 1000            # the acceptance run (1 GB)
    python benchmarks/speed.py --quick              # a few MB, for the test suite; writes nothing
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

RESULTS = REPO / "benchmarks" / "RESULTS.md"


def document_checks() -> list[str]:
    """Every default check of document scope (issues 3 and 16 compare their single-process
    throughput with ftfy). Until 2026-12-07 a fixed list that left out NL001, NL204, NL303, NL304,
    NL604 and NL605: the junk-line checks alone are about half of the document checks' time."""
    from newslint.packs import builtin_pack_paths, load_packs
    from newslint.selection import select_checks

    return [s.code for s in select_checks(load_packs(builtin_pack_paths()), None) if s.scope.value == "document"]

_PAGE = os.sysconf("SC_PAGE_SIZE")


# -- measuring a child ----------------------------------------------------------------------------

def _tree_rss(root: int, hwm: dict[int, int]) -> int:
    """Resident bytes of ``root`` and all its descendants, from /proc; ``hwm`` collects each
    process's own peak (VmHWM, which starts again at exec, unlike ``ru_maxrss`` of a forked child)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * _PAGE
            with open(f"/proc/{pid}/status", "rb") as fh:
                found = re.search(rb"VmHWM:\s+(\d+) kB", fh.read())
            if found:
                hwm[pid] = max(hwm.get(pid, 0), int(found.group(1)) * 1024)
        except OSError:
            continue
    return total


def measure(cmd: Sequence[str], cwd: Path | None = None, stdout=subprocess.DEVNULL, env: dict | None = None) -> dict:
    """Run ``cmd``: wall seconds, peak RSS of its process tree (polled every 50 ms) and the largest
    single process's peak (VmHWM). ``ru_maxrss`` from wait4/RUSAGE_CHILDREN is not used: it
    counts the parent's pages the child had between fork and exec."""
    env = {**os.environ, "NEWSLINT_NO_PROGRESS": "1", "PYTHONPATH": str(REPO), **(env or {})}
    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    peak = 0
    hwm: dict[int, int] = {}
    while True:
        pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss(proc.pid, hwm))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{stderr[-2000:]}")
    return {"seconds": seconds, "tree_rss": peak, "max_rss": max(hwm.values(), default=0), "stderr": stderr}


def newslint_cmd(paths: Sequence[Path], jobs: int | None, out: Path, extra: Sequence[str] = ()) -> list[str]:
    cmd = [sys.executable, "-m", "newslint", "check", "--format", "json", "-o", str(out), "--exit-zero", *extra]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return cmd + [str(p) for p in paths]


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- peers (each runs in a child: ``speed.py --peer NAME``) ----------------------------------------

def _records(path: Path, limit: int) -> Iterator[str]:
    done = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            done += len(line.encode("utf-8"))
            yield json.loads(line)["text"]
            if limit and done >= limit:
                return


def peer(name: str, path: Path, limit: int, slice_docs: int) -> dict:
    """One peer over the first ``limit`` bytes (0: all) of ``path``; prints what it did."""
    started = time.perf_counter()
    docs = size = hits = 0
    if name == "floor":
        pattern = re.compile(r"&#?\w{2,8};|</?[a-zA-Z][^<>]{0,200}>|[\u200b-\u200f\u2060\ufeff]|Ã.|â€")
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                docs += 1
                size += len(line.encode("utf-8"))
                hits += sum(1 for _ in pattern.finditer(line))
                if limit and size >= limit:
                    break
    elif name == "ftfy":
        import ftfy

        for text in _records(path, limit):
            docs += 1
            size += len(text.encode("utf-8"))
            hits += ftfy.fix_text(text) != text
    elif name == "datasketch":
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=0.4, num_perm=128)
        for text in _records(path, limit):
            size += len(text.encode("utf-8"))
            shingles = _shingles(text)
            m = MinHash(num_perm=128)
            m.update_batch([s.encode("utf-8") for s in shingles])
            hits += bool(lsh.query(m))
            lsh.insert(str(docs), m)
            docs += 1
    elif name == "rapidfuzz":
        from rapidfuzz import fuzz, process

        texts = []
        for text in _records(path, 0):
            texts.append(text)
            size += len(text.encode("utf-8"))
            if len(texts) >= slice_docs:
                break
        docs = len(texts)
        started = time.perf_counter()
        matrix = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=80, workers=1)
        hits = int(((matrix > 0).sum() - docs) // 2)
    else:
        raise SystemExit(f"unknown peer {name}")
    return {"peer": name, "seconds": time.perf_counter() - started, "bytes": size, "docs": docs, "hits": hits}


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _shingles(text: str) -> set[str]:
    """Character 4-grams of Chinese text, word 3-grams otherwise (NL502's cjk_ngram / word_ngram)."""
    text = " ".join(text.split())
    if len(_HAN.findall(text[:400])) > 40:
        return {text[i : i + 4] for i in range(max(1, len(text) - 3))}
    words = text.split()
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


# -- the benchmark -------------------------------------------------------------------------------

def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        total = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{total / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    versions = {}
    for module in ("newslint", "ftfy", "datasketch", "rapidfuzz"):
        try:
            from importlib.metadata import version

            versions[module] = version(module)
        except Exception:  # a peer not installed: its row is skipped
            versions[module] = "absent"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}", **versions}


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f}"


def run_benchmark(args: argparse.Namespace, work: Path) -> tuple[list[dict], dict]:
    import corpus

    rows: list[dict] = []
    info: dict = {}
    data = args.corpus
    if data is None:
        started = time.perf_counter()
        corpus.write_corpus(corpus.generate_docs(None, args.seed, target_bytes=int(args.mb * 1e6),
                                                 formats=("jsonl",)), work / "jsonl", "jsonl")
        data = work / "jsonl" / "corpus.jsonl"
        info["generated"] = time.perf_counter() - started
    size = data.stat().st_size
    with data.open("rb") as fh:
        docs = sum(1 for _ in fh)
    info.update(corpus=str(data), bytes=size, docs=docs)
    print(f"corpus: {data} ({_mb(size)} MB, {docs:,} records)", flush=True)
    select = ["--select", args.select] if args.select else []
    outputs = {}
    for jobs in args.jobs:
        out = work / f"report-j{jobs}.json"
        m = measure(newslint_cmd([data], jobs, out, ["--no-cache", *select]))
        outputs[jobs] = out
        rows.append({"tool": f"newslint check --jobs {jobs}", "jobs": jobs, "bytes": size, "docs": docs, **m})
        print(f"  newslint --jobs {jobs}: {m['seconds']:.1f}s, tree RSS {_mb(m['tree_rss'])} MB", flush=True)
    if args.doc_checks:
        out = work / "report-doc.json"
        m = measure(newslint_cmd([data], 1, out, ["--no-cache", "--select", ",".join(document_checks())]))
        out.unlink()
        rows.append({"tool": "newslint check --jobs 1, per-document checks only", "bytes": size, "docs": docs, **m})
        print(f"  newslint --jobs 1 per-document checks: {m['seconds']:.1f}s", flush=True)
    hashes = {jobs: _sha(out) for jobs, out in outputs.items()}
    info["identical"] = len(set(hashes.values())) == 1
    info["report_bytes"] = {jobs: out.stat().st_size for jobs, out in outputs.items()}
    if not info["identical"]:
        info["first_difference"] = _first_difference(*outputs.values())
    for out in outputs.values():
        out.unlink()
    limit = int(args.peer_mb * 1e6) if args.peer_mb else 0
    for name in args.peers:
        cmd = [sys.executable, __file__, "--peer", name, "--corpus", str(data), "--peer-mb", str(args.peer_mb),
               "--slice", str(args.slice)]
        with tempfile.TemporaryFile() as capture:
            m = measure(cmd, stdout=capture)
            capture.seek(0)
            result = json.loads(capture.read().decode())
        label = {"ftfy": "ftfy.fix_text per record", "datasketch": "datasketch MinHash+LSH (128 perm, t=0.4)",
                 "rapidfuzz": f"rapidfuzz all-pairs fuzz.ratio, first {result['docs']} records",
                 "floor": "floor: read + one compiled regex"}[name]
        rows.append({"tool": label, "peer": name, **m, **result, "wall": m["seconds"]})
        print(f"  {label}: {result['seconds']:.1f}s over {_mb(result['bytes'])} MB", flush=True)
    if limit:
        info["peer_limit"] = limit
    if args.cache_files:
        info["cache"] = cache_figure(args, work)
    return rows, info


def _first_difference(a: Path, b: Path) -> str:
    with a.open(encoding="utf-8") as fa, b.open(encoding="utf-8") as fb:
        for number, (la, lb) in enumerate(zip(fa, fb, strict=False), 1):
            if la != lb:
                return f"line {number}: {la.strip()[:160]!r} vs {lb.strip()[:160]!r}"
    return "lengths differ"


def cache_figure(args: argparse.Namespace, work: Path) -> dict:
    """First vs second ``newslint check`` over an unchanged tree of small files, with a fresh cache."""
    import corpus

    tree = work / "tree"
    corpus.write_corpus(corpus.generate_docs(args.cache_files, args.seed + 1, formats=("plain", "markdown", "html")),
                        tree)
    select = ["--select", args.select] if args.select else []
    files = sum(1 for p in (tree / "docs").rglob("*") if p.is_file())
    figure: dict = {"files": files}
    nocache = measure(newslint_cmd([tree / "docs"], None, work / "c0.json", ["--no-cache", *select]))
    figure["no_cache"] = nocache["seconds"]
    # As users run it; then with a fixed hash seed, which shows what the cache does when its key is
    # stable across processes (see the report: the key depends on set order, i.e. on the hash seed).
    for label, env in (("as-is", None), ("PYTHONHASHSEED=0", {"PYTHONHASHSEED": "0"})):
        cache = work / f"cache-{len(figure)}"
        first = measure(newslint_cmd([tree / "docs"], None, work / "c1.json", ["--cache-dir", str(cache), *select]),
                        env=env)
        second = measure(newslint_cmd([tree / "docs"], None, work / "c2.json", ["--cache-dir", str(cache), *select]),
                         env=env)
        same = _sha(work / "c1.json") == _sha(work / "c2.json") == _sha(work / "c0.json")
        folders = sum(1 for p in cache.iterdir() if p.is_dir())
        figure[label] = {"first": first["seconds"], "second": second["seconds"], "identical": same,
                         "ratio": first["seconds"] / second["seconds"], "cache_folders": folders}
        print(f"  cache ({label}): {files} files, first {first['seconds']:.2f}s, second {second['seconds']:.2f}s",
              flush=True)
    return figure


def render(rows: list[dict], info: dict, mach: dict, args: argparse.Namespace) -> str:
    base = next((r for r in rows if r["tool"] == "newslint check --jobs 1"), rows[0])
    base_rate = base["bytes"] / base["seconds"]
    lines = [
        "# newslint speed and memory",
        "",
        f"Written by `benchmarks/speed.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. "
        f"Command: `python benchmarks/speed.py {' '.join(args.argv)}`.",
        "",
        f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['memory']} RAM, {mach['os']}, Python {mach['python']}; "
        f"newslint {mach['newslint']}, ftfy {mach['ftfy']}, datasketch {mach['datasketch']}, "
        f"rapidfuzz {mach['rapidfuzz']}.",
        "",
        f"Input: generated JSONL, {_mb(info['bytes'])} MB, {info['docs']:,} records "
        f"(`benchmarks/corpus.py`, seed {args.seed}: real news sentences, about 60% of records with injected "
        "problems, 8% duplicate families). Checks: "
        + (f"`--select {args.select}`." if args.select else "the default selection."),
        "",
        "| tool | input MB | seconds | MB/s | docs/s | speed vs newslint -j1 | peak RSS, process tree (MB) "
        "| peak RSS, largest process (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        rate = r["bytes"] / r["seconds"]
        ratio = base_rate / rate  # newslint -j1's time per MB over this tool's
        lines.append(f"| {r['tool']} | {_mb(r['bytes'])} | {r['seconds']:.2f} | {rate / 1e6:.2f} | "
                     f"{r['docs'] / r['seconds']:,.0f} | {1 / ratio:.2f} | {_mb(r['tree_rss'])} "
                     f"| {_mb(r['max_rss'])} |")
    lines.append("")
    lines.append("`speed vs newslint -j1`: the tool's MB/s divided by that of `newslint check --jobs 1` "
                 "(above 1: faster than newslint).")
    j = {r["jobs"]: r for r in rows if "jobs" in r}
    if 1 in j and 2 in j:
        lines.append(f"- Speed-up of `--jobs 2` over `--jobs 1`: **{j[1]['seconds'] / j[2]['seconds']:.2f}×** "
                     "(target ≥ 1.8×).")
        lines.append(f"- Peak RSS at `--jobs 2`: **{_mb(j[2]['tree_rss'])} MB** for the process tree "
                     "(target ≤ 1,000 MB on 1 GB of input).")
    lines.append(f"- `--jobs 1` and `--jobs 2` JSON reports identical: **{'yes' if info['identical'] else 'NO'}**"
                 + (f" (first difference: {info['first_difference']})" if not info["identical"] else "") + ".")
    for r in rows:
        if r.get("peer") == "rapidfuzz" and r["docs"] > 1:
            pairs = r["docs"] * (r["docs"] - 1) / 2
            full = info["docs"] * (info["docs"] - 1) / 2 / (pairs / r["seconds"])
            lines.append(f"- rapidfuzz all-pairs: {pairs / r['seconds']:,.0f} pairs/s; the whole corpus "
                         f"({info['docs']:,} records) would take about {full / 3600:,.1f} h.")
    if info.get("peer_limit"):
        lines.append(f"- ftfy, datasketch and the floor ran on the first {_mb(info['peer_limit'])} MB of the same "
                     "file (rates are per MB, so the ratios hold).")
    cache = info.get("cache")
    if cache:
        lines.append(f"- Cache: `newslint check` twice over an unchanged tree of {cache['files']:,} small files "
                     f"(default jobs; `--no-cache`: {cache['no_cache']:.2f}s):")
        for label in ("as-is", "PYTHONHASHSEED=0"):
            c = cache[label]
            lines.append(f"  - {label}: first {c['first']:.2f}s, second {c['second']:.2f}s: **{c['ratio']:.1f}×** "
                         f"(target ≥ 10×); cache key folders after two runs: {c['cache_folders']}; "
                         f"reports identical: {'yes' if c['identical'] else 'NO'}.")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=1000, help="size of the generated JSONL corpus")
    parser.add_argument("--corpus", type=Path, help="use this JSONL file instead of generating one")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--select", help="newslint --select (default: the default checks)")
    parser.add_argument("--peers", nargs="*", default=["floor", "ftfy", "datasketch", "rapidfuzz"])
    parser.add_argument("--no-doc-checks", dest="doc_checks", action="store_false",
                        help="skip the extra row of newslint with the per-document checks only")
    parser.add_argument("--peer-mb", type=float, default=0, help="peers read only this many MB (0: all)")
    parser.add_argument("--slice", type=int, default=2000, help="records in the rapidfuzz all-pairs slice")
    parser.add_argument("--cache-files", type=int, default=5000, help="files in the cache tree (0: skip)")
    parser.add_argument("--results", type=Path, default=None, help=f"write the table here (default {RESULTS})")
    parser.add_argument("--quick", action="store_true", help="3 MB, 300-file cache tree, 200-record slice; no file")
    parser.add_argument("--work", type=Path, help="keep the generated input here (default: a temporary folder)")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.peer:
        print(json.dumps(peer(args.peer, args.corpus, int(args.peer_mb * 1e6), args.slice)))
        return 0
    if args.quick:
        args.mb, args.cache_files, args.slice = min(args.mb, 3), min(args.cache_files, 300), min(args.slice, 200)
    results = args.results or (None if args.quick else RESULTS)
    with tempfile.TemporaryDirectory(prefix="nl-speed-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows, info = run_benchmark(args, work)
        # Keep the raw figures before rendering: a long run must never be lost to a report bug.
        (work / "measurements.json").write_text(json.dumps({"rows": rows, "info": info}, indent=1))
    text = render(rows, info, machine(), args)
    print(text)
    if results is not None:
        results.write_text(text, encoding="utf-8")
        print(f"wrote {results}")
    return 0 if info["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
