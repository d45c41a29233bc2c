"""Applying edits to text: non-overlapping, in order, deterministic.

Two fixes that touch the same characters cannot both be applied from offsets computed on the old
text, so the later one waits for the next round of the fixer's loop (ruff and textlint do the same).
A fix's edits are applied all together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from newslint.model import Edit


def apply_fix_groups(text: str, groups: Sequence[Sequence[Edit]]) -> tuple[str, list[int]]:
    """Apply each group of edits whose spans overlap no group already taken.

    Groups are taken in order of their first edit's start (ties: the longer span first, so a fix
    that removes a whole block wins over one that edits a tag inside it), so the result does not
    depend on the order checks ran in. Returns the new text and the indexes of the
    groups applied (an empty group, such as a pure re-encoding, always applies).
    """
    ordered = sorted(
        ((index, sorted(group)) for index, group in enumerate(groups)),
        key=lambda item: (item[1][0].start, -item[1][-1].end, item[1][0].replacement) if item[1] else (-1, 0, ""),
    )
    taken: list[Edit] = []
    applied: list[int] = []
    for index, group in ordered:
        if any(_overlaps(edit, other) for edit in group for other in taken):
            continue
        if any(_overlaps(a, b) for i, a in enumerate(group) for b in group[i + 1:]):
            continue
        taken.extend(group)
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


def _overlaps(a: Edit, b: Edit) -> bool:
    """Spans that share a character overlap; two insertions at one point conflict too."""
    if a.start == a.end or b.start == b.end:
        return a.start == b.start or (a.start < b.start < a.end) or (b.start < a.start < b.end)
    return a.start < b.end and b.start < a.end
