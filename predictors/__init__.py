"""First-party salbench predictor plug-ins.

They register through the ``salbench.predictors`` entry-point group, the same one a third-party plug-in uses
(``../shared/specs/api.md``). The registry, the baselines (``baselines.py``) and the SalFoM plug-in
(``salfom/``) are built in the runner and SalFoM issues; this package holds no predictor yet.
"""
