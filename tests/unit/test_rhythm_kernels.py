"""The rhythm estimator's vectorised kernels return what the plain versions they replace
return: the same values (selection and element-wise arithmetic: bit for bit) or, for the
closed-form line fit, least squares to rounding."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools import rhythm
from groovegraph.tools.analysis import tune_allocator
from groovegraph.tools.audio_filters import maximum_filter1d


def _envelope(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.exponential(1.0, n)
    x[rng.random(n) < 0.3] = 0.0  # flat stretches: ties between neighbours
    return x


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 12])
def test_pooled_at_is_the_maximum_filter_sampled(size: int) -> None:
    envs = tuple(_envelope(500, seed) for seed in range(3))
    rng = np.random.default_rng(size)
    idx = rng.integers(0, 500, size=(40, 24))
    idx[0, :3] = [0, 1, 499]  # the reflected edges
    pooled = rhythm._pooled_at(envs, idx, size)
    for env, got in zip(envs, pooled, strict=True):
        want = maximum_filter1d(env, size)[idx]
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_folds_are_the_single_folds() -> None:
    fr = 22050 / 128
    times = np.arange(3000) / fr
    env = _envelope(3000, 7)
    periods = 0.5 * np.linspace(0.98, 1.02, 21)
    got = rhythm._folds(env, times, periods, 64)
    for row, p in zip(got, periods, strict=True):
        np.testing.assert_array_equal(row, rhythm._fold(env, times, 0.0, p, 64))


def test_refine_peaks_is_refine_peak_for_each() -> None:
    x = _envelope(300, 3)
    x[10:12] = 5.0  # a plateau
    idx = np.array([0, 5, 10, 11, 57, 150, 299])
    want = np.array([rhythm._refine_peak(x, int(i)) for i in idx])
    np.testing.assert_array_equal(rhythm._refine_peaks(x, idx), want)
    assert rhythm._refine_peaks(x, np.array([], dtype=int)).shape == (0,)


def test_weighted_line_is_least_squares() -> None:
    rng = np.random.default_rng(0)
    k = np.sort(rng.integers(0, 9, 30)).astype(float)
    t = 1.25 + 0.4871 * k + rng.normal(0, 0.004, 30)
    w = rng.exponential(1.0, 30)
    sw = np.sqrt(w)
    a = np.vstack([np.ones(30), k]).T * sw[:, None]
    want, *_ = np.linalg.lstsq(a, t * sw, rcond=None)
    t0, period = rhythm._weighted_line(k, t, w)
    assert t0 == pytest.approx(want[0], rel=1e-12)
    assert period == pytest.approx(want[1], rel=1e-12)


def test_segment_line_needs_three_beats() -> None:
    # Four onsets on two beats: no line (as with np.unique before).
    pk_t = np.array([1.0, 1.001, 1.5, 1.501])
    assert rhythm._segment_line(pk_t, np.ones(4), 0.0, 3.0, 1.0, 0.5)[2] == 0
    pk_t = np.array([1.0, 1.5, 2.0, 2.5])
    t0, period, used = rhythm._segment_line(pk_t, np.ones(4), 0.0, 3.0, 1.0, 0.5)
    assert used == 4
    assert (t0, period) == pytest.approx((1.0, 0.5))


def test_tune_allocator_takes_on_glibc() -> None:
    import platform
    import sys

    expected = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert tune_allocator() is expected


def test_frac_is_numpys_mod_one_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    times = np.arange(3446) * 128 / 22050
    periods = 0.61 * np.linspace(0.98, 1.02, 21)
    cases = [
        times[None, :] / periods[:, None],
        (times - 7.3) / 0.4871,  # negative phases (before t0)
        rng.normal(0.0, 50.0, 10_000),
        np.array([-1e-20, -0.0, 0.0, -1.0, -2.5, 3.0, -1e-300, 1e-300, -0.9999999999999999]),
    ]
    for x in cases:
        got, want = rhythm._frac(x), np.mod(x, 1.0)
        assert np.array_equal(got, want)
        assert not np.any(np.signbit(got) & (got == 0))  # +0.0 as np.mod gives
