"""The HTML report (issue 17, item 3), and screenshots of what people see, in headless Chromium.

The page must be one self-contained file (no network fetch), escape everything it quotes, and run its
filter script without a console error. Chromium (Debian's ``chromium``; ``.ci/run`` installs it when
it can) loads the report of ``../shared/corpus`` (the seeds without it) and the seeds' coloured text
output, and writes screenshots to ``build/screenshots/``. Without Chromium those tests skip.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newslint.cli import main
from newslint.model import Applicability, Edit, Finding, Fix, Position, Severity
from newslint.registry import CheckDoc, CheckSpec
from newslint.report import ReportOptions, RunResult
from newslint.reporters import render

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SHOTS = ROOT / "build" / "screenshots"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _spec(code: str, name: str) -> CheckSpec:
    return CheckSpec(code=code, name=name, kind="pattern", severity=Severity.WARNING, fix=Applicability.SAFE,
                     message="{match}", summary="", docs=CheckDoc(), params={}, pack="t.yml")


def test_html_is_self_contained_escaped_and_complete():
    evil = "leftover </script><script>alert(1)</script> & <img src=http://x.invalid/a.png>"
    findings = [
        Finding("NL201", "html-tag", Severity.WARNING, evil, "site-a/2021/a.md", 0, 3, Position(3, 1),
                Position(3, 4), fix=Fix((Edit(0, 3, ""),), Applicability.SAFE)),
        Finding("NL104", "html-entity", Severity.ERROR, "HTML entity &nbsp;", "site-b/b.md", 0, 6,
                Position(1, 1), Position(1, 7)),
        Finding("NL602", "name-variant", Severity.WARNING, "person spelled several ways: 'Xi Jin-ping'",
                "site-b/c.md", 0, 3, Position(2, 1), Position(2, 4)),
    ]
    result = RunResult(findings=findings, checks={"NL201": _spec("NL201", "html-tag"),
                                                  "NL104": _spec("NL104", "html-entity"),
                                                  "NL602": _spec("NL602", "name-variant")}, files_checked=3)
    page = render("html", result, ReportOptions(version="9.9"))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # nothing fetched: no external script, stylesheet, image or font
    assert not re.search(r"""<[^>]*\s(?:src|href)=["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert page.count("<script>") == 1  # ours; the message's is escaped
    assert html.escape(evil, quote=True) in page
    assert page.count("<svg") == 3  # per check, per source, per folder
    assert re.search(r"<title>site-a</title>", page) and re.search(r"<title>site-b</title>", page)
    assert page.count('<tr data-code="') == 3
    assert 'href="site-a/2021/a.md"' in page and "site-a/2021/a.md:3:1" in page
    assert "Name variants (NL602)" in page
    assert 'id=q type=search' in page and "<option>error</option>" in page


def test_html_from_the_command_line(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("北京&nbsp;上海<p>x</p>\n", encoding="utf-8")
    report = tmp_path / "report.html"
    assert main(["check", "--no-cache", "--format", "html", "-o", str(report), str(tmp_path / "a.txt")]) == 1
    out, _ = capsys.readouterr()
    assert out == ""
    page = report.read_text(encoding="utf-8")
    assert "NL104" in page and "NL201" in page


def _load(chromium: str, url: str, shot: Path, size: str = "1280,1800") -> subprocess.CompletedProcess[str]:
    shot.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--enable-logging=stderr", "--v=0", f"--window-size={size}", f"--screenshot={shot}", url],
        capture_output=True, text=True, timeout=180)


def _dom(chromium: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         "--dump-dom", url], capture_output=True, text=True, timeout=180)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Error" in line or ":ERROR:CONSOLE" in line)]


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (.ci/run installs it when it can)")
def test_html_report_in_headless_chromium(tmp_path):
    chromium = _chromium()
    assert chromium is not None
    target = CORPUS if CORPUS.is_dir() else ROOT / "seeds"
    report = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "newslint", "check", "--no-cache", "--format", "html",
                           "-o", str(report), str(target)], capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    url = report.as_uri()
    dom = _dom(chromium, url)
    assert not _console_errors(dom.stderr), dom.stderr
    rows = len(re.findall(r'<tr data-code="', dom.stdout))
    assert rows > 0
    # the filter script ran: it writes how many rows are shown
    assert re.search(rf'<span id="shown">{rows} of {rows} shown</span>', dom.stdout)
    shot = SHOTS / "html-report.png"
    loaded = _load(chromium, url, shot)
    assert not _console_errors(loaded.stderr), loaded.stderr
    assert shot.exists() and shot.stat().st_size > 10_000


_ANSI = re.compile(r"\x1b\[([0-9;]*)m")
_COLOURS = {"31": "#e06c75", "33": "#e5c07b", "34": "#61afef", "36": "#56b6c2"}


def _ansi_to_html(text: str) -> str:
    """The terminal's rendering of the coloured output, as HTML (a stand-in for a terminal emulator)."""
    out, open_spans = [], 0
    for piece in re.split(r"(\x1b\[[0-9;]*m)", text):
        match = _ANSI.fullmatch(piece)
        if match is None:
            out.append(html.escape(piece))
            continue
        codes = match.group(1).split(";")
        if codes == ["0"] or codes == [""]:
            out.append("</span>" * open_spans)
            open_spans = 0
            continue
        style = []
        for code in codes:
            if code == "1":
                style.append("font-weight:bold")
            elif code == "2":
                style.append("opacity:.7")
            elif code in _COLOURS:
                style.append(f"color:{_COLOURS[code]}")
        out.append(f'<span style="{";".join(style)}">')
        open_spans += 1
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{background:#1e1e1e;color:#ddd;"
            "font:14px/1.35 'DejaVu Sans Mono','WenQuanYi Micro Hei Mono','Noto Sans Mono CJK SC',monospace;"
            "white-space:pre;margin:12px}</style></head><body>" + "".join(out) + "</body></html>")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (.ci/run installs it when it can)")
def test_screenshot_of_the_seeds_text_output_on_a_terminal(tmp_path):
    chromium = _chromium()
    assert chromium is not None
    proc = subprocess.run([sys.executable, "-m", "newslint", "check", "--no-cache", "--output-format", "full",
                           "--color", "always", "seeds/"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1 and "\x1b[" in proc.stdout
    page = tmp_path / "terminal.html"
    head = "\n".join(proc.stdout.splitlines()[:70])
    page.write_text(_ansi_to_html(head), encoding="utf-8")
    shot = SHOTS / "text-output-seeds.png"
    loaded = _load(chromium, page.as_uri(), shot, size="1280,1400")
    assert not _console_errors(loaded.stderr), loaded.stderr
    assert shot.exists() and shot.stat().st_size > 10_000
