"""The protocol's random streams, frame subsets, point mapping and s-AUC other maps (protocol.md 5, 6, 9)."""

import zlib

import numpy as np
import pytest

from salbench.cache.ground_truth import Fixations
from salbench.evaluation import FrameSet, OtherMapSampler, map_points
from salbench.protocol import Protocol, frame_streams, frame_subset, stable_hash


def test_frame_streams_follow_the_spec_derivation():
    ss = np.random.SeedSequence(7, spawn_key=(1, zlib.crc32(b"0601"), 12))
    want_other, want_metric = (np.random.default_rng(c).random(4) for c in ss.spawn(2))
    other, metric = frame_streams(7, "0601", 12)
    assert np.array_equal(other.random(4), want_other)
    assert np.array_equal(metric.random(4), want_metric)
    # another frame, video or seed gives other numbers
    assert not np.array_equal(frame_streams(7, "0601", 13)[0].random(4), want_other)
    assert not np.array_equal(frame_streams(7, "0602", 12)[0].random(4), want_other)
    assert not np.array_equal(frame_streams(8, "0601", 12)[0].random(4), want_other)


def test_frame_subset():
    assert np.array_equal(frame_subset(5, None, 0), np.arange(5))
    assert np.array_equal(frame_subset(5, 5, 0), np.arange(5))
    chosen = frame_subset(100, 10, 3)
    rng = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(2,)))
    assert np.array_equal(chosen, np.sort(rng.choice(100, 10, replace=False)))
    assert len(np.unique(chosen)) == 10 and np.all(np.diff(chosen) > 0)


def test_protocol_validation_and_key():
    assert Protocol().key() == Protocol().key()
    assert Protocol(seed=1).key() != Protocol().key()
    assert Protocol(metrics=("s_auc", "cc")).metrics == ("cc", "s_auc")  # canonical order
    for bad in (dict(resize="cubic"), dict(max_frames=0), dict(s_auc_other="x"), dict(metrics=("auc",)),
                dict(n_other=0), dict(s_auc_step=0), dict(auc_j_variant="x")):
        with pytest.raises(ValueError):
            Protocol(**bad)
    assert "resize matlab (symmetric)" in Protocol().describe()
    assert "max_frames 50000" in Protocol(max_frames=50000).describe()
    assert stable_hash({"a": 1, "b": 2}) == stable_hash({"b": 2, "a": 1})


def flat(r, c, w):  # 1-based (r, c) -> flat 0-based index
    return (r - 1) * w + (c - 1)


def test_map_points_by_hand():
    # source 4x8 (Hs=4, Ws=8) onto 8x4 (H=8, W=4)
    src, dst = (4, 8), (8, 4)
    pts = np.array([flat(2, 3, 8), flat(4, 8, 8), flat(1, 1, 8)])
    # matlab (swapped ratios): row round(r*W/Ws) = round(r/2), col round(c*H/Hs) = round(2c)
    # (2,3) -> (1, 6): col 6 > W=4, dropped; (4,8) -> (2, 16) dropped; (1,1) -> round(0.5)=1, 2 -> (1, 2)
    assert map_points(pts, src, dst, "matlab").tolist() == [flat(1, 2, 4)]
    # scaled: row round(r*2), col round(c/2): (2,3) -> (4, 2); (4,8) -> (8, 4); (1,1) -> (2, 1) (0.5 rounds up)
    assert map_points(pts, src, dst, "scaled").tolist() == [flat(4, 2, 4), flat(8, 4, 4), flat(2, 1, 4)]
    # equal sizes: the identity, in both modes
    assert map_points(pts, src, src, "matlab") is pts


def make_fixations(size, per_frame):
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in per_frame])]).astype(np.int64)
    index = np.concatenate([np.asarray(p, np.int64) for p in per_frame]) if per_frame else np.zeros(0)
    return Fixations(offsets, index.astype(np.int32), size)


def test_other_map_dhf1k_is_the_union_of_n_distinct_random_frames():
    size = (3, 4)
    # video A: 3 frames, video B: 2 frames; frame k of the set fixates pixel k (flat) only
    fix_a = make_fixations(size, [[0], [1], [2]])
    fix_b = make_fixations(size, [[3], [4]])
    fs = FrameSet(videos=["A", "B"], frames=[np.arange(3), np.arange(2)], key="k", n_total=5)
    sampler = OtherMapSampler(fs, [fix_a, fix_b], Protocol(n_other=3))
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    mask = sampler.other(rng_a, size)
    picks = rng_b.choice(5, 3, replace=False)  # the spec's draw, on the same stream
    expected = np.zeros(12, bool)
    expected[picks] = True
    assert np.array_equal(mask.ravel(), expected)
    assert mask.sum() == 3
    # fewer frames than n_other: every frame, each pixel once
    everything = OtherMapSampler(fs, [fix_a, fix_b], Protocol(n_other=10)).other(np.random.default_rng(0), size)
    assert everything.ravel().tolist() == [True] * 5 + [False] * 7


def test_other_map_unisal_draws_videos_then_one_frame_each():
    size = (2, 4)
    fix_a = make_fixations(size, [[0], [1], [2]])
    fix_b = make_fixations(size, [[5], [6]])
    fs = FrameSet(videos=["A", "B"], frames=[np.arange(3), np.arange(2)], key="k", n_total=5)
    sampler = OtherMapSampler(fs, [fix_a, fix_b], Protocol(s_auc_other="unisal", n_other=10))
    for seed in range(5):
        mask = sampler.other(np.random.default_rng(seed), size).ravel()
        # both videos drawn, one frame of each: exactly one pixel among 0-2 and one among 5-6
        assert mask[:3].sum() == 1 and mask[5:7].sum() == 1 and mask.sum() == 2


def test_other_map_maps_points_between_sizes():
    small, big = (2, 2), (4, 4)
    fix_small = make_fixations(small, [[flat(2, 2, 2)]])
    fs = FrameSet(videos=["S"], frames=[np.arange(1)], key="k", n_total=1)
    for mode, want in (("matlab", flat(4, 4, 4)), ("scaled", flat(4, 4, 4))):
        sampler = OtherMapSampler(fs, [fix_small], Protocol(s_auc_point_map=mode))
        mask = sampler.other(np.random.default_rng(0), big)
        assert np.flatnonzero(mask).tolist() == [want]
