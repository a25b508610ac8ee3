"""Leaderboard tables: values, bold best per column, arrows, published rows, CSV provenance, LaTeX structure."""

import io
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from salbench import __version__
from salbench.evaluation import EvaluationResult
from salbench.leaderboard import leaderboard_table, published_rows, render
from salbench.protocol import Protocol


def make_result(label, per_video, dataset="dhf1k", protocol=None):
    """A finished run whose videos hold the given per-frame values for every metric."""
    protocol = protocol or Protocol()
    scores = [{m: np.asarray(values[m], float) for m in protocol.metrics} for values in per_video]
    n = sum(len(s["cc"]) for s in scores)
    record = {"salbench_version": __version__, "protocol": protocol.to_dict(), "dataset": dataset, "split": "val",
              "predictor": {"name": label, "label": label, "config": {"k": 1}, "weights_sha256": None},
              "frame_set": {"key": "fs0", "n_videos": len(scores), "n_frames": n, "n_frames_split": n}}
    videos = [f"{i:04d}" for i in range(len(scores))]
    return EvaluationResult(record, videos, videos, [np.arange(len(s["cc"])) for s in scores], scores, None)


def constant(value, n_videos=3, n_frames=2, kld=None):
    return [{**{m: [value] * n_frames for m in ("cc", "nss", "sim", "auc_j", "s_auc")},
             "kld": [kld if kld is not None else value] * n_frames} for _ in range(n_videos)]


@pytest.fixture()
def results():
    return [make_result("good", constant(0.8, kld=0.5)), make_result("bad_model", constant(0.4, kld=2.0))]


def test_table_values_and_counts(results):
    table = leaderboard_table(results, bootstrap=100, published=False)
    good = table[table["model"] == "good"].iloc[0]
    assert good["cc"] == pytest.approx(0.8) and good["cc_low"] == pytest.approx(0.8)
    assert good["n_frames"] == 6 and good["n_videos"] == 3 and good["cc_n_valid"] == 6 and good["cc_n_nan"] == 0


def test_markdown_bold_best_and_arrows(results):
    text = render(leaderboard_table(results, bootstrap=100, published=False), "markdown")
    header = text.splitlines()[0]
    assert "AUC-J ↑" in header and "KLD ↓" in header
    good = next(line for line in text.splitlines() if line.startswith("| good"))
    bad = next(line for line in text.splitlines() if line.startswith("| bad_model"))
    assert good.count("**") == 12  # all six columns bold: higher is better, and KLD 0.5 < 2.0
    assert "**" not in bad
    assert "0.800 ± 0.000" in good
    assert "protocol dhf1k-matlab v1" in text and f"salbench {__version__}" in text and "DHF1K-val" in text


def test_published_rows_are_marked_and_never_bold(results):
    table = leaderboard_table(results, bootstrap=100)
    published = table[table["kind"] == "published"]
    assert len(published) > 5 and set(published["split"]) == {"test"}
    salfom = published[published["model"] == "SalFoM"].iloc[0]
    assert salfom["cc"] == pytest.approx(0.5692) and salfom["nss"] == pytest.approx(3.3536)  # published.csv
    text = render(table, "markdown")
    row = next(line for line in text.splitlines() if line.startswith("| SalFoM (published)"))
    assert "**" not in row and "0.922" in row and "–" in row  # s-AUC not published
    assert "not comparable" in text
    assert len(published_rows("synthetic")) == 0


def test_csv_rows_carry_values_and_provenance(results):
    table = leaderboard_table(results, bootstrap=100)
    back = pd.read_csv(io.StringIO(render(table, "csv")))
    good = back[back["model"] == "good"].iloc[0]
    assert good["auc_j"] == pytest.approx(0.8) and good["kld"] == pytest.approx(0.5)
    assert good["salbench_version"] == __version__
    assert '"resize": "matlab"' in good["protocol"] and good["frame_set"] == "fs0"
    assert set(back["kind"]) == {"measured", "published"}


def test_latex_structure(results):
    text = render(leaderboard_table(results, bootstrap=100), "latex")
    lines = text.splitlines()
    assert lines[1] == r"\begin{table}[t]" and lines[-1] == r"\end{table}"
    assert text.count(r"\toprule") == 1 and text.count(r"\bottomrule") == 1 and text.count(r"\midrule") == 2
    spec = re.search(r"\\begin\{tabular\}\{(\w+)\}", text).group(1)
    body = text[text.index(r"\toprule"):text.index(r"\bottomrule")]
    rows = [line for line in body.splitlines() if line.endswith(r"\\")]
    assert len(rows) == 1 + 2 + len(published_rows("dhf1k"))
    assert all(row.count("&") == len(spec) - 1 for row in rows)
    assert r"bad\_model" in text and "bad_model" not in text.replace(r"bad\_model", "")
    assert r"\textbf{0.800 $\pm$ 0.000}" in text and r"$\downarrow$" in text
    assert text.count("{") == text.count("}")
    assert text.count("$") % 2 == 0


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed (the string test above "
                    "covers the structure)")
def test_latex_compiles(results, tmp_path):
    table = render(leaderboard_table(results, bootstrap=100), "latex")
    doc = "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n" + table + "\\end{document}\n"
    (tmp_path / "t.tex").write_text(doc)
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "t.tex"], cwd=tmp_path, capture_output=True)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_incomparable_runs_are_refused():
    a = make_result("a", constant(0.5))
    b = make_result("b", constant(0.5), protocol=Protocol(seed=1))
    with pytest.raises(ValueError, match="differ in protocol"):
        leaderboard_table([a, b], bootstrap=10)
    with pytest.raises(ValueError, match="no evaluated run"):
        leaderboard_table([], bootstrap=10)
    with pytest.raises(ValueError, match="format"):
        render(leaderboard_table([a], bootstrap=10), "html")


def test_nan_frames_are_counted_in_the_footer():
    values = constant(0.5)
    values[0]["nss"] = [float("nan"), 0.5]
    values[1]["auc_j"] = [float("nan"), float("nan")]
    text = render(leaderboard_table([make_result("m", values)], bootstrap=10, published=False), "markdown")
    assert "undefined score (NaN), left out: m: AUC-J 2, NSS 1." in text
    clean = render(leaderboard_table([make_result("m", constant(0.5))], bootstrap=10, published=False), "markdown")
    assert "NaN" not in clean
