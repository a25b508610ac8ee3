"""Leaderboards: measured runs (with bootstrap CIs) beside published numbers, as Markdown, CSV or LaTeX.

The table is a pandas DataFrame (:func:`leaderboard_table`) with one row per model and, per metric, the value
and the CI bounds. :func:`render` turns it into a GitHub-Markdown table (tabulate), a CSV whose every row carries
its full provenance (``../shared/specs/protocol.md`` section 11), or a LaTeX ``table`` with booktabs rules, the
best measured value of every column in bold and arrows for higher/lower-is-better. Markdown and LaTeX carry the
protocol footer. Published rows come from ``results/published/published.csv``; they are marked, show their
split and source, and never take part in "best" marks or paired tests (section 12).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .evaluation import EvaluationResult, require_comparable
from .metrics import HIGHER_IS_BETTER
from .protocol import Protocol
from .stats import MetricSummary, summarize

DISPLAY_ORDER = ("auc_j", "sim", "s_auc", "cc", "nss", "kld")  # the order of the DHF1K benchmark tables
TITLES = {"auc_j": "AUC-J", "sim": "SIM", "s_auc": "s-AUC", "cc": "CC", "nss": "NSS", "kld": "KLD"}
FORMATS = ("markdown", "csv", "latex")
STATISTICS = ("pooled", "macro")
PUBLISHED_ENV = "SALBENCH_PUBLISHED"
DATASET_TITLES = {"dhf1k": "DHF1K", "hollywood2": "Hollywood-2", "ucf_sports": "UCF-Sports", "synthetic": "synthetic"}


def published_csv() -> Path | None:
    """``$SALBENCH_PUBLISHED``, else the repository's ``results/published/published.csv`` (None if absent)."""
    if os.environ.get(PUBLISHED_ENV):
        return Path(os.environ[PUBLISHED_ENV])
    candidate = Path(__file__).resolve().parents[1] / "results" / "published" / "published.csv"
    return candidate if candidate.is_file() else None


def published_rows(dataset: str, path: str | Path | None = None) -> pd.DataFrame:
    """The published numbers for ``dataset`` (empty when there are none or the file is not found)."""
    path = Path(path) if path is not None else published_csv()
    if path is None or not path.is_file():
        return pd.DataFrame()
    table = pd.read_csv(path, dtype={"split": str})
    table = table[table["dataset"] == dataset]
    rows = []
    for _, r in table.iterrows():
        row: dict[str, Any] = {"model": r["method"], "kind": "published", "dataset": dataset, "split": r["split"],
                               "statistic": "published", "source": r["source"], "note": r.get("note", "")}
        for m in DISPLAY_ORDER:
            value = r.get(m)
            row[m] = float(value) if value is not None and not pd.isna(value) else float("nan")
            row[f"{m}_low"] = row[f"{m}_high"] = float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def measured_row(result: EvaluationResult, summary: dict[str, MetricSummary], statistic: str,
                 options: dict[str, Any]) -> dict[str, Any]:
    """One measured row: values, CI bounds, counts and the provenance of the run."""
    record = result.record
    row: dict[str, Any] = {"model": record["predictor"]["label"], "kind": "measured", "dataset": record["dataset"],
                           "split": record["split"], "statistic": statistic,
                           "n_frames": record["frame_set"]["n_frames"], "n_videos": record["frame_set"]["n_videos"],
                           "source": "salbench", "note": ""}
    for m in DISPLAY_ORDER:
        if m not in summary:
            row[m] = row[f"{m}_low"] = row[f"{m}_high"] = float("nan")
            continue
        interval = getattr(summary[m], statistic)
        row[m], row[f"{m}_low"], row[f"{m}_high"] = interval.value, interval.low, interval.high
        row[f"{m}_n_valid"], row[f"{m}_n_nan"] = summary[m].n_valid, summary[m].n_nan
    row["predictor"] = record["predictor"]["name"]
    row["predictor_config"] = json.dumps(record["predictor"]["config"], sort_keys=True)
    row["weights_sha256"] = record["predictor"]["weights_sha256"] or ""
    row["protocol"] = json.dumps(record["protocol"], sort_keys=True)
    row["frame_set"] = record["frame_set"]["key"]
    row["statistics"] = json.dumps(options, sort_keys=True)
    row["salbench_version"] = record["salbench_version"]
    return row


def leaderboard_table(results: Sequence[EvaluationResult], *, statistic: str = "pooled", bootstrap: int = 10_000,
                      ci_level: float = 0.95, bootstrap_seed: int = 0, published: bool = True,
                      published_path: str | Path | None = None) -> pd.DataFrame:
    """The leaderboard of ``results`` (runs on the same dataset split and protocol) as a DataFrame.

    Runs on different datasets, splits, frame sets or protocols are refused (their numbers are not comparable).
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    if not results:
        raise ValueError("no evaluated run to show; run `salbench evaluate` (or `salbench run`) first")
    require_comparable(results, purpose="a leaderboard compares like with like")
    first = results[0].record
    options = {"bootstrap": bootstrap, "ci_level": ci_level, "bootstrap_seed": bootstrap_seed,
               "cluster": "group"}
    rows, dropped = [], []
    for result in results:
        metrics = tuple(result.record["protocol"]["metrics"])
        summary = summarize(result.scores, result.groups, metrics, bootstrap=bootstrap, ci_level=ci_level,
                            bootstrap_seed=bootstrap_seed)
        rows.append(measured_row(result, summary, statistic, options))
        nan = [f"{TITLES[m]} {summary[m].n_nan}" for m in DISPLAY_ORDER if m in summary and summary[m].n_nan]
        if nan:
            dropped.append(f"{result.record['predictor']['label']}: {', '.join(nan)}")
    table = pd.DataFrame(rows)
    if published:
        extra = published_rows(first["dataset"], published_path)
        if len(extra):
            table = pd.concat([table, extra], ignore_index=True)
    table.attrs["footer"] = footer(results, statistic, bootstrap, ci_level, bootstrap_seed,
                                   has_published=bool(published and (table["kind"] == "published").any()))
    if dropped:  # undefined scores (no fixation, constant map) are left out of the means, and said so
        table.attrs["footer"].insert(2, "Frames with an undefined score (NaN), left out: " + "; ".join(dropped) + ".")
    return table


def dataset_title(dataset: str, split: str) -> str:
    return f"{DATASET_TITLES.get(dataset, dataset)}-{split}"


def footer(results: Sequence[EvaluationResult], statistic: str, bootstrap: int, ci_level: float,
           bootstrap_seed: int, has_published: bool) -> list[str]:
    """The protocol lines printed under a table."""
    record = results[0].record
    protocol = Protocol.from_dict(record["protocol"])
    fs = record["frame_set"]
    n_clusters = len(set(results[0].groups))
    unit = "videos" if n_clusters == len(results[0].groups) else "clips"
    stat = ("frame-pooled mean over all valid frames (official)" if statistic == "pooled"
            else "per-video (macro) mean")
    lines = [f"{dataset_title(record['dataset'], record['split'])}: {fs['n_videos']} videos, {fs['n_frames']} "
             f"frames scored (of {fs['n_frames_split']}); frame set {fs['key']}.",
             f"{stat}; +/- is half the width of the {ci_level:.0%} percentile bootstrap CI ({bootstrap} resamples "
             f"of {n_clusters} {unit}, seed {bootstrap_seed}); exact bounds in the CSV.",
             f"{protocol.describe()}; salbench {__version__}. Bold: best measured value per column."]
    if has_published:
        lines.append("(published): numbers as published, on the split shown, from results/published "
                     "(sources there); not recomputed by salbench and not comparable with local val numbers.")
    return lines


def _best(table: pd.DataFrame, metric: str) -> float:
    measured = table.loc[table["kind"] == "measured", metric].to_numpy(dtype=np.float64)
    measured = measured[np.isfinite(measured)]
    if not len(measured):
        return float("nan")
    return float(measured.max() if HIGHER_IS_BETTER[metric] else measured.min())


def _shown_metrics(table: pd.DataFrame) -> list[str]:
    return [m for m in DISPLAY_ORDER if m in table and table[m].notna().any()]


def _cells(table: pd.DataFrame, latex: bool) -> tuple[list[str], list[list[str]]]:
    metrics = _shown_metrics(table)
    arrow = (lambda m: r"$\uparrow$" if HIGHER_IS_BETTER[m] else r"$\downarrow$") if latex else \
        (lambda m: "↑" if HIGHER_IS_BETTER[m] else "↓")
    headers = ["Model", "Data"] + [f"{_escape(TITLES[m]) if latex else TITLES[m]} {arrow(m)}" for m in metrics]
    best = {m: _best(table, m) for m in metrics}
    body = []
    for _, row in table.iterrows():
        published = row["kind"] == "published"
        name = f"{row['model']} (published)" if published else str(row["model"])
        cells = [_escape(name) if latex else name, row["split"]]
        for m in metrics:
            value = row[m]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                cells.append("--" if latex else "–")
                continue
            text = f"{value:.3f}"
            low, high = row.get(f"{m}_low"), row.get(f"{m}_high")
            if not published and low is not None and np.isfinite(low) and np.isfinite(high):
                half = (high - low) / 2
                text = f"{text} $\\pm$ {half:.3f}" if latex else f"{text} ± {half:.3f}"
            if not published and np.isfinite(best[m]) and value == best[m]:
                text = rf"\textbf{{{text}}}" if latex else f"**{text}**"
            cells.append(text)
        body.append(cells)
    return headers, body


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(c, c) for c in str(text))


def to_markdown(table: pd.DataFrame) -> str:
    from tabulate import tabulate

    headers, body = _cells(table, latex=False)
    text = tabulate(body, headers=headers, tablefmt="github", disable_numparse=True)
    return text + "\n\n" + "\n".join(table.attrs.get("footer", [])) + "\n"


def to_csv(table: pd.DataFrame) -> str:
    return table.to_csv(index=False, float_format="%.10g", lineterminator="\n")


def to_latex(table: pd.DataFrame, caption: str | None = None, label: str = "tab:salbench") -> str:
    headers, body = _cells(table, latex=True)
    n_metrics = len(headers) - 2
    lines = [r"% requires \usepackage{booktabs}", r"\begin{table}[t]", r"\centering"]
    if caption is None:
        first = table.iloc[0]
        caption = f"Saliency prediction on {dataset_title(first['dataset'], first['split'])} (salbench)."
    lines += [rf"\caption{{{_escape(caption)}}}", rf"\label{{{label}}}", r"\small",
              rf"\begin{{tabular}}{{ll{'c' * n_metrics}}}", r"\toprule",
              " & ".join(headers) + r" \\", r"\midrule"]
    kinds = list(table["kind"])
    for i, cells in enumerate(body):
        if i and kinds[i] == "published" and kinds[i - 1] != "published":
            lines.append(r"\midrule")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    notes = table.attrs.get("footer", [])
    if notes:
        lines += [r"\par\smallskip", r"\begin{minipage}{\linewidth}\footnotesize"]
        lines += [_escape(n).replace("+/-", r"$\pm$") + r"\par" for n in notes]
        lines.append(r"\end{minipage}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def render(table: pd.DataFrame, fmt: str = "markdown", **kwargs: Any) -> str:
    """``table`` as ``"markdown"``, ``"csv"`` or ``"latex"`` text."""
    if fmt == "markdown":
        return to_markdown(table)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "latex":
        return to_latex(table, **kwargs)
    raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
