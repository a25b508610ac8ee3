"""Synthetic dataset trees shared by the data tests (small frames, written once per session)."""

import pytest

from salbench import data


@pytest.fixture(scope="session")
def synthetic_root(tmp_path_factory):
    """Builds (once) and returns the root of a small synthetic tree per layout."""
    cache = {}

    def build(layout: str, **kwargs):
        key = (layout, tuple(sorted(kwargs.items())))
        if key not in cache:
            root = tmp_path_factory.mktemp(layout)
            options = dict(n_videos=10, n_frames=(4, 8), size=(36, 64), seed=0)
            options.update(kwargs)
            cache[key] = data.make_synthetic(root, layout=layout, **options)
        return cache[key]

    return build
