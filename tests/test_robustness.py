"""Robustness (issue 14): hostile or odd inputs give a one-line message or normal findings — never a
traceback, a hang or unbounded memory — and the other inputs are still checked.

Special files (FIFO, socket, device) are skipped without being opened; a symlink loop, a path that
does not exist, a file that vanishes between discovery and read, a folder that cannot be listed are
one-line errors (exit 2). Documents over ``MAX_DOCUMENT_BYTES``, front matter over
``MAX_FRONT_MATTER_YAML``, YAML whose aliases expand past ``MAX_YAML_EXPANSION`` are refused with a
message. Then the tests the issue found missing, each failing when its guard is removed: ``fix`` never
rewrites bytes it could not all decode, per-file-ignores apply to corpus findings, and the two
front-matter guards of the fixer, together.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newslint import inputs, registry
from newslint.cli import main
from newslint.document import (
    MAX_FRONT_MATTER_YAML,
    Format,
    Role,
    YamlError,
    file_document,
    front_matter_data,
    front_matter_span,
    load_yaml,
)
from newslint.engine import fixer, plan
from newslint.engine import run as engine_run
from newslint.engine.request import RunRequest
from newslint.linter import Linter
from newslint.model import Applicability, Edit, Hit, Severity
from newslint.registry import CheckDoc, CheckSpec, Detector

REPO = Path(__file__).resolve().parents[1]
TAGGED = "国家统计局今日发布数据，<b>一季度</b>国内生产总值同比增长。\n"
CLEAN = "国家统计局今日发布数据，一季度国内生产总值同比增长。\n"

BOMB = "".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
    ]
)  # 9**9 strings once expanded, from 400 bytes


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cli(*args: str, cwd: Path | None = None, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess:
    """``newslint`` in a fresh process (a hang fails the test instead of stalling it)."""
    env = {**os.environ, "NEWSLINT_NO_CACHE": "1"}
    return subprocess.run([sys.executable, "-m", "newslint", *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=timeout, env=env)


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


def measured(*args: str, cwd: Path | None = None, timeout: float = 120) -> tuple[int, str, str, float, int]:
    """Exit code, stdout, stderr (minus the measurement), seconds and peak RSS in MB of one run."""
    env = {**os.environ, "NEWSLINT_NO_CACHE": "1"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _MEASURED, *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, env=env)
    seconds = time.monotonic() - started
    match = re.search(r"\nPEAK_KB (\d+)\n\Z", proc.stderr)
    assert match, proc.stderr[-2000:]
    return proc.returncode, proc.stdout, proc.stderr[:match.start()], seconds, int(match.group(1)) // 1024


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text[-3000:]


# -- 1. fix --diff says "Would fix" ------------------------------------------------------------------

def test_diff_says_would_fix_and_writes_nothing(tmp_path: Path, capsys) -> None:
    post = tmp_path / "a.txt"
    post.write_text(TAGGED, encoding="utf-8")
    code, out, err = run(capsys, "fix", "--diff", "--select", "NL201", str(post))
    assert code == 1
    assert "-" + TAGGED in out and "+" + CLEAN in out
    assert "Would fix 2 findings in 1 file (NL201: 2)." in err
    assert "Fixed" not in err and "No findings remain" not in err
    assert post.read_text(encoding="utf-8") == TAGGED
    code, out, _ = run(capsys, "fix", "--select", "NL201", str(post))
    assert code == 0 and "Fixed 2 findings in 1 file (NL201: 2)." in out
    assert post.read_text(encoding="utf-8") == CLEAN


def test_diff_lists_a_file_whose_bytes_alone_would_change(tmp_path: Path, capsys) -> None:
    """NL102 re-encodes a GB18030 file as UTF-8: its text stays, so a text diff is empty, but
    ``fix --diff`` must still list every file ``fix`` would rewrite (a by-eye review found 12 of the
    35 files NL102 rewrites in ../shared/corpus missing from the diff, and "in 0 files")."""
    post = tmp_path / "gbk.txt"
    data = ("中国人民银行今天宣布，下调存款准备金率。" * 4 + "\n").encode("gb18030")
    post.write_bytes(data)
    code, out, err = run(capsys, "fix", "--diff", "--select", "NL102", str(post))
    assert code == 1 and "Would fix 1 finding in 1 file (NL102: 1)." in err
    assert out.splitlines() == [f"--- a/{post}\t(bytes rewritten, text unchanged: gb18030 -> utf-8)",
                                f"+++ b/{post}\t(bytes rewritten, text unchanged: gb18030 -> utf-8)"]
    assert post.read_bytes() == data


# -- 2. fix - prints the fixed text, corpus checks selected or not ------------------------------------

@pytest.mark.parametrize("selection", [[], ["--select", "NL2"], ["--select", "NL201,NL501"]])
def test_fix_stdin_prints_the_fixed_text(selection: list[str]) -> None:
    proc = cli("fix", "-", "--stdin-filename", "post.md", *selection, stdin=TAGGED.encode())
    no_traceback(proc.stderr.decode())
    assert proc.stdout.decode("utf-8") == CLEAN
    assert proc.returncode == 0
    assert b"Fixed 2 findings" in proc.stderr  # the report goes to stderr, as ruff's does


def test_fix_stdin_in_process_with_corpus_checks(capsys, monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TAGGED.encode())))
    code, out, err = run(capsys, "fix", "-")  # the default selection has corpus checks
    assert (code, out) == (0, CLEAN), err


def test_run_reads_standard_input_once_for_both_passes(monkeypatch) -> None:
    from newslint.config import Settings
    from newslint.packs import builtin_pack_paths, load_packs

    reads: list[int] = []

    def read_stdin() -> bytes:
        reads.append(1)
        return TAGGED.encode() if len(reads) == 1 else b""  # a pipe: read twice, the second is empty

    monkeypatch.setattr(inputs, "read_stdin", read_stdin)
    specs = [s for s in load_packs(builtin_pack_paths()) if s.code in ("NL201", "NL501", "NL403")]
    assert any(s.scope.value == "corpus" for s in specs)  # the case that lost the text: two passes
    request = RunRequest(paths=["-"], settings=Settings(), specs=specs, fix=True, progress=False)
    output = engine_run(request)
    assert output.stdout_text == CLEAN and len(reads) == 1


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)),  # binary: skipped
    TAGGED.encode()[:20] + b"\xff" + TAGGED.encode()[20:],  # UTF-8 with a bad byte: lossy
], ids=["binary", "lossy"])
def test_fix_stdin_gives_back_what_it_does_not_rewrite(data: bytes) -> None:
    proc = cli("fix", "-", stdin=data)
    no_traceback(proc.stderr.decode())
    assert proc.stdout == data


# -- 3. -o into a missing folder ----------------------------------------------------------------------

def test_output_file_in_a_missing_folder_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    post = tmp_path / "a.txt"
    post.write_text(TAGGED, encoding="utf-8")
    target = tmp_path / "missing" / "dir" / "out.txt"
    code, out, err = run(capsys, "fix", str(post), "-o", str(target))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "cannot write the report" in err and "does not exist" in err
    assert not (tmp_path / "missing").exists()  # never created
    assert post.read_text(encoding="utf-8") == TAGGED  # refused before the run: nothing was fixed
    code, _, err = run(capsys, "check", str(post), "-o", str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and "is a folder" in err
    code, _, err = run(capsys, "check", str(post), "-o", str(post / "out.txt"))
    assert code == 2 and err.count("\n") == 1 and "is not a folder" in err


def test_report_that_cannot_be_written_is_a_one_line_error(tmp_path: Path, capsys, monkeypatch) -> None:
    post = tmp_path / "a.txt"
    post.write_text(TAGGED, encoding="utf-8")
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):
        if self.name == "out.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    code, _, err = run(capsys, "check", str(post), "-o", str(tmp_path / "out.txt"))
    assert code == 2 and err.count("\n") == 1 and "Permission denied" in err


# -- 4. special files, loops, vanished files, unreadable folders, missing paths ----------------------

@pytest.fixture
def short_dir():
    """A folder with a short path (a Unix socket's path is limited to ~100 bytes)."""
    with tempfile.TemporaryDirectory(prefix="nl", dir="/tmp" if os.path.isdir("/tmp") else None) as name:
        yield Path(name)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_special_files_are_skipped_without_being_opened(short_dir: Path) -> None:
    (short_dir / "good.txt").write_text(TAGGED, encoding="utf-8")
    os.mkfifo(short_dir / "pipe.txt")
    os.mkfifo(short_dir / "named.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(short_dir / "sock.txt"))
    os.symlink(os.devnull, short_dir / "null.txt")
    try:
        # a FIFO opened for reading would block this run forever: the timeout is the test
        proc = cli("check", "--select", "NL201", ".", "named.md", os.devnull, cwd=short_dir, timeout=60)
    finally:
        server.close()
    out, err = proc.stdout.decode(), proc.stderr.decode()
    no_traceback(out, err)
    assert "good.txt:1:13: NL201" in out
    assert "pipe.txt: error: skipped: a FIFO, not a regular file" in out
    assert "named.md: error: skipped: a FIFO" in out
    assert "sock.txt: error: skipped: a socket" in out
    assert "null.txt: error: skipped: a device" in out
    assert f"{os.devnull}: error: skipped: a device" in out
    assert proc.returncode == 2  # an input that could not be checked (the others were)


def test_loops_missing_paths_and_vanished_files_are_errors(tmp_path: Path, capsys, monkeypatch) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.txt").write_text(TAGGED, encoding="utf-8")
    (folder / "gone.txt").write_text(TAGGED, encoding="utf-8")
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("nowhere.txt", folder / "broken.txt")
    os.symlink(".", folder / "self")  # a folder loop: symlinked folders are not followed
    plan_tasks = plan.plan_tasks

    def plan_then_delete(request, *args):
        tasks = plan_tasks(request, *args)
        (folder / "gone.txt").unlink(missing_ok=True)  # between discovery and read
        return tasks

    monkeypatch.setattr(plan, "plan_tasks", plan_then_delete)
    code, out, err = run(capsys, "check", "--select", "NL201", str(folder), str(tmp_path / "missing.txt"),
                         str(folder / "loop.txt"))
    no_traceback(out, err)
    assert code == 2
    lines = out.splitlines()
    base = folder.as_posix()
    assert f"{base}/good.txt:1:13: NL201 [*] leftover HTML markup <b>" in lines
    assert f"{base}/gone.txt: error: no such file or directory" in lines
    assert f"{base}/broken.txt: error: no such file or directory" in lines
    assert f"{base}/loop.txt: error: cannot read: Too many levels of symbolic links" in lines
    assert f"{tmp_path.as_posix()}/missing.txt: error: no such file or directory" in lines
    assert sum("loop.txt" in line for line in lines) == 1  # named and walked: reported once
    assert not any("/self/" in line for line in lines)


def test_a_folder_that_cannot_be_listed_is_an_error(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(TAGGED, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(TAGGED, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir)
    code, out, err = run(capsys, "check", "--select", "NL201", str(tmp_path))
    no_traceback(out, err)
    assert code == 2
    assert f"{tmp_path.as_posix()}/locked: error: cannot read folder: Permission denied" in out
    assert "ok/a.txt:1:13: NL201" in out and "b.txt" not in out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads any folder: run the suite as another user to cover permissions")
def test_unreadable_folder_and_file_as_a_user(tmp_path: Path, capsys) -> None:
    (tmp_path / "ok.txt").write_text(TAGGED, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(TAGGED, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text(TAGGED, encoding="utf-8")
    locked.chmod(0)
    secret.chmod(0)
    try:
        code, out, err = run(capsys, "check", "--select", "NL201", str(tmp_path), str(locked / "b.txt"))
    finally:
        locked.chmod(0o755)
        secret.chmod(0o644)
    no_traceback(out, err)
    assert code == 2
    assert "locked: error: cannot read folder: Permission denied" in out
    assert "secret.txt: error: cannot read: Permission denied" in out
    assert "ok.txt:1:13: NL201" in out


def test_a_file_that_cannot_be_written_is_an_error(tmp_path: Path, capsys, monkeypatch) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(TAGGED, encoding="utf-8")
    write = fixer.atomic_write

    def read_only_a(path: Path, data: bytes) -> None:
        if path.name == "a.txt":
            raise PermissionError(13, "Permission denied")
        write(path, data)

    monkeypatch.setattr(fixer, "atomic_write", read_only_a)
    code, out, err = run(capsys, "fix", "--select", "NL201", str(tmp_path))
    no_traceback(out, err)
    assert code == 2
    assert f"{tmp_path.as_posix()}/a.txt: error: cannot write: Permission denied" in out
    assert "Fixed 2 findings in 1 file" in out
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == TAGGED
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == CLEAN


# -- 5. resource limits ------------------------------------------------------------------------------

def test_a_very_large_single_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    line = ("The quick brown fox jumps over the lazy dog, said the reporter. " * 820_000)  # ~52 MB
    (tmp_path / "huge.txt").write_text(line + "<p>x</p>\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text(TAGGED, encoding="utf-8")
    records = [json.dumps({"text": line[:20_000_000]}), json.dumps({"text": TAGGED}, ensure_ascii=False)]
    (tmp_path / "big.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    code, out, err, seconds, peak_mb = measured("check", ".", cwd=tmp_path)
    no_traceback(out, err)
    assert code == 2
    assert "huge.txt: error: not checked: 50 MiB in one document, over the 16 MiB limit" in out
    assert "big.jsonl:record 1: error: record not checked: a line of 19 MiB, over the 16 MiB limit" in out
    assert "big.jsonl:record 2:1:13: NL201" in out and "good.txt:1:13: NL201" in out
    assert peak_mb < 800, peak_mb  # checking the 52 MB line took 2.9 GB
    assert seconds < 60


def test_ten_megabytes_of_front_matter(tmp_path: Path) -> None:
    front = "---\ntitle: 北京\n" + "".join(f"key{n}: value number {n} of the front matter\n"
                                            for n in range(250_000)) + "---\n"
    assert len(front) > 10_000_000
    post = tmp_path / "post.md"
    post.write_text(front + TAGGED, encoding="utf-8")
    (tmp_path / "other.md").write_text("---\ntitle: 其他\n---\n另一篇文章的<b>正文</b>。\n", encoding="utf-8")
    assert front_matter_data(file_document("post.md", front + TAGGED, Format.MARKDOWN)) is None  # not parsed
    code, out, err, seconds, peak_mb = measured("fix", ".", cwd=tmp_path)  # corpus checks map both
    no_traceback(out, err)
    assert code == 0, out + err
    assert post.read_text(encoding="utf-8") == front + CLEAN
    assert seconds < 60 and peak_mb < 1000, (seconds, peak_mb)


@pytest.mark.parametrize("command", ["check", "fix"])
def test_yaml_bomb_in_front_matter(tmp_path: Path, command: str) -> None:
    text = "---\n" + BOMB + "title: *i\ndate: *h\n---\n" + TAGGED
    (tmp_path / "bomb.md").write_text(text, encoding="utf-8")
    (tmp_path / "other.md").write_text("---\ntitle: 其他\n---\n另一篇文章的<b>正文</b>。\n", encoding="utf-8")
    # before: the names checks' map turned the title into a string (6.5 GB, killed at 60 s)
    code, out, err, seconds, peak_mb = measured(command, ".", cwd=tmp_path, timeout=120)
    no_traceback(out, err)
    assert code in (0, 1), out + err
    assert seconds < 60 and peak_mb < 500, (seconds, peak_mb)
    if command == "fix":
        assert (tmp_path / "bomb.md").read_text(encoding="utf-8") == text.replace(TAGGED, CLEAN)


def test_yaml_bomb_and_deep_nesting_in_config(tmp_path: Path, capsys) -> None:
    post = tmp_path / "a.txt"
    post.write_text(TAGGED, encoding="utf-8")
    config = tmp_path / ".newslint.yaml"
    for text, message in [
        (BOMB + "select: *i\n", "aliases expand it past"),
        ("select: &s [NL201, *s]\n", "recursive alias"),
        ("select: " + "[" * 50_000 + "]" * 50_000 + "\n", "nesting depth|nested too deeply"),  # libyaml|Python
        ("select: [NL2\n", "cannot read config"),
    ]:
        config.write_text(text, encoding="utf-8")
        started = time.monotonic()
        code, out, err = run(capsys, "check", str(post))
        assert time.monotonic() - started < 30
        assert code == 2 and err.count("\n") == 1, err
        assert err.startswith(f"newslint: error: {config}: cannot read config") and re.search(message, err), err
    config.unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.newslint]\nselect = " + "[" * 50_000 + "]" * 50_000 + "\n")
    code, out, err = run(capsys, "check", str(post))
    assert code == 2 and err.count("\n") == 1 and "nested too deeply" in err, err


def test_benign_yaml_anchors_still_work(tmp_path: Path, capsys) -> None:
    (tmp_path / ".newslint.yaml").write_text(
        "select: &codes [NL201]\nper-file-ignores:\n  old/*: *codes\n", encoding="utf-8")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "a.txt").write_text(TAGGED, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TAGGED, encoding="utf-8")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1 and "b.txt:1:13: NL201" in out and "old/" not in out


def test_load_yaml_limits(monkeypatch) -> None:
    assert load_yaml("a: &x [1, 2]\nb: *x\nc: {<<: {k: 1}, j: 2}\n") == {"a": [1, 2], "b": [1, 2],
                                                                         "c": {"k": 1, "j": 2}}
    assert load_yaml("") is None
    with pytest.raises(YamlError, match="aliases expand"):
        load_yaml(BOMB)
    with pytest.raises(YamlError, match="recursive alias"):
        load_yaml("a: &x {b: *x}\n")
    with pytest.raises(YamlError, match="larger than"):
        load_yaml("a: " + "x" * 100, max_chars=50)
    assert load_yaml("a: " + "x" * 100, max_chars=200) == {"a": "x" * 100}
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)  # the pure-Python parser recurses
    with pytest.raises(YamlError, match="nested too deeply"):
        load_yaml("a: " + "[" * 20_000 + "]" * 20_000)
    with pytest.raises(YamlError, match="aliases expand"):
        load_yaml(BOMB)


def test_front_matter_over_the_limit_is_not_parsed() -> None:
    small = "---\ntitle: 北京\n---\n正文\n"
    assert front_matter_data(file_document("a.md", small, Format.MARKDOWN)) == {"title": "北京"}
    big = "---\ntitle: 北京\nnote: " + "x" * MAX_FRONT_MATTER_YAML + "\n---\n正文\n"
    doc = file_document("a.md", big, Format.MARKDOWN)
    assert doc.front_matter() is not None  # still front matter (the body checks leave it alone)
    assert front_matter_data(doc) is None
    bomb = file_document("a.md", "---\n" + BOMB + "title: *i\n---\n正文\n", Format.MARKDOWN)
    assert front_matter_data(bomb) is None


_OLD_FRONT_MATTER = re.compile(r"\A(?:[ \t]*\r?\n)*---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["---", "----", "--- ", "---\t", "\n", "\r\n", "\r", " ", "a", "b: c", "x\n---\n"]),
                max_size=14))
def test_front_matter_span_is_the_regex_it_replaces(parts: list[str]) -> None:
    text = "".join(parts)
    match = _OLD_FRONT_MATTER.match(text)
    assert front_matter_span(text) == (None if match is None else match.span())


@pytest.mark.parametrize("name", ["nested.html", "nested.txt", "nested.md"])
def test_hundred_thousand_nested_tags(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("<div>" * 100_000 + "正文" + "</div>" * 100_000 + "\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text(TAGGED, encoding="utf-8")
    for command in ("check", "fix"):
        code, out, err, seconds, peak_mb = measured(command, ".", cwd=tmp_path)
        no_traceback(out, err)
        assert code in (0, 1), out + err
        assert seconds < 60 and peak_mb < 800, (seconds, peak_mb)


def test_deeply_nested_json_record_is_a_record_error(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + json.dumps({"text": TAGGED}) + "\n",
                      encoding="utf-8")
    code, out, err = run(capsys, "check", "--select", "NL201", str(corpus))
    no_traceback(out, err)
    assert code == 2
    assert "c.jsonl:record 1: error: JSON line nested too deeply" in out
    assert "c.jsonl:record 2:1:13: NL201" in out


# -- 6. the missing tests ----------------------------------------------------------------------------
# Each fails when its guard is removed: engine.fixer.fix_source's `if not doc.lossless` and
# `if not source.lossless`, engine.corpus.reduce_findings' per-file-ignores filter, linter._may_edit and
# linter._guard_front_matter.

LOSSY = {
    # UTF-8 with one lone bad byte in the middle of a character run
    "utf8.txt": TAGGED.encode()[:20] + b"\xff" + TAGGED.encode()[20:],
    # mostly GB18030, with one invalid two-byte sequence
    "gb.txt": (TAGGED * 4).encode("gb18030")[:40] + b"\x81\x20" + (TAGGED * 4).encode("gb18030")[40:],
    # a JSONL file with one bad byte in a record that has nothing to fix
    "records.jsonl": (json.dumps({"text": "好的。"}, ensure_ascii=False).encode()[:12] + b"\xfe"
                      + json.dumps({"text": "好的。"}, ensure_ascii=False).encode()[12:] + b"\n"
                      + json.dumps({"text": TAGGED}, ensure_ascii=False).encode() + b"\n"),
}


@pytest.mark.parametrize("name", sorted(LOSSY))
def test_fix_never_rewrites_bytes_it_could_not_all_decode(tmp_path: Path, capsys, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(LOSSY[name])
    code, out, err = run(capsys, "fix", "--unsafe-fixes", str(path))
    no_traceback(out, err)
    assert path.read_bytes() == LOSSY[name]
    assert code == 2
    assert (f"{path.as_posix()}: error: not rewritten: its encoding is uncertain or some bytes could not be "
            "decoded") in out
    # the fixes it would make are real: decoded text with the tags in it
    assert run(capsys, "check", "--select", "NL201", str(path))[0] in (1, 2)


def test_per_file_ignores_apply_to_corpus_findings(tmp_path: Path, capsys) -> None:
    article = ("国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三，比上年四季度环比增长一点六个百分点。"
               "专家表示，经济运行开局良好，为全年目标打下基础。\n")
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(article, encoding="utf-8")
    record = json.dumps({"text": article}, ensure_ascii=False) + "\n"
    (tmp_path / "x.jsonl").write_text(record, encoding="utf-8")
    (tmp_path / "y.jsonl").write_text(record, encoding="utf-8")
    (tmp_path / ".newslint.yaml").write_text(
        "select: [NL501]\nper-file-ignores:\n  b.md: [NL501]\n  y.jsonl: [duplicate]\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1
    flagged = sorted(line.split(":")[0].rsplit("/", 1)[-1] for line in out.splitlines() if " NL501 " in line)
    assert flagged == ["c.md", "x.jsonl"]  # not b.md nor y.jsonl, which duplicate a.md / x.jsonl too
    # fix drops duplicate records: never one of a file whose config ignores the check
    run(capsys, "fix", str(tmp_path))
    assert (tmp_path / "y.jsonl").read_text(encoding="utf-8") == record
    assert not (tmp_path / "y.jsonl.dropped").exists()


class _Everywhere(Detector):
    """A body check whose fixes reach into the front matter too (as a plugin's could)."""

    kind = "test-everywhere"

    def detect(self, doc):
        for match in re.finditer(r"</?b>", doc.text):
            yield Hit(match.start(), match.end(), {"match": match.group()},
                      edits=(Edit(match.start(), match.end(), ""),))


class _Unquote(Detector):
    """A front-matter check whose fix breaks the YAML (removes a closing bracket)."""

    kind = "test-unquote"

    def detect(self, doc):
        for region in self.regions(doc):
            for match in re.finditer(r"\]", doc.text[region.start:region.end]):
                start = region.start + match.start()
                yield Hit(start, start + 1, {"match": "]"}, edits=(Edit(start, start + 1, ""),))


def _spec(code: str, kind: str, roles: frozenset[Role]) -> CheckSpec:
    return CheckSpec(code=code, name=kind, kind=kind, severity=Severity.WARNING, fix=Applicability.SAFE,
                     message="{match}", summary="", docs=CheckDoc(), params={}, pack="test", roles=roles)


def test_both_front_matter_guards_together(monkeypatch) -> None:
    monkeypatch.setitem(registry._kind_cache, "test-everywhere", _Everywhere)
    monkeypatch.setitem(registry._kind_cache, "test-unquote", _Unquote)
    linter = Linter([
        _spec("NL991", "test-everywhere", frozenset({Role.BODY})),
        _spec("NL992", "test-unquote", frozenset({Role.FRONT_MATTER, Role.BODY})),
    ])
    # guard 1 alone (_may_edit): the body check's edit would leave valid YAML, only its role stops it
    only_roles = "---\ntitle: 'A <b>bold</b> title'\n---\n正文<b>加粗</b>。\n"
    # guard 2 alone (_guard_front_matter): the front-matter check may edit there, but not break it
    only_yaml = "---\ntags: [a, b]\n---\n正文<b>加粗</b>。\n"
    # both in one document, in one round: the body edits still apply
    both = "---\ntitle: 'A <b>bold</b> title'\ntags: [a, b]\n---\n正文<b>加粗</b>[注]。\n"
    for text in (only_roles, only_yaml, both):
        doc = file_document("post.md", text, Format.MARKDOWN)
        front = doc.front_matter()
        assert front is not None
        outcome = linter.fix(doc)
        assert outcome.text[:front.end] == text[:front.end], text
        assert outcome.text[front.end:] == text[front.end:].replace("<b>", "").replace("</b>", "").replace("]", "")
        assert outcome.converged


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_swapped_for_a_fifo_after_discovery_is_refused_not_read(tmp_path: Path) -> None:
    from newslint.cache import read_signed

    os.mkfifo(tmp_path / "a.txt")  # opening it for a blocking read would wait for a writer forever
    with pytest.raises(OSError, match="not a regular file"):
        read_signed(tmp_path / "a.txt")


def test_jsonl_fix_keeps_lone_surrogate_escapes_and_the_files_encoding(tmp_path: Path, capsys) -> None:
    """A record holding a lone surrogate (a valid JSON escape no codec can write as a character)
    keeps it as an escape; a GB18030 JSONL file stays GB18030 (no NL102 said otherwise)."""
    lone = tmp_path / "lone.jsonl"
    lone.write_text('{"id": 1, "text": "北京&nbsp;新闻 \\ud800 完"}\n', encoding="utf-8")
    gbk = tmp_path / "gbk.jsonl"
    record = '{"id": 1, "text": "国家统计局今日发布数据&nbsp;，一季度国内生产总值同比增长。"}\n'
    gbk.write_bytes(record.encode("gb18030"))
    code, out, err = run(capsys, "fix", "--select", "NL104", str(tmp_path))
    no_traceback(out, err)
    assert code == 0, out
    assert lone.read_text(encoding="utf-8") == '{"id": 1, "text": "北京 新闻 \\ud800 完"}\n'
    assert gbk.read_bytes() == record.replace("&nbsp;", " ").encode("gb18030")


def test_a_jsonl_line_led_by_a_byte_order_mark_is_a_record(tmp_path: Path, capsys) -> None:
    """``cat a.jsonl b.jsonl`` puts b's BOM at the start of a line: the record is read (and stays one
    when the lines before it are dropped and it becomes the file's first line)."""
    path = tmp_path / "joined.jsonl"
    article = "国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三，好于市场预期。"
    path.write_text(json.dumps({"text": article}, ensure_ascii=False) + "\n"
                    + "\ufeff" + json.dumps({"text": "北京&nbsp;新闻"}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--select", "NL104", str(path))
    assert code == 1 and "joined.jsonl:record 2:1:3: NL104" in out and "malformed" not in out + err, out + err
    code, out, err = run(capsys, "fix", "--select", "NL104", str(path))
    assert code == 0, out + err
    assert path.read_text(encoding="utf-8").endswith("\ufeff" + '{"text": "北京 新闻"}\n')


def test_a_killed_fix_does_not_keep_dropped_records_twice(tmp_path: Path) -> None:
    """The sidecar is written before the file; a run killed in between drops the same records again
    next time, and they are not appended a second time."""
    path = tmp_path / "a.jsonl"
    fixer.keep_dropped(path, ['{"id": 1}\n'])
    fixer.keep_dropped(path, ['{"id": 2}\n', '{"id": 3}\n'])
    fixer.keep_dropped(path, ['{"id": 2}\n', '{"id": 3}\n'])  # the same batch again: the killed run's
    fixer.keep_dropped(path, ['{"id": 1}\n'])  # kept already, but not last: appended (nothing is lost)
    assert fixer.sidecar_path(path).read_text(encoding="utf-8") == (
        '{"id": 1}\n{"id": 2}\n{"id": 3}\n{"id": 1}\n')


def test_a_pack_message_template_that_cannot_render_is_refused_at_load(tmp_path: Path, capsys) -> None:
    for message, why in (("found {match{", "unexpected '{'"), ("{match.__class__}", "plain name"),
                         ("{match:>999999999}", "format spec")):
        (tmp_path / "pack.yml").write_text(
            "checks:\n  - code: NL950\n    name: brace\n    kind: pattern\n"
            f"    message: {json.dumps(message)}\n    params:\n      pattern: 'a'\n", encoding="utf-8")
        (tmp_path / ".newslint.yaml").write_text("packs: [pack.yml]\n", encoding="utf-8")
        (tmp_path / "a.txt").write_text("aaa\n", encoding="utf-8")
        code, out, err = run(capsys, "check", "--config", str(tmp_path / ".newslint.yaml"), str(tmp_path / "a.txt"))
        no_traceback(out, err)
        assert code == 2, (message, out, err)
        assert "NL950" in err and why in err and len(err.strip().splitlines()) == 1, (message, err)


def test_fix_settles_corpus_checks_on_the_fixed_text(tmp_path: Path, capsys) -> None:
    """A mojibake repair makes record 2 a copy of record 1: the same ``fix`` drops it (the corpus is
    checked again on the text as written), so a second ``fix`` has nothing left to do."""
    article = "国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三，好于市场预期。消费和投资稳步回升。"
    broken = article.replace("今日", "今日".encode().decode("cp1252"))
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n"
                            for n, t in ((1, article), (2, broken))), encoding="utf-8")
    code, out, err = run(capsys, "fix", "--no-cache", str(path))
    assert code == 0 and "NL101: 1, NL501: 1" in out, out + err
    assert path.read_text(encoding="utf-8") == json.dumps({"id": 1, "text": article}, ensure_ascii=False) + "\n"
    assert json.loads(fixer.sidecar_path(path).read_text(encoding="utf-8")) == {"id": 2, "text": article}
    before = path.read_bytes()
    code, out, err = run(capsys, "fix", "--no-cache", str(path))
    assert code == 0 and path.read_bytes() == before and "Fixed" not in out, out


def test_fix_runs_report_only_corpus_checks_once_on_the_text_as_written(tmp_path: Path, capsys, monkeypatch) -> None:
    """The names checks have no fix a plain ``fix`` applies: they stay out of the corpus passes between
    writes and run once, at the end, so what they report is located in the text as written (a
    ``check`` right after reports the same)."""
    from newslint.names.detectors import TranslationPairDetector

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    for number in ("000", "001"):  # an English MT and its Chinese original, which has safe fixes
        source = next(seeds.glob(f"{number}_*.txt"))
        (tmp_path / source.name).write_bytes(source.read_bytes())
    calls: list[int] = []
    original = TranslationPairDetector.reduce
    monkeypatch.setattr(TranslationPairDetector, "reduce", lambda self, s: (calls.append(1), original(self, s))[1])
    code, out, err = run(capsys, "fix", "--no-cache", "--jobs", "1", "--format", "json", str(tmp_path))
    assert code == 1, out + err
    names = [f for f in json.loads(out) if f["code"] in ("NL503", "NL601")]
    assert len(calls) == 1 and names, (calls, out)
    code, out, err = run(capsys, "check", "--no-cache", "--jobs", "1", "--format", "json", str(tmp_path))
    assert [f for f in json.loads(out) if f["code"] in ("NL503", "NL601")] == names


def test_which_corpus_checks_take_part_in_a_fix_runs_passes(monkeypatch) -> None:
    """By the check's ``fix:`` setting, or by the fixes its kind's hits give themselves; a kind that
    does not say (a third-party one) is taken to give safe ones, so it always takes part."""
    import dataclasses

    from newslint.model import Applicability
    from newslint.packs import builtin_pack_paths, load_packs
    from newslint.registry import CorpusDetector

    specs = {s.code: s for s in load_packs(builtin_pack_paths()) if s.scope.value == "corpus"}
    assert {c for c, s in specs.items() if fixer.may_fix(s, False)} == {"NL501"}
    assert {c for c, s in specs.items() if fixer.may_fix(s, True)} >= {"NL403", "NL501", "NL601", "NL602"}
    assert not fixer.may_fix(specs["NL502"], True)

    class Unknown(CorpusDetector):
        kind = "unknown-corpus-kind"

    monkeypatch.setattr(fixer, "detector_class", lambda kind: Unknown)
    assert fixer.may_fix(dataclasses.replace(specs["NL502"], fix=Applicability.NONE), False)


def test_a_fix_that_would_change_how_the_file_is_read_is_not_written(tmp_path: Path, capsys) -> None:
    """An ``.html`` file that starts with a stray U+FEFF before front matter: removing it would make
    the file Markdown on the next run (checked differently, fixed differently). It is left as it is,
    with a warning, so ``fix`` stays idempotent."""
    path = tmp_path / "a.html"
    data = codecs.BOM_UTF8 + "\ufeff---\ntitle: a\n---\n<p>北京新闻</p>\n".encode()
    path.write_bytes(data)
    code, out, err = run(capsys, "fix", str(path))
    no_traceback(out, err)
    assert code == 1 and path.read_bytes() == data, out
    assert "a.html: warning: not rewritten: once fixed it would be read as markdown, not html" in err + out
    assert "Left 1 file as it was" in out and "non-text" not in out


def test_a_corpus_checks_edit_obeys_the_front_matter_rule() -> None:
    """Edits a corpus check computed (applied with the first fix round) may not touch front matter
    unless that check declares it looks there, like any check's."""
    from newslint.model import Finding, Fix, Position

    text = "---\ntitle: 李明 visits\n---\n李明 visits Beijing.\n"
    doc = file_document("post.md", text, Format.MARKDOWN)
    edits = [(text.index("李明"), "Li Ming"), (text.rindex("李明"), "Li Ming")]
    preset = [Finding("NL602", "name-variant", Severity.WARNING, "", "post.md", at, at + 2, Position(1, 1),
                      Position(1, 1), fix=Fix((Edit(at, at + 2, new),), Applicability.SAFE)) for at, new in edits]
    outcome = Linter([]).fix(doc, False, preset)
    assert outcome.text == "---\ntitle: 李明 visits\n---\nLi Ming visits Beijing.\n"


def test_pack_and_glossary_yaml_have_the_config_limits(tmp_path: Path, capsys) -> None:
    (tmp_path / "pack.yml").write_text(BOMB + "checks: []\n", encoding="utf-8")
    (tmp_path / ".newslint.yaml").write_text("packs: [pack.yml]\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("正文。\n", encoding="utf-8")
    started = time.monotonic()
    code, out, err = run(capsys, "check", "--config", str(tmp_path / ".newslint.yaml"), str(tmp_path / "a.txt"))
    assert time.monotonic() - started < 30
    assert code == 2 and err.count("\n") == 1 and "pack.yml: not valid YAML" in err and "alias" in err, err
    (tmp_path / "glossary.yml").write_text(BOMB, encoding="utf-8")
    (tmp_path / "pack.yml").write_text(
        "checks:\n  - code: NL951\n    name: my-glossary\n    kind: glossary\n    message: \"{found}\"\n"
        "    params:\n      files: [glossary.yml]\n", encoding="utf-8")
    code, out, err = run(capsys, "check", "--config", str(tmp_path / ".newslint.yaml"), str(tmp_path / "a.txt"))
    assert time.monotonic() - started < 60
    assert code == 2 and err.count("\n") == 1 and "glossary.yml" in err and "alias" in err, err


def test_jsonl_fix_changes_only_the_fixed_value(tmp_path: Path, capsys) -> None:
    """Only the fixed field's value is rewritten: numbers written ``1e999``/``1.50``, spacing, key
    order, escapes in other fields and a duplicated key stay byte for byte (json.dumps would write
    ``Infinity``, ``1.5`` and drop the first ``id``)."""
    path = tmp_path / "c.jsonl"
    line = '{ "id":1, "id":2, "score" : 1.50, "n": 1e999, "title":"\\u5317\\u4eac", "text":"北京&nbsp;新闻" }\n'
    path.write_text(line, encoding="utf-8")
    code, out, err = run(capsys, "fix", "--select", "NL104", str(path))
    assert code == 0, out + err
    assert path.read_text(encoding="utf-8") == line.replace("&nbsp;", " ")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_utf16_and_never_rewritten(tmp_path: Path, codec: str) -> None:
    """Fuzz-found loss (seed 9, input 11250): Latin text in UTF-16 without a BOM is valid UTF-8 (NUL is a
    character), so it was read as UTF-8 and `fix` deleted every NUL as an invisible character — and with
    them U+2018, whose two bytes (18 20) are both below 0x80. Now it reads as UTF-16 and is never written."""
    from newslint.decoding import decode_bytes

    text = "Xi Jinping asked to \u2018focus on building\u2019 a world-class advanced manufacturing base.\n" * 20
    data = text.encode(codec)
    decoded = decode_bytes(data)
    assert decoded.text == text and decoded.encoding == codec and not decoded.lossless
    path = tmp_path / "a.html"
    path.write_bytes(data)
    assert main(["fix", "--no-cache", "--unsafe-fixes", "-q", str(path)]) in (0, 1, 2)
    assert path.read_bytes() == data


def test_fix_is_idempotent_when_a_duplicate_file_could_not_be_written(tmp_path: Path, capsys) -> None:
    """Fuzz ``--replay 10:2816``: ``copy/a.txt`` (JSONL read from a .txt) duplicates ``a.txt`` record for
    record. The first pass fixes ``a.txt`` and would drop every record of the copy, which would then be
    read as plain text: not written. Checked again, the copy is no longer a duplicate of the fixed
    file, so no corpus fix is left — but its own document fixes are, and ``fix`` stopped there: a
    second ``fix`` changed it. The copy is now fixed again without the corpus fixes in the same run."""
    para = ("The storm moved east overnight, leaving thousands of homes without power across the state, "
            "and crews worked through the night.")
    other = ("Officials said the plan would raise spending on public transport by ten percent next year, "
             "the mayor said on Monday.")
    data = "".join(json.dumps({"id": n, "text": f"{p}\n\n{p}"}) + "\n" for n, p in ((1, para), (2, other)))
    (tmp_path / "copy").mkdir()
    for name in ("a.txt", "copy/a.txt"):
        (tmp_path / name).write_text(data, encoding="utf-8")
    main(["fix", "--no-cache", str(tmp_path)])
    after_first = {p: (tmp_path / p).read_bytes() for p in ("a.txt", "copy/a.txt")}
    assert after_first["copy/a.txt"] != data.encode(), "the copy's repeated paragraphs are fixed in the first run"
    main(["fix", "--no-cache", str(tmp_path)])
    assert {p: (tmp_path / p).read_bytes() for p in ("a.txt", "copy/a.txt")} == after_first
    capsys.readouterr()


@pytest.mark.parametrize("fmt", ["json", "full", "concise", "sarif"])
def test_a_lone_surrogate_quoted_in_a_report_is_not_a_traceback(tmp_path: Path, fmt: str) -> None:
    """Fuzz ``--replay 10:12500``: a JSONL string may hold a lone surrogate (``"\\udada"`` is valid JSON),
    a finding quotes it, and writing the report to a UTF-8 pipe raised ``UnicodeEncodeError`` after
    the whole run. It is written as ``\\udada`` (a JSON reader reads back the same character), to
    standard output and to ``-o``."""
    prose = "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。"
    text = f"{prose}\n\n{prose}\n\n免责声明：本文仅供参考\udada，不构成投资建议。"
    record = json.dumps({"id": 1, "text": text}) + "\n"  # ensure_ascii: the surrogate as \\udada
    (tmp_path / "a.jsonl").write_text(record, encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # strict UTF-8, as a pipe in a UTF-8 locale
    for extra in ([], ["-o", str(tmp_path / "report.out")]):
        proc = subprocess.run([sys.executable, "-m", "newslint", "check", "--no-cache", "--output-format", fmt,
                               *extra, str(tmp_path / "a.jsonl")], capture_output=True, env=env)
        assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")
        out = (tmp_path / "report.out").read_bytes() if extra else proc.stdout
        assert b"\\udada" in out
        if fmt == "json":
            assert "\udada" in json.dumps(json.loads(out.decode("utf-8")), ensure_ascii=False)


@pytest.mark.parametrize(("name", "data"), [
    ("post.txt", "Two doctors examined him on the beach.\n"),
    ("a.jsonl", '{"id": 1, "text": "Two doctors examined him on the beach."}\n'),
])
def test_a_fix_that_never_converges_leaves_the_input_as_it_was(tmp_path: Path, capsys, name: str,
                                                                 data: str) -> None:
    """Fuzz ``--replay 10:80143``: a user pack's fix re-creates what it fixes (``\\w+`` → ``{match}``), so
    the fixer never reaches a fixpoint. It used to write the text of its last round ("left partly
    fixed"), and every later ``fix`` changed the file again. Now the document is left as it was, its
    findings are reported, and the run says so (exit 2)."""
    pack = tmp_path / "pack.yml"
    pack.write_text("checks:\n- code: NL950\n  name: grows\n  kind: pattern\n  severity: warning\n  fix: safe\n"
                    "  message: m\n  params:\n    pattern: '\\w+'\n    replacement: '{match}'\n", encoding="utf-8")
    target = tmp_path / name
    target.write_text(data, encoding="utf-8")
    for _ in range(2):
        code = main(["fix", "--no-cache", "--pack", str(pack), "--select", "NL950", str(target)])
        assert code == 2
        assert target.read_text(encoding="utf-8") == data
    captured = capsys.readouterr()
    assert "did not converge" in captured.out + captured.err


def test_a_fix_never_joins_two_lone_surrogate_halves(tmp_path: Path, capsys) -> None:
    """Fuzz ``--replay 11:26246``: NL103 deletes a C1 control between two lone surrogate halves; written
    back, ``\\udb72\\ude1c`` is read by every JSON reader as one character (U+ECA1C) — two characters no
    finding declared were changed. Such a record is left as it was (and said so); the others are fixed."""
    bad = "The storm moved east overnight \udb72\u0081\ude1c and crews worked through the night."
    good = "Officials said the plan would raise spending\u0081 next year, the mayor said."
    target = tmp_path / "a.jsonl"
    target.write_text(json.dumps({"id": 1, "text": bad}) + "\n" + json.dumps({"id": 2, "text": good}) + "\n",
                      encoding="utf-8")
    main(["fix", "--no-cache", "--select", "NL103", str(target)])
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert records[0]["text"] == bad
    assert records[1]["text"] == good.replace("\u0081", "")
    assert "would not read back" in "".join(capsys.readouterr())


# -- NL101 on a long run without spaces (fuzz 14:39892) -------------------------------------------------

def _apply_opcodes(a: str, b: str, ops) -> str:
    return "".join(a[a0:a1] if tag == "equal" else b[b0:b1] for tag, a0, a1, b0, b1 in ops)


def test_mojibake_in_a_long_run_of_tags_is_found_without_a_quadratic_diff(tmp_path: Path, monkeypatch, capsys):
    """A C1 control in a 100,000-character run of ``</table>`` tags: NL101 diffs the segment with its
    repair, and difflib is quadratic on repetitive text (the fuzz input ran for minutes). The diff is
    cut to the changed middle; the finding is the same kind as on a short run."""
    import difflib

    real = difflib.SequenceMatcher
    largest = []

    def counting(isjunk, a, b, autojunk=True):
        largest.append(len(a) * len(b))
        assert largest[-1] <= 4_000_000, "a quadratic diff of the whole run"
        return real(isjunk, a, b, autojunk=autojunk)

    monkeypatch.setattr(difflib, "SequenceMatcher", counting)
    post = tmp_path / "a.txt"
    post.write_text("梁振英称，他从未说过。让他\x93" + "</table>" * 12_500 + "\n", encoding="utf-8")
    assert main(["check", "--no-cache", "--select", "NL101", "--output-format", "concise", str(post)]) == 1
    out = capsys.readouterr().out
    assert ":1:14: NL101" in out and "should be \"“</table>" in out
    assert largest


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab<>/\x93“ ", max_size=40), st.text(alphabet="ab<>/\x93“ ", max_size=40),
       st.integers(0, 3000))
def test_the_cut_diff_still_turns_one_text_into_the_other(a, b, repeat):
    from newslint.detectors import mojibake

    body = "</table>" * repeat
    for x, y in ((a + body, b + body), (body + a, body + b), (a + body + a, b + body + b), (a, b)):
        ops = mojibake._opcodes(x, y)
        assert _apply_opcodes(x, y, ops) == y
        assert all(o1[0] != "equal" or o2[0] != "equal" for o1, o2 in zip(ops, ops[1:], strict=False))


def test_a_front_matter_value_nested_past_the_recursion_limit_is_not_a_crash(tmp_path: Path, capsys):
    """The names map keeps front-matter fields as text; ``str`` of a list nested 990 deep raised
    RecursionError out of the run (fuzz 15:99476)."""
    deep = "[" * 990 + "]" * 990  # (libyaml refuses 1,000 levels; str() needs one frame a level)
    (tmp_path / "a.md").write_text(f"---\ntitle: {deep}\n---\n\nXi Jinping visited Hebei Province.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: 北京\n---\n\n习近平在河北省考察。\n", encoding="utf-8")
    from newslint.document import load_yaml

    assert isinstance(load_yaml(f"title: {deep}\n")["title"], list)  # the premise: it parses
    code = main(["check", "--no-cache", str(tmp_path / "a.md"), str(tmp_path / "b.md")])
    err = capsys.readouterr().err
    assert code in (0, 1) and "Traceback" not in err and "RecursionError" not in err
