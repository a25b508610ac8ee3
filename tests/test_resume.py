"""Crash safety: a run killed with SIGKILL and rerun prints a leaderboard byte-identical to an uninterrupted run;
damaged cache files are reported and recomputed."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import h5py
import pytest

from salbench import data

SLOW_PLUGIN = """
import time

from predictors.baselines import SpectralResidual


class Slow(SpectralResidual):
    \"\"\"spectral_residual, 40 ms per frame: slow enough to be killed mid-way.\"\"\"

    name = "slow"

    def predict_video(self, video):
        for saliency in super().predict_video(video):
            time.sleep(0.04)
            yield saliency


def make_slow():
    return Slow()
"""


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """A synthetic tree with 3 val videos and a 'slow' predictor installed as a plug-in (entry point)."""
    base = tmp_path_factory.mktemp("resume")
    root = data.make_synthetic(base / "data", n_videos=15, n_frames=(8, 10), size=(36, 64), seed=2)
    plugin = base / "plugin"
    plugin.mkdir()
    (plugin / "slow_saliency.py").write_text(textwrap.dedent(SLOW_PLUGIN))
    dist = plugin / "slow_saliency-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: slow-saliency\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[salbench.predictors]\nslow = slow_saliency:make_slow\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin), os.environ.get("PYTHONPATH", "")])}
    return root, env


def command(root, results):
    return [sys.executable, "-m", "salbench", "run", "--root", str(root), "--results", str(results), "-p", "center",
            "-p", "slow", "-p", "motion", "--bootstrap", "500", "--quiet"]


def finished(results, pattern):
    return [p for p in results.glob(pattern) if not p.name.startswith(".")]


def run_until(cmd, env, ready, timeout=120.0):
    """Start ``cmd``, SIGKILL it as soon as ``ready()`` holds; returns the return code."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


def test_sigkill_mid_run_then_rerun_gives_a_byte_identical_leaderboard(setting, tmp_path):
    root, env = setting
    reference = subprocess.run(command(root, tmp_path / "uninterrupted"), env=env, capture_output=True, timeout=600)
    assert reference.returncode == 0, reference.stderr.decode()

    results = tmp_path / "killed"
    # killed while the slow predictor is between videos: one finished file, the next being written
    slow_files = "cache/predictions/synthetic/val/slow-*/*.h5"
    assert run_until(command(root, results), env, lambda: len(finished(results, slow_files)) >= 1) == -9
    assert len(finished(results, slow_files)) < 3
    # killed again during the evaluation of the slow predictor
    metric_files = "cache/metrics/synthetic/val/slow-*/*/*.h5"
    assert run_until(command(root, results), env, lambda: len(finished(results, metric_files)) >= 1) == -9

    rerun = subprocess.run(command(root, results), env=env, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert rerun.stdout == reference.stdout
    assert b"| slow" in rerun.stdout
    # no temporary file of the killed processes is left behind
    assert not [p for p in results.rglob(".*tmp-*") if p.parent.name.startswith("slow")]


def test_damaged_cache_files_are_reported_and_recomputed(setting, tmp_path):
    root, env = setting
    results = tmp_path / "r"
    first = subprocess.run(command(root, results), env=env, capture_output=True, timeout=600)
    assert first.returncode == 0, first.stderr.decode()
    prediction = sorted(finished(results, "cache/predictions/synthetic/val/center-*/*.h5"))[0]
    prediction.write_bytes(prediction.read_bytes()[:100])  # truncated
    metric = sorted(finished(results, "cache/metrics/synthetic/val/motion-*/*/*.h5"))[-1]
    with h5py.File(metric, "r") as f:  # flip bytes inside the stored CC values
        offset = f["cc"].id.get_chunk_info(0).byte_offset
    raw = bytearray(metric.read_bytes())
    for k in range(4):
        raw[offset + k] ^= 0xFF
    metric.write_bytes(bytes(raw))
    second = subprocess.run(command(root, results), env=env, capture_output=True, timeout=600)
    assert second.returncode == 0, second.stderr.decode()
    stderr = second.stderr.decode()
    assert "prediction cache of center" in stderr and "recomputing" in stderr
    assert "metrics cache damaged" in stderr
    assert second.stdout == first.stdout
