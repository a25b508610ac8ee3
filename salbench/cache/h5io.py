"""Atomic HDF5 writing and checked reading, shared by the caches."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h5py
import numpy as np

# chunk filters of every cached dataset: gzip level 4 and a Fletcher-32 checksum per chunk
FILTERS: dict[str, Any] = {"compression": "lzf", "shuffle": True, "fletcher32": True}


class CacheCorrupt(Exception):
    """A cache file exists but cannot be used (unreadable, checksum failure, wrong content); it is recomputed."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


HOST = socket.gethostname().replace("-", "_") or "host"


def temporary_name(path: Path) -> Path:
    """Where ``path`` is written before the rename: ``.<name>.tmp-<host>-<pid>``, unique per process even when
    shards on several machines share the folder; the readers ignore it."""
    return path.with_name(f".{path.name}.tmp-{HOST}-{os.getpid()}")


def orphaned_temporaries(folder: Path) -> list[Path]:
    """Temporary files in ``folder`` left by processes of this machine that no longer run (a SIGKILL mid-write).

    Files of other machines are never listed: their process may still be writing."""
    if not folder.is_dir():
        return []
    orphans = []
    for tmp in folder.glob(".*.tmp-*"):
        host, _, pid = tmp.name.rsplit(".tmp-", 1)[-1].rpartition("-")
        if host != HOST or not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            orphans.append(tmp)
        except PermissionError:  # the process is alive (another user's): its file is not an orphan
            continue
    return orphans


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write ``path`` to; when the block completes, the file is fsynced and renamed over
    ``path`` (``os.replace`` is atomic on POSIX), so ``path`` never holds a half-written file. On an exception the
    temporary file is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextlib.contextmanager
def atomic_h5(path: str | Path) -> Iterator[h5py.File]:
    """A new HDF5 file that appears under ``path`` only once the block has completed (:func:`atomic_path`)."""
    with atomic_path(path) as tmp, h5py.File(tmp, "w", libver="latest") as f:
        yield f


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write a small text file atomically (:func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json_attr(obj: h5py.File | h5py.Dataset, name: str, value: object) -> None:
    obj.attrs[name] = json.dumps(value, sort_keys=True, default=str)


def read_json_attr(obj: h5py.File | h5py.Dataset, name: str) -> Any:
    return json.loads(obj.attrs[name])


@contextlib.contextmanager
def open_checked(path: Path) -> Iterator[h5py.File]:
    """Open a cache file for reading; any HDF5 failure inside the block becomes :class:`CacheCorrupt`."""
    try:
        with h5py.File(path, "r") as f:
            yield f
    except CacheCorrupt:
        raise
    except FileNotFoundError:
        raise
    except (OSError, KeyError, ValueError, TypeError, json.JSONDecodeError) as err:
        raise CacheCorrupt(path, f"unreadable cache file ({type(err).__name__}: {err})") from None


def expect_attrs(f: h5py.File, path: Path, expected: dict[str, object]) -> None:
    """Raise :class:`CacheCorrupt` when an attribute differs from ``expected`` (a stale or foreign file)."""
    for name, value in expected.items():
        if name not in f.attrs:
            raise CacheCorrupt(path, f"attribute {name!r} missing")
        found = f.attrs[name]
        if isinstance(found, np.generic):
            found = found.item()
        if isinstance(found, bytes):
            found = found.decode()
        if found != value:
            raise CacheCorrupt(path, f"attribute {name!r} is {found!r}, expected {value!r} (stale file)")


def contiguous(indices: np.ndarray) -> slice | np.ndarray:
    """A slice when ``indices`` (sorted) is a contiguous run (h5py reads those fastest), else the array."""
    indices = np.asarray(indices, dtype=np.int64)
    if len(indices) and indices[-1] - indices[0] + 1 == len(indices):
        return slice(int(indices[0]), int(indices[-1]) + 1)
    return indices


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
