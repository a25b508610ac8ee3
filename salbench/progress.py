"""Progress bars: tqdm when the caller (the CLI) asks for them, a silent stand-in otherwise."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


class _Silent:
    """The part of tqdm's interface the callers use, doing nothing (progress display is off)."""

    def update(self, n: int = 1) -> None:
        return None


@contextlib.contextmanager
def progress_bar(enabled: bool, **kwargs: Any) -> Iterator[Any]:
    """A ``tqdm`` bar (to stderr) when ``enabled``, else an object with the same ``update`` that does nothing."""
    if not enabled:
        yield _Silent()
        return
    from tqdm.auto import tqdm

    with tqdm(dynamic_ncols=True, leave=False, **kwargs) as bar:
        yield bar
