"""Short-time Fourier magnitude, computed as ``librosa.stft`` computes it, in numpy alone.

``librosa.stft`` is the reference: :func:`stft_magnitude` returns
``np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop, window="hann", center=True,
pad_mode="constant")).T`` for mono float32 input — the same periodic Hann window (as
``scipy.signal.get_window("hann", n_fft, fftbins=True)`` builds it), the same zero
padding and frame count, the same float64 products and ``numpy.fft.rfft``, rounded to
complex64 as librosa stores them. ``tests/unit/test_audio_stft.py`` checks the two agree
on signals of many lengths.

Why not call librosa here: the analysis runs in fresh processes (``groovegraph analyze``,
``groovegraph index``, pool workers), and importing ``librosa.stft`` pulls in
``librosa.core`` with scipy.signal, scipy.stats, scipy.interpolate, joblib and about
twenty numba ufuncs compiled (or loaded from the numba cache) at import — several seconds
of CPU before the first sample is measured, more than the whole cold-start budget of
issue 9 (≤ 3 s for a first analysis in a fresh process). The transform itself is a few
lines of numpy.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = ["hann_window", "stft_magnitude"]

# Frames per FFT call: bounds the float64 buffers whatever the clip length, as librosa's
# MAX_MEM_BLOCK does. 64 frames of 512 points (256 KiB of windowed frames, 260 KiB of
# spectrum) stay in the L2 cache between the window product, the FFT and the magnitude;
# 256 frames (1 MiB each) did not, and cost ~15 % more CPU.
_BLOCK_FRAMES = 64


@lru_cache(maxsize=8)
def _hann(n: int) -> npt.NDArray[np.float64]:
    if n <= 1:
        return np.ones(n, dtype=np.float64)
    # scipy.signal.windows.general_hamming(n, 0.5, sym=False), operation for operation:
    # a symmetric window of n + 1 points, its last point dropped (DFT-even).
    fac = np.linspace(-np.pi, np.pi, n + 1, dtype=np.float64)
    w = np.zeros(n + 1, dtype=np.float64)
    for k, a in enumerate((0.5, 0.5)):
        w += a * np.cos(k * fac)
    out = w[:-1]
    out.setflags(write=False)
    return out


def hann_window(n: int) -> npt.NDArray[np.float64]:
    """Periodic Hann window of ``n`` points, float64 (read-only, cached).

    Equal to ``scipy.signal.get_window("hann", n, fftbins=True)``, without importing
    scipy.signal.
    """
    if n < 0:
        raise ValueError(f"window length must be non-negative, got {n}")
    return _hann(int(n))


def stft_magnitude(y: npt.NDArray[np.floating], *, n_fft: int, hop: int) -> npt.NDArray[np.float32]:
    """|STFT| of a mono signal with a Hann window, frames centred on ``i * hop``.

    Parameters
    ----------
    y : np.ndarray
        Mono samples, shape ``(n,)``, float32 or float64 (librosa then works in complex64
        or complex128 respectively; the magnitudes are float32 either way).
    n_fft : int
        Window and FFT length in samples.
    hop : int
        Hop between frames in samples.

    Returns
    -------
    np.ndarray
        float32 magnitudes, shape ``(frames, 1 + n_fft // 2)`` with
        ``frames = 1 + len(y) // hop`` — librosa's layout transposed (time first).
    """
    if n_fft < 1 or hop < 1:
        raise ValueError(f"n_fft and hop must be positive, got {n_fft} and {hop}")
    x = np.asarray(y)
    if x.ndim != 1:
        raise ValueError(f"expected mono samples of shape (n,), got {x.shape}")
    pad = n_fft // 2
    padded = np.pad(x, (pad, pad), mode="constant")
    n_frames = 1 + (padded.size - n_fft) // hop
    if n_frames < 1:
        raise ValueError(f"signal of {x.size} samples is shorter than n_fft={n_fft}")
    frames = np.lib.stride_tricks.as_strided(
        padded,
        shape=(n_frames, n_fft),
        strides=(padded.strides[0] * hop, padded.strides[0]),
        writeable=False,
    )
    window = hann_window(n_fft)
    # librosa stores the transform of float32 input as complex64, of float64 as complex128.
    spec_dtype = np.complex64 if x.dtype == np.float32 else np.complex128
    n_bins = 1 + n_fft // 2
    out = np.empty((n_frames, n_bins), dtype=np.float32)
    rows = min(_BLOCK_FRAMES, n_frames)
    # One set of buffers for every block (no per-block temporaries).
    windowed = np.empty((rows, n_fft), dtype=np.float64)
    spec = np.empty((rows, n_bins), dtype=np.complex128)
    stored = spec if spec_dtype is np.complex128 else np.empty((rows, n_bins), dtype=spec_dtype)
    for start in range(0, n_frames, _BLOCK_FRAMES):
        stop = min(start + _BLOCK_FRAMES, n_frames)
        k = stop - start
        # float64 window × frames → float64 FFT, stored in librosa's complex type: its
        # arithmetic step for step, so the magnitudes match it bit for bit.
        np.multiply(window, frames[start:stop], out=windowed[:k])
        np.fft.rfft(windowed[:k], axis=1, out=spec[:k])
        if stored is not spec:
            stored[:k] = spec[:k]
        np.abs(stored[:k], out=out[start:stop])
    return out
