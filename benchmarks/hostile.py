"""Hostile inputs at full size (issue 14, item 5): each run must end with a one-line message or normal
findings, no traceback, no hang, bounded memory. The test suite runs the same cases at test size
(``tests/test_robustness.py``); this script runs the ones too big for it, the 1 GB single line first.

Each case runs ``newslint check`` (and ``fix`` where it writes) in a fresh process with a time limit,
and prints the exit code, wall time, peak RSS (``ru_maxrss`` of the child) and the lines naming the
hostile input. A case fails on a traceback, a timeout, or an exit code other than 0, 1 or 2.

    python benchmarks/hostile.py                 # 1 GB line (needs ~3 GB of disk in the temp folder)
    python benchmarks/hostile.py --line-mb 100   # smaller
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = "The quick brown fox jumps over the lazy dog, said the reporter. 北京新闻记者报道，经济增长稳定。"
TAGGED = "国家统计局今日发布数据，<b>一季度</b>国内生产总值同比增长。\n"
BOMB = "".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
     *(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))]
)


def write_line(path: Path, megabytes: int, jsonl: bool) -> None:
    """One line of ``megabytes`` MB, written in blocks (never held in memory here)."""
    block = SENTENCE * 2000
    data = block.encode("utf-8")
    count = megabytes * 1024 * 1024 // len(data) + 1
    with path.open("wb") as handle:
        if jsonl:
            handle.write(b'{"text": "')
        for _ in range(count):
            handle.write(data)
        handle.write(b'"}\n' if jsonl else b"\n")
        if jsonl:
            handle.write(json.dumps({"text": TAGGED}, ensure_ascii=False).encode() + b"\n")


_MEASURED = (
    "import re, resource, sys\n"
    "from newslint.cli import main\n"
    "def peak():\n"  # VmHWM: this process image only (ru_maxrss keeps the forking parent's across exec)
    "    try:\n"
    "        with open('/proc/self/status') as f:\n"
    "            return int(re.search(r'VmHWM:\\s*(\\d+)', f.read()).group(1))\n"
    "    except (OSError, AttributeError):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "finally:\n"
    "    sys.stderr.write(f'\\nPEAK_KB {peak()}\\n')\n"
    "sys.exit(code)\n"
)


def run(args: list[str], cwd: Path, timeout: float) -> tuple[int | None, float, int, str]:
    """Exit code (None: killed at the timeout), seconds, the child's own peak RSS in MB, its output."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", _MEASURED, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "NEWSLINT_NO_CACHE": "1"})
    try:
        out, err = proc.communicate(timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        code = None
    seconds = time.monotonic() - started
    text = (out + err).decode("utf-8", "replace")
    match = re.search(r"\nPEAK_KB (\d+)\n", text)
    peak = int(match.group(1)) // 1024 if match else -1
    return code, seconds, peak, text[:match.start()] + text[match.end():] if match else text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--line-mb", type=int, default=1024, help="size of the single-line files (MB)")
    parser.add_argument("--timeout", type=float, default=600)
    options = parser.parse_args()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="newslint-hostile-") as name:
        root = Path(name)
        cases: list[tuple[str, list[str], str]] = []

        def case(label: str, files: dict[str, str | bytes | None], commands=("check",), needle: str = "") -> None:
            folder = root / label.replace(" ", "_")
            folder.mkdir()
            (folder / "good.txt").write_text(TAGGED, encoding="utf-8")
            for file_name, content in files.items():
                if isinstance(content, str):
                    (folder / file_name).write_text(content, encoding="utf-8")
                elif isinstance(content, bytes):
                    (folder / file_name).write_bytes(content)
            for command in commands:
                cases.append((label, [command, str(folder)], needle))

        line_dir = root / f"line_{options.line_mb}MB"
        line_dir.mkdir()
        (line_dir / "good.txt").write_text(TAGGED, encoding="utf-8")
        write_line(line_dir / "line.txt", options.line_mb, jsonl=False)
        write_line(line_dir / "line.jsonl", options.line_mb, jsonl=True)
        cases.append((f"{options.line_mb} MB single line (.txt and .jsonl)", ["check", str(line_dir)], "line."))
        cases.append((f"{options.line_mb} MB single line, fix", ["fix", str(line_dir)], "line."))
        front = "---\ntitle: 北京\n" + "".join(f"k{n}: value number {n} of the front matter\n"
                                                for n in range(250_000)) + "---\n"
        case("10 MB front matter", {"post.md": front + TAGGED}, ("check", "fix"), "post.md")
        case("YAML bomb in front matter", {"bomb.md": "---\n" + BOMB + "title: *i\n---\n" + TAGGED},
             ("check", "fix"), "bomb.md")
        nested = "<div>" * 100_000 + "正文" + "</div>" * 100_000 + "\n"
        case("100,000 nested tags", {"nested.html": nested, "nested.txt": nested}, ("check", "fix"), "nested")
        case("deeply nested JSON record", {"deep.jsonl": '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n"},
             ("check",), "deep.jsonl")
        special = root / "special_files"
        special.mkdir()
        (special / "good.txt").write_text(TAGGED, encoding="utf-8")
        if hasattr(os, "mkfifo"):
            os.mkfifo(special / "pipe.txt")
        os.symlink("loop.txt", special / "loop.txt")
        os.symlink(os.devnull, special / "null.txt")
        cases.append(("FIFO, device, symlink loop", ["check", str(special)], "txt:"))
        config_dir = root / "config_bomb"
        config_dir.mkdir()
        (config_dir / "good.txt").write_text(TAGGED, encoding="utf-8")
        (config_dir / ".newslint.yaml").write_text(BOMB + "select: *i\n", encoding="utf-8")
        cases.append(("YAML bomb in .newslint.yaml", ["check", str(config_dir)], "newslint.yaml"))

        print("| Case | Command | Exit | Seconds | Peak RSS (MB) | Message |\n|---|---|---|---|---|---|")
        for label, args, needle in cases:
            code, seconds, peak, output = run(args, root, options.timeout)
            lines = [line for line in output.splitlines() if needle and needle in line and " NL" not in line]
            bad = code is None or code not in (0, 1, 2) or "Traceback" in output
            failures += bad
            shown = "; ".join(line.replace(str(root) + "/", "") for line in lines[:2]) or "(findings only)"
            status = "TIMEOUT" if code is None else str(code)
            print(f"| {label} | `{args[0]}` | {status}{' FAIL' if bad else ''} | {seconds:.1f} | {peak:,} | {shown} |",
                  flush=True)
            if bad:
                print(output[-3000:], file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
