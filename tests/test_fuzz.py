"""The fuzz campaign's short version (issue 14, item 3), and regression tests of what it found.

``benchmarks/fuzz.py`` builds inputs from the seeds and ``../shared`` (mutated: encodings, truncated
UTF-8/GBK, JSONL, front matter, HTML, ``<doc>`` containers, config files, packs, trees of several
files) and runs ``check`` then ``fix`` twice through ``newslint.cli.main``, judging: no exception or
traceback, exit code 0/1/2, no hang, ``fix`` idempotent, no text lost outside the declared spans, no
file left behind (see its docstring). Here a few dozen inputs per family (``NEWSLINT_FUZZ_INPUTS``,
``NEWSLINT_FUZZ_SEED``); the long campaign is ``python benchmarks/fuzz.py --inputs 100000``.

A failure names the input: ``python benchmarks/fuzz.py --replay SEED:NUMBER`` runs it again and
writes it out.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import fuzz  # noqa: E402

from newslint.document import text_document  # noqa: E402
from newslint.edits import apply_fix_groups  # noqa: E402
from newslint.linter import Linter  # noqa: E402
from newslint.model import Edit  # noqa: E402
from newslint.packs import builtin_pack_paths, load_packs  # noqa: E402

INPUTS = int(os.environ.get("NEWSLINT_FUZZ_INPUTS", "30"))
SEED = int(os.environ.get("NEWSLINT_FUZZ_SEED", "14"))
LIMIT = 30.0  # CPU seconds per input: a hang (as in the campaign)


@pytest.fixture(scope="module")
def pool() -> fuzz.Pool:
    return fuzz.load_pool()


@pytest.mark.parametrize("family", fuzz.FAMILIES)
def test_fuzz_family(family: str, pool: fuzz.Pool, tmp_path: Path) -> None:
    judge = fuzz.Judge(tmp_path / "case", LIMIT, subprocess_every=0)
    offset = fuzz.FAMILIES.index(family)
    failures, known = [], set()
    for n in range(INPUTS):
        number = n * len(fuzz.FAMILIES) + offset  # make_case picks the family from the number
        case = fuzz.make_case(SEED, number, pool)
        assert case.family == family
        verdict = judge.run(case, number)
        if verdict.outcome == "ok":
            continue
        issue = fuzz.known(verdict)
        if issue is not None:
            known.add(f"{issue} (--replay {SEED}:{number})")
            continue
        failures.append(f"{verdict.outcome} --replay {SEED}:{number} ({case.describe()[:200]}): "
                        f"{verdict.detail[-1500:]}")
    assert not failures, "\n\n".join(failures)
    if known:  # bugs reported to the owners of that code (fuzz.KNOWN): visible, not hidden
        pytest.xfail("known issues elsewhere: " + "; ".join(sorted(known)))


def test_one_input_through_the_real_command_line(pool: fuzz.Pool, tmp_path: Path) -> None:
    """The in-process entry point and ``python -m newslint`` agree (exit code, output, fixed files)."""
    judge = fuzz.Judge(tmp_path / "case", LIMIT, subprocess_every=1)
    for number in (2, 8):  # a JSONL file, a tree of files
        verdict = judge.run(fuzz.make_case(SEED, number, pool), number)
        assert verdict.outcome == "ok" or fuzz.known(verdict), verdict.detail


def test_the_oracle_catches_a_lost_character() -> None:
    """The loss judge itself: text outside every declared span must survive, in order."""
    old = "一二三<p>四五六"
    assert fuzz.kept_outside(old, "一二三四五六", [(3, 6)]) is None
    assert fuzz.kept_outside(old, "一二三XYZ四五六", [(3, 6)]) is None
    assert fuzz.kept_outside(old, "一二四五六", [(3, 6)]) is not None  # '三' lost
    assert fuzz.kept_outside(old, "一二三四五", [(3, 6)]) is not None  # '六' lost
    assert fuzz.kept_outside(old, "一二三<p>四五六", []) is None
    # a later round may only edit what its own findings declared
    chain = [(old, [(3, 6)]), ("一二三&nbsp;四", [(3, 9)]), ("一二三 四", [])]
    assert fuzz._text_loss("x", old, "一二三 四", [(3, 6)], [(old, [(3, 6), (7, 9)]), *chain[1:]]) is None
    assert fuzz._text_loss("x", old, "一二 四", [(3, 6)], chain) is not None


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.txt", "a.md", "a.html", "a.jsonl"]),
       unsafe=st.booleans())
def test_raw_bytes_through_check_and_fix(data: bytes, name: str, unsafe: bool, tmp_path_factory) -> None:
    """Hypothesis' own bytes (shrunk on failure), judged like the campaign's inputs."""
    root = tmp_path_factory.mktemp("hyp") / "case"
    case = fuzz.Case("hypothesis", {name: data}, [name], ["--unsafe-fixes"] if unsafe else [])
    verdict = fuzz.Judge(root, LIMIT).run(case)
    assert verdict.outcome == "ok" or fuzz.known(verdict), verdict.detail


# -- regressions: bugs the fuzzer found, each in its own test ------------------------------------------


def test_script_mixing_survives_a_lone_surrogate() -> None:
    """NL106 crashed (UnicodeEncodeError in opencc) on a JSONL record holding "\\ud800"."""
    specs = [s for s in load_packs(builtin_pack_paths()) if s.code == "NL106"]
    linter = Linter(specs)
    plain = "国家统计局今天发布数据，这个国家的经济发展很快，經濟增长超过预期。"
    with_surrogate = plain.replace("发展", "\ud800发展")
    found = [(f.start, f.end) for f in linter.check(text_document("a.jsonl", plain, 1, "text"))]
    doc = text_document("a.jsonl", with_surrogate, 1, "text")
    assert [(f.start - 1, f.end - 1) for f in linter.check(doc)] == found  # same finding, one further on
    fixed = linter.fix(doc, unsafe=True).text
    assert fixed == with_surrogate.replace("經濟", "经济")  # the surrogate kept where it was


def test_apply_fix_groups_is_fast_on_many_edits() -> None:
    """A 240 KB record with ~9,000 findings hung ``fix`` (every edit compared with every edit taken)."""
    import time

    text = "ab" * 100_000
    groups = [(Edit(i, i + 1, ""),) for i in range(0, 200_000, 4)]
    groups += [(Edit(i, i + 2, "x"),) for i in range(0, 200_000, 8)]  # half of them clash
    started = time.monotonic()
    new, applied = apply_fix_groups(text, groups)
    assert time.monotonic() - started < 5  # about 0.5 s; it was minutes
    # at each multiple of 8 the longer edit wins the tie; the deletions at 4 mod 8 clash with nothing
    assert len(applied) == 50_000 and new.count("x") == 25_000 and len(new) == 150_000


def _reference_apply(text: str, groups: list[tuple[Edit, ...]]) -> tuple[str, list[int]]:
    """The quadratic algorithm apply_fix_groups replaced (kept to compare against)."""
    def overlaps(a: Edit, b: Edit) -> bool:
        if a.start == a.end or b.start == b.end:
            return a.start == b.start or (a.start < b.start < a.end) or (b.start < a.start < b.end)
        return a.start < b.end and b.start < a.end

    ordered = sorted(((i, sorted(g)) for i, g in enumerate(groups)),
                     key=lambda item: (item[1][0].start, -item[1][-1].end, item[1][0].replacement)
                     if item[1] else (-1, 0, ""))
    taken: list[Edit] = []
    applied = []
    for index, group in ordered:
        if any(overlaps(e, o) for e in group for o in taken):
            continue
        if any(overlaps(a, b) for i, a in enumerate(group) for b in group[i + 1:]):
            continue
        taken.extend(group)
        applied.append(index)
    out, cursor = [], 0
    for edit in sorted(taken):
        out += [text[cursor:edit.start], edit.replacement]
        cursor = edit.end
    return "".join(out) + text[cursor:], applied


def test_apply_fix_groups_decides_as_before() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        n = rng.randint(0, 30)
        text = "".join(rng.choice("abcdef") for _ in range(n))
        groups = []
        for _ in range(rng.randint(0, 8)):
            group = []
            for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):
                a = rng.randint(0, n)
                group.append(Edit(a, min(n, a + rng.choice((0, 0, 1, 2, 5))), rng.choice(("", "X", "YY"))))
            groups.append(tuple(group))
        assert apply_fix_groups(text, groups) == _reference_apply(text, groups), (text, groups)


@pytest.mark.parametrize("text", [
    "<!--" * 50_000,  # unclosed comments: each one scanned to the end of the text (minutes)
    "&lt;!--" * 28_000,
    "<script>" * 25_000,  # unclosed blocks: the same
    "<style>" * 28_000,
    "text <script>\n\n" * 13_000 + "</script>",  # openings in prose, one closer far away
])
def test_markup_scan_is_linear_on_unclosed_comments_and_blocks(text: str) -> None:
    import time

    from newslint.detectors.html import scan

    started = time.monotonic()
    scan(text, 0, len(text))
    assert time.monotonic() - started < 10  # well under 1 s now


def test_markup_scan_finds_the_first_closer_as_before() -> None:
    """Comments and blocks end at the first closer after their opening (what the lazy regex did)."""
    from newslint.detectors.html import scan

    def tokens(text: str) -> list[tuple[int, int, str]]:
        return [(t.start, t.end, t.kind) for t in scan(text, 0, len(text)).tokens]

    assert tokens("a <!--> b --> c") == [(2, 13, "comment")]  # '-->' inside '<!-->' does not close it
    assert tokens("a <!---> b") == []
    assert tokens("<!-- x --&gt; y") == [(0, 13, "comment")]
    assert tokens("&lt;!-- c --&gt;") == [(0, 16, "comment")]
    assert tokens("<style>a{}</STYLE >") == [(0, 19, "block")]
    assert tokens("<script src=a>") == [(0, 14, "lone")]  # no closer: a lone opening tag
    assert tokens("x <script>a\n\nb</script>") == [(2, 10, "lone"), (14, 23, "lone")]  # prose between
    assert tokens("`<!-- in code -->` <!-- out -->") == [(0, 18, "code"), (19, 31, "comment")]
    assert tokens("<!-- newslint: disable -->") == [(0, 26, "directive")]
    assert tokens("<!-- a --><!-- b") == [(0, 10, "comment")]


def test_the_judge_follows_a_record_across_fix_passes(tmp_path: Path) -> None:
    """``--replay 14:11``: a record whose fix takes two rounds (two page-chrome lines close it, the
    second's cut of the trailing blank lines waits for the first), after a duplicate that is dropped.
    ``fix`` checks the corpus again on the text it wrote, where that record has the number of the one
    before it: the judge, keying the rounds by record number, mixed the next record's text into its
    rounds and called the fix a loss. A record's rounds now follow it across passes."""
    import json

    prose = ("The central bank kept its main interest rate unchanged on Thursday, as economists expected. "
             "Inflation slowed for a third month in a row, the statistics office said on Wednesday.\n")
    article = ("She Was Tired Of Being Photoshopped, So Here’s What She Did About It.\n\n"
               "Grammy Award-winning, singer-songwriter Colbie Caillat released her new EP, Gypsy Heart Side A. "
               "Her album’s lead single “Try” makes a powerful statement about beauty ideals.\n\n\n\n"
               "Like on Facebook Share this with all of your girlfriends by clicking the Share button below.\n\n"
               "1.7Mshares Share on Facebook\n\n\n")
    records = [{"id": 1, "text": prose}, {"id": 1, "text": prose}, {"id": 3, "text": article},
               {"id": 4, "text": "A short last record."}]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    case = fuzz.Case("jsonl", {"a.jsonl": data}, ["a.jsonl"], [])
    verdict = fuzz.Judge(tmp_path / "case", LIMIT).run(case)
    assert verdict.outcome == "ok", verdict.detail
    fixed = [json.loads(line) for line in (tmp_path / "case" / "a.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in fixed] == [1, 3, 4]  # the duplicate dropped, the chrome cut in two rounds
    assert fixed[1]["text"].endswith("beauty ideals.\n")


def test_the_judge_counts_a_later_corpus_pass_as_declared(tmp_path: Path) -> None:
    """``--replay 10:7487``: NL603's glossary fix turns one place spelling into the preferred form, and
    the corpus checked again on the text as written then reports the *other* spelling as a variant
    (NL602), which the fix run applies in its next pass (``engine.fixer.run_fix``). Those corpus
    findings are the run's own declaration for that pass; the judge, which recorded only the document
    checks' findings, called the edit a loss."""
    text = ("Wang Dongbo said the hospital project in Xiongan New District would be delivered on time.\n\n"
            "Tianjin will build five vocational schools in Xiong’an New District, Chengde and Wei County.\n")
    case = fuzz.Case("multi", {"p.md": text.encode()}, ["."], ["--unsafe-fixes", "--select", "ALL"])
    verdict = fuzz.Judge(tmp_path / "case", LIMIT).run(case)
    assert verdict.outcome == "ok", verdict.detail
    fixed = (tmp_path / "case" / "p.md").read_text("utf-8")
    assert fixed.count("Xiong'an New Area") == 2  # both spellings became the glossary's


def test_the_judge_follows_the_last_pass_that_started_from_the_old_text() -> None:
    """``--replay 10:99008``: a record fixed in a pass whose file was not written is fixed again from the
    same text in the next pass, so its rounds appear twice (old → … → new, old → … → new). The judge
    walked on from the first pass's end back to the old text and called that step a loss."""
    old, middle, new = "ab   cd\n", "ab cd\n", "cd\n"
    rounds = [(old, [(2, 5)]), (middle, [(0, 3)]), (new, [])]
    assert fuzz._text_loss("t", old, new, [(2, 5)], rounds) is None
    assert fuzz._text_loss("t", old, new, [(2, 5)], rounds + rounds) is None
    assert fuzz._text_loss("t", old, new, [(2, 5)], [(old, [(2, 5)]), (middle, []), (new, [])]) is not None


_CASE_DIGEST = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
import fuzz
pool = fuzz.load_pool()
digest = hashlib.sha256()
for number in range(40):
    digest.update(repr(fuzz.make_case(3, number, pool)).encode("utf-8", "backslashreplace"))
print(digest.hexdigest())
"""


def test_a_case_is_the_same_in_every_process():
    """``--replay SEED:N`` rebuilds an input in a new process: the generator must not depend on the
    per-process hash seed (a set iterated in hash order would make a failure unreproducible)."""
    import subprocess

    digests = set()
    for hash_seed in ("1", "2", "3"):
        proc = subprocess.run([sys.executable, "-c", _CASE_DIGEST, str(REPO / "benchmarks")], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": hash_seed}, check=True)
        digests.add(proc.stdout.strip())
    assert len(digests) == 1


def test_the_judge_reads_a_fixed_file_back_as_newslint_would(tmp_path: Path, monkeypatch) -> None:
    """``--replay 19:1325``: a GB18030 file kept in GB18030 lost its Chinese to safe fixes, and newslint
    read the bytes it wrote back as KOI8-R. The judge decoded the new bytes with the old codec only, so
    it saw nothing wrong there; it now also reads them as newslint does ("reencoded" when that gives
    another text). Checked both ways: ``fix`` leaves such a file as it was; made to write it, the
    judge catches it."""
    from newslint.engine import fixer

    english = ("Christmas is upon us – and with that comes Christmas albums. “Michael W. Smith and Friends: "
               "The Spirit of Christmas,” the new album – from the multi-talented Smith.\n")
    data = (english + "\n扫描二维码关注新浪财经官方微信，股民福利来了！\n").encode("gb18030")
    case = fuzz.Case("encodings", {"post.txt": data}, ["post.txt"], ["--ignore", "NL102"])
    verdict = fuzz.Judge(tmp_path / "kept", LIMIT).run(case)
    assert verdict.outcome == "ok", verdict.detail
    assert (tmp_path / "kept" / "post.txt").read_bytes() == data
    monkeypatch.setattr(fixer, "reads_back_as", lambda data, text: True)  # the guard removed
    verdict = fuzz.Judge(tmp_path / "written", LIMIT).run(case)
    assert verdict.outcome == "reencoded" and "reads back as big5hkscs" in verdict.detail, verdict.detail
