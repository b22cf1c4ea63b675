"""The tonal one-shot model: a sung vowel, a tom that rings and a bright held lead are
named as such, whatever their length; struck keys and a low held note keep their names;
the fitted weights are small and consistent with the instrument vocabulary."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.tools import oneshot_model
from groovegraph.tools.oneshot import ONE_SHOT_INSTRUMENTS, analyze_one_shot

SR = 22050


def _hz(midi: int) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _norm(y: np.ndarray) -> np.ndarray:
    return (0.8 * y / np.abs(y).max()).astype(np.float32)


def _resonate(x: np.ndarray, fc: float, bw: float) -> np.ndarray:
    r = np.exp(-np.pi * bw / SR)
    c = 2 * r * np.cos(2 * np.pi * fc / SR)
    out = np.zeros_like(x)
    for i in range(2, x.size):
        out[i] = x[i] + c * out[i - 1] - r * r * out[i - 2]
    return out


def sung_ah(midi: int, seconds: float, seed: int) -> np.ndarray:
    """A voice on 'ah': a pulse per period through three vowel resonances (700, 1200,
    2600 Hz), a 5.5 Hz vibrato, a soft onset and a little breath."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    f = _hz(midi) * (1 + 0.012 * np.sin(2 * np.pi * 5.5 * t))
    pulses = np.diff(np.floor(np.cumsum(f) / SR), prepend=0.0)
    src = np.convolve(pulses, np.exp(-np.arange(40) / 6.0))[: t.size]
    src += 0.01 * rng.normal(size=t.size)
    y = sum(
        g * v / np.abs(v).max()
        for v, g in (
            (_resonate(src, 700, 110), 1.0),
            (_resonate(src, 1200, 120), 0.6),
            (_resonate(src, 2600, 200), 0.25),
        )
    )
    env = np.minimum(1, t / 0.12) * np.minimum(1, (seconds - t) / 0.2)
    return _norm(y * env)


def struck_tom(f_hz: float, seconds: float, seed: int) -> np.ndarray:
    """A drum head: a pitch that sinks two semitones into ``f_hz`` as it dies, an
    overtone at 1.5 times it, a stick's click."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    f = f_hz * 2 ** (2.0 * np.exp(-t / 0.12) / 12)
    ph = 2 * np.pi * np.cumsum(f) / SR
    y = (np.sin(ph) + 0.3 * np.sin(1.5 * ph) * np.exp(-t / 0.08)) * np.exp(-t / 0.15)
    y += 0.2 * rng.normal(size=t.size) * np.exp(-t / 0.004)
    return _norm(y)


def saw(midi: int, seconds: float, *, decay_s: float | None = None) -> np.ndarray:
    """A band-limited sawtooth, held at full level (a lead) or dying away (a pluck)."""
    t = np.arange(int(seconds * SR)) / SR
    f0 = _hz(midi)
    y = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, int(8000 / f0)))
    env = np.minimum(1, t / 0.005) * np.minimum(1, (seconds - t) / 0.05)
    if decay_s is not None:
        env = env * np.exp(-t / decay_s)
    return _norm(y * env)


@pytest.mark.parametrize(("midi", "seconds"), [(57, 1.8), (62, 1.4)])
def test_a_long_sung_vowel_is_vocal_not_pad(midi: int, seconds: float) -> None:
    shot = analyze_one_shot(y=sung_ah(midi, seconds, seed=midi), sr=SR)
    assert shot.instrument == "vocal"
    assert shot.root_note == {57: "A3", 62: "D4"}[midi]


@pytest.mark.parametrize("f_hz", [110.0, 160.0, 220.0])
def test_a_ringing_tom_is_a_tom_not_keys_or_bass(f_hz: float) -> None:
    shot = analyze_one_shot(y=struck_tom(f_hz, 0.6, seed=int(f_hz)), sr=SR)
    assert shot.instrument == "tom"


def test_a_bright_held_saw_is_a_lead() -> None:
    shot = analyze_one_shot(y=saw(69, 1.0), sr=SR)
    assert shot.instrument == "lead"
    assert shot.root_note == "A4"


def test_a_low_held_sine_stays_bass() -> None:
    t = np.arange(int(1.2 * SR)) / SR
    y = _norm(np.sin(2 * np.pi * _hz(31) * t) * np.minimum(1, t / 0.003) * np.exp(-t / 3.0))
    shot = analyze_one_shot(y=y, sr=SR)
    assert shot.instrument == "bass"
    assert shot.root_note == "G1"


def test_the_fitted_model_is_small_and_names_only_one_shot_instruments() -> None:
    classes = oneshot_model.CLASSES
    assert set(classes) <= set(ONE_SHOT_INSTRUMENTS)
    weights = np.asarray(oneshot_model.WEIGHTS)
    assert weights.shape == (len(classes), len(oneshot_model.MEAN))
    assert len(oneshot_model.SCALE) == len(oneshot_model.MEAN) == weights.shape[1]
    assert len(oneshot_model.BIAS) == len(classes)
    assert np.all(np.asarray(oneshot_model.SCALE) > 0)
    assert weights.size < 1000


@pytest.mark.parametrize(("midi", "name"), [(42, "F#2"), (46, "A#2")])
def test_a_short_low_saw_triad_stab_is_named_by_its_lowest_note(midi: int, name: str) -> None:
    """A minor triad of sawtooths, gone in a third of a second: no period repeats within
    the pitch tracker's range and it does not ring on, but its partials are harmonics of
    its lowest note, so it is tonal and named by that note (not a rootless drum)."""
    seconds = 0.4
    t = np.arange(int(seconds * SR)) / SR
    y = np.zeros_like(t)
    for st in (0, 3, 7):
        f0 = _hz(midi + st)
        y += sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, int(3000 / f0)))
    env = np.minimum(1, t / 0.004) * np.exp(-t / 0.09)
    shot = analyze_one_shot(y=_norm(y * env), sr=SR)
    assert shot.root_note == name


def hand_drum(f_hz: float, seconds: float, tau: float, seed: int) -> np.ndarray:
    """A conga's open tone: a hand slap, then a head that holds its pitch (no sinking, as
    a tom's does) with a little 2nd harmonic, gone within a fraction of a second."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    ph = 2 * np.pi * f_hz * t
    y = np.sin(ph) * np.exp(-t / tau) + 0.3 * np.sin(2 * ph) * np.exp(-t / (0.5 * tau))
    y += 0.3 * rng.normal(size=t.size) * np.exp(-t / 0.003)
    return _norm(y)


@pytest.mark.parametrize("f_hz", [300.0, 320.0])
@pytest.mark.parametrize("tau", [0.04, 0.06, 0.09])
def test_hand_drum_steady_tone_is_perc(f_hz: float, tau: float) -> None:
    """A short conga hit that holds its note is perc, not tom (the model has a perc class,
    fitted on the tuning split's hand drums and bells drawn at ``--corpus-scale 5``; the
    previous model named every one of these tom). Cut at 0.5 s some still read tom."""
    assert analyze_one_shot(y=hand_drum(f_hz, 0.3, tau, seed=3), sr=SR).instrument == "perc"
