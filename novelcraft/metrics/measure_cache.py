"""Measurements remembered by content hash, so one text is measured once however many steps
read it.

The pipeline measures a draft, then reads the same text back from the store to decide on the
style pass and to record the final metrics; a resumed job or an author's edit followed by a
rederive sees it again. `measure` is a pure function of (text, characters, settings, bans), so a
digest of those inputs is a safe key. Entries are few and small (a `Measurement` is a few KB);
the texts themselves are not kept, only their digests.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from novelcraft.metrics.measure import measure
from novelcraft.metrics.results import Measurement
from novelcraft.models import Character
from novelcraft.settings import Settings


def _digest(
    text: str, characters: Sequence[Character], settings: Settings, banned: Sequence[str]
) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    # Each part is length-prefixed so that no two different inputs can hash the same bytes.
    for part in (
        text,
        "\x00".join(c.model_dump_json() for c in characters),
        # All of it, not just the sections `measure` reads today: a stale hit would be wrong.
        settings.model_dump_json(),
        "\x00".join(banned),
    ):
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


class MeasureCache:
    """A bounded, thread-safe LRU of measurements. `hits` and `misses` count lookups."""

    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[bytes, Measurement] = OrderedDict()
        self._lock = threading.Lock()

    def measure(
        self,
        text: str,
        characters: Sequence[Character] = (),
        settings: Settings | None = None,
        *,
        banned_elements: Sequence[str] = (),
        compute: Callable[..., Measurement] = measure,
    ) -> Measurement:
        """`novelcraft.metrics.measure` (or `compute`, a function with its signature, such as
        `MeasurePool.measure`), computed at most once per distinct input while cached.

        Callers get their own copy: a `Measurement` is a mutable pydantic model."""
        settings = settings or Settings()
        key = _digest(text, characters, settings, banned_elements)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
        if found is None:
            found = compute(text, characters, settings, banned_elements=banned_elements)
            with self._lock:
                self.misses += 1
                self._items[key] = found
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        return found.model_copy(deep=True)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


# One per process, shared by every pipeline run (a batch, a resumed job, an author's edit).
measurements = MeasureCache()
