"""newslint on Ray Data: :class:`Lint`, a callable class for ``ds.map_batches`` on a Ray dataset of
texts, and (re-exported from :mod:`newslint.ray_engine`) the executor of ``--engine ray``.

Imported only when used (``pip install "newslint[ray]"``); nothing else in newslint imports Ray.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newslint.ray_engine import RayExecutor, init

__all__ = ["Lint", "RayExecutor", "init"]


class Lint:
    """For ``ds.map_batches(newslint.ray.Lint, fn_constructor_kwargs={...}, concurrency=N)``: each
    actor builds one :class:`newslint.Linter`; a batch (pandas, pyarrow or a dict of arrays) comes
    back with the columns ``newslint_codes``, ``newslint_count`` and ``newslint_findings`` (JSON, the
    CLI's objects) added for the texts of ``text_column``."""

    def __init__(self, select: Sequence[str] | None = None, ignore: Sequence[str] = (), *,
                 config: str | None = None, text_column: str = "text", prefix: str = "newslint_") -> None:
        from newslint.api import Linter

        self.linter = Linter(select, ignore, config=config)
        self.text_column = text_column
        self.prefix = prefix

    def __call__(self, batch: Any) -> Any:
        from newslint.api import finding_columns

        if hasattr(batch, "iloc"):  # pandas
            return self.linter.lint_frame(batch, self.text_column, self.prefix)
        if hasattr(batch, "to_pydict"):  # pyarrow
            import pyarrow as pa

            texts = batch.column(self.text_column).to_pylist()
            table = batch
            for name, values in finding_columns(self.linter.check_batch(texts), self.prefix).items():
                table = table.append_column(name, pa.array(values))
            return table
        texts = [t if isinstance(t, str) else None for t in list(batch[self.text_column])]
        columns = finding_columns(self.linter.check_batch(texts), self.prefix)
        import numpy as np

        out = dict(batch)
        out[f"{self.prefix}count"] = np.array(columns[f"{self.prefix}count"], dtype=np.int64)
        out[f"{self.prefix}findings"] = np.array(columns[f"{self.prefix}findings"], dtype=object)
        out[f"{self.prefix}codes"] = np.array([",".join(c) for c in columns[f"{self.prefix}codes"]], dtype=object)
        return out
