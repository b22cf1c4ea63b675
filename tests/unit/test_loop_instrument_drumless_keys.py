"""A keys loop without drums is not tagged ``mix`` (drums over pitched content). An
electric piano's bell-like attack bursts above 5 kHz as a hat does, and the loop
instrument's burst test alone took a drumless electric-piano arpeggio for drums plus keys;
the rhythm analysis, which looks at whether those attacks are noise, heard no drums. A
melodic loop without drums keeps a null instrument (nothing in the sound tells keys
from a guitar or a synth pluck; its file or folder name tags it), and a drum groove
with chords keeps ``mix``.

The keys are rendered here through General MIDI's second electric piano (program 5) with
the TimGM6mb soundfont that pretty_midi ships: a broken D minor / B-flat / C / A minor
chord in 16ths at 100 BPM, a chord a bar."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from groovegraph.evals.corpus import render
from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.synth import GrooveSpec, synthesize_groove

pytestmark = pytest.mark.skipif(
    shutil.which("fluidsynth") is None,
    reason="needs the fluidsynth CLI (apt-get install fluidsynth)",
)

CHORDS = ((62, 65, 69, 74), (58, 62, 65, 70), (60, 64, 67, 72), (57, 60, 64, 69))


def _electric_piano(font: render.SoundFont, bpm: float, bars: int = 6) -> np.ndarray:
    beat = 60.0 / bpm
    rng = np.random.default_rng(11)
    notes = []
    for b in range(bars):
        chord = CHORDS[b % 4]
        for k in range(16):
            t = (4 * b + 0.25 * k) * beat + float(rng.normal(0.0, 0.003))
            vel = int(rng.integers(80, 112))
            notes.append(render.Note(max(0.0, t), t + 0.23 * beat, chord[k % 4], vel, 0, 5))
    perf = render.Performance(notes=notes, duration_s=bars * 4 * beat, controllers={0: {7: 110}})
    (y,) = render.render_batch([perf], font, latency={})
    return (0.5 * y / float(np.max(np.abs(y)))).astype(np.float32)


def test_a_drumless_electric_piano_arpeggio_is_not_a_mix(font: render.SoundFont) -> None:
    y = _electric_piano(font, 100.0)
    a = analyze_signal(y=y, sr=render.SAMPLE_RATE)
    assert a.kind == "loop"
    assert a.key is not None
    assert a.backbeat_lag_ms is None  # no drums to time
    assert a.instrument is None, a.instrument


def test_a_drum_groove_with_chords_stays_a_mix() -> None:
    spec = GrooveSpec(tempo_bpm=100.0, pattern="funk", mix="full", duration_s=10.0, seed=8)
    y, _ = synthesize_groove(spec)
    a = analyze_signal(y=y, sr=spec.sample_rate)
    assert a.instrument == "mix"
