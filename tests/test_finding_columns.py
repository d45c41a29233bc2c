"""Findings written as columns (``newslint.finding_columns``): the same findings read back, and bytes
that are not such columns refused as data errors (the cache hands them back from disk)."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newslint import datafile
from newslint.datafile import DataError, dump_body, loads_body
from newslint.finding_columns import columns
from newslint.model import Applicability, Edit, Finding, Fix, Position, Severity

TEXT = st.text(alphabet=st.sampled_from(["a", "北", "\ud800", "\n", '"', "é", "😀", " "]), max_size=6)
INT = st.integers(min_value=0, max_value=2**40)
EDITS = st.lists(st.builds(Edit, INT, INT, TEXT), max_size=3).map(tuple)
FIXES = st.none() | st.builds(Fix, EDITS, st.sampled_from(list(Applicability)), TEXT, st.none() | st.sampled_from(
    ["gb18030", "utf-8"]), st.booleans())
FINDINGS = st.builds(
    Finding, st.sampled_from(["NL101", "NL403"]), st.sampled_from(["mojibake", "corpus-boilerplate"]),
    st.sampled_from(list(Severity)), TEXT, st.sampled_from(["a.md", "b/c.jsonl", "北.txt"]), INT, INT,
    st.builds(Position, INT, INT), st.builds(Position, INT, INT), st.none() | INT, st.none() | TEXT, FIXES)


def _types(finding: Finding) -> list[type]:
    fix = finding.fix
    edits = fix.edits if fix else ()
    return [type(v) for v in (*vars(finding).values(), *finding.location, *finding.end_location,
                              *(vars(fix).values() if fix else ()), *(v for e in edits for v in e))]


@settings(max_examples=300, deadline=None)
@given(st.lists(FINDINGS, max_size=8))
def test_findings_read_back_as_they_were_written(findings: list[Finding]) -> None:
    written = datafile.findings(findings)
    assert findings == [] or isinstance(written, datafile.FindingColumns)
    back = loads_body(dump_body(written))
    assert back == findings
    assert [_types(f) for f in back] == [_types(f) for f in findings]  # (True is no 1, a tuple no list)


def test_the_columns_are_the_models_fields() -> None:
    """A field added to Finding or Fix must get its column (else it would be dropped without a word)."""
    import dataclasses

    from newslint import finding_columns

    assert tuple(f.name for f in dataclasses.fields(Finding)) == finding_columns._FIELDS
    assert tuple(f.name for f in dataclasses.fields(Fix)) == finding_columns._FIX_FIELDS


def test_a_finding_off_the_model_is_written_as_a_record() -> None:
    plain = Finding("NL1", "x", Severity.INFO, "m", "a.md", 0, 1, Position(1, 1), Position(1, 2))
    odd = Finding("NL1", "x", Severity.INFO, "m", "a.md", 0, 1, Position(1, 1), Position(1, 2),
                  fix=Fix([Edit(0, 1, "")], Applicability.SAFE))  # type: ignore[arg-type]  (a list of edits)
    assert columns([plain, odd]) is None
    assert isinstance(datafile.findings([plain]), datafile.FindingColumns)
    assert datafile.findings([plain, odd]) == [plain, odd]


def _packed(findings: list[Finding]) -> list:
    found = columns(findings)
    assert found is not None
    return found


def _blob(values: list) -> bytes:
    return msgpack.packb([msgpack.ExtType(datafile._FINDINGS, b""), *values], use_bin_type=True,
                         unicode_errors="surrogatepass")


SAMPLE = [
    Finding("NL101", "mojibake", Severity.ERROR, "m", "a.md", 3, 5, Position(1, 4), Position(1, 6), None, None,
            Fix((Edit(3, 5, "北"), Edit(7, 8, "")), Applicability.SAFE, "", "gb18030")),
    Finding("NL403", "corpus-boilerplate", Severity.INFO, "n", "b.jsonl", 0, 2, Position(1, 1), Position(1, 3), 4,
            "text"),
]


def test_the_sample_reads_back() -> None:
    assert loads_body(_blob(_packed(SAMPLE))) == SAMPLE


@pytest.mark.parametrize("mutate", [
    lambda v: v.__setitem__(0, 3),  # a count the columns do not have
    lambda v: v.__setitem__(1, v[1] + [7]),  # a string table holding a number
    lambda v: v[2].__setitem__(0, -1),  # a code numbered from the end of the table
    lambda v: v[2].__setitem__(0, 99),  # a code past the table
    lambda v: v[4].__setitem__(0, v[1].index("a.md")),  # a severity that is no member ("a.md")
    lambda v: v[7].__setitem__(0, True),  # a boolean where a number goes
    lambda v: v[7].__setitem__(0, "3"),  # a string where a number goes
    lambda v: v[2].__setitem__(1, None),  # the second finding's code missing
    lambda v: v[15].__setitem__(0, v[1].index("a.md")),  # a fix's applicability that is no member
    lambda v: v[19].__setitem__(0, 3),  # more edits counted than written
    lambda v: v[19].__setitem__(0, -1),
    lambda v: v[20].append(1),  # an edit column longer than the others
    lambda v: v.__setitem__(5, {"a": 1}),  # a column that is no list
    lambda v: v.pop(),  # a column missing
])
def test_columns_that_are_not_findings_are_data_errors(mutate) -> None:
    values = _packed(SAMPLE)
    mutate(values)
    with pytest.raises(DataError):
        loads_body(_blob(values))
