"""Applying edits to text: non-overlapping, in order, deterministic.

Two fixes that touch the same characters cannot both be applied from offsets computed on the old
text, so the later one waits for the next round of the fixer's loop (ruff and textlint do the same).
A fix's edits are applied all together or not at all.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from newslint.model import Edit


def apply_fix_groups(text: str, groups: Sequence[Sequence[Edit]]) -> tuple[str, list[int]]:
    """Apply each group of edits whose spans overlap no group already taken.

    Groups are taken in order of their first edit's start (ties: the longer span first, so a fix
    that removes a whole block wins over one that edits a tag inside it), so the result does not
    depend on the order checks ran in. Returns the new text and the indexes of the
    groups applied (an empty group, such as a pure re-encoding, always applies).

    The edits taken so far are kept sorted by start: they never overlap one another, so an edit is
    compared with its neighbours only (a page with 20,000 findings took minutes when every edit was
    compared with every edit taken before it).
    """
    ordered = sorted(
        ((index, sorted(group)) for index, group in enumerate(groups)),
        key=lambda item: (item[1][0].start, -item[1][-1].end, item[1][0].replacement) if item[1] else (-1, 0, ""),
    )
    starts: list[int] = []  # of the edits taken, sorted
    taken: list[Edit] = []  # in the same order
    applied: list[int] = []
    for index, group in ordered:
        # (sorted: a clash within the group shows between neighbours)
        if any(_overlaps(a, b) for a, b in zip(group, group[1:], strict=False)):
            continue
        if any(_clashes(starts, taken, edit) for edit in group):
            continue
        for edit in group:
            at = bisect.bisect_right(starts, edit.start)
            starts.insert(at, edit.start)
            taken.insert(at, edit)
        applied.append(index)
    taken.sort()
    pieces: list[str] = []
    cursor = 0
    for edit in taken:
        pieces.append(text[cursor:edit.start])
        pieces.append(edit.replacement)
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces), applied


def _clashes(starts: list[int], taken: list[Edit], edit: Edit) -> bool:
    """Whether ``edit`` overlaps an edit of ``taken`` (pairwise non-overlapping, sorted by start).
    Of those starting before it only the last can reach it; then those starting up to its end."""
    at = max(0, bisect.bisect_left(starts, edit.start) - 1)
    while at < len(taken) and taken[at].start <= edit.end:
        if _overlaps(taken[at], edit):
            return True
        at += 1
    return False


def _overlaps(a: Edit, b: Edit) -> bool:
    """Spans that share a character overlap; two insertions at one point conflict too."""
    if a.start == a.end or b.start == b.end:
        return a.start == b.start or (a.start < b.start < a.end) or (b.start < a.start < b.end)
    return a.start < b.end and b.start < a.end
