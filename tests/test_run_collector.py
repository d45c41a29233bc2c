"""A run sets the cyclic collector's thresholds for its own duration (see ``engine.executors``) and
gives the process back as it found it: an API user's program keeps its own settings."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from newslint.config import Settings
from newslint.engine import driver
from newslint.engine.executors import RUN_GC_THRESHOLD
from newslint.engine.request import RunRequest


@pytest.fixture
def restore_collector():
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def _run_seeing_thresholds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[int, ...]]:
    seen: list[tuple[int, ...]] = []
    real = driver.run_pass

    def spy(request: RunRequest):
        seen.append(gc.get_threshold())
        return real(request)

    monkeypatch.setattr(driver, "run_pass", spy)
    post = tmp_path / "a.md"
    post.write_text("<b>北京</b>\n", encoding="utf-8")
    driver.run(RunRequest(paths=[str(post)], settings=Settings(), specs=[]))
    return seen


def test_a_run_collects_rarely_and_restores_the_thresholds(monkeypatch, tmp_path: Path, restore_collector) -> None:
    gc.set_threshold(700, 10, 10)
    assert _run_seeing_thresholds(monkeypatch, tmp_path) == [RUN_GC_THRESHOLD]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_switched_off_collector_stays_off(monkeypatch, tmp_path: Path, restore_collector) -> None:
    gc.set_threshold(0)
    assert [t[0] for t in _run_seeing_thresholds(monkeypatch, tmp_path)] == [0]
    assert gc.get_threshold()[0] == 0
