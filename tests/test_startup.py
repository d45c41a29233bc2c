"""What a one-file ``newslint check`` (the pre-commit path) imports: only what the run needs.

Each run is a fresh interpreter (a subprocess) so ``sys.modules`` shows what the run itself
imported. Not timed: start-up time is measured by ``benchmarks/startup.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Printed by the child: the modules it holds after running the command line once.
_CHILD = """
import json, sys
from newslint.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""

# Never needed to check one unchanged file whose project has no newslint config in its pyproject.
_NOT_ON_A_WARM_RUN = (
    "tomllib",  # a pyproject that does not name newslint is not parsed
    "importlib.resources", "zipfile",  # the shipped packs are listed from their folder
    "yaml",  # the validated packs come from the spec cache
    "newslint.decoding",  # the cache answers: nothing is decoded
    "difflib",  # only fix --diff
    "threading",  # no progress line off a terminal, no pool
)


def _run(project: Path, *args: str) -> tuple[int, set[str]]:
    env = {**os.environ, "NEWSLINT_CACHE_DIR": str(project / "cache"), "XDG_CACHE_HOME": str(project / "xdg")}
    env.pop("NEWSLINT_NO_CACHE", None)
    env.pop("CI", None)
    proc = subprocess.run([sys.executable, "-c", _CHILD, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project as pre-commit sees it: a pyproject that is not about newslint, one Markdown page."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "site"\nversion = "1.0"\n', encoding="utf-8")
    page = tmp_path / "posts" / "one.md"
    page.parent.mkdir()
    page.write_text("---\ntitle: 央行宣布降准\ndate: 2024-02-05\n---\n\n# 央行宣布降准\n\n"
                    "中国人民银行5日宣布下调存款准备金率0.5个百分点。\n", encoding="utf-8")
    return tmp_path


def test_a_warm_one_file_check_imports_only_what_it_needs(project: Path) -> None:
    first = _run(project, "check", "posts/one.md")
    code, modules = _run(project, "check", "posts/one.md")
    assert code == first[0]
    assert sorted(m for m in _NOT_ON_A_WARM_RUN if m in modules) == []


def test_an_uncached_one_file_check_lists_packs_without_importlib_resources(project: Path) -> None:
    _run(project, "check", "--no-cache", "posts/one.md")  # (fills the spec cache)
    _code, modules = _run(project, "check", "--no-cache", "posts/one.md")  # (yaml: its front matter is read)
    assert sorted(m for m in ("tomllib", "importlib.resources", "zipfile", "difflib") if m in modules) == []


def test_a_pyproject_that_names_newslint_is_still_read(project: Path) -> None:
    """The byte test only skips parsing files that cannot hold ``[tool.newslint]``."""
    (project / "pyproject.toml").write_text('[tool.newslint]\nselect = ["NL999"]\n', encoding="utf-8")
    code, modules = _run(project, "check", "--no-cache", "posts/one.md")
    assert code == 2 and "tomllib" in modules  # NL999 matches no check: the config was read


def test_builtin_packs_are_the_ones_importlib_resources_lists() -> None:
    from importlib.resources import files

    from newslint.packs import builtin_pack_paths

    listed = sorted(Path(str(p)) for p in files("newslint.checks").iterdir() if str(p).endswith((".yml", ".yaml")))
    assert [str(p) for p in builtin_pack_paths()] == [str(p) for p in listed] and listed


# What a one-file check never needs, warm or not: the dedup and NL403 machinery (checks that need
# several documents are dropped before they are built), a process pool for one reduce, the fixer,
# and ``socket`` (the host name of temporary files comes from ``os.uname``).
_NEVER_ON_ONE_FILE = (
    "newslint.dedup", "newslint.detectors.corpus_boilerplate",
    "multiprocessing", "threading", "socket", "newslint.engine.fixer",
    # a Chinese page holds no romanised name: NL602's reduce has nothing to compare (NL503 and NL601
    # need two documents)
    "newslint.names.analyze", "newslint.names.variants", "newslint.names.english",
)
_NEVER_ON_A_WARM_ONE_FILE = (*_NEVER_ON_ONE_FILE, "newslint.detectors.junk")


def test_a_one_file_check_builds_no_corpus_check_that_needs_several_documents(project: Path) -> None:
    _run(project, "check", "--no-cache", "posts/one.md")  # (fills the spec cache)
    _code, cold = _run(project, "check", "--no-cache", "posts/one.md")
    _run(project, "check", "posts/one.md")
    _code, warm = _run(project, "check", "posts/one.md")
    assert sorted(m for m in _NEVER_ON_ONE_FILE if m in cold) == []
    assert sorted(m for m in _NEVER_ON_A_WARM_ONE_FILE if m in warm) == []


def test_the_dedup_module_imports_its_normalisation_only_when_used() -> None:
    """A cached NL501/NL502 summary (``DocSummary``) is read without the normaliser or pattern compiler."""
    code = ("import sys, newslint.dedup.detectors; print(sorted(m for m in ('newslint.dedup.normalize',"
            " 'newslint.detectors.pattern') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


def test_min_documents_table_agrees_with_the_classes() -> None:
    from newslint.registry import BUILTIN_KINDS, BUILTIN_MIN_DOCUMENTS, detector_class, min_documents

    assert set(BUILTIN_MIN_DOCUMENTS) <= set(BUILTIN_KINDS)
    for kind in BUILTIN_KINDS:
        assert min_documents(kind) == getattr(detector_class(kind), "min_documents", 1), kind
