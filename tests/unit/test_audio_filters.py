"""audio_filters: the running maximum and median are scipy.ndimage's, exactly."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from groovegraph.tools.audio_filters import maximum_filter1d, median_filter1d

MODES = ["reflect", "constant", "nearest"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("size", [1, 2, 3, 4, 9, 41])
@pytest.mark.parametrize("n", [1, 2, 7, 41, 1037])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_maximum_and_median_equal_scipy(mode: str, size: int, n: int, dtype: type) -> None:
    rng = np.random.default_rng(1000 * n + size)
    x = rng.standard_normal(n).astype(dtype)
    x[rng.integers(0, n, size=max(1, n // 5))] = 0.25  # ties
    got_max = maximum_filter1d(x, size, mode=mode, cval=-0.5)  # type: ignore[arg-type]
    want_max = ndimage.maximum_filter1d(x, size, mode=mode, cval=-0.5)
    assert got_max.dtype == want_max.dtype
    assert np.array_equal(got_max, want_max)
    got_med = median_filter1d(x, size, mode=mode, cval=-0.5)  # type: ignore[arg-type]
    want_med = ndimage.median_filter(x, size=size, mode=mode, cval=-0.5)
    assert got_med.dtype == want_med.dtype
    assert np.array_equal(got_med, want_med)


def test_filters_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="1-D"):
        maximum_filter1d(np.zeros((2, 3)), 3)
    with pytest.raises(ValueError, match="at least 1"):
        median_filter1d(np.zeros(5), 0)
    with pytest.raises(ValueError, match="unknown mode"):
        maximum_filter1d(np.zeros(5), 3, mode="wrap")  # type: ignore[arg-type]
