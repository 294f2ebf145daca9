"""``python -m frame64`` and the ``frame64`` command; with no arguments, ``frame64 demo``.

See ``frame64 --help`` (the implementation is in frame64._cli).
"""

from __future__ import annotations

import sys

from ._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
