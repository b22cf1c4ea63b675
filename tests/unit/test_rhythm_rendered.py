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
