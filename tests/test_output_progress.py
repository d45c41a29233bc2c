"""Progress through the whole run on a terminal (issue 17, item 2): records, MB, percentage, rate and
ETA while checking, then each corpus stage by name; never in a pipe or CI."""

from __future__ import annotations

import io
import time

from newslint import progress
from newslint.progress import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _last_line(stream: io.StringIO) -> str:
    return stream.getvalue().split("\r\x1b[2K")[-1]


def test_checking_line_has_records_mb_percentage_rate_and_eta(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("NEWSLINT_NO_PROGRESS", raising=False)
    stream = Tty()
    bar = Progress(10, stream=stream, delay=0.0, total_bytes=40_000_000)
    for _ in range(4):
        bar.last = 0.0  # (no redraw throttling in a test)
        bar.update(25_000, 4_000_000)
    line = _last_line(stream)
    assert line.startswith("newslint: checking  40%")
    assert "100,000 records" in line and "16.0/40.0 MB" in line and "MB/s" in line and "ETA " in line
    bar.end()
    assert stream.getvalue().endswith("\r\x1b[2K")


def test_files_count_files_not_slices(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    bar = Progress(3, stream=Tty(), delay=0.0)
    bar.update(10, 4_000_000, file_done=False)
    bar.update(10, 4_000_000, file_done=False)
    bar.update(10, 1_000_000)
    assert bar.files == 1 and bar.tasks == 3
    assert "1/3 files" in bar.check_line() and " 100%" in bar.check_line()
    bar.end()


def test_corpus_stages_by_name_through_the_module_functions(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = Tty()
    bar = Progress(1, stream=stream, delay=0.0)
    bar.update(1, 100)
    bar.close()  # reading and checking done: the object stays active for the stages
    progress.stages(2)
    progress.stage("NL501 duplicate")
    assert _last_line(stream).startswith("newslint: corpus · NL501 duplicate · 1/2 · 0 s")
    progress.stage("NL502 near-duplicate", total=200)
    progress.advance(50)
    line = bar.stage_line()
    assert "NL502 near-duplicate · 2/2 ·  25% (50/200)" in line
    time.sleep(0.7)  # the ticker redraws a long stage on its own
    assert "NL502 near-duplicate" in _last_line(stream)
    progress.end()
    assert progress.active() is None
    assert stream.getvalue().endswith("\r\x1b[2K")
    progress.stage("after the run")  # no progress: nothing happens


def test_never_in_a_pipe_or_in_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    piped = io.StringIO()
    bar = Progress(2, stream=piped, delay=0.0)
    bar.update(1, 10)
    progress.stage("NL501 duplicate")
    bar.end()
    assert piped.getvalue() == "" and progress.active() is None
    monkeypatch.setenv("CI", "true")
    tty = Tty()
    bar = Progress(2, stream=tty, delay=0.0)
    bar.update(1, 10)
    bar.end()
    assert tty.getvalue() == ""


def test_a_run_names_each_corpus_stage_on_a_terminal(tmp_path, monkeypatch, capsys):
    """After the files are read, the corpus reduces are stages of their own on the progress line
    (they can take longer than reading): each named by its checks."""
    from newslint.cli import main

    article = "国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三，好于市场预期。\n"
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(article, encoding="utf-8")
    seen: list[str] = []
    monkeypatch.setattr(progress, "_interactive", lambda stream: True)
    monkeypatch.setattr(Progress, "stage", lambda self, name, total=None: seen.append(name))
    main(["check", "--no-cache", "--select", "NL501,NL502", str(tmp_path)])
    capsys.readouterr()
    assert any("NL501" in name for name in seen) and any("NL502" in name for name in seen), seen
