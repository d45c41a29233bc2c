"""The run's spool: findings come back in report order whatever order tasks were added in, with the
counts the reporters need; summaries and references read back by index; names pairing over a
spooled stream keeps only the Chinese documents that can pair, and still finds the seed pair."""

from __future__ import annotations

import random

import pytest
from conftest import seed

from newslint.document import detect_format, file_document
from newslint.model import Applicability, Edit, Finding, Fix, Position, Severity
from newslint.spool import FindingLog, FindingStats, RefTable, Spool, SummaryRun, dumps, finding_stats


def _finding(path: str, start: int, code: str = "NL201", fix: Applicability | None = None) -> Finding:
    return Finding(
        code=code, name=code.lower(), severity=Severity.WARNING if code != "NL101" else Severity.ERROR,
        message="m", path=path, start=start, end=start + 1, location=Position(1, start + 1),
        end_location=Position(1, start + 2),
        fix=None if fix is None else Fix((Edit(start, start + 1, ""),), fix),
    )


def test_findings_read_back_in_report_order_from_out_of_order_chunks() -> None:
    rng = random.Random(7)
    everything = [_finding(f"d{p}.md", s, rng.choice(["NL101", "NL201"]),
                           rng.choice([None, Applicability.SAFE, Applicability.UNSAFE]))
                  for p in range(30) for s in range(0, 50, 7)]
    chunks = [everything[i:i + 13] for i in range(0, len(everything), 13)]
    rng.shuffle(chunks)  # tasks finishing out of path order: several runs, merged when read
    log = FindingLog()
    for chunk in chunks:
        log.add_findings(list(chunk))
    expected = sorted(everything, key=Finding.sort_key)
    assert list(log) == expected
    assert list(log) == expected  # a second pass reads the spool again
    assert len(log) == len(everything)
    stats, direct = log.stats, FindingStats.of(everything)
    assert stats.counts == direct.counts and stats.paths == direct.paths
    assert stats.by_severity()[Severity.ERROR] == sum(f.severity is Severity.ERROR for f in everything)
    assert stats.with_fix(Applicability.SAFE) == sum(
        f.fix is not None and f.fix.applicability is Applicability.SAFE for f in everything)
    assert finding_stats(everything).counts == direct.counts  # plain lists work too


def test_empty_log_is_falsy_and_reads_nothing() -> None:
    log = FindingLog()
    log.add_findings([])
    assert not log and len(log) == 0 and list(log) == []


def test_summary_runs_and_references_read_back_by_index() -> None:
    spool = Spool()
    run, refs = SummaryRun(spool), RefTable(spool)
    for task in range(5):
        names = [f"t{task}-d{i}" for i in range(task + 1)]
        base = refs.add(dumps(names), len(names))
        run.add(base, dumps([(i, name.upper()) for i, name in enumerate(names)]), len(names))
    assert len(refs) == 15 and len(run) == 15
    assert refs[0] == "t0-d0" and refs[14] == "t4-d4" and refs[6] == "t3-d0"
    pairs = list(run)
    assert pairs == list(run)  # re-iterable
    assert [i for i, _ in pairs] == list(range(15))
    assert all(summary == refs[i].upper() for i, summary in pairs)
    with pytest.raises(IndexError):
        refs[15]


def test_blocked_pairing_keeps_only_pairable_chinese_and_finds_the_seed_pair(monkeypatch) -> None:
    """Over the blocking limit, pairing reads the stream twice and keeps few Chinese summaries."""
    from newslint.names import pairing
    from newslint.names.analyze import summarise

    monkeypatch.setattr(pairing, "ALL_PAIRS_LIMIT", 1)
    monkeypatch.setattr(pairing, "MAX_POSTINGS", 20)  # keys the 40 copies share are too common to block on
    def summary(number: int):  # noqa: ANN202
        path = seed(number)
        text = path.read_text(encoding="utf-8")
        return summarise(file_document(path.name, text, detect_format(path.name, text)))

    en, zh, other = summary(0), summary(1), summary(4)
    assert en.lang == "en" and zh.lang == "zh" and other.lang == "zh"
    spool = Spool()
    stream = SummaryRun(spool)
    # 40 copies of another report on the same meeting (same officials) around the real original
    items = [(0, en), (1, zh)] + [(2 + k, other) for k in range(40)]
    stream.add(0, dumps(items), len(items))
    en_keys = {0: tuple(sorted(pairing._block_keys(en)))}
    kept, usable = pairing._wanted_chinese(stream, en_keys, set(), 41, ("source_url",))
    assert usable is not None and sorted(kept) == [1]
    pairs, corpus = pairing.find_pairs(stream)
    assert [(p.en, p.zh) for p in pairs] == [(0, 1)]
    # An English document no Chinese one can pair with is counted, never kept whole.
    lone = summary(3)
    assert lone.lang == "en"
    stream.add(len(items), dumps([(0, lone)]), 1)
    pairs, corpus = pairing.find_pairs(stream)
    assert [(p.en, p.zh) for p in pairs] == [(0, 1)]
    assert corpus is not None and sorted(corpus.en) == [0] and corpus.n_en == 2


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_lines_rendered_by_the_workers_equal_the_reporters_own(fmt: str) -> None:
    """``newslint check`` lets the workers render report lines; the report must be byte-identical to
    rendering the findings in the main process (including the corpus checks' findings)."""
    from conftest import SEEDS

    from newslint import engine
    from newslint.config import Settings
    from newslint.packs import builtin_pack_paths, load_packs
    from newslint.report import ReportOptions
    from newslint.reporters import render
    from newslint.selection import select_checks

    specs = select_checks(load_packs(builtin_pack_paths()), None)
    reports = []
    for mode in (None, fmt):
        request = engine.RunRequest(paths=[str(SEEDS)], settings=Settings(), specs=specs, jobs=1,
                                    cache=False, progress=False, render=mode)
        result = engine.run(request).result
        assert (result.findings.rendered == mode) if mode else not result.findings.rendered
        reports.append(render(fmt, result, ReportOptions()))
    assert reports[0] == reports[1]
    assert reports[0].count("NL601") == 2 and "NL301" in reports[0]  # document and corpus findings both there
