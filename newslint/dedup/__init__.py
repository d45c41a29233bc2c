"""Duplicate detection at corpus scope: normalisation, MinHash signatures, LSH, and the NL501/NL502 kinds.

numpy and rapidfuzz are imported on first use only, so importing the package costs nothing on the
start-up path of a pre-commit run that never reaches the corpus phase.
"""

from __future__ import annotations

__all__ = ["ExactDuplicateDetector", "NearDuplicateDetector"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from newslint.dedup import detectors

        return getattr(detectors, name)
    raise AttributeError(name)
