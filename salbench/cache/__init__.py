"""On-disk caches (HDF5 via h5py), one file per video, each written atomically.

- :mod:`.predictions`: a predictor's maps per (predictor config, dataset, split, video), 8-bit or float16;
- :mod:`.ground_truth`: GT maps (8-bit) and fixations (pixel indices) per video, for fast repeated evaluations;
- :mod:`.metric_store`: per-frame metrics per (predictor, protocol, frame set, video), plus a run record.

A file is written under a temporary name and renamed when complete, so a crash, Ctrl-C or SIGKILL never leaves
a half-written file under a final name, and a rerun resumes with the next unfinished video. Every dataset is
stored with HDF5's Fletcher-32 checksum, so a damaged file is detected when read (:class:`CacheCorrupt`),
reported and recomputed, never silently used. Shards of a run write disjoint files: no locking is needed.
"""

from .h5io import CacheCorrupt, atomic_h5, read_json_attr

__all__ = ["CacheCorrupt", "atomic_h5", "read_json_attr"]
