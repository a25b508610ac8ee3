"""`salbench check-dataset`: OK on every synthetic layout, and every problem of a damaged copy reported."""

import shutil
import subprocess
import sys

import pytest

from salbench.data.check import check_dataset

DATASET_OF = {"dhf1k": "synthetic", "dhf1k_split": "synthetic", "hollywood2": "hollywood2", "ucf_sports": "ucf_sports"}


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "salbench", "check-dataset", *args, "--quiet"],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("layout", list(DATASET_OF))
def test_every_synthetic_layout_checks_ok(synthetic_root, layout):
    root = synthetic_root(layout)
    proc = run_cli("--dataset", DATASET_OF[layout], "--root", str(root))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: every file listed and decoded" in proc.stdout
    assert "problem" not in proc.stdout


def test_a_damaged_copy_reports_each_problem(synthetic_root, tmp_path):
    root = tmp_path / "damaged"
    shutil.copytree(synthetic_root("dhf1k"), root)
    (root / "annotation/0002/maps/0003.png").unlink()                       # a missing map
    (root / "annotation/0001/maps/0002.png").write_bytes(b"not a png")    # an unreadable file
    (root / "annotation/0003/fixation/0001.png").write_bytes(                # PNG and .mat disagree
        (root / "annotation/0003/fixation/0002.png").read_bytes())
    shutil.rmtree(root / "annotation/0601")                                  # a missing video (val count)
    report = check_dataset("synthetic", root, decode=True)
    text = "\n".join(report.problems)
    assert "annotation/0002/fixation/0003.png has no GT map" in text
    assert "unreadable image" in text and "annotation/0001/maps/0002.png" in text
    assert "video 0003, frame 0: fixation PNG and .mat differ" in text
    assert "split val: 1 videos found, the card says 2" in text
    proc = run_cli("--dataset", "synthetic", "--root", str(root))
    assert proc.returncode == 1
    assert "problem(s)" in proc.stdout and "annotation/0001/maps/0002.png" in proc.stdout
    counts_only = run_cli("--dataset", "synthetic", "--root", str(root), "--no-decode", "--split", "val")
    assert counts_only.returncode == 1 and "1 / 2" in counts_only.stdout


def test_real_card_counts_are_compared(tmp_path, synthetic_root):
    root = tmp_path / "h2"
    shutil.copytree(synthetic_root("hollywood2"), root)
    (root / "SYNTHETIC.json").unlink()  # no manifest: the real card's counts apply
    report = check_dataset("hollywood2", root, ["test"], decode=False)
    assert any("videos found, the card says 884" in p for p in report.problems)
    assert any("shots found, the card says 3558" in p for p in report.problems)


def test_bad_arguments_give_one_line_errors(tmp_path):
    proc = run_cli("--dataset", "dhf1k", "--root", str(tmp_path), "--split", "dev")
    assert proc.returncode == 2 and proc.stderr.startswith("salbench: error: ") and "Traceback" not in proc.stderr
    proc = run_cli("--dataset", "mit1003", "--root", str(tmp_path))
    assert proc.returncode == 2 and "mit1003" in proc.stderr
