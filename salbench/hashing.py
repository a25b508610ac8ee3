"""Short, stable content hashes for cache keys and fingerprints."""

from __future__ import annotations

import hashlib
import json


def stable_hash(obj: object, length: int = 16) -> str:
    """A short SHA-256 hex digest of ``obj`` as canonical JSON (sorted keys): cache keys and fingerprints."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]
