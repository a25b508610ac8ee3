"""Checks on a user's real copy of a dataset, skipped unless an environment variable points at it.

SALBENCH_DHF1K, SALBENCH_HOLLYWOOD2 and SALBENCH_UCF_SPORTS name the dataset roots. Counts come from the cards
(``../shared/specs/datasets.md`` section 4); only counts a card states are checked. Real data is never
committed or cached.
"""

import os

import numpy as np
import pytest

from salbench import data
from salbench.data.check import check_split

COPIES = {"dhf1k": "SALBENCH_DHF1K", "hollywood2": "SALBENCH_HOLLYWOOD2", "ucf_sports": "SALBENCH_UCF_SPORTS"}
CASES = [(name, split) for name in COPIES for split in data.load_card(name).splits]


@pytest.mark.parametrize("name, split", CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_real_copy_counts_match_the_card(name, split):
    root = os.environ.get(COPIES[name])
    if not root:
        pytest.skip(f"set {COPIES[name]} to a copy of {name} to run this test")
    card = data.load_card(name)
    if name == "dhf1k" and split == "test" and not (os.path.isdir(os.path.join(root, "video"))):
        pytest.skip("DHF1K test frames need video/NNN.AVI or extracted images/")
    report = check_split(card, root, split, decode=False)
    assert report.ok, "\n".join(report.problems)


@pytest.mark.parametrize("name", list(COPIES))
def test_real_copy_png_and_mat_fixations_agree_on_a_sample(name):
    root = os.environ.get(COPIES[name])
    if not root:
        pytest.skip(f"set {COPIES[name]} to a copy of {name} to run this test")
    split = "val" if name == "dhf1k" else "test"
    ds = data.open_dataset(name, root, split)
    rng = np.random.default_rng(0)
    for video_index in rng.choice(len(ds), size=min(5, len(ds)), replace=False):
        video = ds[int(video_index)]
        for frame in rng.choice(len(video), size=min(3, len(video)), replace=False):
            assert video.fixation_disagreements(int(frame)) == 0, f"{video.name} frame {frame}"
