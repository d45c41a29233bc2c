"""Crash safety, proven (issue 14, item 4): ``newslint fix`` killed with SIGKILL at random moments,
and runs that share a tree, a cache folder or a corpus index.

The tree holds copies of the seeds (every one has safe fixes), a Markdown post with front matter, a
GB18030 file (NL102 rewrites it as UTF-8), a CRLF file and a JSONL corpus with duplicate records
(dropped into the ``.dropped`` sidecar). A reference ``fix`` on a separate copy gives each file's
fixed bytes. Then, per iteration, ``fix`` runs on a fresh copy and its whole process group is killed
after a random delay (up to the reference run's duration): every file must be byte-identical to its
old or its fixed content, the sidecar absent or complete, nothing else in the tree but newslint's
temporary files; and after the next normal run every file is the fixed reference and no temporary
file is left.

Iterations: ``NEWSLINT_CRASH_ITERATIONS`` (default 4, a few seconds each); the figures in
``benchmarks/RESULTS.md`` come from a longer run (``NEWSLINT_CRASH_ITERATIONS=100 pytest -s
tests/test_crash_safety.py``, which prints them).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import SEEDS

NEWSLINT = [sys.executable, "-m", "newslint"]
ITERATIONS = int(os.environ.get("NEWSLINT_CRASH_ITERATIONS", "4"))
# What newslint's writers name their temporary files: atomic_write (inputs.py), the result cache
# and the pack cache (cache.py), the corpus index (corpus_index.py).
TEMPORARY = re.compile(r"\.newslint-tmp$|^\.tmp-|\.tmp$")

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups and SIGKILL")


def build_tree(root: Path) -> None:
    """Files that all have safe fixes, in every kind the writer handles."""
    seeds = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    for path, text in zip(seeds, texts, strict=True):
        (root / "posts").mkdir(parents=True, exist_ok=True)
        first, rest = text.split("\n", 1)
        (root / "posts" / path.name).write_text(first + " AT&amp;T\n" + rest, encoding="utf-8")  # a safe fix in each
    body = texts[0]
    (root / "posts" / "front.md").write_text(
        "---\ntitle: \"北京&nbsp;新闻\"\ntags: [财经]\n---\n\n" + body.replace("。", "。&nbsp;", 3), encoding="utf-8")
    (root / "posts" / "crlf.txt").write_bytes(texts[1].replace("\n", "\r\n").encode("utf-8"))
    (root / "gbk").mkdir()
    chinese = max(texts, key=lambda t: sum("\u4e00" <= ch <= "\u9fff" for ch in t))
    gbk = "".join(ch for ch in chinese if _gbk_ok(ch))
    (root / "gbk" / "article.txt").write_bytes(gbk.replace("。", "。&nbsp;", 5).encode("gb18030"))
    paragraphs = [p.strip() for text in texts for p in text.split("\n") if len(p.strip()) > 40]
    records = []
    for n, paragraph in enumerate(paragraphs[:60]):
        junk = ("", "&nbsp;", "<p>", "\u200b")[n % 4]
        records.append(json.dumps({"id": n, "text": paragraph + junk, "source": "seed"}, ensure_ascii=False))
    records += records[:3]  # exact duplicates: dropped into the sidecar
    (root / "corpus.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")


def _gbk_ok(ch: str) -> bool:
    try:
        ch.encode("gb18030")
    except UnicodeEncodeError:
        return False
    return True


def snapshot(root: Path) -> dict[str, bytes]:
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def temporaries(state: dict[str, bytes]) -> list[str]:
    return sorted(name for name in state if TEMPORARY.search(name.rsplit("/", 1)[-1]))


def first_write(root: Path, proc: subprocess.Popen, timeout: float) -> None:
    """Return as soon as a file or folder of the tree changes (or the process ends)."""
    def state() -> list[int]:
        return [os.stat(folder).st_mtime_ns for folder, _dirs, _names in os.walk(root)] + \
            [os.stat(Path(folder, n)).st_mtime_ns for folder, _dirs, names in os.walk(root) for n in names]

    start = state()
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError):  # a file renamed under us
            if state() != start:
                return
        time.sleep(0.001)


def kill_group(proc: subprocess.Popen) -> bool:
    """SIGKILL the process and its group (a worker pool dies with it); True if it had finished."""
    finished = proc.poll() is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return finished


def run(root: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*NEWSLINT, *args], cwd=root, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes], float]:
    """The original tree, its bytes, the bytes after a reference ``fix``, and how long that took."""
    base = tmp_path_factory.mktemp("crash")
    original = base / "original"
    build_tree(original)
    reference = base / "reference"
    shutil.copytree(original, reference)
    started = time.monotonic()
    proc = run(reference, "fix", "-q", ".")
    seconds = time.monotonic() - started
    assert proc.returncode in (0, 1), proc.stderr
    before, after = snapshot(original), snapshot(reference)
    changed = [name for name in before if after[name] != before[name]]
    assert len(changed) >= len(before) - 1, f"the tree should be mostly fixable; changed: {changed}"
    assert "corpus.jsonl.dropped" in after, "the duplicates should go to the sidecar"
    assert not temporaries(after)
    return original, before, after, seconds


def check_old_or_new(state: dict[str, bytes], old: dict[str, bytes], new: dict[str, bytes]) -> Counter:
    """Every file is its old or its fixed content; anything else is a temporary file. Returns counts."""
    counts: Counter = Counter()
    for name, data in old.items():
        assert name in state, f"{name} vanished"
        assert state[name] in (data, new[name]), f"{name} is neither its old nor its fixed content"
        counts["new" if state[name] == new[name] and data != new[name] else "old"] += 1
    for name in set(state) - set(old):
        if name in new:  # the sidecar: written whole, before the JSONL file it was dropped from
            assert state[name] == new[name], f"{name} is incomplete"
            counts["sidecar"] += 1
        else:
            assert TEMPORARY.search(name.rsplit("/", 1)[-1]), f"unexpected file {name}"
            counts["temporary"] += 1
    return counts


def test_sigkill_during_fix_leaves_every_file_old_or_new(trees, tmp_path: Path) -> None:
    original, old, new, seconds = trees
    rng = random.Random(int(os.environ.get("NEWSLINT_CRASH_SEED", "14")))
    totals: Counter = Counter()
    for iteration in range(ITERATIONS):
        work = tmp_path / f"run{iteration}"
        shutil.copytree(original, work)
        proc = subprocess.Popen([*NEWSLINT, "fix", "-q", *(["--jobs", "2"] if iteration % 3 == 2 else []), "."],
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        if iteration % 2:  # at a random moment of the run
            time.sleep(rng.uniform(0.05, seconds * 1.1))
        else:  # in the writing phase: soon after the first file changed
            first_write(work, proc, seconds * 5)
            time.sleep(rng.uniform(0, 0.02))
        finished = kill_group(proc)
        counts = check_old_or_new(snapshot(work), old, new)
        totals["kills"] += not finished
        totals["kills in the writing phase"] += not finished and not iteration % 2
        totals["finished before the kill"] += finished
        totals["partly fixed"] += bool(counts["new"] and counts["old"])
        totals["temporary files left by the kill"] += counts["temporary"]
        again = run(work, "fix", "-q", ".")
        assert again.returncode in (0, 1), again.stderr
        state = snapshot(work)
        for name, data in new.items():
            if name.endswith(".dropped") and state.get(name) != data:
                # Killed between writing the sidecar and rewriting the JSONL file, the next run drops
                # the same records again and appends them a second time (engine.fixer.keep_dropped; reported):
                # nothing lost, the sidecar holds the same records, some twice.
                assert sorted(set(state[name].splitlines())) == sorted(set(data.splitlines())), name
                totals["sidecar records appended twice"] += 1
                continue
            assert state.get(name) == data, f"iteration {iteration}: {name} differs from the fixed reference"
        assert not temporaries(state), f"iteration {iteration}: left behind: {temporaries(state)}"
        totals["iterations"] += 1
    print(f"\ncrash safety (fix): {dict(totals)}; reference run {seconds:.2f} s; corruptions 0")
    assert totals["iterations"] == ITERATIONS


def test_sigkill_during_check_with_cache_and_index(trees, tmp_path: Path) -> None:
    """A killed ``check`` leaves the cache and the index usable, and the next run leaves no temporary file."""
    original, _old, _new, seconds = trees
    rng = random.Random(41)
    work = tmp_path / "tree"
    shutil.copytree(original, work)
    options = ["--cache-dir", ".newslint_cache", "--index", ".newslint/corpus.index", "--output-format", "json"]
    (work / ".newslint").mkdir()
    expected = run(work, "check", "--no-cache", "--output-format", "json", ".").stdout
    kills = 0
    for _ in range(max(1, ITERATIONS // 2)):
        proc = subprocess.Popen([*NEWSLINT, "check", *options, "."], cwd=work, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.05, seconds * 1.1))
        kills += not kill_group(proc)
        done = run(work, "check", *options, ".")
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
        assert json.loads(done.stdout) == json.loads(expected)
    state = snapshot(work)
    assert not temporaries(state), f"left behind after a normal run: {temporaries(state)}"
    print(f"\ncrash safety (check with cache and index): {kills} kills during the run")


def test_two_fix_runs_at_once(trees, tmp_path: Path) -> None:
    original, _old, new, _seconds = trees
    for attempt in range(max(1, ITERATIONS // 4)):
        work = tmp_path / f"tree{attempt}"
        shutil.copytree(original, work)
        procs = [subprocess.Popen([*NEWSLINT, "fix", "-q", "."], cwd=work, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode in (0, 1), err
            assert "Traceback" not in err
        state = snapshot(work)
        for name, data in new.items():
            if name.endswith(".dropped"):  # each run may have dropped the duplicates: same records, once or twice
                assert set(state[name].splitlines()) == set(data.splitlines()), name
                continue
            assert state.get(name) == data, f"{name} differs from the fixed reference"
        assert not temporaries(state), temporaries(state)
        assert set(state) == set(new)


def test_two_check_runs_share_one_cache_and_one_index(trees, tmp_path: Path) -> None:
    original, _old, _new, _seconds = trees
    work = tmp_path / "tree"
    shutil.copytree(original, work)
    (work / ".newslint").mkdir()
    options = ["--cache-dir", ".newslint_cache", "--index", ".newslint/corpus.index", "--output-format", "json"]
    procs = [subprocess.Popen([*NEWSLINT, "check", *options, "."], cwd=work, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode in (0, 1), err
        assert "Traceback" not in err
    third = run(work, "check", *options, ".")
    plain = run(work, "check", "--no-cache", "--output-format", "json", ".")
    assert third.returncode == plain.returncode
    assert "newslint: ignoring" not in third.stderr, third.stderr  # nothing corrupt was found
    assert json.loads(third.stdout) == json.loads(plain.stdout)
    state = snapshot(work)
    assert not temporaries(state), temporaries(state)
    assert ".newslint/corpus.index" in state


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    """What a SIGKILL between the temporary file and the rename leaves, the next write of the file
    removes; a live process's temporary file (another run writing the same file) is never touched."""
    from newslint.atomic import HOST as _HOST
    from newslint.atomic import atomic_write

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    stale = tmp_path / f".a.txt.{dead_pid}@{_HOST}.x1y2z3.newslint-tmp"
    live = tmp_path / f".a.txt.{os.getppid()}@{_HOST}.q9w8e7.newslint-tmp"
    other_host = tmp_path / f".a.txt.{dead_pid}@elsewhere.r5t6y7.newslint-tmp"
    other_file = tmp_path / f".b.txt.{dead_pid}@{_HOST}.u1i2o3.newslint-tmp"
    for path in (stale, live, other_host, other_file):
        path.write_bytes(b"half")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert not stale.exists()
    assert live.exists() and other_host.exists() and other_file.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".newslint-tmp")) == sorted(
        p.name for p in (live, other_host, other_file))


def test_leftovers_of_killed_cache_and_index_writers_are_swept(tmp_path: Path) -> None:
    """The cache keeps its temporary files in one folder, swept when a run opens the cache; the index
    is written like any file. What a killed writer left in either is gone after the next run."""
    from newslint.atomic import HOST

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    (tmp_path / "a.txt").write_text("北京&nbsp;新闻。\n", encoding="utf-8")
    index = tmp_path / ".newslint" / "corpus.index"
    args = [*NEWSLINT, "check", "--cache-dir", ".newslint_cache", "--index", str(index), "a.txt"]
    subprocess.run(args, cwd=tmp_path, capture_output=True, check=False)
    scratch = next((tmp_path / ".newslint_cache").glob("*/tmp"))
    stale_entry = scratch / f".ab12.{dead_pid}@{HOST}.k3j4h5.newslint-tmp"
    stale_index = index.parent / f".corpus.index.{dead_pid}@{HOST}.m6n7b8.newslint-tmp"
    for path in (stale_entry, stale_index):
        path.write_bytes(b"half")
    (tmp_path / "a.txt").write_text("北京&amp;新闻。\n", encoding="utf-8")  # so the index is written again
    proc = subprocess.run(args, cwd=tmp_path, capture_output=True, check=False)
    assert proc.returncode == 1, proc.stderr
    assert not stale_entry.exists() and not stale_index.exists()
    assert not [p for p in tmp_path.rglob("*") if TEMPORARY.search(p.name)]
