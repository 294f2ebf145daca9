"""``python -m frame64`` and the ``frame64`` command; with no arguments, ``frame64 demo``.

See ``frame64 --help`` (the implementation is the package frame64.cli).
"""

from __future__ import annotations

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
