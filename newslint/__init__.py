"""newslint: a data-quality linter for scraped news text (Chinese and English).

The Python API (:mod:`newslint.api`) is imported on first use, so ``import newslint`` — what the
command line does first — stays as light as it was::

    import newslint
    linter = newslint.Linter(select=["NL2"])
    linter.check_text("<b>北京</b>")
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

_API = ("Linter", "FixResult", "finding_dict", "to_json", "finding_columns")
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        from newslint import api

        return getattr(api, name)
    raise AttributeError(f"module 'newslint' has no attribute {name!r}")
