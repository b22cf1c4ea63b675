"""A straight four-on-the-floor dance groove is read at its quarter note, not at the dotted
quarter (issue 9): a 120 BPM house groove (kick on every beat, open hi-hat on every
off-beat 8th, clap on 2 and 4) came back at 80 BPM, "near triplet", at confidence 0.71.
Kick and open hat in turn make an onset every 8th, so a dotted-quarter grid lands on a
kick, a hat, a kick... and the hat two thirds of the way through reads as swing.

The groove is written here as MIDI notes and rendered through the TimGM6mb drum kits
(where the open hat rings into every band) with fluidsynth."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from groovegraph.evals.corpus import music, render
from groovegraph.evals.corpus.render import DRUM_CHANNEL, Note, Performance
from groovegraph.tools.analysis import analyze_signal

pytestmark = pytest.mark.skipif(
    shutil.which("fluidsynth") is None,
    reason="needs the fluidsynth CLI (apt-get install fluidsynth)",
)

KICK, SNARE, CLAP, OPEN_HAT = 36, 38, 39, 46


def dance_groove(bpm: float, kit: str, backbeat: int, bass: bool, bars: int = 7) -> Performance:
    """Kick on every beat, open hat on every off-beat 8th, ``backbeat`` on 2 and 4, and
    (``bass``) a synth bass on the off-beats under the hat."""
    beat = 60.0 / bpm
    prog = music.KITS[kit]
    notes: list[Note] = []
    for k in range(4 * bars):
        t = 0.1 + k * beat
        notes.append(Note(t, t + 0.1, KICK, 118, DRUM_CHANNEL, prog))
        notes.append(Note(t + beat / 2, t + beat / 2 + 0.1, OPEN_HAT, 100, DRUM_CHANNEL, prog))
        if k % 2 == 1:
            notes.append(Note(t, t + 0.1, backbeat, 110, DRUM_CHANNEL, prog))
        if bass:
            pitch = 36 + (k // 8) % 3
            notes.append(Note(t + beat / 2, t + beat * 0.7, pitch, 100, 0, 38))
    return Performance(notes=notes, duration_s=0.1 + 4 * bars * beat, controllers={0: {7: 100}})


@pytest.mark.parametrize(
    ("kit", "backbeat", "bass"),
    [
        ("tr808", SNARE, False),
        ("tr808", CLAP, True),
        ("electronic", CLAP, True),
        ("standard", CLAP, True),
    ],
)
def test_off_beat_open_hats_do_not_make_a_house_groove_a_dotted_quarter(
    font: render.SoundFont, tmp_path: Path, kit: str, backbeat: int, bass: bool
) -> None:
    perf = dance_groove(120.0, kit, backbeat, bass)
    (y,) = render.render_batch([perf], font)
    y = (0.5 * y / float(np.max(np.abs(y)))).astype(np.float32)
    a = analyze_signal(y=y, sr=render.SAMPLE_RATE)
    assert a.tempo_bpm is not None
    assert abs(a.tempo_bpm / 120.0 - 1.0) <= 0.02, (kit, backbeat, bass, a.tempo_bpm)
    # Straight 8ths: the off-beat hat is half-way through the beat, not a triplet.
    assert a.swing_percent is not None
    assert a.swing_percent < 55.0, a.swing_percent
