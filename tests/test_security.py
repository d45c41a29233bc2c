"""Nothing newslint reads back from disk can run code, and no stored file can crash a run.

The payloads are real pickles whose loading would create a marker file: each test fails (the marker
appears) if the file it plants is ever unpickled again."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
from array import array
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newslint import datafile
from newslint.cli import main
from newslint.datafile import DataError, dump_body, dumps, loads, loads_body

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


class _Payload:
    """Unpickling this object creates ``marker`` (as a shell command in a crafted file would)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def payload(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker))


def _articles(root: Path, count: int = 4) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for source in sorted(SEEDS.iterdir())[:count]:
        target = root / source.name
        shutil.copyfile(source, target)
        out.append(target)
    return out


def _report(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out or "[]"), err


def test_a_crafted_index_file_never_runs(tmp_path: Path, capsys) -> None:
    files = _articles(tmp_path / "posts")
    marker = tmp_path / "pwned"
    index = tmp_path / "corpus.index"
    index.write_bytes(payload(marker))
    code, _, err = _report(capsys, "--no-cache", "--index", str(index), *map(str, files))
    assert not marker.exists()
    assert code == 2 and "is not a newslint index" in err  # refused, and not overwritten
    assert index.read_bytes() == payload(marker)
    # the same pickle behind a valid header: ignored with one line, rebuilt
    index.write_bytes(datafile._header(b"index") + payload(marker))
    code, found, err = _report(capsys, "--no-cache", "--index", str(index), *map(str, files))
    assert not marker.exists()
    assert code == 1 and found and "ignoring the corpus index" in err
    assert datafile.is_kind(index.read_bytes(), b"index")


def test_crafted_cache_entries_never_run(tmp_path: Path, capsys, monkeypatch) -> None:
    from newslint import cache as result_cache

    monkeypatch.setattr(result_cache, "RACY_NS", 0)  # the files were just written: a stat index at once
    files = _articles(tmp_path / "posts")
    cache = tmp_path / "cache"
    args = ["--cache-dir", str(cache), *map(str, files)]
    expected = _report(capsys, "--no-cache", *map(str, files))[:2]
    assert _report(capsys, *args)[:2] == expected
    entries = [p for p in cache.rglob("*") if p.is_file() and p.name not in ("CACHEDIR.TAG", ".gitignore")]
    assert any(p.name.startswith("run-") for p in entries) and any(p.name.startswith("stat-") for p in entries)
    marker = tmp_path / "pwned"
    for entry in entries:  # every entry a committed cache folder could hold, at its real key
        entry.write_bytes(payload(marker))
    code, found, err = _report(capsys, *args)
    assert not marker.exists()
    assert (code, found) == expected and "ignoring a cache entry" in err and err.count("\n") == 1
    # and a payload inside a well-formed entry's blob (the spool would decode it later)
    for entry in entries:
        entry.write_bytes(datafile._header(b"cache") + dump_body(["TaskResult", payload(marker)]))
    assert _report(capsys, *args)[:2] == expected
    assert not marker.exists()


def _break_summaries(buckets: list) -> list:
    """Every summary of a task's sealed buckets replaced by a value of another shape (valid data)."""
    return [(dump_body([(index, (0, 0)) for index, _ in loads_body(data)]), count) if count else (data, count)
            for data, count in buckets]


def test_an_index_whose_summaries_break_a_check_is_ignored_and_rebuilt(tmp_path: Path, capsys) -> None:
    files = _articles(tmp_path / "posts")
    index = tmp_path / "corpus.index"
    assert _report(capsys, "--no-cache", "--index", str(index), *map(str, files))[0] in (0, 1)
    data = loads(index.read_bytes(), b"index")
    assert data["summaries"] and data["refs"]
    data["summaries"] = {code: [(i, (0, 0)) for i, _ in bucket] for code, bucket in data["summaries"].items()}
    index.write_bytes(dumps(data, b"index"))  # well-formed data: only a check's reduce can tell
    some = list(map(str, files[:2]))  # (the index's other documents stay in it, and are read)
    expected = _report(capsys, "--no-cache", *some)[:2]
    code, found, err = _report(capsys, "--no-cache", "--index", str(index), *some)
    assert (code, found) == expected
    assert "ignoring the corpus index" in err and "Traceback" not in err and err.count("\n") == 1
    assert _report(capsys, "--no-cache", "--index", str(index), *map(str, files[2:]))[2] == ""  # rebuilt


def test_cached_summaries_that_break_a_check_are_ignored_and_replaced(tmp_path: Path, capsys, monkeypatch) -> None:
    from newslint.engine.records import TaskResult

    files = _articles(tmp_path / "posts")
    cache = tmp_path / "cache"
    args = ["--cache-dir", str(cache), *map(str, files)]
    expected = _report(capsys, "--no-cache", *map(str, files))[:2]
    assert _report(capsys, *args)[:2] == expected
    broken = 0
    for entry in (p for p in cache.rglob("*") if p.is_file() and p.parent != cache):
        if entry.name.startswith(("run-", "maps-", "reduce-")):
            entry.unlink()  # the whole-run and reduce entries: the per-file ones are then read and reduced
            continue
        value = loads(entry.read_bytes(), b"cache")
        if isinstance(value, TaskResult) and value.sealed_summaries:
            value.sealed_summaries = _break_summaries(value.sealed_summaries)
            entry.write_bytes(dumps(value, b"cache"))
            broken += 1
    assert broken == len(files)
    code, found, err = _report(capsys, *args)
    assert (code, found) == expected
    assert "ignoring the result cache's corpus summaries" in err and "Traceback" not in err
    assert err.count("\n") == 1
    # the redone pass stored fresh entries over the broken ones: the next run reads them without a word
    assert _report(capsys, *args) == (*expected, "")


def test_a_crafted_pack_cache_never_runs(tmp_path: Path, capsys, monkeypatch) -> None:
    from newslint import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NEWSLINT_NO_CACHE", raising=False)
    files = _articles(tmp_path / "posts", 1)
    expected = _report(capsys, "--no-cache", *map(str, files))[:2]
    stored = tmp_path / "xdg" / "newslint" / cache.SPEC_CACHE_NAME
    assert stored.exists()
    marker = tmp_path / "pwned"
    stored.write_bytes(payload(marker))
    assert _report(capsys, "--no-cache", *map(str, files))[:2] == expected
    assert not marker.exists()


def test_each_installation_has_its_own_pack_cache_file(tmp_path: Path) -> None:
    """Two installations sharing the user cache folder (pre-commit's environment and a project's) each
    keep their own validated packs instead of overwriting one file that the other then misses."""
    from newslint import cache

    one, other = tmp_path / "env1" / "newslint", tmp_path / "env2" / "newslint"
    assert cache.spec_cache_name(str(one)) != cache.spec_cache_name(str(other))
    assert cache.spec_cache_name(str(one)) == cache.spec_cache_name(str(tmp_path / "env1" / "." / "newslint"))
    assert cache.spec_cache_name(str(Path(cache.__file__).parent)) == cache.SPEC_CACHE_NAME


def test_runs_over_changing_sets_of_files_never_crash(tmp_path: Path, capsys) -> None:
    """The measured crash: a one-file run, then two files (the cached one-file entry had other
    corpus checks), and the reverse order."""
    a, b = _articles(tmp_path / "posts", 2)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    for paths in ([a], [a, b], [b, a], [b], [a, b]):
        code, found, err = _report(capsys, *cache, *map(str, paths))
        assert "Traceback" not in err
        assert (code, found) == _report(capsys, "--no-cache", *map(str, paths))[:2]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sets(st.integers(0, 3), min_size=1), st.integers(0, 3), st.booleans()),
                      min_size=2, max_size=5),
       use_index=st.booleans())
def test_any_sequence_of_runs_matches_an_uncached_run(tmp_path_factory, capsys, steps, use_index: bool) -> None:
    """Two worlds run the same sequence of (file set, edited file, edit?) steps: one with the
    result cache, one without; with ``--index`` each keeps its own index. Reports must agree."""
    root = tmp_path_factory.mktemp("seq")
    worlds = {}
    for name in ("cached", "plain"):
        files = _articles(root / name / "posts", 4)
        worlds[name] = files
    for chosen, edited, edit in steps:
        reports = []
        for name, files in worlds.items():
            if edit:
                with files[edited].open("a", encoding="utf-8") as handle:
                    handle.write("\n新增一段&nbsp;内容。\n")
            args = ["--cache-dir", str(root / name / "cache")] if name == "cached" else ["--no-cache"]
            if use_index:
                args += ["--index", str(root / name / "corpus.index")]
            code, found, err = _report(capsys, *args, *(str(files[n]) for n in sorted(chosen)))
            assert "Traceback" not in err and code in (0, 1), err
            reports.append((code, json.dumps(found).replace(str(root / name), "WORLD")))  # in different folders
        assert reports[0] == reports[1]


# -- the format itself ---------------------------------------------------------------------------

def test_records_round_trip_and_keep_their_types() -> None:
    from array import array
    from collections import Counter

    from newslint.engine.records import DocRef, TaskResult
    from newslint.model import Applicability, Edit, Finding, Fix, Position, Severity

    finding = Finding("NL201", "html-tag", Severity.WARNING, "m", "a.md", 1, 4, Position(1, 2), Position(1, 5),
                      None, None, Fix((Edit(1, 4, ""),), Applicability.SAFE))
    ref = DocRef("a.md", None, None, array("l", [0, 10, 20]))
    result = TaskResult("a.md", fixed=Counter({"NL201": 2}), stat=(1, 2, 3, 4, 5),
                        sealed_summaries=[(b"x", 1)])
    value = [finding, ref, result, (1, "a"), {(1, 2): frozenset({"x"})}, {"s"}, b"\x00", None, 1.5,
             "a lone surrogate from JSON: \ud800"]
    back = loads(dumps(value))
    assert back[:2] == [finding, ref] and back[3:] == value[3:]
    assert type(back[2].fixed) is Counter and back[2].fixed == result.fixed and back[2].stat == (1, 2, 3, 4, 5)


@pytest.mark.parametrize("data", [
    b"",
    b"not a data file",
    datafile._header(b"cache"),  # truncated
    datafile.MAGIC + b"\x09cache\n" + dump_body(1),  # another version
    datafile._header(b"index") + dump_body(1),  # another kind
])
def test_foreign_files_are_refused(data: bytes) -> None:
    with pytest.raises(DataError):
        loads(data, b"cache")


def test_records_are_validated() -> None:
    with pytest.raises(DataError, match="unknown record"):
        loads_body(dump_body(("x",))[:0] + _record("os.system", ["echo"]))
    with pytest.raises(DataError, match="fields"):
        loads_body(_record("Position", [1]))
    with pytest.raises(DataError, match="Position.line"):
        loads_body(_record("Position", ["1", 2]))
    with pytest.raises(DataError, match="no member"):
        loads_body(_record("Severity", ["fatal"]))
    with pytest.raises(DataError):
        loads_body(b"\xc7\x00\x09")  # an unknown extension


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    import msgpack

    tuple_marker = msgpack.packb(msgpack.ExtType(datafile._TUPLE, b""))
    data = msgpack.packb(1)
    for _ in range(5000):  # (((…(1,)…),),): a tuple is an array opened by a marker
        data = b"\x92" + tuple_marker + data
    with pytest.raises(DataError, match="nested too deeply"):
        loads_body(data)


def test_a_marker_anywhere_but_opening_an_array_is_refused() -> None:
    import msgpack

    marker = msgpack.ExtType(datafile._TUPLE, b"")
    assert loads_body(msgpack.packb([marker, 1, 2])) == (1, 2)
    for value in ([1, marker], {"k": marker}, marker, [[marker, marker]]):
        with pytest.raises(DataError, match="marker"):
            loads_body(msgpack.packb(value))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_escape_as_another_error(data: bytes) -> None:
    for blob in (data, datafile._header(b"cache") + data):
        with contextlib.suppress(DataError):
            loads(blob, b"cache")


def test_summaries_are_written_as_columns_and_read_back_as_pairs() -> None:
    from array import array

    from newslint.dedup.detectors import DocSummary
    from newslint.engine.records import DocRef

    summaries = [(3, DocSummary("a.jsonl", 1, 0, 9, b"\x01" * 16, 40, b"\x00" * 8, "text \ud800")),
                 (7, DocSummary("b.md", None, 2, 5, None, 3))]
    packed = datafile.pairs(summaries)
    assert isinstance(packed, datafile.Columns)
    back = loads_body(dump_body(packed))
    assert back == summaries and all(type(s) is DocSummary and type(i) is int for i, s in back)
    refs = [DocRef("a.md", None, None, array("l", [0, 4])), DocRef("b.jsonl", 2, "text", array("l", [0]), 3, 9)]
    assert isinstance(datafile.records(refs), datafile.Columns)
    assert loads_body(dump_body(datafile.records(refs))) == refs
    # mixed or plain values: the numbers as one array, the values as one list, read back as the pairs
    for mixed in ([(1, summaries[0][1]), (2, "x")], [(1, 2)], [(0, ("a", [1, (2,)])), (-5, None)]):
        packed = datafile.pairs(mixed)
        assert isinstance(packed, datafile.Paired)
        assert loads_body(dump_body(packed)) == mixed
    # numbers that are not int64: a plain list
    for odd in ([("1", summaries[0][1])], [(2**63, summaries[0][1])], [(True, 1)]):
        assert datafile.pairs(odd) is odd


@pytest.mark.parametrize("values", [
    [],  # no index nor values
    [array("q", [1, 2]), ["x"]],  # of two lengths
    [array("l", [1]), ["x"]],  # another array type
    [[1], ["x"]],  # a list for the index
    [array("q", [1]), ("x",)],  # a tuple for the values
])
def test_pairs_that_do_not_match_are_data_errors(values: list) -> None:
    import msgpack

    data = msgpack.packb([msgpack.ExtType(datafile._PAIRS, b""), *values], default=datafile._default,
                         use_bin_type=True, strict_types=True)
    with pytest.raises(DataError, match="pairs"):
        loads_body(data)


def _columns(name: str, count, index, *columns) -> bytes:
    import msgpack

    marker = msgpack.ExtType(datafile._COLUMNS, b"")
    return msgpack.packb([marker, name, count, index, *columns])


def test_columns_are_validated() -> None:
    import msgpack

    index = msgpack.ExtType(datafile._ARRAY, b"q" + (1).to_bytes(8, "little"))
    good = ["a.md", None, 0, 3, None, 1, None, None]
    assert loads_body(_columns("DocSummary", 1, index, *[[v] for v in good]))[0][0] == 1
    cases = [
        (_columns("os:system", 1, index, *[[v] for v in good]), "unknown record"),
        (_columns("Severity", 1, index, ["error"]), "not a record with fields"),
        (_columns("DocSummary", 1, index, *[[v] for v in good[:-1]]), "columns"),
        (_columns("DocSummary", 2, index, *[[v] for v in good]), "index"),
        (_columns("DocSummary", 1, None, *[[v, v] for v in good]), "length"),
        (_columns("DocSummary", 1, None, *[{"k": v} for v in good]), "not a list"),
        (_columns("DocSummary", 1, index, *[[v] for v in ["a.md", None, "0", 3, None, 1, None, None]]),
         "DocSummary.start"),
        (_columns("DocSummary", -1, None, *[[] for v in good]), "count"),
        (_columns("DocSummary", 1, [1], *[[v] for v in good]), "index"),
    ]
    for data, message in cases:
        with pytest.raises(DataError, match=message):
            loads_body(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-2, 3), st.text(max_size=3), st.binary(max_size=3),
                          st.lists(st.one_of(st.none(), st.integers(0, 5), st.text(max_size=2)), max_size=3)),
                max_size=10),
       st.sampled_from(["DocSummary", "DocRef", "Position", "BoilerplateSummary", "Finding"]))
def test_crafted_columns_are_data_or_refused(values: list, name: str) -> None:
    import msgpack

    data = msgpack.packb([msgpack.ExtType(datafile._COLUMNS, b""), name, *values])
    with contextlib.suppress(DataError):
        out = loads_body(data)
        assert isinstance(out, list)


def _record(name: str, values: list) -> bytes:
    import msgpack

    return msgpack.packb([msgpack.ExtType(datafile._RECORD, b""), name, *values])


def test_no_module_reads_pickles_from_disk() -> None:
    """A guard against regressions: pickle is used only for worker-process pipes (multiprocessing)."""
    package = Path(__file__).resolve().parents[1] / "newslint"
    offenders = [str(p.relative_to(package)) for p in package.rglob("*.py")
                 if "pickle.load" in p.read_text(encoding="utf-8") or "import pickle" in p.read_text(encoding="utf-8")]
    assert offenders == []
    assert os.path.basename(datafile.__file__) == "datafile.py"


def test_every_record_field_is_type_checked() -> None:
    """``_field_types`` falls back to "anything" for an annotation it cannot resolve: a field must
    never lose its check silently (a new record type with such an annotation fails here)."""
    unchecked = []
    for name in datafile.RECORDS:
        record = datafile._record_named(name)
        if record.style in ("enum", "counter"):
            continue
        types = datafile._field_types(record.cls, record.fields)
        unchecked += [f"{name}.{field}" for field, allowed in zip(record.fields, types, strict=True)
                      if allowed is object]
    assert unchecked == []
