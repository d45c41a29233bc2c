"""Bounded pack patterns (issue 14, item 2): no user-supplied pattern can stall a run.

A user pack's patterns run on the ``regex`` engine with a time limit per check per document; a
document where a pattern runs out is reported as an input problem naming the check (exit code 2)
and every other document, and every other check, is still checked. Shipped packs run on ``re``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newslint.detectors.pattern import BoundedPattern, compile_pattern
from newslint.document import Format, detect_format, file_document
from newslint.linter import MAX_PATTERN_TIMEOUTS, Linter
from newslint.packs import builtin_pack_paths, load_pack, load_packs, shipped
from newslint.registry import PATTERN_LIMITS, PackError, PatternTimeout
from newslint.selftest import run_examples

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"

# The measured case: `(a+)+$` on a 41-character line ran until killed at 30 s with the stdlib engine.
def pack_text(pattern: str = "(a+)+$", extra: str = "", code: str = "NL950", name: str = "catastrophic") -> str:
    return (
        "checks:\n"
        f"  - code: {code}\n"
        f"    name: {name}\n"
        "    kind: pattern\n"
        '    message: "trailing run of a: {match}"\n'
        "    params:\n"
        f"      pattern: '{pattern}'\n"
        f"{extra}"
    )


EVIL_LINE = "a" * 20_000 + "!"  # `(a+)+$` backtracks without end on it, on either engine


@contextmanager
def stopped_after(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, if the block still runs after ``seconds`` (an unbounded pattern would)."""

    def stop(signum: int, frame: object) -> None:
        raise AssertionError(f"still matching after {seconds} s: the pattern is not bounded")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def newslint(*args: str, cwd: Path, timeout: float = 120) -> tuple[int, str, str, float]:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "newslint", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
        timeout=timeout,
    )
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


def project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "pack.yml").write_text(pack_text(extra=extra), encoding="utf-8")
    (tmp_path / ".newslint.yaml").write_text("packs: [pack.yml]\n", encoding="utf-8")
    return tmp_path


def test_catastrophic_user_pattern_cannot_stall_a_run(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "bad.txt").write_text(f"正文&nbsp;第一段。\n{EVIL_LINE}\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("正文第二篇&amp;。\nThe end: aaa", encoding="utf-8")
    for run in ("cold", "warm"):  # a file whose check was cut short is not cached as checked
        code, out, err, seconds = newslint("check", "bad.txt", "good.txt", cwd=tmp_path, timeout=60)
        assert seconds < 20, (run, seconds)
        assert code == 2, (run, out, err)
        lines = [line for line in (out + err).splitlines() if "NL950" in line and "bad.txt" in line]
        assert lines == ["bad.txt: error: NL950 (catastrophic): pattern took longer than 1.0 s on this document; "
                         "check skipped"], (run, out, err)
        assert "Traceback" not in err
        assert "good.txt:2:10: NL950 trailing run of a: aaa" in out  # the same check on the other file
        assert "good.txt:1:6: NL104" in out and "bad.txt:1:3: NL104" in out  # other checks on both files


def test_fix_reports_a_stopped_pattern_once_and_applies_the_other_fixes(tmp_path: Path) -> None:
    project(tmp_path)
    bad = tmp_path / "bad.txt"
    bad.write_text(f"正文&nbsp;第一段。\n{EVIL_LINE}\n", encoding="utf-8")
    code, out, err, seconds = newslint("fix", "bad.txt", cwd=tmp_path, timeout=60)
    assert seconds < 20 and code == 2, (seconds, out, err)
    assert (out + err).count("NL950 (catastrophic): pattern took longer") == 1, out + err  # not once a round
    assert bad.read_text(encoding="utf-8") == f"正文 第一段。\n{EVIL_LINE}\n"


def test_jsonl_records_timed_out_then_the_check_is_given_up_for_the_file(tmp_path: Path) -> None:
    project(tmp_path, extra="      timeout: 0.2\n")
    records = [{"id": n, "text": f"第{n}条&nbsp;。\n{EVIL_LINE}"} for n in range(1, 9)]
    records.insert(1, {"id": 0, "text": "正常的一条&amp;。 aa"})
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                      encoding="utf-8")
    code, out, err, seconds = newslint("check", "c.jsonl", cwd=tmp_path, timeout=60)
    assert seconds < 20 and code == 2, (seconds, out, err)
    stopped = [line for line in (out + err).splitlines() if "pattern took longer than 0.2 s" in line]
    assert stopped == [f"c.jsonl:record {n}: error: NL950 (catastrophic): pattern took longer than 0.2 s on this "
                       "document ('text' field); check skipped" for n in (1, 3, 4)], out + err
    # after three documents, NL950 is not run on the file's other records (5 to 9): one line says so
    assert "c.jsonl: error: NL950 (catastrophic): timed out on 3 documents of this file; not run on 5 more of them" \
        in out + err, out + err
    assert "c.jsonl:record 2:1:13: NL950 trailing run of a: aa" in out  # checked before the limit was reached
    assert out.count("NL104") == 9  # every record still gets the other checks


# -- load time: what the bounded engine would read differently is refused, naming pack and check ---------------

@pytest.mark.parametrize(("pattern", "construct"), [
    (r"abc{e<=1}", "fuzzy-matching constraint"),
    (r"(?:abc){i<=1,d<=1}x", "fuzzy-matching constraint"),
    (r"[[:alpha:]]+", "POSIX class"),
    (r"x[^[:digit:]]", "POSIX class"),
    (r"[ab]{1000000}", "expand to over"),
    (r"((a{100}){100}){100}", "expand to over"),
    (r"\p{Han}+", "bad regex"),  # regex-only syntax: a pack pattern stays a Python `re` pattern
])
def test_constructs_the_engines_disagree_on_are_refused_at_load(tmp_path: Path, pattern: str,
                                                                construct: str) -> None:
    pack = tmp_path / "mine.yml"
    pack.write_text(pack_text(pattern), encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(PackError) as caught:
        load_pack(pack)
    assert time.monotonic() - start < 2  # refused before the engine unrolls anything
    message = str(caught.value)
    assert message.startswith(f"{pack}: check NL950: ") and construct in message, message


@pytest.mark.parametrize("timeout", [0, -1, True, "1s", 10_000])
def test_bad_timeouts_are_refused(tmp_path: Path, timeout: object) -> None:
    pack = tmp_path / "mine.yml"
    pack.write_text(pack_text(extra=f"      timeout: {timeout!r}\n".replace("'", '"')), encoding="utf-8")
    with pytest.raises(PackError, match=r"check NL950: .*timeout|wrong type"):
        load_pack(pack)


def test_python_syntax_keeps_working_on_the_bounded_engine() -> None:
    # backreferences, lookbehind, literal braces, named groups: what `re` accepts, with `re`'s meaning
    assert compile_pattern(r"(?<=\n)(\w)\1").search("x\naab").group(0) == "aa"
    bounded = compile_pattern(r"{{(?P<name>\w+)}}|x\{e\}y|z{2}")
    assert isinstance(bounded, BoundedPattern)
    text = "{{title}} x{e}y zz"
    assert [m.group(0) for m in bounded.finditer(text)] == ["{{title}}", "x{e}y", "zz"] == [
        m.group(0) for m in re.finditer(bounded.pattern, text)]
    assert bounded.groupindex == {"name": 1} and bounded.flags == re.compile("x").flags
    assert compile_pattern("a", ["IGNORECASE"]).fullmatch("A")


def test_a_stopped_pattern_raises_pattern_timeout_within_its_limit() -> None:
    bounded = compile_pattern(r"(a|aa)+$", timeout=0.2)
    start = time.process_time()
    with stopped_after(20), pytest.raises(PatternTimeout) as caught:
        list(bounded.finditer(EVIL_LINE))
    assert time.process_time() - start < 2  # the engine counts CPU time: a busy machine stretches the wall
    assert caught.value.describe() == "pattern took longer than 0.2 s on this document"


def test_user_phrases_are_bounded_and_a_phrase_deeper_than_the_recursion_limit_loads(tmp_path: Path) -> None:
    # escaped literals cannot backtrack exponentially, but a long phrase against a long run of its
    # prefix costs text length times phrase length (about 10^10 steps here on the stdlib engine)
    pack = tmp_path / "phrases.yml"
    pack.write_text(
        "checks:\n"
        "  - {code: NL970, name: long-phrase, kind: phrases, message: 'phrase: {match}', "
        f"params: {{phrases: ['{'a' * 5000}b', 'ab']}}}}\n",
        encoding="utf-8",
    )
    linter = Linter(load_pack(pack))  # the trie of a 5,001-character phrase used to overflow the stack
    assert isinstance(linter.detectors[0].regex, BoundedPattern)
    with stopped_after(20):
        assert linter.check(file_document("long.txt", "a" * 2_000_000, Format.PLAIN)) == []
    assert [p.message for p in linter.take_problems()] == [
        "NL970 (long-phrase): pattern took longer than 1.0 s on this document; check skipped"]
    assert [f.message for f in linter.check(file_document("short.txt", "x ab y", Format.PLAIN))] == ["phrase: ab"]


# -- which patterns are bounded: by where the pack came from ----------------------------------------------------

def _patterns(linter: Linter) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for detector in linter.detectors:
        stack = list(vars(detector).values())
        while stack:
            value = stack.pop()
            if isinstance(value, (re.Pattern, BoundedPattern)):
                found.setdefault(detector.check.code, []).append(value)
            elif hasattr(value, "__dict__") and not isinstance(value, type):
                stack.extend(vars(value).values())
    return found


def _user_copies(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "packs"
    folder.mkdir()
    return [Path(shutil.copy(path, folder / path.name)) for path in builtin_pack_paths()]


def test_shipped_packs_run_on_re_and_the_same_checks_from_a_user_file_are_bounded(tmp_path: Path) -> None:
    shipped_specs = load_packs(builtin_pack_paths())
    user_specs = load_packs(_user_copies(tmp_path))
    assert all(shipped(s) for s in shipped_specs) and not any(shipped(s) for s in user_specs)
    ours = _patterns(Linter(shipped_specs))
    theirs = _patterns(Linter(user_specs))
    assert {"NL301", "NL302", "NL401", "NL402"} <= set(ours) and set(ours) >= set(theirs) - {"NL101", "NL105"}
    assert all(isinstance(p, re.Pattern) for patterns in ours.values() for p in patterns)
    for code in ("NL301", "NL302", "NL401", "NL402"):  # the kinds that compile pack-given regexes
        assert theirs[code] and all(isinstance(p, BoundedPattern) for p in theirs[code]), code
    # an override of a shipped code in a user pack is a user pattern: bounded
    override = tmp_path / "override.yml"
    override.write_text(pack_text(code="NL302", name="ad-stub"), encoding="utf-8")
    specs = load_packs([*builtin_pack_paths(), override])
    assert isinstance(_patterns(Linter(specs))["NL302"][0], BoundedPattern)


def test_a_config_params_override_of_a_shipped_check_is_bounded(tmp_path: Path) -> None:
    # `params:` in a project's config keeps the shipped pack's path but brings its own patterns
    (tmp_path / ".newslint.yaml").write_text("params:\n  NL402:\n    generic: ['(a|aa)+$']\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text(f"正文&nbsp;。\n{EVIL_LINE}\n", encoding="utf-8")
    code, out, err, seconds = newslint("check", "bad.txt", cwd=tmp_path, timeout=60)
    assert seconds < 20 and code == 2, (seconds, out, err)
    assert "bad.txt: error: NL402 (trailing-boilerplate): pattern took longer than 1.0 s on this document; " \
        "check skipped" in out + err, out + err
    assert "bad.txt:1:3: NL104" in out
    spec = next(s for s in load_packs(builtin_pack_paths()) if s.code == "NL302")
    assert shipped(spec) and not shipped(dataclasses.replace(spec, params={**spec.params, "pattern": "(a+)+$"}))


def test_the_bounded_engine_finds_what_re_finds_with_the_shipped_packs(tmp_path: Path) -> None:
    user_specs = load_packs(_user_copies(tmp_path))
    count, failures = run_examples(user_specs)  # every example of every shipped check, on the bounded engine
    assert count > 100 and not failures, [str(f) for f in failures]
    shipped_specs = load_packs(builtin_pack_paths())
    paths = sorted((REPO / "seeds").glob("*.txt"))
    if SHARED_CORPUS.is_dir():
        paths += sorted(p for p in SHARED_CORPUS.rglob("*") if p.suffix in (".txt", ".md", ".html"))[:150]
    ours, theirs = Linter(shipped_specs), Linter(user_specs)
    compared = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        doc = file_document(path.name, text, detect_format(path.name, text))
        key = [(f.code, f.start, f.end, f.message) for f in ours.check(doc)]
        assert [(f.code, f.start, f.end, f.message) for f in theirs.check(doc)] == key, path
        compared += len(key)
    assert compared > 50
    assert not theirs.take_problems()


# -- the linter's side -----------------------------------------------------------------------------------------

def test_linter_drops_a_stopped_checks_hits_and_resets_the_budget(tmp_path: Path) -> None:
    pack = tmp_path / "mine.yml"
    pack.write_text(
        "checks:\n"
        "  - {code: NL960, name: partial, kind: pattern, message: 'x', params: {pattern: '^x|(a|aa)+$', "
        "flags: [MULTILINE], timeout: 0.2}}\n"
        "  - {code: NL961, name: plain, kind: pattern, message: 'y', params: {pattern: 'y'}}\n",
        encoding="utf-8",
    )
    linter = Linter(load_pack(pack))
    doc = file_document("d.txt", f"x\ny\n{EVIL_LINE}\n", Format.PLAIN)
    with stopped_after(20):
        findings = linter.check(doc)
    assert [f.code for f in findings] == ["NL961"]  # NL960's hit on line 1 went with its timeout
    assert PATTERN_LIMITS.deadline == -1.0
    problems = linter.take_problems()
    assert [(p.path, p.record, p.message) for p in problems] == [
        ("d.txt", None, "NL960 (partial): pattern took longer than 0.2 s on this document; check skipped")]
    assert linter.take_problems() == []
    # the next task starts afresh, and a clean document is checked in full
    assert [f.code for f in linter.check(file_document("e.txt", "x\ny\n", Format.PLAIN))] == ["NL960", "NL961"]
    assert MAX_PATTERN_TIMEOUTS == 3


def test_a_user_boilerplate_pattern_of_the_duplicate_checks_is_bounded(tmp_path: Path) -> None:
    """NL501/NL502 drop boilerplate lines in every document's corpus map; a user's pattern there is
    time-limited like any pack pattern, and a stopped map leaves that document out of the check."""
    (tmp_path / ".newslint.yaml").write_text("params:\n  NL501:\n    boilerplate: ['(a+)+$']\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text(f"正文&nbsp;第一段。\n{EVIL_LINE}\n", encoding="utf-8")
    article = "国家统计局今日发布数据，一季度国内生产总值同比增长百分之五点三，好于市场预期。\n"
    (tmp_path / "one.txt").write_text(article, encoding="utf-8")
    (tmp_path / "two.txt").write_text(article, encoding="utf-8")
    code, out, err, seconds = newslint("check", "--select", "NL501,NL104", ".", cwd=tmp_path, timeout=60)
    assert seconds < 20 and code == 2, (seconds, out, err)
    assert "bad.txt: error: NL501 (duplicate): pattern took longer than 1.0 s on this document; " \
        "check skipped" in out + err, out + err
    assert "Traceback" not in err
    assert "two.txt:1:1: NL501" in out  # the other documents are still compared
    assert "bad.txt:1:3: NL104" in out
