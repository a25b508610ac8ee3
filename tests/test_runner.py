"""The pipeline functions: predictor specs, sharding, cache invalidation by config, sharded = unsharded."""

import numpy as np
import pytest

from salbench import data
from salbench.cache.predictions import PredictionCache
from salbench.evaluation import evaluate_predictions
from salbench.runner import PredictorSpec, build_predictor, find_runs, parse_shard, predict


def test_predictor_spec_parsing():
    assert PredictorSpec.parse("center") == PredictorSpec("center", {}, "center")
    spec = PredictorSpec.parse("mean_map:size=[90,160],stride=2")
    assert spec.options == {"size": [90, 160], "stride": 2} and spec.label == "mean_map:size=[90,160],stride=2"
    spec = PredictorSpec.parse("precomputed:dir=/data/maps,x,label=TMFI-Net")
    assert spec.options == {"dir": "/data/maps,x"} and spec.label == "TMFI-Net"
    assert PredictorSpec.parse("center:sigma=0.3,flag=true").options == {"sigma": 0.3, "flag": True}
    for bad in (":sigma=1", "center:sigma"):
        with pytest.raises(ValueError):
            PredictorSpec.parse(bad)


def test_parse_shard():
    assert parse_shard("1/4", {}) == (1, 4)
    assert parse_shard(None, {}) == (0, 1)
    assert parse_shard(None, {"RANK": "2", "WORLD_SIZE": "3"}) == (2, 3)  # torchrun
    assert parse_shard("0/2", {"RANK": "1", "WORLD_SIZE": "3"}) == (0, 2)  # explicit wins
    for bad in ("4/4", "a/b", "1", "-1/2"):
        with pytest.raises(ValueError):
            parse_shard(bad, {})


@pytest.fixture()
def train(synthetic_root):
    return data.open_dataset("synthetic", synthetic_root("dhf1k"), "train")


def build(spec, dataset, root):
    return build_predictor(PredictorSpec.parse(spec), dataset, root)


def test_shards_write_disjoint_files_that_equal_an_unsharded_run(train, tmp_path):
    predictor, pid = build("spectral_residual", train, tmp_path / "a")
    reports = [predict(predictor, pid, train, tmp_path / "a", shard=(i, 3)) for i in range(3)]
    assert sum(r.computed for r in reports) == len(train)
    assert [r.computed for r in reports] == [len(range(i, len(train), 3)) for i in range(3)]
    predict(predictor, pid, train, tmp_path / "b")
    a = PredictionCache(tmp_path / "a", train.name, train.split, pid)
    b = PredictionCache(tmp_path / "b", train.name, train.split, pid)
    for video in train:
        assert np.array_equal(a.read(video), b.read(video))
    again = predict(predictor, pid, train, tmp_path / "a")
    assert again.cached == len(train) and again.computed == 0  # resumes: nothing left to do
    ea = evaluate_predictions(train, a, tmp_path / "a")
    eb = evaluate_predictions(train, b, tmp_path / "b")
    for sa, sb in zip(ea.scores, eb.scores):
        for m in sa:
            assert np.array_equal(sa[m], sb[m], equal_nan=True)


def test_a_changed_config_invalidates_only_its_own_cache(train, tmp_path):
    def snapshot(folder):
        return {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.rglob("*.h5")}

    built = [build(s, train, tmp_path) for s in ("center", "motion")]
    for predictor, pid in built:
        predict(predictor, pid, train, tmp_path)
    folders = [PredictionCache(tmp_path, train.name, train.split, pid).folder for _, pid in built]
    before = [snapshot(f) for f in folders]
    changed, changed_id = build("center:sigma=0.3", train, tmp_path)
    assert changed_id.key != built[0][1].key
    report = predict(changed, changed_id, train, tmp_path)
    assert report.computed == len(train) and report.cached == 0
    assert [snapshot(f) for f in folders] == before  # the other caches are untouched
    again = predict(*built[0], train, tmp_path)
    assert again.cached == len(train)


def test_find_runs_filters_by_protocol_and_predictor(train, tmp_path):
    from salbench.protocol import Protocol
    from salbench.runner import evaluate

    for spec in ("center", "motion"):
        predictor, pid = build(spec, train, tmp_path)
        predict(predictor, pid, train, tmp_path)
        evaluate(predictor, pid, train, tmp_path)
    runs = find_runs(tmp_path, "synthetic", "train")
    assert [r.record["predictor"]["label"] for r in runs] == ["center", "motion"]
    assert [r.record["predictor"]["label"] for r in find_runs(tmp_path, "synthetic", "train",
                                                              predictors=["motion"])] == ["motion"]
    assert find_runs(tmp_path, "synthetic", "train", Protocol(seed=3)) == []
    assert find_runs(tmp_path, "synthetic", "val") == []
    from salbench.evaluation import make_frame_set

    key = make_frame_set(train, Protocol()).key
    assert len(find_runs(tmp_path, "synthetic", "train", frame_set_key=key)) == 2
    assert find_runs(tmp_path, "synthetic", "train", frame_set_key="another copy") == []
