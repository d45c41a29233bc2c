"""Cost of the names checks on English-only runs (not a test).

Builds N English documents from real English news sentences (the seeds and the shared corpus's English
texts), writes them as files, and times ``newslint check`` through the runner twice: with the built-in
packs that load (the baseline) and with the same packs plus ``checks/names.yml``. The acceptance bar
(issue 13) is a ratio of at most 1.1. It also reports whether pypinyin was imported (it must not be: no Chinese
document, no romanisation) and how many names findings the unpaired run produced.

    python benchmarks/names_bench.py --docs 10000 [--repeat 3] [--out /tmp/names-bench]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BAR = 1.1  # issue 13: names checks on English documents with no candidate original
SOURCES = (REPO / "seeds", REPO.parent / "shared" / "corpus" / "newspaper3k-test-fixtures" / "text")
NAMES_KINDS = {
    "translation-pair": "newslint.names.detectors:TranslationPairDetector",
    "name-mistranslation": "newslint.names.detectors:NameMistranslationDetector",
    "name-variant": "newslint.names.detectors:NameVariantDetector",
    "glossary": "newslint.names.detectors:GlossaryDetector",
}


def english_sentences() -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for root in SOURCES:
        if not root.is_dir():
            continue
        for path in sorted(root.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if re.search(r"[\u4e00-\u9fff]", text):
                continue
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
                if 6 <= len(sentence.split()) <= 60 and sentence.isascii() and sentence not in seen:
                    seen.add(sentence)
                    out.append(sentence)
    return out


def build(out: Path, docs: int, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    pool = english_sentences()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(docs):
        sentences = rng.sample(pool, rng.randint(10, 40))
        paragraphs = [" ".join(sentences[j:j + 4]) for j in range(0, len(sentences), 4)]
        path = out / f"en_{i:05d}.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def loadable_builtin_specs():
    from newslint.packs import load_pack
    from newslint.registry import PackError

    specs, used, skipped = [], [], []
    for path in sorted((REPO / "checks").glob("*.yml")):  # this tree's packs (not the installed package's)
        if path.name in ("names.yml", "glossary-example.yml"):
            continue
        try:
            specs.extend(s for s in load_pack(path) if s.enabled_by_default)
            used.append(path.name)
        except PackError as exc:
            skipped.append(f"{path.name} ({str(exc)[:80]})")
    return specs, used, skipped


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (worker pools, forked reduces)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def time_run(paths: list[Path], specs, jobs: int | None = 1) -> tuple[float, int]:
    """CPU seconds of one run, workers and forked reduces included (process time: other jobs on a
    shared box distort wall time). One process by default: a pool's start-up and idle polling vary
    by a second from run to run, more than the cost being measured."""
    import gc

    from newslint.config import Settings
    from newslint.engine import RunRequest, run

    gc.collect()
    start = _cpu()
    output = run(RunRequest([str(p) for p in paths], Settings(), specs, jobs=jobs, progress=False))
    return _cpu() - start, len(output.result.findings)


def _hyperscan_in_use() -> bool:
    from newslint.names.candidates import candidates

    return candidates("Xi Jinping", 0, 10) is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/names-bench"))
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (0: automatic, as the CLI)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    import newslint.registry as registry
    from newslint.packs import load_pack

    for kind, target in NAMES_KINDS.items():
        registry.BUILTIN_KINDS.setdefault(kind, target)
    paths = build(args.out, args.docs)
    base_specs, used, skipped = loadable_builtin_specs()
    names_specs = [s for s in load_pack(REPO / "checks" / "names.yml") if s.enabled_by_default]
    print(f"{len(paths)} English documents, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB")
    print(f"baseline packs: {', '.join(used) or 'none'}; {len(base_specs)} checks")
    for s in skipped:
        print(f"  skipped (does not load): {s}")
    time_run(paths[:200], base_specs + names_specs)  # warm caches and imports once
    base, names = [], []
    found = 0
    for i in range(args.repeat):
        # alternating order (AB, BA, …) so a slow spell of a shared machine hits both sides alike
        order = (False, True) if i % 2 == 0 else (True, False)
        for with_names in order:
            t, n = time_run(paths, base_specs + names_specs if with_names else base_specs, args.jobs or None)
            (names if with_names else base).append(t)
            if with_names:
                found = n
            else:
                found_base = n
    found -= found_base
    b, w = statistics.median(base), statistics.median(names)
    # each pair ran back to back: the median of their ratios is the figure (the medians of the two
    # sides drift apart when the machine's speed changes between pairs)
    pairs = [y / x for x, y in zip(base, names, strict=True)]
    ratio = statistics.median(pairs)
    print(f"without names checks: {b:.2f} CPU s (median of {args.repeat}: {', '.join(f'{x:.2f}' for x in base)})")
    print(f"with names checks:    {w:.2f} CPU s (median of {args.repeat}: {', '.join(f'{x:.2f}' for x in names)})")
    print(f"back-to-back ratios: {', '.join(f'{r:.3f}' for r in sorted(pairs))}")
    # the fastest run of each side: host noise only ever adds time (timeit's argument for the minimum)
    fastest = min(names) / min(base)
    print(f"ratio of the fastest runs: {fastest:.3f} ({min(names):.2f} / {min(base):.2f} CPU s)")
    print(f"ratio: {ratio:.3f} (median of {len(pairs)} pairs; bar: {BAR:.2f}); names findings: {found}; "
          f"pypinyin imported: {'pypinyin' in sys.modules}; Hyperscan pass: {_hyperscan_in_use()}")
    return 0 if ratio <= BAR else 1


if __name__ == "__main__":
    raise SystemExit(main())
