"""Things to listen to: a sample with a click on its beats, and two samples matched and mixed.

* :func:`click_track`: the sample with ``librosa.clicks`` on every detected beat (a
  1 kHz click) and a louder, higher click (1.5 kHz) on each bar start, so you hear at
  once whether the grid sits.
* :func:`mix_plan` / :func:`render_mix`: what the compatibility verdict proposes, done to
  the audio. B is time-stretched (phase vocoder: the key stays) onto A's tempo, at half
  or double time when that is the smaller stretch (as
  :func:`~groovegraph.tools.harmony.tempo_compatibility` chooses), and pitch-shifted by
  the fewest semitones that give the best Camelot relation when the keys do not already
  mix (same, relative or adjacent). B's first bar is laid on A's first bar, B's whole bars
  repeat to fill the preview, both are brought to one loudness and the sum is kept below
  full scale.

Audio is mono ``(n,)`` or multichannel ``(channels, n)`` (librosa's layout), at any rate:
a stereo sample is heard in stereo. Clicks go to every channel; a mono B laid on a
stereo A sits in the middle.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from groovegraph.state import Analysis
from groovegraph.tools.errors import InvalidQueryError

#: Relations that mix as they are: no pitch shift is proposed for them.
_MIXES_AS_IS = 0.85


@dataclass(frozen=True)
class MixOutcome:
    """How the pair sits once B is stretched and shifted as planned."""

    key_relation: str | None
    """Relation of B's shifted key to A's, None when one has no key."""
    verdict: str
    score: float


@dataclass(frozen=True)
class MixPlan:
    """How B is changed to sit with A.

    ``key_relation``, ``verdict`` and ``score`` describe the pair as it is (the chat's
    verdict, one function); ``after`` describes it once B is stretched by
    ``stretch_rate`` and shifted by ``semitones``, so the two never contradict each
    other (a clash shifted onto A's key is ``key_relation: "clash"``, ``verdict:
    "poor"`` as it is and ``after: {"key_relation": "same", ...}``).
    """

    stretch_rate: float
    """librosa's ``time_stretch`` rate applied to B (>1 = faster)."""
    tempo_relation: str
    semitones: int
    """Pitch shift applied to B."""
    key_relation: str | None
    """Relation of B's key to A's as they are, None when one has no key."""
    verdict: str
    """The pair's compatibility verdict as it is (the chat's verdict, one function)."""
    score: float
    after: MixOutcome
    """The pair after the stretch and shift."""

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _need_loop(x: Analysis, name: str) -> float:
    if x.tempo_bpm is None or not x.beats_s:
        raise InvalidQueryError(
            f"sample {name} is a one-shot (no tempo): a mix preview needs two loops"
        )
    return float(x.tempo_bpm)


def mix_plan(a: Analysis, b: Analysis) -> MixPlan:
    """The stretch and shift that take B to A, with the verdict of the result."""
    from groovegraph.tools.harmony import compatibility, key_compatibility, tempo_compatibility
    from groovegraph.tools.keys import Key, parse_key

    bpm_a, bpm_b = _need_loop(a, "A"), _need_loop(b, "B")
    tempo = tempo_compatibility(bpm_a, bpm_b)
    rate = 1.0 + tempo.stretch_percent / 100.0
    semitones = 0
    relation: str | None = None
    shifted_key: str | None = None
    if a.key and b.key:
        kb = parse_key(b.key)
        here = key_compatibility(a.key, kb)
        relation = here.relation
        if here.score < _MIXES_AS_IS:
            options = []
            for shift in range(-6, 7):
                moved = Key((kb.pc + shift) % 12, kb.mode)
                rep = key_compatibility(a.key, moved)
                options.append((-rep.score, abs(shift), shift, moved.name))
            _, _, semitones, shifted_key = min(options)
    # The verdict is the chat's (check_compatibility): the pair as it is, before the
    # stretch and shift proposed here, so a 100 vs 124 BPM pair is not called "great"
    # because stretching would make it so. ``after`` is the same function on the
    # stretched and shifted B.
    report = compatibility(a, b)
    after = compatibility(a, b, key_b=shifted_key or b.key, bpm_b=bpm_b * rate)
    return MixPlan(
        stretch_rate=round(rate, 5),
        tempo_relation=tempo.relation,
        semitones=int(semitones),
        key_relation=relation,
        verdict=report.verdict,
        score=report.score,
        after=MixOutcome(
            key_relation=after.key.relation if after.key is not None and relation else None,
            verdict=after.verdict,
            score=after.score,
        ),
    )


def _first_bar(x: Analysis) -> float:
    if x.downbeats_s:
        return float(x.downbeats_s[0])
    return float(x.beats_s[0]) if x.beats_s else 0.0


def _rms(y: npt.NDArray[np.float32]) -> float:
    return float(np.sqrt(np.mean(np.square(y, dtype=np.float64)))) if y.size else 0.0


def render_mix(
    ya: npt.NDArray[np.float32],
    yb: npt.NDArray[np.float32],
    sr: int,
    a: Analysis,
    b: Analysis,
    plan: MixPlan,
    *,
    seconds: float,
) -> npt.NDArray[np.float32]:
    """A and the matched B layered, ``seconds`` long, float32: mono ``(n,)`` when both are
    mono, else ``(channels, n)`` with the larger channel count of the two."""
    import librosa

    n = round(seconds * sr)
    a2, b2 = np.atleast_2d(ya), np.atleast_2d(yb)  # (channels, samples)
    channels = max(a2.shape[0], b2.shape[0])
    out_a = np.zeros((channels, n), dtype=np.float32)
    take_a = min(n, a2.shape[1])
    out_a[:, :take_a] = a2[:, :take_a]
    # B from its first bar to the end of its last whole bar (a loop that repeats cleanly).
    start_b = round(_first_bar(b) * sr)
    downs = [d for d in (b.downbeats_s or []) if d > _first_bar(b)]
    end_b = round(downs[-1] * sr) if downs else b2.shape[1]
    segment = b2[:, start_b:end_b] if end_b - start_b > sr // 4 else b2[:, start_b:]
    if abs(plan.stretch_rate - 1.0) > 1e-4:
        segment = librosa.effects.time_stretch(segment, rate=plan.stretch_rate)
    if plan.semitones:
        segment = librosa.effects.pitch_shift(segment, sr=sr, n_steps=plan.semitones)
    out_b = np.zeros((channels, n), dtype=np.float32)
    pos = round(_first_bar(a) * sr)
    length = segment.shape[1]
    if length:
        while pos < n:
            take = min(length, n - pos)
            out_b[:, pos : pos + take] = segment[:, :take]
            pos += length
    ra, rb = _rms(out_a), _rms(out_b)
    if ra > 0 and rb > 0:
        out_b *= ra / rb
    mix = out_a + out_b
    peak = float(np.max(np.abs(mix))) if mix.size else 0.0
    if peak > 0.89:
        mix *= 0.89 / peak
    return (mix[0] if channels == 1 else mix).astype(np.float32)


def click_track(y: npt.NDArray[np.float32], sr: int, analysis: Analysis) -> npt.NDArray[np.float32]:
    """The sample with clicks on its beats (accent on bar starts), float32 in ``y``'s
    shape (mono ``(n,)`` or ``(channels, n)``, the clicks on every channel)."""
    import librosa

    beats = np.asarray(analysis.beats_s or [], dtype=np.float64)
    downs = np.asarray(analysis.downbeats_s or [], dtype=np.float64)
    length = y.shape[-1]
    beats = beats[beats * sr < length]
    downs = downs[downs * sr < length]
    plain = beats[~np.isin(np.round(beats, 4), np.round(downs, 4))]
    clicks = librosa.clicks(times=plain, sr=sr, length=length, click_freq=1000.0) * 0.5
    clicks += librosa.clicks(times=downs, sr=sr, length=length, click_freq=1500.0) * 0.8
    level = _rms(y)
    mix = y * (0.25 / level if level > 0 else 1.0) * 0.7 + clicks.astype(np.float32) * 0.5
    peak = float(np.max(np.abs(mix))) if mix.size else 0.0
    if peak > 0.89:
        mix *= 0.89 / peak
    return mix.astype(np.float32)


def wav_bytes(y: npt.NDArray[np.float32], sr: int) -> bytes:
    """16-bit PCM WAV of mono ``(n,)`` or ``(channels, n)`` audio."""
    import soundfile as sf

    buf = io.BytesIO()
    frames = y.T if y.ndim == 2 else y  # soundfile wants (frames, channels)
    sf.write(buf, np.clip(frames, -1.0, 1.0), sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()
