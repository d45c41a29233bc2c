"""Choosing which checks run: ``--select`` / ``--extend-select`` / ``--ignore`` by code, prefix or name.

ruff's semantics: ``select`` replaces the default set (every check enabled by default in its pack),
``extend-select`` adds to it, ``ignore`` removes; ``ALL`` selects everything, including checks that
are off by default. A selector that matches no check is an error, not a silent no-op.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newslint.registry import CheckSpec, PackError


def matches(selector: str, spec: CheckSpec) -> bool:
    if selector == "ALL":
        return True
    return spec.name == selector or spec.code.startswith(selector.upper())


def _check_known(selectors: Iterable[str], specs: Sequence[CheckSpec], option: str) -> None:
    for selector in selectors:
        if not any(matches(selector, s) for s in specs):
            raise PackError(f"{option}: {selector!r} matches no check (see `newslint rules`)")


def select_checks(
    specs: Sequence[CheckSpec],
    select: Sequence[str] | None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[CheckSpec]:
    _check_known(select or (), specs, "--select")
    _check_known(extend_select, specs, "--extend-select")
    _check_known(ignore, specs, "--ignore")
    if select is None:
        chosen = [s for s in specs if s.enabled_by_default]
    else:
        chosen = [s for s in specs if any(matches(sel, s) for sel in select)]
    chosen += [s for s in specs if s not in chosen and any(matches(sel, s) for sel in extend_select)]
    return sorted(
        (s for s in chosen if not any(matches(sel, s) for sel in ignore)), key=lambda s: s.code
    )


def find_check(specs: Sequence[CheckSpec], key: str) -> CheckSpec | None:
    """A check by exact code (any case) or name, for ``newslint explain``."""
    for spec in specs:
        if spec.code == key.upper() or spec.name == key:
            return spec
    return None
