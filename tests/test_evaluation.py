"""Evaluation under the protocol, checked frame by frame against a direct computation from the spec."""

import logging

import numpy as np
import pytest
from PIL import Image

from salbench import data, metrics
from salbench.cache.predictions import PredictionCache, PredictorId
from salbench.evaluation import evaluate_predictions, load_run, make_frame_set
from salbench.protocol import Protocol, frame_streams, frame_subset
from salbench.runner import PredictorSpec, build_predictor, predict


@pytest.fixture()
def val(synthetic_root):
    return data.open_dataset("synthetic", synthetic_root("dhf1k"), "val")


def noise_predictions(dataset, root, size=None, name="noise"):
    """Seeded random maps (at the GT size unless ``size``) in a prediction cache."""
    cache = PredictionCache(root, dataset.name, dataset.split, PredictorId(name, {"size": size}))
    for k, video in enumerate(dataset):
        rng = np.random.default_rng(k)
        shape = size or video.size
        cache.write(video, (rng.random(shape) ** 3 for _ in range(len(video))))
    return cache


def spec_scores(dataset, cache, protocol):
    """Every frame's scores computed directly from protocol.md, without the evaluator's machinery."""
    frames = [(v, f) for v in dataset for f in range(len(v))]
    chosen = frame_subset(len(frames), protocol.max_frames, protocol.seed)
    chosen_frames = [frames[i] for i in chosen]
    out = {}
    for video, f in chosen_frames:
        other_rng, metric_rng = frame_streams(protocol.seed, video.name, f)
        picks = other_rng.choice(len(chosen_frames), min(10, len(chosen_frames)), replace=False)
        other = np.zeros(video.size, bool)
        for p in picks:
            pv, pf = chosen_frames[p]
            other |= pv.fixations(pf)  # one size throughout: the point map is the identity
        pred = cache.read(video)[f]
        if pred.shape != video.size:
            pred = metrics.imresize(pred.astype(np.float64), video.size)
        out[(video.name, f)] = metrics.evaluate_frame(pred, video.gt_map_uint8(f), video.fixations(f), other,
                                                      rng=metric_rng, kld_clip_negative=True)
    return out


def as_dict(result):
    return {(name, int(f)): {m: s[m][i] for m in s} for name, frames, s in zip(result.videos, result.frames,
                                                                             result.scores)
            for i, f in enumerate(frames)}


def same(a, b):
    return np.array_equal(np.array(a, dtype=float), np.array(b, dtype=float), equal_nan=True)


@pytest.mark.parametrize("max_frames", [None, 5])
def test_scores_equal_the_spec_computation_bit_for_bit(val, tmp_path, max_frames):
    cache = noise_predictions(val, tmp_path)
    protocol = Protocol(max_frames=max_frames)
    result = evaluate_predictions(val, cache, tmp_path, protocol)
    got, want = as_dict(result), spec_scores(val, cache, protocol)
    assert got.keys() == want.keys()
    assert len(got) == (max_frames or sum(len(v) for v in val))
    for key in want:
        assert same([got[key][m] for m in metrics.ALL], [want[key][m] for m in metrics.ALL]), key


def test_predictions_of_another_size_are_resized_as_matlab(val, tmp_path):
    cache = noise_predictions(val, tmp_path, size=(18, 32))
    result = evaluate_predictions(val, cache, tmp_path, Protocol())
    got, want = as_dict(result), spec_scores(val, cache, Protocol())
    for key in want:
        assert same([got[key][m] for m in metrics.ALL], [want[key][m] for m in metrics.ALL]), key
    with pytest.raises(ValueError, match="resize='none'"):
        evaluate_predictions(val, cache, tmp_path / "other", Protocol(resize="none"))


def test_results_do_not_depend_on_threads_resumption_or_metric_subset(val, tmp_path, caplog):
    cache = noise_predictions(val, tmp_path)
    first = evaluate_predictions(val, cache, tmp_path, n_jobs=1)
    # a deleted and a damaged metrics file are recomputed, with a warning for the damaged one
    first.run_folder.joinpath(f"{val[0].name}.h5").unlink()
    first.run_folder.joinpath(f"{val[1].name}.h5").write_bytes(b"not an HDF5 file")
    with caplog.at_level(logging.WARNING, logger="salbench"):
        second = evaluate_predictions(val, cache, tmp_path, n_jobs=2)
    assert "metrics cache damaged" in caplog.text
    assert as_dict(first).keys() == as_dict(second).keys()
    for key, values in as_dict(first).items():
        assert same(list(values.values()), list(as_dict(second)[key].values()))
    # a subset of the metrics gives the same values for those metrics
    subset = evaluate_predictions(val, cache, tmp_path, Protocol(metrics=("s_auc", "nss")))
    for key, values in as_dict(subset).items():
        assert same([values["nss"], values["s_auc"]], [as_dict(first)[key]["nss"], as_dict(first)[key]["s_auc"]])
    # load_run reads the same numbers back
    loaded = load_run(first.run_folder)
    for key, values in as_dict(loaded).items():
        assert same(list(values.values()), list(as_dict(first)[key].values()))


def test_damaged_predictions_are_predicted_again(val, tmp_path, caplog):
    predictor, pid = build_predictor(PredictorSpec.parse("center"), val, tmp_path)
    predict(predictor, pid, val, tmp_path)
    cache = PredictionCache(tmp_path, val.name, val.split, pid)
    reference = as_dict(evaluate_predictions(val, cache, tmp_path / "a"))
    cache.path(val[0].name).write_bytes(b"garbage")
    with pytest.raises(Exception, match="unreadable cache file"):
        evaluate_predictions(val, cache, tmp_path / "b")
    from salbench.runner import evaluate

    with caplog.at_level(logging.WARNING, logger="salbench"):
        again = as_dict(evaluate(predictor, pid, val, tmp_path))
    assert "predicting video" in caplog.text
    assert cache.status(val[0]) == "done"
    for key, values in reference.items():
        assert same(list(values.values()), list(again[key].values()))


def test_missing_predictions_and_unlabelled_splits_are_clear_errors(synthetic_root, tmp_path):
    val = data.open_dataset("synthetic", synthetic_root("dhf1k"), "val")
    cache = PredictionCache(tmp_path, val.name, val.split, PredictorId("never_run"))
    with pytest.raises(FileNotFoundError, match="salbench predict"):
        evaluate_predictions(val, cache, tmp_path)
    test = data.open_dataset("synthetic", synthetic_root("dhf1k"), "test")
    with pytest.raises(ValueError, match="no ground truth"):
        make_frame_set(test, Protocol())


def test_a_frame_without_fixations_gives_nan_and_is_counted(synthetic_root, tmp_path):
    import json

    root = synthetic_root("dhf1k")
    empty = json.loads((root / "SYNTHETIC.json").read_text())["empty_frame"]
    train = data.open_dataset("synthetic", root, "train")  # holds the designated frame without fixations
    result = evaluate_predictions(train, noise_predictions(train, tmp_path), tmp_path)
    scores = result.scores[result.videos.index(empty["video"])]
    f = empty["frame"]
    # no fixation: NSS, AUC-J, s-AUC undefined; its GT map is all zero: CC undefined, SIM = 0 stays in
    assert all(np.isnan(scores[m][f]) for m in ("nss", "auc_j", "s_auc", "cc"))
    assert scores["sim"][f] == 0
    n_nan = sum(int(np.isnan(s["nss"]).sum()) for s in result.scores)
    assert n_nan == 1


def test_precomputed_pngs_score_like_the_cache(val, tmp_path):
    # PNG maps written from a prediction cache and read back by the precomputed predictor score the same
    cache = noise_predictions(val, tmp_path)
    for video in val:
        folder = tmp_path / "pngs" / video.name
        folder.mkdir(parents=True)
        for stem, pred in zip(video.stems, cache.read(video)):
            Image.fromarray(pred).save(folder / f"{stem}.png")
    predictor, pid = build_predictor(PredictorSpec.parse(f"precomputed:dir={tmp_path / 'pngs'},label=PNG"), val,
                                     tmp_path)
    predict(predictor, pid, val, tmp_path)
    png_cache = PredictionCache(tmp_path, val.name, val.split, pid)
    a = as_dict(evaluate_predictions(val, cache, tmp_path))
    b = as_dict(evaluate_predictions(val, png_cache, tmp_path))
    for key in a:
        assert same(list(a[key].values()), list(b[key].values()))


def test_float16_storage_scores_the_maps_values(val, tmp_path):
    cache = PredictionCache(tmp_path, val.name, val.split, PredictorId("smooth"), storage="float16")
    maps = {}
    for k, video in enumerate(val):
        h, w = video.size
        yy, xx = np.mgrid[0:h, 0:w]
        maps[video.name] = [np.exp(-((yy - h / 2 - f) ** 2 + (xx - w / 3) ** 2) / 200.0) for f in range(len(video))]
        cache.write(video, iter(maps[video.name]))
    result = as_dict(evaluate_predictions(val, cache, tmp_path, Protocol(metrics=("cc", "nss", "kld"))))
    for (name, f), values in result.items():
        video = val[name]
        direct = metrics.evaluate_frame(maps[name][f], video.gt_map_uint8(f), video.fixations(f),
                                        names=("cc", "nss", "kld"), kld_clip_negative=True)
        for m in ("cc", "nss", "kld"):
            assert values[m] == pytest.approx(direct[m], rel=2e-3, abs=2e-3, nan_ok=True)


@pytest.mark.parametrize("layout, name", [("hollywood2", "hollywood2"), ("ucf_sports", "ucf_sports")])
def test_datasets_with_several_frame_sizes_and_clip_clusters(synthetic_root, tmp_path, layout, name):
    """Hollywood-2 / UCF-Sports look-alikes: per-video sizes (the other map's points are mapped between sizes),
    and for Hollywood-2 shots clustered by clip in the bootstrap."""
    from salbench.leaderboard import leaderboard_table, render

    test = data.open_dataset(name, synthetic_root(layout), "test")
    sizes = {v.size for v in test}
    assert len(sizes) > 1
    predictor, pid = build_predictor(PredictorSpec.parse("center"), test, tmp_path)
    predict(predictor, pid, test, tmp_path)
    result = evaluate_predictions(test, PredictionCache(tmp_path, test.name, test.split, pid), tmp_path)
    assert sum(len(f) for f in result.frames) == sum(len(v) for v in test)
    s_auc = np.concatenate([s["s_auc"] for s in result.scores])
    assert np.isfinite(s_auc).sum() > 0.9 * len(s_auc)
    text = render(leaderboard_table([result], bootstrap=200, published=True), "markdown")
    unit = "clips" if len({v.group for v in test}) < len(test) else "videos"
    assert unit == ("clips" if name == "hollywood2" else "videos")  # shots cluster by clip
    assert f"of {len({v.group for v in test})} {unit}" in text
    assert "(published)" in text  # the leaderboard rows of that dataset
