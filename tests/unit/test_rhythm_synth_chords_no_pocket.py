"""Synth chords without drums have no pocket. An outside tester's drumless Dm–B♭–F–C chord
loop at 110 BPM (synth chords, no percussion) came back with a backbeat lag of −52 ms
("pushed") and a timing deviation of 21 ms: a saw's or a square's partials put a quarter to
a half of an attack's rise above 7 kHz, as hats do, so the loop passed for one with drums
(``rhythm.DRUM_HIGH_SHARE_MIN``) and a grid through its chords invented a backbeat. A drum
hit is noise, whose fine spectral structure is new in every analysis window; a note's
partials persist (``rhythm._hit_persistence``): without drum hits ``backbeat_lag_ms`` and
``timing_deviation_ms`` are null.

The chords are built here (wavetable saw, square and detuned supersaw voices over a saw
bass); the drum loops of the controls are our generator's, at seeds other than the demo's.
A drum loop keeps its measured backbeat, also with the same bright chords over it; asked
"is the snare laid back?" about the chord loop, the offline answer describes no pocket."""

from __future__ import annotations

import re

import numpy as np
import pytest

from groovegraph.settings import Settings
from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio
from tests.catalogs import catalog_frame, offline_graph
from tests.chat import answer, run

SR = 44100
BPM = 110.0
PROGRESSION = ((62, 65, 69), (58, 62, 65), (65, 69, 72), (60, 64, 67))  # Dm, Bb, F, C
DETUNE = (-0.011, -0.006, -0.002, 0.0, 0.003, 0.007, 0.012)


def _hz(midi: int) -> float:
    return 440.0 * 2.0 ** ((midi - 69) / 12.0)


def _wave(freq: float, t: np.ndarray, *, odd_only: bool, phase: float = 0.0) -> np.ndarray:
    """A band-limited saw (or square: odd partials) read from a one-cycle table."""
    ks = np.arange(1, max(2, int(SR / 2 / freq)))
    if odd_only:
        ks = ks[ks % 2 == 1]
    cycle = np.arange(2048) / 2048
    table = (np.sin(2 * np.pi * np.outer(ks, cycle)) / ks[:, None]).sum(axis=0)
    pos = ((freq * t + phase) % 1.0) * len(table)
    out: np.ndarray = np.interp(pos, np.arange(len(table) + 1), np.append(table, table[0]))
    return out


def _voice(freq: float, hold_s: float, kind: str) -> np.ndarray:
    t = np.arange(int((hold_s + 0.03) * SR)) / SR
    if kind == "supersaw":
        tone = (
            sum(
                _wave(freq * (1 + d), t, odd_only=False, phase=0.37 * i % 1.0)
                for i, d in enumerate(DETUNE)
            )
            / 3.0
        )
    else:
        tone = _wave(freq, t, odd_only=kind == "square")
    env = np.minimum(1.0, t / 0.005) * np.clip((hold_s + 0.03 - t) / 0.03, 0.0, 1.0)
    out: np.ndarray = np.asarray(tone) * env
    return out


def synth_chords(kind: str, hits: tuple[tuple[float, float], ...], bars: int = 8) -> np.ndarray:
    """Dm–B♭–F–C, a chord a bar, struck at ``hits`` (start beat, length in beats), over a
    saw bass holding the root for the bar."""
    beat = 60.0 / BPM
    y = np.zeros(int((bars * 4 * beat + 0.5) * SR))
    for b in range(bars):
        chord = PROGRESSION[b % 4]
        for start, length in hits:
            a = int((4 * b + start) * beat * SR)
            for p in chord:
                seg = _voice(_hz(p), length * beat, kind)[: len(y) - a]
                y[a : a + len(seg)] += 0.2 * seg
        a = int(4 * b * beat * SR)
        seg = _voice(_hz(chord[0] - 24), 3.8 * beat, "saw")[: len(y) - a]
        y[a : a + len(seg)] += 0.3 * seg
    return (0.9 * y / np.abs(y).max()).astype(np.float32)


WHOLE = ((0.0, 4.0),)
QUARTERS = tuple((float(k), 0.9) for k in range(4))
EIGHTHS = tuple((k / 2, 0.45) for k in range(8))
TWO_AND_FOUR = ((1.0, 0.5), (3.0, 0.5))  # stabs where a backbeat would be: still no drums


@pytest.mark.parametrize(
    ("kind", "hits"),
    [
        ("saw", WHOLE),
        ("saw", EIGHTHS),
        ("square", QUARTERS),
        ("square", TWO_AND_FOUR),
        ("supersaw", QUARTERS),
        ("supersaw", TWO_AND_FOUR),
    ],
)
def test_synth_chords_without_drums_have_no_pocket(
    kind: str, hits: tuple[tuple[float, float], ...]
) -> None:
    a = analyze_signal(y=synth_chords(kind, hits), sr=SR)
    assert a.kind == "loop"
    assert a.backbeat_lag_ms is None, a.backbeat_lag_ms  # no snare or clap on 2 and 4
    assert a.timing_deviation_ms is None, a.timing_deviation_ms  # no drum hits to time


def _drums(seed: int, lag_ms: float, mix: str) -> np.ndarray:
    spec = GrooveSpec(
        tempo_bpm=BPM, key="D minor", pattern="rock", mix=mix, seed=seed,
        backbeat_lag_ms=lag_ms, sample_rate=SR, duration_s=16.0,
    )  # fmt: skip
    y, _ = synthesize_groove(spec)
    return y


@pytest.mark.parametrize(("seed", "lag_ms"), [(3101, 18.0), (3102, -10.0)])
def test_a_drum_loop_keeps_its_backbeat(seed: int, lag_ms: float) -> None:
    a = analyze_signal(y=_drums(seed, lag_ms, "full"), sr=SR)
    assert a.backbeat_lag_ms is not None
    assert abs(a.backbeat_lag_ms - lag_ms) <= 6.0
    assert a.timing_deviation_ms is not None


@pytest.mark.parametrize("kind", ["saw", "supersaw"])
def test_bright_synth_chords_over_drums_keep_the_backbeat(kind: str) -> None:
    drums = _drums(3103, 15.0, "drums_only")
    chords = synth_chords(kind, EIGHTHS)
    n = min(len(drums), len(chords))
    y = (0.6 * drums[:n] + 0.5 * chords[:n]).astype(np.float32)
    a = analyze_signal(y=y, sr=SR)
    assert a.backbeat_lag_ms is not None
    assert abs(a.backbeat_lag_ms - 15.0) <= 6.0
    assert a.timing_deviation_ms is not None


def test_asked_about_its_pocket_the_chord_loop_gets_no_invented_one(settings: Settings) -> None:
    folder = settings.data_dir / "library" / "tester"
    folder.mkdir(parents=True, exist_ok=True)
    write_audio(folder / "chords.wav", synth_chords("square", QUARTERS), SR)
    graph = offline_graph(catalog_frame(), settings=settings)
    out = run(graph, "is the snare laid back on tester/chords.wav?", thread="pocket")
    said = answer(out)
    a = out["analyses"]["tester/chords.wav"]
    assert a.backbeat_lag_ms is None
    assert a.timing_deviation_ms is None
    assert "no backbeat pocket" in said, said
    # no lag or deviation in ms, nor a word for one
    assert not re.search(r"backbeat (?:lag )?[+-]?\d|timing deviation \d|backbeat sits", said)
    assert "pushed" not in said
    assert "laid back (" not in said
