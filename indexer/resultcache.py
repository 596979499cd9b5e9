"""Recent answers of one index generation: the reader empties it when it switches.

Popular searches, facet links and similar-problem lists are asked again and again between
two ingests; an answer never changes within a generation, so it is kept until the next.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class ResultCache:
    """A least-recently-used map of at most ``size`` answers (0: keep nothing)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
