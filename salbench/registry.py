"""The predictor registry: named factories, discovered through the ``salbench.predictors`` entry-point group.

>>> from salbench import registry
>>> @registry.register_predictor("my_model")
... def my_model(**kwargs):
...     return MyModel(**kwargs)
>>> registry.create_predictor("my_model", threshold=0.5)

Modelled on timm's model registry (``register_model`` / ``list_models`` / ``create_model``). A plug-in package
declares, in its ``pyproject.toml``::

    [project.entry-points."salbench.predictors"]
    my_model = "my_package.saliency"          # a module whose import registers its predictors, or
    other = "my_package.saliency:make_other"  # a factory, registered under the entry point's name

salbench's own predictors (``predictors/``) register through that same group. A plug-in that fails to import
does not break the others: it is reported by :func:`plugin_errors` and named when asked for.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib.metadata
import inspect
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

ENTRY_POINT_GROUP = "salbench.predictors"
DEFAULT_PREDICTORS = ("center", "mean_map", "spectral_residual", "motion")
"""The predictors `salbench run` uses when none is named (the baselines, all CPU-friendly)."""


@runtime_checkable
class Predictor(Protocol):
    """What the runner needs of a predictor.

    ``name`` and ``config`` (everything that changes the output, JSON-serialisable) form the prediction-cache
    key; an optional ``weights_sha256`` attribute joins them. ``predict_video(video)`` yields one 2-D float map
    per frame of the :class:`salbench.data.Video`, in order, at the video's native frame size (precomputed
    maps may come at another size; the evaluator resizes them as the protocol says).
    """

    name: str
    config: dict[str, Any]

    def predict_video(self, video: Any) -> Iterator[np.ndarray]: ...


@dataclass(frozen=True)
class PredictorContext:
    """What the runner knows when it builds a predictor; passed as ``context=`` to factories that accept it.

    ``mean_map`` uses it to find the training split of the evaluated dataset and to cache its mean map.
    """

    dataset: str
    root: Path
    split: str
    cache_root: Path
    dataset_options: dict[str, Any] = field(default_factory=dict)
    progress: bool = False


_FACTORIES: dict[str, Callable[..., Predictor]] = {}
_ORIGINS: dict[str, str] = {}
_PLUGIN_ERRORS: dict[str, str] = {}
_discovered = False


def register_predictor(name: str, *, overwrite: bool = False) -> Callable[[Callable[..., Predictor]],
                                                                         Callable[..., Predictor]]:
    """Decorator that registers a factory function or a class under ``name``.

    Re-registering a name with a different factory raises ``ValueError`` unless ``overwrite=True``
    (re-importing the same module is harmless).
    """
    if not isinstance(name, str) or not name or any(c in name for c in " /:,="):
        raise ValueError(f"predictor name must be a non-empty string without spaces, '/', ':', ',' or '=': "
                         f"{name!r}")

    def decorator(factory: Callable[..., Predictor]) -> Callable[..., Predictor]:
        origin = f"{getattr(factory, '__module__', '?')}.{getattr(factory, '__qualname__', factory)}"
        if name in _FACTORIES and _ORIGINS[name] != origin and not overwrite:
            raise ValueError(f"predictor {name!r} is already registered by {_ORIGINS[name]}; pass overwrite=True "
                             f"to replace it")
        _FACTORIES[name] = factory
        _ORIGINS[name] = origin
        return factory

    return decorator


def discover_plugins(*, reload: bool = False) -> None:
    """Load every entry point of the ``salbench.predictors`` group (once, unless ``reload``)."""
    global _discovered
    if _discovered and not reload:
        return
    _discovered = True
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as err:  # a broken plug-in must not break the others
            _PLUGIN_ERRORS[ep.name] = f"entry point {ep.name} = {ep.value!r} failed to load: " \
                                      f"{type(err).__name__}: {err}"
            continue
        if isinstance(obj, types.ModuleType):
            continue  # importing the module ran its @register_predictor decorators
        if not callable(obj):
            _PLUGIN_ERRORS[ep.name] = f"entry point {ep.name} = {ep.value!r} is neither a module nor callable"
            continue
        if ep.name not in _FACTORIES:
            register_predictor(ep.name)(obj)


def plugin_errors() -> dict[str, str]:
    """Entry points that failed to load, with the reason."""
    discover_plugins()
    return dict(_PLUGIN_ERRORS)


def list_predictors(pattern: str = "*") -> list[str]:
    """Sorted names of the registered predictors that match the shell-style ``pattern``."""
    discover_plugins()
    return sorted(n for n in _FACTORIES if fnmatch.fnmatchcase(n, pattern))


def get_factory(name: str) -> Callable[..., Predictor]:
    """The factory registered under ``name``; ``KeyError`` listing close matches otherwise."""
    discover_plugins()
    if name not in _FACTORIES:
        close = difflib.get_close_matches(name, list(_FACTORIES), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        broken = [msg for ep, msg in _PLUGIN_ERRORS.items() if ep == name or name in msg]
        extra = f" ({broken[0]})" if broken else ""
        raise KeyError(f"unknown predictor {name!r}{hint}{extra}; registered: {', '.join(sorted(_FACTORIES))}")
    return _FACTORIES[name]


def accepts(name: str, parameter: str) -> bool:
    """Whether the factory of ``name`` takes the keyword ``parameter`` (the runner passes ``context`` so)."""
    try:
        signature = inspect.signature(get_factory(name))
    except (TypeError, ValueError):
        return False
    return parameter in signature.parameters


def create_predictor(name: str, **kwargs: Any) -> Predictor:
    """Build the predictor registered under ``name`` with ``kwargs``; checks that the result is a Predictor."""
    predictor = get_factory(name)(**kwargs)
    missing = [a for a in ("name", "config", "predict_video") if not hasattr(predictor, a)]
    if missing:
        raise TypeError(f"factory of predictor {name!r} returned {type(predictor).__name__}, which lacks "
                        f"{missing} (see salbench.registry.Predictor)")
    return predictor
