"""First-party salbench predictor plug-ins.

They register through the ``salbench.predictors`` entry-point group, the same one a third-party plug-in uses
(``../shared/specs/api.md``): ``baselines`` (``center``, ``mean_map``, ``spectral_residual``, ``motion``,
``precomputed``). The SalFoM plug-in (``salfom/``) is built in its own issue.
"""
