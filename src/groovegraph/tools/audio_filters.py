"""Running maximum and median of 1-D envelopes and spectra, as ``scipy.ndimage`` has them.

:func:`maximum_filter1d` and :func:`median_filter1d` return exactly what
``scipy.ndimage.maximum_filter1d`` and ``scipy.ndimage.median_filter`` return for a 1-D
array (same window placement for odd and even sizes, same boundary modes, same dtype);
``tests/unit/test_audio_filters.py`` compares them. Both only select values (no
arithmetic), so the agreement is exact.

Why not import scipy.ndimage: its import (scipy's array-API layer) costs a fresh process
about as much CPU as the rest of a 30 s analysis; the estimators need only these two
sliding-window selections, which numpy's ``sliding_window_view`` does directly.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["maximum_filter1d", "median_filter1d"]

Mode = Literal["reflect", "constant", "nearest"]

# scipy.ndimage's boundary modes under numpy.pad's names (the three the estimators use).
_PAD_MODES = {"reflect": "symmetric", "nearest": "edge"}


def _windows(x: npt.ArrayLike, size: int, mode: Mode, cval: float) -> npt.NDArray[np.generic]:
    """Every window of ``size`` samples around each sample, shape ``(len(x), size)``.

    Placement as scipy.ndimage with ``origin=0``: output ``i`` sees samples
    ``i - size // 2 .. i - size // 2 + size - 1``.
    """
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"expected a 1-D array, got shape {arr.shape}")
    size = int(size)
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    before, after = size // 2, size - 1 - size // 2
    if arr.size == 0:
        return np.empty((0, size), dtype=arr.dtype)
    if mode == "constant":
        padded = np.pad(arr, (before, after), mode="constant", constant_values=cval)
    elif mode in _PAD_MODES:
        padded = np.pad(arr, (before, after), mode=_PAD_MODES[mode])  # type: ignore[call-overload]
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return np.lib.stride_tricks.sliding_window_view(padded, size)


def maximum_filter1d(
    x: npt.ArrayLike, size: int, *, mode: Mode = "reflect", cval: float = 0.0
) -> npt.NDArray[np.generic]:
    """Running maximum over ``size`` samples (``scipy.ndimage.maximum_filter1d``).

    Parameters
    ----------
    x : array_like
        1-D input.
    size : int
        Window length in samples (≥ 1).
    mode : {"reflect", "constant", "nearest"}
        Boundary handling, as in scipy.ndimage; ``cval`` fills for ``"constant"``.

    Returns
    -------
    np.ndarray
        Same shape and dtype as ``x``.
    """
    arr = np.asarray(x)
    out: npt.NDArray[np.generic] = _windows(arr, size, mode, cval).max(axis=1)
    return out.astype(arr.dtype, copy=False)


def median_filter1d(
    x: npt.ArrayLike, size: int, *, mode: Mode = "reflect", cval: float = 0.0
) -> npt.NDArray[np.generic]:
    """Running median over ``size`` samples (``scipy.ndimage.median_filter`` on 1-D input).

    For an even ``size`` this is the upper of the two middle values (scipy's rank
    ``size // 2``), not their mean.
    """
    arr = np.asarray(x)
    win = _windows(arr, size, mode, cval)
    rank = int(size) // 2
    out: npt.NDArray[np.generic] = np.partition(win, rank, axis=1)[:, rank]
    return out.astype(arr.dtype, copy=False)
