"""Progress on stderr, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
from typing import Any

from .common import PROG


class Progress:
    """A progress bar on stderr: tqdm when installed, else a one-line counter."""

    def __init__(self, total: int | None, enabled: bool, unit: str) -> None:
        self._bar: Any = None
        self._enabled = enabled
        self._count = 0
        self._total = total
        self._unit = unit
        if enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                pass
            else:
                self._bar = tqdm(total=total, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(self) -> None:
        self._count += 1
        if self._bar is not None:
            self._bar.update(1)
        elif self._enabled:
            total = f"/{self._total}" if self._total else ""
            sys.stderr.write(f"\r{PROG}: {self._count}{total} {self._unit}")
            sys.stderr.flush()

    def message(self, text: str) -> None:
        """Print a line on stderr without breaking the bar."""
        if self._bar is not None:
            self._bar.write(text, file=sys.stderr)
            return
        if self._enabled and self._count:
            sys.stderr.write("\r\x1b[K")
        print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._enabled and self._count:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
