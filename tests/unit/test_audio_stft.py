"""audio_stft: the numpy STFT the rhythm estimator uses is librosa's STFT, bit for bit."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from groovegraph.tools.audio_stft import hann_window, stft_magnitude


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 256, 512, 513, 1024])
def test_hann_window_is_scipys_periodic_hann(n: int) -> None:
    from scipy.signal import get_window

    expected = get_window("hann", n, fftbins=True) if n else np.ones(0)
    assert np.array_equal(hann_window(n), expected)


@pytest.mark.parametrize("length", [300, 512, 513, 4095, 22050, 3 * 22050 + 17, 61 * 22050 + 5])
@pytest.mark.parametrize(("n_fft", "hop"), [(512, 128), (256, 64), (400, 100), (1024, 256)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stft_magnitude_equals_librosa(length: int, n_fft: int, hop: int, dtype: type) -> None:
    import librosa

    rng = np.random.default_rng(length + n_fft)
    y = (0.3 * rng.standard_normal(length)).astype(dtype)
    # librosa warns when the window is longer than the signal; the result is still defined.
    with (
        pytest.warns(UserWarning, match="too large") if n_fft > length else contextlib.nullcontext()
    ):
        spec = librosa.stft(y, n_fft=n_fft, hop_length=hop, window="hann", pad_mode="constant")
    expected = np.abs(spec.T).astype(np.float32, copy=False)
    got = stft_magnitude(y, n_fft=n_fft, hop=hop)
    assert got.dtype == np.float32
    assert got.shape == expected.shape == (1 + length // hop, 1 + n_fft // 2)
    assert np.array_equal(got, expected)


def test_stft_magnitude_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="mono"):
        stft_magnitude(np.zeros((2, 100), np.float32), n_fft=64, hop=16)
    with pytest.raises(ValueError, match="positive"):
        stft_magnitude(np.zeros(100, np.float32), n_fft=64, hop=0)


def test_a_cold_analysis_imports_neither_librosa_nor_numba_nor_scipy(tmp_path: Path) -> None:
    """The cold-start budget (issue 9: ≤ 3 s for a first analysis in a fresh process)
    has no room for librosa.core's import (scipy.signal, numba ufuncs, seconds of CPU) nor
    scipy's array-API layer (~0.4 s for scipy.fft or scipy.ndimage): a fresh process that
    analyses a groove and a one-shot must not load them, nor the graph's libraries."""
    code = (
        "import sys\n"
        "from groovegraph.tools.analysis import analyze_signal\n"
        "from groovegraph.tools.synth import GrooveSpec, synthesize_groove\n"
        "y, _ = synthesize_groove(GrooveSpec(tempo_bpm=100.0, duration_s=6.0, sample_rate=22050))\n"
        "a = analyze_signal(y=y, sr=22050)\n"
        "assert a.kind == 'loop' and a.tempo_bpm, a\n"
        "import numpy as np\n"
        "t = np.arange(11025) / 22050\n"
        "note = (0.5 * np.sin(2 * np.pi * 110 * t) * np.exp(-t / 0.2)).astype(np.float32)\n"
        "b = analyze_signal(y=note, sr=22050)\n"
        "assert b.kind == 'one_shot', b\n"
        "print(sorted(m for m in ('librosa', 'numba', 'scipy', 'langchain_core', 'langgraph',"
        " 'pandas', 'sklearn') if m in sys.modules))\n"
    )
    env = {**os.environ, "GROOVEGRAPH_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"
