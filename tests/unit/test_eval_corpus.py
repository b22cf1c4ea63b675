"""The evaluation corpus (groovegraph.evals.corpus): its truth is self-consistent.

A handful of clips are rendered through fluidsynth with the small soundfont pretty_midi
ships, and checked against their own truth: hits sit on the truth beats, the backbeat
lands ``backbeat_lag_ms`` late, one-shots start at once and tonal ones sound their root,
and the chorale key rules settle (or refuse) the cases a musician would.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence

import numpy as np
import pytest

from groovegraph.evals.corpus import chorales, grooves, music, oneshots, render

pytestmark = pytest.mark.skipif(
    shutil.which("fluidsynth") is None,
    reason="needs the fluidsynth CLI (apt-get install fluidsynth)",
)

SR = render.SAMPLE_RATE


def _onsets(y: np.ndarray, sr: int) -> np.ndarray:
    """Attack times: where a 2 ms RMS envelope first rises past 3x its level 20 ms before."""
    hop = int(0.002 * sr)
    frames = len(y) // hop
    env = np.sqrt(np.mean(y[: frames * hop].reshape(frames, hop) ** 2, axis=1)) + 1e-6
    lag = 10
    rise = env[lag:] / env[:-lag]
    idx = np.nonzero((rise[1:] > 3.0) & (rise[:-1] <= 3.0))[0] + 1 + lag
    return idx * hop / sr


def _spec(category: str, index: int, **changes: object) -> grooves.GrooveSpec:
    rng = np.random.default_rng(4242 + index)
    spec = grooves.draw_spec(
        rng, id=f"t-{category}", category=category, index=index, soundfont="timgm6mb"
    )
    return dataclasses.replace(spec, **changes)


def test_drum_hits_land_on_truth_beats_and_backbeat_lag(font: render.SoundFont) -> None:
    # rock: kick on 1 and 3, snare on 2 and 4 (lagged), hats on 8ths; no jitter
    spec = _spec("pocket", 2, style="rock", mix="drums", jitter_ms=0.0, backbeat_lag_ms=30.0,
                 swing_percent=50.0, duration_s=12.0)  # fmt: skip
    perf, truth = grooves.build_performance(spec)
    lat = render.onset_latency_s(font, render.sounds_of([perf]), cache_dir=_tmp_cache())
    (y,) = render.render_batch([perf], font, latency=lat)
    on = _onsets(y, SR)
    beats = np.array(truth["beats_s"])
    assert truth["meter"] == 4
    assert truth["swing_subdivision"] == 8
    assert truth["backbeat_lag_ms"] == pytest.approx(30.0, abs=0.01)
    downbeats = beats[0::2]  # beats 1 and 3: kick + hat, never lagged
    backbeats = beats[1::2]
    d_down = np.array([np.min(np.abs(on - b)) for b in downbeats])
    assert np.median(d_down) < 0.004
    # the backbeat: a hat on the beat and the snare ~30 ms after it
    d_snare = np.array([np.min(np.abs(on - (b + 0.030))) for b in backbeats])
    assert np.median(d_snare) < 0.004
    # the check can fail: half the lag away from both hits finds nothing within 10 ms
    d_off = np.array([np.min(np.abs(on - (b + 0.015))) for b in backbeats])
    assert np.median(d_off) > 0.010


def test_swung_sixteenths_put_hats_at_the_swing_position(font: render.SoundFont) -> None:
    spec = _spec("swung16", 0, style="boom_bap", mix="drums", jitter_ms=0.0, swing_percent=62.0,
                 backbeat_lag_ms=0.0, duration_s=10.0, drift=0.0)  # fmt: skip
    perf, truth = grooves.build_performance(spec)
    assert truth["swing_subdivision"] == 16
    beats = np.array(truth["beats_s"])
    hats = sorted(n.start_s for n in perf.notes if n.pitch == 42)
    ibi = float(np.median(np.diff(beats)))
    # every hat is at 0, .31, .5 or .81 of its beat (62 % of each 8th-note pair)
    fr = [((h - beats[0]) / ibi) % 1.0 for h in hats]
    allowed = np.array([0.0, 0.31, 0.5, 0.81, 1.0])
    assert max(np.min(np.abs(allowed - f)) for f in fr) < 1e-3  # truth beats are rounded to 10 µs


def test_drift_moves_the_tempo_and_truth_is_the_median() -> None:
    spec = _spec("drift", 0, drift=0.05, drift_shape="ramp", duration_s=20.0)
    _, truth = grooves.build_performance(spec)
    lo, hi = truth["tempo_range_bpm"]
    assert hi / lo > 1.06  # ±5 % around the start tempo
    ibi = np.diff(truth["beats_s"])
    assert truth["tempo_bpm"] == pytest.approx(60 / np.median(ibi), rel=0.02)


@pytest.mark.parametrize(
    ("category", "meter", "sub"), [("waltz", 3, 8), ("twelve_eight", 4, 8), ("swung16", 4, 16)]
)
def test_meter_downbeats_and_subdivision(category: str, meter: int, sub: int) -> None:
    _, truth = grooves.build_performance(_spec(category, 0))
    assert truth["meter"] == meter
    assert truth["swing_subdivision"] == sub
    beats = truth["beats_s"]
    assert (
        truth["downbeats_s"]
        == [b for i, b in enumerate(beats) if i % meter == 0][: len(truth["downbeats_s"])]
    )


def test_drumless_intro_has_no_drums_before_it_ends() -> None:
    spec = _spec("drumless_intro", 0, intro_bars=3)
    perf, truth = grooves.build_performance(spec)
    intro_end = truth["drumless_intro_s"]
    assert intro_end > 0
    drums = [n.start_s for n in perf.notes if n.channel == render.DRUM_CHANNEL]
    keys = [n.start_s for n in perf.notes if n.channel == 2]
    assert min(drums) >= intro_end - 0.05
    assert min(keys) < intro_end


@pytest.mark.parametrize("family", sorted(music.PROGRESSIONS))
def test_progressions_open_on_the_tonic_and_name_the_right_mode(family: str) -> None:
    spec = _spec("modal", 0, family=family, progression=0, tonic_pc=9, mix="full")
    _, truth = grooves.build_performance(spec)
    assert truth["key"] == f"A {music.FAMILY_MODE[family]}"
    assert truth["modal"] is (family in music.MODAL_FAMILIES)
    for prog in music.PROGRESSIONS[family]:
        assert prog[0][0] == 0  # every loop starts on its tonic chord
        if family in ("aeolian", "dorian", "mixolydian"):
            # modal: no leading-tone dominant (a major chord on the fifth degree)
            assert not any(r == 7 and q in ("maj", "dom7") for r, q in prog)


@pytest.mark.slow
def test_one_shots_start_at_once_and_sound_their_root(font: render.SoundFont) -> None:
    import librosa

    for instrument, index in (("bass", 1), ("keys", 0), ("kick", 0)):
        spec = oneshots.draw_spec(np.random.default_rng(index), id="t", instrument=instrument,
                                  index=index, soundfont="timgm6mb")  # fmt: skip
        if instrument == "keys":
            spec = dataclasses.replace(spec, pitch=57, program=0, duration_s=1.0, note_s=0.8)
        perf, truth = oneshots.build_performance(spec)
        lat = render.onset_latency_s(font, render.sounds_of([perf]), cache_dir=_tmp_cache())
        (y,) = render.render_batch([perf], font, latency=lat)
        assert truth["kind"] == "one_shot"
        assert truth["tempo_bpm"] is None
        onset = render.measure_onset_s(y, SR)
        assert onset is not None
        assert onset < 0.02
        if truth["root_note"]:
            f0 = librosa.yin(y[int(0.05 * SR) : int(0.5 * SR)], fmin=25, fmax=2000, sr=SR)
            midi = float(np.median(librosa.hz_to_midi(f0)))
            assert round(midi) % 12 == music.note_number(truth["root_note"]) % 12, (
                instrument,
                midi,
            )


def test_note_names_round_trip() -> None:
    assert music.note_name(30) == "F#1"
    assert music.note_name(60) == "C4"
    assert music.note_number("F#1") == 30 == music.note_number("Gb1")


# --------------------------------------------------------------------------- chorales


def _score(
    sharps: int, final: list[str], first: list[str] | None = None, extra: Sequence[str] = ()
) -> object:
    """A four-part score: chords given as four pitch names each, one half note apiece."""
    from music21 import key, note, pitch, stream

    chords = [first or final, *([list(extra)] if extra else []), final]
    score = stream.Score()
    for voice in range(4):  # soprano, alto, tenor, bass
        part = stream.Part()
        part.append(key.KeySignature(sharps))
        for names in chords:
            ordered = sorted(names, key=lambda n: pitch.Pitch(n).midi)
            part.append(note.Note(ordered[3 - voice], quarterLength=2))
        score.insert(0, part)
    return score


@pytest.mark.parametrize(
    ("sharps", "final", "first", "extra", "want"),
    [
        (1, ["G2", "D4", "G4", "B4"], None, (), ("G", "major", "major")),
        # Dorian signature: G minor with one flat; Picardy major final chord
        (
            -1,
            ["G2", "D4", "G4", "B4"],
            ["G2", "D4", "G4", "B-4"],
            ("D3", "F#4", "A4", "D5"),
            ("G", "minor", "dorian-signature"),
        ),
        # relative minor with a Picardy third
        (
            0,
            ["A2", "E4", "A4", "C#5"],
            ["A2", "E4", "A4", "C5"],
            ("E3", "G#4", "B4", "E5"),
            ("A", "minor", "minor-picardy"),
        ),
    ],
)
def test_chorale_key_rules(
    sharps: int, final: list[str], first: list[str] | None, extra: tuple[str, ...], want: tuple
) -> None:
    from music21 import pitch

    truth = chorales.check_truth(_score(sharps, final, first, extra))
    assert (truth.tonic_pc, truth.mode, truth.rule) == (pitch.Pitch(want[0]).pitchClass, *want[1:])


@pytest.mark.parametrize(
    ("sharps", "final", "reason"),
    [
        (0, ["E2", "B3", "E4", "G#4"], "Phrygian"),  # E major final with no signature
        (0, ["G2", "D4", "G4", "B4"], "dominant"),  # half cadence / Mixolydian
        (0, ["E2", "C4", "G4", "C5"], "root position"),
        (0, ["A2", "E4", "A4", "C5"], "leading tone"),  # A minor without any G#
    ],
)
def test_chorale_ambiguous_pieces_are_dropped(sharps: int, final: list[str], reason: str) -> None:
    with pytest.raises(chorales.Ambiguous, match=reason):
        chorales.check_truth(_score(sharps, final))


@pytest.mark.slow
def test_real_chorale_truth_matches_its_final_chord_and_signature() -> None:
    """Every chorale truth in a slice of the corpus agrees with the score it came from."""
    from music21 import corpus

    checked = 0
    for path in chorales.chorale_paths()[:8]:
        score = corpus.parse(f"bach/{path.name}")
        try:
            truth = chorales.check_truth(score)
        except chorales.Ambiguous:
            continue
        final = [
            c for c in score.chordify().recurse().getElementsByClass("Chord") if len(c.pitches)
        ][-1]
        assert final.root().pitchClass == truth.tonic_pc
        major = (7 * truth.sharps) % 12
        allowed = {major} if truth.mode == "major" else {(major + 9) % 12, (major + 2) % 12}
        assert truth.tonic_pc in allowed
        checked += 1
    assert checked >= 4


def test_splits_differ_in_pieces_and_seeds() -> None:
    from groovegraph.evals import corpus

    paths = chorales.chorale_paths()
    by_split = {
        s: {chorales.bwv_number(p) for p in paths if chorales.split_of(p) == s}
        for s in corpus.SPLITS
    }
    assert not by_split["tuning"] & by_split["reporting"]
    assert min(len(v) for v in by_split.values()) > 100
    g_t = {j.id: j.spec for j in corpus.groove_jobs("tuning")}
    g_r = {j.id: j.spec for j in corpus.groove_jobs("reporting")}
    assert len(g_r) >= 200
    assert not {s.seed for s in g_t.values()} & {s.seed for s in g_r.values()}


_CACHE = None


def _tmp_cache():  # one latency cache for the module's renders
    global _CACHE
    if _CACHE is None:
        import tempfile
        from pathlib import Path

        _CACHE = Path(tempfile.mkdtemp(prefix="gg-corpus-test-"))
    return _CACHE


def test_oneshot_scale_extends_only_the_tuning_split() -> None:
    """More tuning one-shots for fitting start with the tuning split's own examples; the
    reporting split cannot be drawn at another scale."""
    from groovegraph.evals.corpus import oneshot_jobs

    base = oneshot_jobs("tuning")
    more = oneshot_jobs("tuning", scale=3)
    assert len(more) == 3 * len(base)
    by_id = {j.id: j.spec for j in more}
    assert all(by_id[j.id] == j.spec for j in base)
    with pytest.raises(ValueError, match="tuning split"):
        oneshot_jobs("reporting", scale=2)
