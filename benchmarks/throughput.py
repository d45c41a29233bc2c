"""Single-process throughput of the per-document checks against plain ``ftfy.fix_text``, and the
wall time of ``newslint check`` on one small clean file (what a pre-commit hook pays).

Both sides run in the same process on the same text: the seeds and ``../shared/corpus`` decoded
once and replicated to the requested size. Prints ratios, not only seconds.

    python benchmarks/throughput.py            # >= 50 MB, every default document check
    python benchmarks/throughput.py --mb 10 --select NL1,NL2
    python benchmarks/throughput.py --mb 20 --fixed   # clean real articles

The table has a row for all the texts and one each for the whole HTML pages and the text articles
(plain text and Markdown): most checks skip a whole page (its template is not its text), so the
pages' share of the bytes decides the first figure.

``--fixed`` first applies the safe fixes of the default document checks to every text (what
``newslint fix`` leaves in a repository), so the figure is the cost of checking *clean* real
articles — the common case in CI, and issue 16's "≥ 30× ftfy on clean real articles".
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def source_texts() -> list[tuple[str, str]]:
    """(name, text) of every seed and corpus file, decoded the way newslint decodes them."""
    from newslint.config import Settings
    from newslint.decoding import BinaryInputError
    from newslint.inputs import read_source

    roots = [REPO / "seeds"]
    if (SHARED / "corpus").is_dir():
        roots.append(SHARED / "corpus")
    out: list[tuple[str, str]] = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".txt", ".md", ".html")):
            try:
                source = read_source(path, path.read_bytes(), path.name, Settings())
            except BinaryInputError:
                continue
            out.extend((path.name, doc.text) for doc in source.documents if doc.text)
    return out


def fixed_texts(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each text after the safe fixes of the default document checks (to a fixpoint)."""
    from newslint.document import detect_format, file_document
    from newslint.linter import Linter
    from newslint.packs import builtin_pack_paths, load_packs
    from newslint.selection import select_checks

    specs = select_checks(load_packs(builtin_pack_paths()), None)
    linter = Linter([s for s in specs if s.scope.value == "document"])
    return [(name, linter.fix(file_document(name, text, detect_format(name, text))).text) for name, text in texts]


def replicate(texts: list[tuple[str, str]], megabytes: float) -> list[tuple[str, str]]:
    target = int(megabytes * 1_000_000)
    out: list[tuple[str, str]] = []
    size = 0
    while size < target:
        for name, text in texts:
            out.append((name, text))
            size += len(text.encode("utf-8"))
            if size >= target:
                break
    return out


def time_newslint(docs: list[tuple[str, str]], select: list[str]) -> tuple[float, int]:
    from newslint.document import detect_format, file_document
    from newslint.linter import Linter
    from newslint.packs import builtin_pack_paths, load_packs
    from newslint.selection import select_checks

    specs = select_checks(load_packs(builtin_pack_paths()), None if select == ["document"] else select)
    linter = Linter([s for s in specs if s.scope.value == "document"])
    prepared = [file_document(name, text, detect_format(name, text)) for name, text in docs]
    start = time.perf_counter()
    findings = 0
    for doc in prepared:
        findings += len(linter.check(doc))
    return time.perf_counter() - start, findings


def time_ftfy(docs: list[tuple[str, str]]) -> float:
    import ftfy

    start = time.perf_counter()
    for _, text in docs:
        ftfy.fix_text(text)
    return time.perf_counter() - start


def time_startup(runs: int = 7) -> tuple[float, float]:
    """Median wall seconds of `newslint check clean.txt` and of a bare `python -c pass`."""
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.txt"
        clean.write_text("北京城市副中心高质量发展。“五子”联动，创建（两个）示范区。\n", encoding="utf-8")

        def wall(cmd: list[str]) -> float:
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(cmd, capture_output=True, cwd=tmp, check=False)
                samples.append(time.perf_counter() - start)
            return statistics.median(samples)

        return wall([sys.executable, "-m", "newslint", "check", str(clean)]), wall([sys.executable, "-c", "pass"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=50.0, help="size of the replicated corpus in MB (UTF-8)")
    parser.add_argument("--select", default="document",
                        help="checks to run (comma-separated selectors; 'document': every default document check)")
    parser.add_argument("--fixed", action="store_true", help="check the texts after the default safe fixes")
    args = parser.parse_args()
    base = source_texts()
    if args.fixed:
        base = fixed_texts(base)
    docs = replicate(base, args.mb)
    size_mb = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6
    chars = sum(len(t) for _, t in docs)
    select = args.select.split(",")
    ours, findings = time_newslint(docs, select)
    theirs = time_ftfy(docs)
    pages = [d for d in docs if d[0].endswith((".html", ".htm"))]
    articles = [d for d in docs if not d[0].endswith((".html", ".htm"))]
    parts = [(label, part, time_newslint(part, select)[0], time_ftfy(part))
             for label, part in (("whole HTML pages", pages), ("text articles (plain, Markdown)", articles)) if part]
    startup, bare = time_startup()
    print(f"# newslint throughput ({platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, {platform.system()})")
    print(f"corpus: {len(docs)} documents, {size_mb:.1f} MB, {chars / 1e6:.1f} M code points "
          f"(seeds + shared/corpus{' after the default safe fixes' if args.fixed else ''}, replicated); "
          f"checks: {args.select}")
    print()
    print("| run | seconds | MB/s | M chars/s | ratio vs ftfy |")
    print("|---|---|---|---|---|")
    print(f"| newslint check (1 process) | {ours:.2f} | {size_mb / ours:.1f} | {chars / ours / 1e6:.2f} "
          f"| {theirs / ours:.1f}x |")
    print(f"| ftfy.fix_text | {theirs:.2f} | {size_mb / theirs:.1f} | {chars / theirs / 1e6:.2f} | 1.0x |")
    for label, part, mine, peer in parts:
        part_mb = sum(len(t.encode("utf-8")) for _, t in part) / 1e6
        print(f"| newslint on the {label} only ({part_mb:.1f} MB) | {mine:.2f} | {part_mb / mine:.1f} | "
              f"{sum(len(t) for _, t in part) / mine / 1e6:.2f} | {peer / mine:.1f}x (ftfy {peer:.2f} s) |")
    print()
    print(f"findings: {findings}")
    print(f"`newslint check` on one small clean file: {startup * 1000:.0f} ms wall "
          f"(bare `python -c pass`: {bare * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
