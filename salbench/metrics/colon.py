"""MATLAB number semantics that the saliency metrics depend on: ``round`` and the colon operator.

``matlab_colon(a, d, b)`` reproduces MATLAB's ``a:d:b``, which builds the range from **both ends**
(MathWorks' published description of the colon algorithm) and therefore differs from ``np.arange``,
``np.linspace`` and GNU Octave (``a + k*d`` for every k) by one ulp at some elements. The shuffled AUC of
the MIT saliency benchmark thresholds min-max normalised 8-bit maps, which take the values k/255, at
``0:0.1:max``; a one-ulp threshold shift moves pixels across it (``../shared/specs/metrics.md`` section 8).
"""

from __future__ import annotations

import math

import numba
import numpy as np

EPS = 2.220446049250313e-16  # np.finfo(np.float64).eps, MATLAB ``eps``

_JIT = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")


@numba.njit(**_JIT)
def _round_half_away(x: float) -> float:
    r = math.floor(abs(x))
    if abs(x) - r >= 0.5:
        r += 1.0
    return math.copysign(r, x) if x != 0.0 else x


def matlab_round(x: float) -> float:
    """MATLAB ``round``: half away from zero (``np.round`` rounds half to even).

    Computed as ``r = floor(|x|); r += 1 if |x| - r >= 0.5``, which is also right for
    0.49999999999999994, where ``floor(x + 0.5)`` gives 1.
    """
    return float(_round_half_away(float(x)))


@numba.njit(**_JIT)
def _round_half_away_array(x: np.ndarray) -> np.ndarray:
    out = np.empty(x.shape, dtype=np.float64)
    for i in range(x.size):
        out.flat[i] = _round_half_away(x.flat[i])
    return out


def matlab_round_array(x: np.ndarray) -> np.ndarray:
    """:func:`matlab_round` element-wise (float64 array of the same shape)."""
    return _round_half_away_array(np.ascontiguousarray(x, dtype=np.float64))


@numba.njit(**_JIT)
def _is_integer(x: float) -> bool:
    return math.floor(x) == x


@numba.njit(**_JIT)
def colon_kernel(a: float, d: float, b: float) -> np.ndarray:
    """Numba implementation of :func:`matlab_colon` (see there)."""
    if d == 0.0 or (b - a) * d < 0.0:
        return np.empty(0, dtype=np.float64)
    tol = 2.0 * EPS * max(abs(a), abs(b))
    sign_d = 1.0 if d > 0.0 else -1.0
    if _is_integer(a) and d == 1.0:
        n = int(math.floor(b) - a)
    elif _is_integer(a) and _is_integer(d):
        q = math.floor(a / d)
        r = a - q * d
        n = int(math.floor((b - r) / d) - math.floor((a - r) / d))
    else:
        n = int(_round_half_away((b - a) / d))
        if sign_d * (a + n * d - b) > tol:
            n -= 1
    last = a + n * d
    if sign_d * (last - b) > -tol:
        last = b
    out = np.empty(n + 1, dtype=np.float64)
    for k in range(n // 2 + 1):
        out[k] = a + k * d
        out[n - k] = last - k * d
    if n % 2 == 0:
        out[n // 2] = (a + last) / 2.0
    return out


def matlab_colon(a: float, d: float, b: float) -> np.ndarray:
    """MATLAB's colon operator ``a:d:b`` as a float64 array, element for element.

    Parameters
    ----------
    a, d, b : float
        Start, increment and end; finite, ``d != 0``.

    Returns
    -------
    numpy.ndarray
        Empty when ``b - a`` has the opposite sign to ``d``. Otherwise ``n + 1`` values, the first half
        computed as ``a + k*d`` and the second half as ``last - k*d``, the middle one (n even) as
        ``(a + last)/2``, where ``last`` is snapped to ``b`` when within ``2*eps*max(|a|, |b|)``.

    Examples
    --------
    >>> matlab_colon(0, 0.1, 1)[6] == 0.6      # np.arange gives 0.6000000000000001
    True

    References
    ----------
    MathWorks, "colon, :" (the algorithm note on how ranges are built from both ends); the s-AUC
    thresholds of the MIT saliency benchmark ``AUC_shuffled.m`` (``0:0.1:max``).
    """
    values = [float(v) for v in (a, d, b)]
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"matlab_colon needs finite a, d, b, got {a!r}, {d!r}, {b!r}")
    if values[1] == 0.0:
        raise ValueError("matlab_colon needs a non-zero increment d")
    return colon_kernel(*values)
