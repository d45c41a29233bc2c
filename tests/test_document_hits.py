"""Checks that other checks defer to run once per document (``registry.remember_hits`` / ``recall_hits``).

NL303/NL304 leave the spans of NL302, NL401 and NL402 to them, so they need those checks' hits; the
linter runs the same checks. Whichever comes first runs the detector, the other takes its hits.
"""

from __future__ import annotations

from collections import Counter

import pytest

import newslint.detectors.junk as junk
import newslint.linter as linter_module
from newslint.detectors.boilerplate import LeadingBoilerplateDetector, TrailingBoilerplateDetector
from newslint.document import Format, file_document
from newslint.linter import Linter
from newslint.packs import builtin_pack_paths, load_packs

_SPECS = {s.code: s for s in load_packs(builtin_pack_paths())}
CODES = ("NL302", "NL303", "NL304", "NL401", "NL402")
TEXT = (
    "2019-09-07 13:43 收藏 分享 打印\n"
    "扫描二维码，关注XX财经官方微信\n"
    "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
    "Follow us on Twitter & Instagram\n"
    "责任编辑：张三\n"
)


def _count_runs(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    runs: Counter[str] = Counter()
    for cls in (LeadingBoilerplateDetector, TrailingBoilerplateDetector):
        original = cls.detect

        def counted(self, doc, _original=original):  # noqa: ANN001, ANN202 - a test wrapper
            runs[self.check.code] += 1
            return _original(self, doc)

        monkeypatch.setattr(cls, "detect", counted)
    return runs


def _check(*codes: str) -> list[tuple[str, int, int, str]]:
    doc = file_document("a.txt", TEXT, Format.PLAIN)
    return [(f.code, f.start, f.end, f.message) for f in Linter([_SPECS[c] for c in codes]).check(doc)]


def test_each_deferred_check_runs_once_per_document(monkeypatch: pytest.MonkeyPatch):
    runs = _count_runs(monkeypatch)
    found = _check(*CODES)
    assert {code for code, *_ in found} >= {"NL303", "NL304"}  # the junk checks ran their deferral
    assert runs == Counter({"NL401": 1, "NL402": 1})


def test_findings_are_those_of_checks_run_again(monkeypatch: pytest.MonkeyPatch):
    shared = _check(*CODES)
    monkeypatch.setattr(linter_module, "recall_hits", lambda doc, spec: None)
    monkeypatch.setattr(junk, "recall_hits", lambda doc, spec: None)
    assert _check(*CODES) == shared


def test_a_changed_check_is_not_taken_for_the_shipped_one(monkeypatch: pytest.MonkeyPatch):
    runs = _count_runs(monkeypatch)
    import dataclasses

    changed = dataclasses.replace(_SPECS["NL402"], params={**_SPECS["NL402"].params, "window": 1})
    doc = file_document("a.txt", TEXT, Format.PLAIN)
    Linter([_SPECS["NL303"], changed]).check(doc)
    assert runs["NL402"] == 2  # the junk check's shipped NL402, and the changed one
