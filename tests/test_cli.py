"""The console script, run as a user runs it (subprocess): every command, errors, help, the main job."""

import subprocess
import sys

import pandas as pd
import pytest

from salbench import cli, selfcheck


def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "salbench", *args], capture_output=True, text=True, timeout=600,
                          cwd=cwd, env=env)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A tiny synthetic DHF1K tree and a results folder in which center and spectral_residual have run."""
    from salbench import data

    base = tmp_path_factory.mktemp("cli")
    root = data.make_synthetic(base / "data", n_videos=10, n_frames=(4, 6), size=(36, 64), seed=1)
    results = base / "results"
    proc = run("run", "--root", str(root), "--results", str(results), "-p", "center", "-p", "spectral_residual",
               "--bootstrap", "300", "--quiet")
    assert proc.returncode == 0, proc.stderr
    return root, results, proc.stdout


def common(workspace):
    root, results, _ = workspace
    return ["--root", str(root), "--results", str(results)]


def test_run_prints_a_leaderboard(workspace):
    out = workspace[2]
    assert out.splitlines()[0].startswith("| Model") and "| center" in out and "| spectral_residual" in out
    assert "synthetic-val" in out and "protocol dhf1k-matlab v1" in out and "300 resamples" in out


def test_leaderboard_formats_and_out_file(workspace, tmp_path):
    proc = run("leaderboard", *common(workspace), "--bootstrap", "300")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == workspace[2]  # the same table as the run printed
    target = tmp_path / "board.csv"
    proc = run("leaderboard", *common(workspace), "--bootstrap", "300", "--format", "csv", "--out", str(target))
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(target)
    assert list(table["model"]) == ["center", "spectral_residual"] and "protocol" in table
    proc = run("leaderboard", *common(workspace), "--bootstrap", "300", "--format", "latex", "-p", "center")
    assert proc.returncode == 0 and r"\begin{tabular}" in proc.stdout and "spectral" not in proc.stdout
    proc = run("leaderboard", *common(workspace), "--statistic", "macro", "--bootstrap", "300")
    assert proc.returncode == 0 and "per-video (macro) mean" in proc.stdout
    proc = run("leaderboard", *common(workspace), "--seed", "5")  # another protocol: nothing evaluated
    assert proc.returncode == 2 and "no evaluated run" in proc.stderr


def test_compare(workspace):
    proc = run("compare", "spectral_residual", "center", *common(workspace), "--bootstrap", "300",
               "--permutations", "300")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("| pooled") or line.startswith("| macro")]
    assert len(lines) == 12 and "Holm" in proc.stdout
    proc = run("compare", "spectral_residual", "nothing", *common(workspace))
    assert proc.returncode == 2 and "no evaluated run 'nothing'" in proc.stderr


def test_predict_with_shards_then_evaluate(workspace):
    args = common(workspace)
    outs = [run("predict", *args, "-p", "motion", "--shard", f"{i}/2", "--quiet") for i in range(2)]
    assert all(p.returncode == 0 for p in outs), outs[0].stderr
    assert "shard 0/2" in outs[0].stdout and "shard 1/2" in outs[1].stdout
    again = run("predict", *args, "-p", "motion", "--quiet")
    assert "0 video(s) predicted" in again.stdout and "2 already cached" in again.stdout
    proc = run("evaluate", *args, "-p", "motion", "--quiet")
    assert proc.returncode == 0 and "frames of 2 videos scored" in proc.stdout
    proc = run("evaluate", *args, "-p", "center:sigma=0.1", "--quiet")  # never predicted
    assert proc.returncode == 2 and "salbench predict" in proc.stderr and "Traceback" not in proc.stderr


def test_salfom_tiny_end_to_end(workspace):
    proc = run("run", *common(workspace), "-p", "salfom_tiny:batch_size=4", "-p", "center", "--bootstrap", "300",
               "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "| salfom_tiny:batch_size=4" in proc.stdout
    proc = run("predict", *common(workspace), "-p", "salfom")
    assert proc.returncode == 2 and "needs its weights" in proc.stderr
    proc = run("run", *common(workspace), "--salfom-weights", "/no/such/SalFoM_DHF1K.pth")
    assert proc.returncode == 2 and "no weights file /no/such/SalFoM_DHF1K.pth" in proc.stderr


def test_torchrun_ranks_pick_the_shard(workspace):
    import os

    env = {**os.environ, "RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "1"}
    proc = run("predict", *common(workspace), "-p", "center:sigma=0.15", "--quiet", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "shard 1/2" in proc.stdout and "1 video(s) predicted" in proc.stdout


def test_export_writes_pngs_that_score_the_same(workspace, tmp_path):
    args = common(workspace)
    target = tmp_path / "pngs"
    proc = run("export", *args, "-p", "spectral_residual", "--out", str(target), "--quiet")
    assert proc.returncode == 0, proc.stderr
    videos = sorted(p.name for p in target.iterdir())
    assert videos == ["0601", "0602"] and (target / "0601" / "0001.png").is_file()
    proc = run("run", *args, "-p", f"precomputed:dir={target},label=PNG", "-p", "spectral_residual",
               "--bootstrap", "300", "--quiet", "--no-published")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split("|")[1].strip(): line.split("|")[3:] for line in proc.stdout.splitlines()
            if line.startswith("| PNG") or line.startswith("| spectral")}
    assert rows["PNG"] == rows["spectral_residual"]  # the PNGs hold exactly the cached levels
    proc = run("export", *args, "-p", "center:sigma=0.5", "--out", str(tmp_path / "x"))
    assert proc.returncode == 2 and "run `salbench predict` first" in proc.stderr


def test_list(workspace):
    proc = run("list", "--results", str(workspace[1]))
    assert proc.returncode == 0
    for word in ("center", "mean_map", "precomputed", "dhf1k", "hollywood2", "spectral_residual", "synthetic"):
        assert word in proc.stdout
    assert proc.stdout.count("| synthetic") >= 2


@pytest.mark.parametrize("args, message", [
    (["run", "--dataset", "dhf1k"], "--root is required"),
    (["run", "-p", "centre", "--root", "."], "did you mean center"),
    (["predict", "-p", "center", "--shard", "3/2", "--root", "."], "shard"),
    (["run", "--dataset", "hollywood2", "--root", "/no/such/folder"], "/no/such/folder"),
    (["run", "--dataset", "dhf1k", "--split", "tets", "--root", "."], "no split 'tets'"),
    (["predict", "--root", "."], "at least one predictor"),
    (["run", "-p", "center", "-p", "center", "--root", "."], "given twice"),
])
def test_bad_input_is_one_line_and_exit_code_2(args, message):
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_debug_shows_the_traceback():
    proc = run("--debug", "run", "--dataset", "dhf1k")
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_help_of_every_command():
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("run", "predict", "evaluate", "leaderboard", "compare", "list", "check-dataset", "selfcheck"):
        assert command in proc.stdout
        sub = run(command, "--help")
        assert sub.returncode == 0 and "usage: salbench" in sub.stdout, command
    assert "--shard" in run("predict", "--help").stdout
    assert "--max-frames" in run("evaluate", "--help").stdout
    assert "--format" in run("leaderboard", "--help").stdout
    assert run("--version").stdout.startswith("salbench ")


def test_selfcheck_and_a_failing_check(monkeypatch, capsys):
    proc = run("selfcheck", "--repeats", "3")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(" ok") == len(selfcheck.CHECKS) and "ms/frame" in proc.stdout
    broken = selfcheck.Check("deliberately wrong", lambda: 1.0, 2.0)
    monkeypatch.setattr(selfcheck, "CHECKS", selfcheck.CHECKS + (broken,))
    assert cli.main(["selfcheck", "--no-timing"]) == 1
    out = capsys.readouterr()
    assert "deliberately wrong" in out.out and "FAILED" in out.out and "1 self-check case" in out.err


@pytest.mark.parametrize("check", selfcheck.CHECKS, ids=lambda c: c.name)
def test_every_builtin_check_passes(check):
    assert check.passed()


def test_the_main_job_with_no_arguments(tmp_path):
    """`salbench` alone: builds the demo dataset under ./results, runs the baselines, prints the leaderboard."""
    proc = run("run", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in ("center", "mean_map", "spectral_residual", "motion"):
        assert f"| {name}" in proc.stdout
    assert "synthetic-val: 4 videos, 120 frames" in proc.stdout
    assert (tmp_path / "results" / "synthetic" / "SYNTHETIC.json").is_file()
    second = run(cwd=tmp_path)  # plain `salbench`, everything cached
    assert second.returncode == 0 and second.stdout == proc.stdout
