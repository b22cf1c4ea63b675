"""Tempo and key on grooves rendered through a General MIDI soundfont (the evaluation
corpus's generator, at seeds of neither split): the traps that real kits set and our own
generator does not — a late snare read at double tempo, a fast waltz read at half, a
drum kit's tuned drums read as a key."""

from __future__ import annotations

import shutil
from pathlib import Path

import mir_eval
import numpy as np
import pytest

from groovegraph.evals.corpus import grooves, render
from groovegraph.tools.analysis import analyze_signal
from groovegraph.tools.errors import NoPitchedContentError
from groovegraph.tools.rhythm import analyze_rhythm
from groovegraph.tools.tonality import estimate_key

pytestmark = pytest.mark.skipif(
    shutil.which("fluidsynth") is None,
    reason="needs the fluidsynth CLI (apt-get install fluidsynth)",
)

# Clips drawn from seed 555_001 (neither split's seed) that the previous metrical-level
# weights read at double / half tempo, and a drum-only kit loop that was given a key.
POCKET = {
    "id": "t-pocket", "category": "pocket", "style": "neo_soul", "seed": 264197202,
    "soundfont": "timgm6mb", "kit": "standard", "tempo_bpm": 93.65, "drift": 0.0,
    "drift_shape": "arch", "swing_percent": 51.55, "backbeat_lag_ms": 27.28,
    "jitter_ms": 3.1, "tonic_pc": 8, "family": "dorian", "progression": 1,
    "mix": "drums_bass", "intro_bars": 0, "duration_s": 18.17, "start_s": 0.259,
    "bass_program": 34, "keys_program": 5, "lead_program": 11,
}  # fmt: skip
WALTZ = {
    **POCKET, "id": "t-waltz", "category": "waltz", "style": "waltz", "seed": 916335730,
    "kit": "jazz", "tempo_bpm": 164.22, "swing_percent": 57.15, "backbeat_lag_ms": -1.2,
    "jitter_ms": 2.24, "tonic_pc": 11, "progression": 2, "mix": "full", "duration_s": 23.19,
    "start_s": 0.394, "keys_program": 4, "lead_program": 65,
}  # fmt: skip


@pytest.fixture(scope="module")
def latency_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gg-rhythm-rendered")


def _render(
    spec: grooves.GrooveSpec, font: render.SoundFont, cache: Path
) -> tuple[np.ndarray, dict[str, object]]:
    perf, truth = grooves.build_performance(spec)
    lat = render.onset_latency_s(font, render.sounds_of([perf]), cache_dir=cache)
    (y,) = render.render_batch([perf], font, latency=lat)
    return (0.5 * y / float(np.max(np.abs(y)))).astype(np.float32), truth


def test_a_laid_back_neo_soul_groove_is_read_at_its_tempo_not_double(
    font: render.SoundFont, latency_cache: Path
) -> None:
    # Rim on 2 and 4 27 ms late, 16th hats, ghost snares: at 187 BPM it looks like a
    # half-time groove in everything but the bar (the kick pattern repeats after 4 beats).
    y, truth = _render(grooves.GrooveSpec(**POCKET), font, latency_cache)  # type: ignore[arg-type]
    r = analyze_rhythm(y=y, sr=render.SAMPLE_RATE)
    assert r.tempo_bpm == pytest.approx(float(truth["tempo_bpm"]), rel=0.04)  # type: ignore[arg-type]
    assert r.backbeat_lag_ms == pytest.approx(27.3, abs=8.0)


def test_a_fast_waltz_is_read_at_its_tempo_not_half_and_in_three(
    font: render.SoundFont, latency_cache: Path
) -> None:
    # At 82 BPM every beat has a snare half-way through it: a grid too slow (the
    # bar-repeat feature alone, without mid_snare, read this clip at 82).
    y, truth = _render(grooves.GrooveSpec(**WALTZ), font, latency_cache)  # type: ignore[arg-type]
    r = analyze_rhythm(y=y, sr=render.SAMPLE_RATE)
    assert r.tempo_bpm == pytest.approx(float(truth["tempo_bpm"]), rel=0.04)  # type: ignore[arg-type]
    # Outside trial: read in 4 (the hats on every beat and the snare on 2 and 3, which
    # rings like the kick, diluted the kick's three-beat cycle), bars off the downbeats.
    assert r.meter == 3
    want = np.asarray(truth["downbeats_s"])
    assert mir_eval.beat.f_measure(want, r.downbeats_s) >= 0.95


def test_a_drum_only_808_loop_has_no_key_and_the_same_loop_with_bass_keeps_it(
    latency_cache: Path,
) -> None:
    # An 808 kit's kick and toms are tuned sines: the key model used to read this loop
    # as Eb major at 0.96 (the corpus's tuning clip g-straight-027, MuseScore's font).
    font = render.soundfonts()["musescore"]
    if not font.available:
        pytest.skip("the MuseScore General soundfont is missing")
    base = {
        **POCKET, "id": "t-house", "category": "straight", "style": "house", "kit": "tr808",
        "seed": 726222843, "soundfont": "musescore", "tempo_bpm": 95.4, "swing_percent": 50.0,
        "backbeat_lag_ms": 12.24, "jitter_ms": 1.77, "tonic_pc": 4, "family": "major",
        "progression": 2, "mix": "drums", "duration_s": 16.0, "start_s": 0.592,
        "keys_program": 5, "lead_program": 73,
    }  # fmt: skip
    drums, _ = _render(grooves.GrooveSpec(**base), font, latency_cache)  # type: ignore[arg-type]
    with pytest.raises(NoPitchedContentError, match="no reliable key"):
        estimate_key(y=drums, sr=render.SAMPLE_RATE)
    fields = analyze_signal(y=drums, sr=render.SAMPLE_RATE)
    assert (fields.key, fields.camelot, fields.key_confidence) == (None, None, 0.0)
    assert fields.tempo_bpm == pytest.approx(95.4, rel=0.04)

    with_bass = grooves.GrooveSpec(**{**base, "mix": "drums_bass"})  # type: ignore[arg-type]
    y, truth = _render(with_bass, font, latency_cache)
    assert estimate_key(y=y, sr=render.SAMPLE_RATE).key == truth["key"]


# A riff of a GM saw lead (program 81) in 8ths with rests, no drums, at 127.5 BPM, as
# played (start s, end s, MIDI note, velocity; the stress set of benchmarks.tempo_hard).
# Its tremolo is the clip's strongest periodicity (87 ms), which left one candidate beat,
# with a negative periodicity: under the periodicity floor, and no candidate was left.
SAW_RIFF = [
    (0.2342, 0.6671, 37, 93), (0.7058, 0.9223, 34, 110), (0.9414, 1.1579, 37, 90), (1.65, 1.8665, 46, 99),
    (1.884, 2.1004, 37, 101), (2.1168, 2.3333, 46, 92), (2.8285, 3.0449, 39, 93), (3.2963, 3.5128, 34, 108),
    (3.5275, 3.744, 44, 96), (3.7728, 3.9893, 41, 113), (4.0006, 4.4335, 37, 104), (4.4725, 4.689, 34, 92),
    (4.7112, 4.9276, 37, 107), (5.4119, 5.6284, 46, 102), (5.6466, 5.8631, 37, 103), (5.8846, 6.101, 46, 110),
    (6.5872, 6.8036, 39, 90), (7.0598, 7.2762, 34, 117), (7.2917, 7.5081, 44, 105), (7.5336, 7.7501, 41, 91),
    (7.7678, 8.2008, 37, 95), (8.2321, 8.4486, 34, 111), (8.47, 8.6865, 37, 109), (9.1796, 9.3961, 46, 108),
    (9.4185, 9.635, 37, 103), (9.6453, 9.8618, 46, 96), (10.3494, 10.5659, 39, 101), (10.8274, 11.0439, 34, 115),
    (11.0553, 11.2718, 44, 103), (11.2884, 11.5049, 41, 96), (11.5285, 11.9614, 37, 97), (11.9982, 12.2146, 34, 99),
    (12.2354, 12.4519, 37, 115), (12.9358, 13.1523, 46, 90), (13.1746, 13.3911, 37, 94), (13.4138, 13.6303, 46, 88),
    (14.107, 14.3234, 39, 97), (14.5917, 14.8082, 34, 97), (14.8248, 15.0412, 44, 115), (15.0557, 15.2721, 41, 106),
    (15.2921, 15.725, 37, 95), (15.7708, 15.9872, 34, 92), (15.997, 16.2135, 37, 110), (16.7101, 16.9266, 46, 110),
    (16.94, 17.1565, 37, 109),
]  # fmt: skip


def test_a_drumless_synth_lead_riff_is_analysed_not_an_error(
    font: render.SoundFont, latency_cache: Path
) -> None:
    notes = [render.Note(a, b, p, v, 0, 81) for a, b, p, v in SAW_RIFF]
    perf = render.Performance(notes=notes, duration_s=17.11, controllers={0: {7: 110}})
    lat = render.onset_latency_s(font, render.sounds_of([perf]), cache_dir=latency_cache)
    (y,) = render.render_batch([perf], font, latency=lat)
    r = analyze_rhythm(y=(0.5 * y / float(np.max(np.abs(y)))).astype(np.float32), sr=22050)
    assert 50.0 <= r.tempo_bpm <= 200.0


def _folk_waltz(
    tempo_bpm: float, keys_program: int, ride: bool, bars: int = 14
) -> render.Performance:
    """A fast 3/4 as a GM performance: a bass on 1 (root, then the fifth), a chord on 2
    and on 3 (C major, F major every two bars), no drums or a jazz ride on 1, 2, 3."""
    beat = 60.0 / tempo_bpm
    notes = []
    for b in range(bars):
        t1 = 0.1 + 3 * b * beat
        root = 36 if (b // 2) % 2 == 0 else 41
        notes.append(render.Note(t1, t1 + 0.9 * beat, root + (7 if b % 2 else 0), 108, 0, 33))
        for k in (1, 2):
            t = t1 + k * beat
            for iv in (24, 28, 31):
                notes.append(render.Note(t, t + 0.45 * beat, root + iv, 76, 1, keys_program))
            if ride:
                notes.append(render.Note(t, t + 0.3, 51, 80, render.DRUM_CHANNEL, 32))
        if ride:
            notes.append(render.Note(t1, t1 + 0.3, 51, 92, render.DRUM_CHANNEL, 32))
    return render.Performance(
        notes=notes, duration_s=0.1 + 3 * bars * beat, controllers={0: {7: 110}, 1: {7: 92}}
    )


@pytest.mark.parametrize(
    ("tempo", "keys_program", "ride"),
    [(140.0, 0, True), (140.0, 24, False), (160.0, 24, False), (172.0, 24, True)],
)
def test_a_fast_waltz_with_bass_on_one_and_chords_on_two_and_three_is_not_read_at_half(
    font: render.SoundFont, latency_cache: Path, tempo: float, keys_program: int, ride: bool
) -> None:
    # Outside trial: a 140 BPM 3/4 read at 70 at 0.88; these read at half tempo at 0.83-0.95.
    perf = _folk_waltz(tempo, keys_program, ride)
    lat = render.onset_latency_s(font, render.sounds_of([perf]), cache_dir=latency_cache)
    (y,) = render.render_batch([perf], font, latency=lat)
    r = analyze_rhythm(y=(0.5 * y / float(np.max(np.abs(y)))).astype(np.float32), sr=22050)
    assert r.tempo_bpm == pytest.approx(tempo, rel=0.04)
    assert r.meter == 3
