"""What ``Encoder`` and ``Decoder`` share: a thread pool and an ordered, bounded stream.

Each keeps the backend that was current when it was made, owns one pool of
that backend's (``BatchEncoder`` / ``BatchDecoder``), makes it anew in a
``fork()`` child (which inherits the pool object but not its threads), and
is pickled as the arguments it was made with.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import _options


class Pooled:
    """Base of Encoder and Decoder. Subclasses set ``_POOL`` and, before
    ``_start_pool()``, ``_impl`` (the backend module) and ``_threads``; and
    define ``__getstate__`` as the keyword arguments that remake them."""

    _POOL = ""  # the backend's pool class
    _impl: Any
    _threads: int

    def _start_pool(self) -> None:
        self._pool = getattr(self._impl, self._POOL)(self._threads)
        self._pid = os.getpid()

    def _live_pool(self) -> Any:
        if self._pid != os.getpid():  # a fork() child: the pool's threads did not come along
            self._start_pool()
        return self._pool

    @property
    def threads(self) -> int:
        """The number of threads this object's pool uses."""
        return self._threads

    def _in_flight(self, max_in_flight: int | None) -> int:
        return 2 * self._threads if max_in_flight is None else _options.check_threads(max_in_flight)

    def __getstate__(self) -> dict[str, Any]:
        raise NotImplementedError

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def __repr__(self) -> str:
        options = ", ".join(f"{name}={value!r}" for name, value in self.__getstate__().items())
        return f"{type(self).__name__}({options})"


def ordered_stream(items: Iterable[Any], start: Callable[[Any, int], Any], limit: int) -> Iterator[Any]:
    """``start(item, index).result()`` for each item, in order, with at most
    ``limit`` items started and not yet yielded (memory stays bounded for
    endless streams). An error from ``start`` (a bad item) is raised once the
    results of the items before it have been yielded."""
    pending: collections.deque[Any] = collections.deque()
    for index, item in enumerate(items):
        try:
            job = start(item, index)
        except Exception:
            while pending:  # the items before this one first, in order
                yield pending.popleft().result()
            raise
        pending.append(job)
        if len(pending) >= limit:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
