"""salbench: an exact, fast and reproducible benchmark for video saliency prediction.

Subpackages: :mod:`salbench.metrics` (CC, NSS, SIM, KLD, AUC-Judd, shuffled AUC and MATLAB ``imresize``).
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("salbench")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"

__all__ = ["__version__"]
