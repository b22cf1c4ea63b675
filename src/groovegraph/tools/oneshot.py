"""One-shots: telling a single hit or note from a loop, naming its instrument and its root.

Half of a producer's library is one-shots — kicks, snares, hats, 808s, stabs. A one-shot
has no tempo, beats, swing or pocket (the analysis leaves them null rather than invent a
tempo from one hit); what it has is an instrument and, when it is tonal, a root note.

1. **Kind** (:func:`count_events`, numpy only, run on every clip): a one-shot is one
   dominant event. Events are *attacks* — a rise of :data:`ATTACK_RISE_DB` within
   ~35 ms in at least two of six frequency bands (or :data:`STRONG_RISE_DB` in one), to
   within 25 dB of that band's own peak — plus *pitch changes* (the chroma of the
   tonal part moves to a new, stable pitch set), so a legato chord progression counts its
   chords even where nothing re-attacks. A long tail, a slow pad attack, vibrato or a
   pitch drop is not a new event; two quick hits (a flam, a clap's bursts) are one.
   At most :data:`ONE_SHOT_MAX_EVENTS` events is a one-shot; clips longer than
   :data:`ONE_SHOT_MAX_S` are treated as loops (a drone that long is better reported by
   the loop analysis, which falls back to a one-shot itself when it finds no pulse).
2. **Instrument** (:func:`analyze_one_shot`): spectral centroid, roll-off and
   flatness of the body of the sound, the attack and decay of its envelope, the share of
   energy below 150/250 Hz, micro-bursts in the first 60 ms (a clap), and the pitch
   salience and stability of a YIN pitch track, and how far the low band's pitch falls
   in the attack. Pitched sounds are kick (a short low thump, or a sine swept fast from
   100–300 Hz into the sub-bass that dies away), tom (a pitch that sinks as it rings and
   dies away — a high tom too, up to 400 Hz; an 808 that glides into its note holds it
   and stays bass), bass (below C3; an 808 holds its note), perc (pitched but gone at
   once), lead (bright), vocal/pad (slow attack; short or long), keys; a chord the
   tracker cannot follow but whose spectrum is peaky and rings on is tonal too (named by
   its lowest partial); unpitched ones kick, cymbal, hat, clap (bursts of *noise*), tom,
   snare or perc; sounds whose energy swells late or whose pitch sweeps through many
   semitones are fx (a tracker hopping between a chord's notes is no sweep). Hand-set rules, physically motivated, thresholds set on the *tuning*
   split of the one-shot corpus (:mod:`groovegraph.evals.corpus`) only. A pitched sound
   none of the drum rules claims is named by a small fitted model (:func:`_tonal_class`:
   a multinomial logistic regression over register, envelope, brightness, harmonicity,
   the spectral envelope in fixed bands — a vowel's formants —, harmonic levels and
   vibrato; classes bass, keys, pad, lead, vocal, tom and perc), refitted from tuning
   material only by ``python -m benchmarks.oneshot_model_fit --write --corpus-scale 5``;
   below C3 the register still says bass, a pitched sound gone at once is perc, and a
   note whose pitch does not waver at all is no voice.
3. **Root note**: the most frequent semitone of the YIN pitch track over the held
   part (after the attack, frames whose pitch stays within a quarter tone of its
   neighbours), named with sharps in scientific pitch notation (``"F#1"``, MIDI 60 =
   ``"C4"``). An 808 whose pitch drops in its first 100 ms is named by the pitch it
   settles on. Octaves: YIN takes the longer period when it repeats markedly better
   (a weak fundamental under a strong 2nd harmonic, as in a choir "aah"), and the held
   part's harmonics move the root up an octave when the lowest partial is a sub-octave
   stop under the note (an organ's 16', a sub oscillator: no 5th or 7th harmonic), two
   octaves when a quint sounds over the octave above the lowest partial but not over
   the lowest partial itself (5 1/3' over 16', with a rank under both). A
   pitch track that flips between a note and its octave counts as steady, not as a
   sweep. Vibrato is averaged out over about one cycle before the votes, so a deep one
   (its extremes nearer the neighbouring semitones) is named by its centre. A stab of
   several notes is named by its lowest note rather than their common period (octaves
   under it), and an inharmonic sound (a bell, a struck bar) by its lowest partial where
   the period the tracker finds lies a third of a semitone or more off it. A chord is
   named by its lowest note also when the tracker locks on its third or fifth (a lower
   partial, in tune with it, as loud as a note, in a sound that rings) or on the empty
   octave under a root and fifth (nothing sounds at the tracked period). A track that
   hops between octaves of the note is named by the lowest of them that sounds in the
   spectrum. Every clearly
   pitched one-shot gets a root (a tuned kick or conga too); noises, hats, cymbals and
   sweeps do not.

Loops may get an instrument too (:func:`loop_instrument`), conservatively: ``drums`` when
nothing is pitched, ``mix`` when pitched content and drum hits both carry weight (the
rhythm analysis having heard drums; or drum hits over a bass that holds almost all the
power), ``bass`` when almost everything lies below 250 Hz and there are no drum hits,
otherwise null: a keys, pad or guitar loop is not told apart from the sound (see
:func:`loop_instrument`).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from numpy.fft import rfft as _rfft  # not scipy.fft: its import costs a cold start ~0.4 s

__all__ = [
    "INSTRUMENTS",
    "ONE_SHOT_FALLBACK_MAX_EVENTS",
    "ONE_SHOT_INSTRUMENTS",
    "TONAL_INSTRUMENTS",
    "Kind",
    "OneShotResult",
    "analyze_one_shot",
    "count_events",
    "detect_kind",
    "loop_instrument",
    "note_name",
]

Kind = Literal["loop", "one_shot"]

#: Instruments a one-shot can be classified as.
ONE_SHOT_INSTRUMENTS: tuple[str, ...] = (
    "kick",
    "snare",
    "clap",
    "hat",
    "cymbal",
    "tom",
    "perc",
    "bass",
    "keys",
    "pad",
    "lead",
    "vocal",
    "fx",
)
#: Every value of ``Analysis.instrument`` (loops add ``drums`` and ``mix``).
INSTRUMENTS: tuple[str, ...] = (*ONE_SHOT_INSTRUMENTS, "drums", "mix")
#: One-shots that name a ``root_note``.
TONAL_INSTRUMENTS: frozenset[str] = frozenset({"bass", "keys", "pad", "lead", "vocal"})

ONE_SHOT_MAX_EVENTS = 2
"""A clip with at most this many events (attacks or pitch changes) is a one-shot: one hit,
or one hit and its echo/flam. A one-bar loop has at least four."""

ONE_SHOT_FALLBACK_MAX_EVENTS = 3
"""A clip the loop analysis finds no pulse in is reported as a one-shot when it has at
most this many events (fewer than one bar of a loop); busier clips stay errors."""

ONE_SHOT_MAX_S = 12.0
"""Clips longer than this (seconds) are analysed as loops first."""

ATTACK_RISE_DB = 8.0
"""Rise within ~35 ms, in at least two bands, that makes an attack."""

STRONG_RISE_DB = 15.0
"""Rise within ~35 ms that makes an attack even in a single band."""

_EVENT_MERGE_S = 0.08
"""Attacks closer than this are one event (a flam, the bursts of a clap)."""

_BAND_EDGES_HZ = (0.0, 150.0, 400.0, 1000.0, 2500.0, 6000.0, 1.0e6)
_HOP_S = 0.0116  # ≈ 256 samples at 22.05 kHz
_RISE_FRAMES = 3  # ≈ 35 ms
# Pitch range searched: a quarter tone under A0 (26.7 Hz: a sub bass or an 808 tuned below
# C1, down to the piano's lowest key; with B0 as the floor an A0 808 read B0) to C7. The
# YIN frame stays 2048 samples at 22.05 kHz.
_PITCH_MIN_HZ = 440.0 * 2 ** ((20.5 - 69) / 12)
_PITCH_MAX_HZ = 440.0 * 2 ** ((96 - 69) / 12)
_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

_Float = npt.NDArray[np.floating[Any]]


@dataclass(frozen=True)
class OneShotResult:
    """What :func:`analyze_one_shot` measures.

    Attributes
    ----------
    instrument : str or None
        One of :data:`ONE_SHOT_INSTRUMENTS`; None when the sound fits none of them.
    root_note : str or None
        Pitch of a tonal one-shot (``"F#1"``); None for drums and noises.
    root_hz : float or None
        The same pitch in Hz, before rounding to a semitone.
    pitch_salience : float
        0..1, share of the sound's body the YIN pitch track finds voiced.
    """

    instrument: str | None
    root_note: str | None
    root_hz: float | None
    pitch_salience: float


# ------------------------------------------------------------------------ shared STFT


def _stft_power(y: _Float, sr: int, n_fft: int, hop: int) -> npt.NDArray[np.float32]:
    """|STFT|² with frames starting at ``i * hop``, shape (bins, frames)."""
    if y.size < n_fft:
        y = np.pad(y, (0, n_fft - y.size))
    n_frames = 1 + (y.size - n_fft) // hop
    frames = np.lib.stride_tricks.as_strided(
        y, shape=(n_frames, n_fft), strides=(y.strides[0] * hop, y.strides[0]), writeable=False
    )
    window = np.hanning(n_fft).astype(np.float32)
    n_bins = n_fft // 2 + 1
    power = np.empty((n_frames, n_bins), dtype=np.float32)
    # re² + im² of the float32 transform, in blocks of 32 frames through buffers allocated
    # once: the same numbers as one transform of every frame, with the buffers kept in
    # the cache between the passes (~40 % less CPU at 1024 points, hop 256).
    rows = min(32, n_frames)
    windowed = np.empty((rows, n_fft), dtype=np.float32)
    spec = np.empty((rows, n_bins), dtype=np.complex64)
    im2 = np.empty((rows, n_bins), dtype=np.float32)
    for lo in range(0, n_frames, rows):
        hi = min(n_frames, lo + rows)
        k = hi - lo
        np.multiply(frames[lo:hi], window, out=windowed[:k])
        _rfft(windowed[:k], axis=1, out=spec[:k])  # type: ignore[arg-type]  # complex64: numpy 2 keeps float32
        np.square(spec[:k].real, out=power[lo:hi])
        np.square(spec[:k].imag, out=im2[:k])
        power[lo:hi] += im2[:k]
    # (bins, frames), a transposed view as before: reductions over bins keep their order.
    out: npt.NDArray[np.float32] = power.T
    return out


# ------------------------------------------------------------------------------ kind


def _attack_frames(band_db: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """Frames where an attack starts, from band levels in dB of shape (bands, frames)."""
    top = float(band_db.max())
    n = band_db.shape[1]
    votes = np.zeros(n, dtype=np.int32)
    strong = np.zeros(n, dtype=bool)
    for level in band_db:
        peak = float(level.max())
        if peak < top - 30.0:  # a band that never matters (hiss under a kick)
            continue
        prev = level.copy()
        for j in range(1, _RISE_FRAMES + 1):
            prev[j:] = np.minimum(prev[j:], level[:-j])
        rise = level - prev
        loud = level >= peak - 25.0
        hit = (rise >= ATTACK_RISE_DB) & loud
        hit[1:] |= hit[:-1]  # one frame of slack between bands
        votes += hit
        strong |= (rise >= STRONG_RISE_DB) & loud
    return np.flatnonzero((votes >= 2) | strong)


def _pitch_change_frames(
    power: npt.NDArray[np.float32], freqs: _Float, total_db: _Float, hop_s: float
) -> npt.NDArray[np.intp]:
    """Frames where the pitched content moves to a new, stable set of pitch classes."""
    sel = (freqs >= 55.0) & (freqs <= 4000.0)
    midi = 69.0 + 12.0 * np.log2(freqs[sel] / 440.0)
    pc = np.mod(np.rint(midi), 12).astype(np.int64)
    spec = power[sel]
    # Tonal frames only: a peaky spectrum (noise and cymbals have flat ones).
    geo = np.exp(np.mean(np.log(spec + 1e-12), axis=0))
    flat = geo / (np.mean(spec, axis=0) + 1e-12)
    chroma = np.zeros((12, spec.shape[1]))
    for k in range(12):
        chroma[k] = spec[pc == k].sum(axis=0)
    # Smooth over ~100 ms so vibrato and beating do not count as changes.
    width = max(1, round(0.1 / hop_s))
    kernel = np.ones(width) / width
    chroma = np.stack([np.convolve(c, kernel, mode="same") for c in chroma])
    chroma /= np.linalg.norm(chroma, axis=0, keepdims=True) + 1e-12
    lag = max(1, round(0.2 / hop_s))
    if chroma.shape[1] <= 2 * lag:
        return np.zeros(0, dtype=np.intp)
    sim = np.sum(chroma[:, lag:] * chroma[:, :-lag], axis=0)  # frame t vs t - lag
    # ... and the new pitch set holds for the next ``lag`` frames.
    hold = np.ones_like(sim)
    hold[: sim.size - lag] = np.sum(chroma[:, lag:-lag] * chroma[:, 2 * lag :], axis=0)
    loud = total_db[lag:] >= float(total_db.max()) - 25.0
    tonal = flat[lag:] < 0.2
    change = (sim < 0.6) & (hold > 0.85) & loud & tonal
    return np.flatnonzero(change) + lag


@dataclass(frozen=True)
class _Events:
    """Event onsets (frame indices, merged) and whether each later one is shallow."""

    starts: list[int]
    shallow: list[bool]  # per event: rises from within SHALLOW_DB of the clip's peak level
    pitch_changes: int
    #: per event: never comes within :data:`FAINT_DB` of the loudest the clip had been
    #: (a flutter of a release tail, not a new hit)
    faint: list[bool] = dataclasses.field(default_factory=list)


FAINT_DB = 15.0
"""A later event whose level in the 150 ms after it stays this many dB or more under the
loudest the clip had been so far is a ripple of a fading tail (a pad's release with its
chorus or tremolo still moving), not a new hit: like a shallow one it does not make a
held note a loop."""

SHALLOW_DB = 22.0
"""A later event whose level in the 100 ms before it stays within this many dB of the
loudest the clip had been so far is a swell of a sound still ringing or still fading in
(tremolo, a choir's ensemble, a slow attack), not a new hit; it counts as an event but
does not make a held note a loop (see :func:`detect_kind`)."""


def _events(y: _Float, sr: int) -> _Events:
    hop = max(16, round(sr * _HOP_S))
    n_fft = 4 * hop
    # 50 ms of silence in front so an attack at sample 0 is seen as a rise; n_fft behind
    # so the last frames cover the end.
    pad = np.zeros(round(0.05 * sr), dtype=np.float32)
    x = np.concatenate([pad, np.asarray(y, dtype=np.float32), np.zeros(n_fft, np.float32)])
    power = _stft_power(x, sr, n_fft, hop)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    bands = np.stack(
        [
            power[(freqs >= lo) & (freqs < hi)].sum(axis=0)
            for lo, hi in itertools.pairwise(_BAND_EDGES_HZ)
        ]
    ).astype(np.float64)
    band_db = 10.0 * np.log10(bands + 1e-20)
    band_db = np.maximum(band_db, float(band_db.max()) - 80.0)
    total_db = 10.0 * np.log10(bands.sum(axis=0) + 1e-20)
    changes = _pitch_change_frames(power, freqs, total_db, hop / sr)
    frames = np.union1d(_attack_frames(band_db), changes)
    merge = max(1, round(_EVENT_MERGE_S * sr / hop))
    look = max(1, round(0.1 * sr / hop))
    starts: list[int] = []
    shallow: list[bool] = []
    faint: list[bool] = []
    after = max(1, round(0.15 * sr / hop))
    last = -(10**9)
    for f in frames.tolist():
        if f - last > merge:
            starts.append(f)
            # Deep = the sound had died down well below what it reached before (a new
            # hit); shallow = it was still ringing, or still swelling in (a slow attack).
            before = float(total_db[max(0, f - look) : f].min()) if f > 0 else -np.inf
            reached = float(total_db[: max(1, f - look)].max())
            shallow.append(before >= reached - SHALLOW_DB)
            so_far = float(total_db[: max(1, f)].max())
            faint.append(f > 0 and float(total_db[f : f + after].max()) < so_far - FAINT_DB)
        last = f
    return _Events(starts=starts, shallow=shallow, pitch_changes=int(changes.size), faint=faint)


def count_events(y: _Float, sr: int) -> int:
    """Number of distinct events (attacks and pitch changes) in ``y``.

    Parameters
    ----------
    y : np.ndarray
        Mono samples, shape ``(n,)``; any length (a 30 ms hat counts one event).
    sr : int
        Sample rate in Hz.

    Returns
    -------
    int
        Events at least :data:`_EVENT_MERGE_S` apart; 0 when nothing attacks (a swell).
    """
    return len(_events(y, sr).starts)


#: A clip longer than this (seconds) is not checked for being one held note.
_HELD_NOTE_MAX_S = 6.0


def detect_kind(y: _Float, sr: int, *, events: int | None = None) -> Kind:
    """``"one_shot"`` for a single hit or note, else ``"loop"`` (see the module docstring).

    At most :data:`ONE_SHOT_MAX_EVENTS` events is a one-shot. So is one held note whose
    later "events" are only swells of the ringing sound (tremolo, vibrato, a choir's
    ensemble): a single steady pitch, no change of pitch, and every event after the first
    shallow (:data:`SHALLOW_DB`) — a repeated note that stops and starts again is a loop.
    ``events``: :func:`count_events` of the same clip, when the caller has it already.
    """
    if y.size / sr > ONE_SHOT_MAX_S:
        return "loop"
    n = count_events(y, sr) if events is None else events
    if n <= ONE_SHOT_MAX_EVENTS:
        return "one_shot"
    if y.size / sr <= _HELD_NOTE_MAX_S and _held_note(y, sr):
        return "one_shot"
    return "loop"


def _held_note(y: _Float, sr: int) -> bool:
    # Chroma "changes" are not checked here: a filter sweep moves the chroma of one
    # note; the YIN pitch below is what says the note stays the same.
    ev = _events(y, sr)
    if not all(s or q for s, q in zip(ev.shallow[1:], ev.faint[1:], strict=True)):
        return False
    hop = max(1, round(512 * sr / 22050))
    f0, voiced = _yin(np.asarray(y, dtype=np.float64), sr, hop=hop)
    frame_rms = np.sqrt(
        np.array(
            [
                np.mean(np.asarray(y[i * hop : i * hop + hop], np.float64) ** 2)
                for i in range(f0.size)
            ]
        )
        + 1e-20
    )
    audible = frame_rms >= float(frame_rms.max()) * 10 ** (-25 / 20)
    if audible.sum() < 4 or float(np.mean(voiced[audible])) < 0.7:
        return False
    semis = 12.0 * np.log2(f0[audible & voiced] / 440.0)
    q75, q25 = np.percentile(semis, [75, 25])
    return bool(q75 - q25 <= 0.5)


# ------------------------------------------------------------------------ features


def note_name(midi: int) -> str:
    """Scientific pitch name with sharps: 60 → ``"C4"``, 30 → ``"F#1"``."""
    return f"{_NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def _count_bursts(env: npt.NDArray[np.float64], *, height: float, dip: float) -> int:
    """Peaks of ``env`` above ``height`` separated by a dip of at least ``dip`` below the
    lower of the two (a prominence test without scipy.signal, whose import costs more
    than the analysis)."""
    inner = env[1:-1]
    cands = np.flatnonzero((inner > env[:-2]) & (inner >= env[2:]) & (inner >= height)) + 1
    peaks: list[int] = []
    for c in cands.tolist():
        if peaks and float(env[peaks[-1] : c + 1].min()) > min(env[peaks[-1]], env[c]) - dip:
            if env[c] > env[peaks[-1]]:
                peaks[-1] = c  # the same burst, its higher point
            continue
        peaks.append(c)
    return len(peaks)


#: YIN aperiodicity (cumulative-mean-normalised difference at the chosen lag) below
#: which a frame is voiced; noise sits near 1, a clean tone near 0.
_YIN_THRESHOLD = 0.3
#: Length (s) of the window YIN's difference function sums over.
_YIN_WINDOW_S = 0.0605
#: Octave check: when the first dip is this aperiodic or more and the dip at twice the
#: lag is under :data:`_YIN_OCTAVE_RATIO` of it, the longer period is the note.
_YIN_OCTAVE_MIN = 0.05
_YIN_OCTAVE_RATIO = 0.4


def _dip(c: npt.NDArray[np.float64], t: int, tau_max: int) -> int:
    """Follow the curve ``c`` downhill from lag ``t`` to its local minimum."""
    while t + 1 <= tau_max and c[t + 1] < c[t]:
        t += 1
    return t


def _yin(
    y: npt.NDArray[np.float64], sr: int, *, hop: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """YIN pitch track (de Cheveigné & Kawahara 2002): f0 in Hz (NaN when unvoiced) and
    the voiced flags, frames centred on ``i * hop``.

    Written in numpy rather than calling ``librosa.pyin``/``librosa.yin``: those compile
    numba kernels and import scipy.stats on first use (seconds in a fresh process), which
    a CLI analysing one kick would pay every time; this is a few FFTs.
    """
    tau_min = max(2, int(sr / _PITCH_MAX_HZ))
    tau_max = math.ceil(sr / _PITCH_MIN_HZ)
    # The difference function sums over a fixed ~60 ms (about two periods of the lowest
    # note), each frame holding that window and the longest lag after it.
    win = round(_YIN_WINDOW_S * sr)
    frame = win + tau_max
    x = np.pad(y, (frame // 2, frame // 2))
    n_frames = 1 + max(0, (x.size - frame) // hop)
    frames = np.lib.stride_tricks.as_strided(
        x, shape=(n_frames, frame), strides=(x.strides[0] * hop, x.strides[0]), writeable=False
    )
    n = 1 << math.ceil(math.log2(frame + win))
    # d(tau) = sum_j (x_j - x_{j+tau})^2 over a window of ``win`` samples, from FFTs.
    corr = np.fft.irfft(np.fft.rfft(frames, n) * np.conj(np.fft.rfft(frames[:, :win], n)), n)
    corr = corr[:, : tau_max + 1]
    sq = np.concatenate([np.zeros((n_frames, 1)), np.cumsum(frames**2, axis=1)], axis=1)
    lags = np.arange(tau_max + 1)
    energy_tau = sq[:, lags + win] - sq[:, lags]
    diff = np.maximum(energy_tau[:, :1] + energy_tau - 2.0 * corr, 0.0)
    cum = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(cum, 1e-20)
    f0 = np.full(n_frames, np.nan)
    voiced = np.zeros(n_frames, dtype=bool)
    for i in range(n_frames):
        c = cmnd[i]
        below = np.flatnonzero(c[tau_min : tau_max + 1] < _YIN_THRESHOLD)
        if below.size == 0:
            continue
        # The first dip under the threshold (the shortest period: no octave-down error),
        # followed to its minimum.
        t = _dip(c, tau_min + int(below[0]), tau_max)
        # The first dip can be half the period when the fundamental is weak beside its
        # second harmonic (a choir "aah", a bright lead): a period twice as long that
        # repeats markedly better is the note (a clean tone repeats as well at 2t as at t).
        if c[t] > _YIN_OCTAVE_MIN and 2 * t + 2 <= tau_max:
            t2 = _dip(c, 2 * t - 2, tau_max)
            if abs(t2 - 2 * t) <= 2 + t // 20 and c[t2] < _YIN_OCTAVE_RATIO * c[t]:
                t = t2
        shift = 0.0
        if tau_min < t < tau_max:
            a, b, d = c[t - 1], c[t], c[t + 1]
            denom = a - 2.0 * b + d
            shift = 0.5 * (a - d) / denom if denom > 0 else 0.0
        f0[i] = sr / (t + shift)
        voiced[i] = True
    return f0, voiced


@dataclass(frozen=True)
class _Features:
    duration_s: float
    attack_s: float  # 10 % → 90 % of the peak amplitude
    peak_s: float  # time of the envelope peak
    decay_s: float  # peak → 20 dB below it
    drop_db: float  # how far the level falls in the 300 ms after the peak
    slope_db_s: float  # level change per second over the sustain (peak + 0.1 s … + 1 s)
    length_s: float  # start → last frame within 40 dB of the peak
    centroid_hz: float  # body (peak → +300 ms), energy weighted
    rolloff_hz: float
    flatness: float
    low_share: float  # energy below 150 Hz, whole sound
    sub_share: float  # energy below 250 Hz, whole sound
    bursts: int  # envelope peaks in the first 50 ms (a clap's hands)
    salience: float
    f0_hz: float | None
    f0_spread: float  # semitones, IQR of the voiced pitch track after the attack
    sweep_st: float = 0.0  # semitones the low pitch falls from the attack to f0_hz
    chord_root_hz: float | None = None  # lowest strong partial of the ringing part
    f0_on_notes: float = 1.0  # share of the held track on its 3 commonest semitones
    wires_share: float = 0.0  # body energy above 2 kHz from 35 ms after the peak
    #: Timbre measures for the tonal classes (:func:`_timbre_vector`): see :func:`_timbre`.
    timbre: tuple[float, ...] = ()
    #: The louder of the 2nd and 3rd harmonics of ``chord_root_hz`` in the first 250 ms
    #: after the peak, dB under the strongest of its first six (-120 without a root).
    chord_harmonic_db: float = -120.0


#: See :func:`_features`: frames this close (dB) to the loudest count as the peak.
_PEAK_TOLERANCE_DB = 1.0


def _features(y: _Float, sr: int) -> _Features:
    duration = y.size / sr
    # Short clips are padded so every estimator has a few frames to work on.
    x = np.asarray(y, dtype=np.float32)
    n_fft, hop = 2048, 256
    if x.size < n_fft:
        x = np.pad(x, (0, n_fft - x.size))
    power = _stft_power(x, sr, n_fft, hop)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    energy = power.sum(axis=0).astype(np.float64)
    env_db = 10.0 * np.log10(energy + 1e-20)
    # The peak is where the sound first comes within ``_PEAK_TOLERANCE_DB`` of its loudest:
    # a held, saturated note (an 808 driven flat) is as loud at its end as at its start,
    # and its loudest frame by a hair can be any of them.
    peak_db = float(env_db.max())
    peak_i = int(np.argmax(env_db >= peak_db - _PEAK_TOLERANCE_DB))
    times = np.arange(energy.size) * hop / sr

    # Attack from a fine amplitude envelope (1 ms), the envelope frames are too coarse.
    step = max(1, sr // 1000)
    amp = np.sqrt(np.convolve(x.astype(np.float64) ** 2, np.ones(step) / step, mode="same")[::step])
    a_peak = int(np.argmax(amp))
    above10 = np.flatnonzero(amp[: a_peak + 1] >= 0.1 * amp[a_peak])
    above90 = np.flatnonzero(amp[: a_peak + 1] >= 0.9 * amp[a_peak])
    attack_s = (above90[0] - above10[0]) * step / sr if above10.size and above90.size else 0.0
    # Micro-bursts: separate peaks in the first 60 ms of the envelope of the high band
    # (first difference ≈ a high-pass; 2 ms windows), each standing out by a quarter of
    # the maximum — a clap's hands. Low notes would show their own waveform here.
    hp = np.diff(x.astype(np.float64), prepend=0.0) ** 2
    win = max(1, 2 * step)
    hp_env = np.sqrt(np.convolve(hp, np.ones(win) / win, mode="same")[::step])
    first = hp_env[: max(3, round(0.06 * sr / step))]
    top = float(first.max()) + 1e-12
    bursts = _count_bursts(first, height=0.3 * top, dip=0.25 * top)

    after = env_db[peak_i:]
    below20 = np.flatnonzero(after < peak_db - 20.0)
    decay_s = below20[0] * hop / sr if below20.size else (after.size - 1) * hop / sr
    later = min(env_db.size - 1, peak_i + round(0.3 * sr / hop))
    drop_db = (
        peak_db - float(env_db[later]) if peak_i + round(0.3 * sr / hop) < env_db.size else 60.0
    )
    s0, s1 = peak_i + round(0.1 * sr / hop), min(env_db.size, peak_i + round(1.0 * sr / hop))
    audible_tail = (
        np.flatnonzero(env_db[s0:s1] >= peak_db - 30.0) + s0
        if s1 > s0
        else np.zeros(0, dtype=np.intp)
    )
    if len(audible_tail) >= 4:
        slope_db_s = float(np.polyfit(times[audible_tail], env_db[audible_tail], 1)[0])
    else:
        slope_db_s = -100.0
    within40 = np.flatnonzero(env_db >= peak_db - 40.0)
    length_s = min(duration, (within40[-1] + 1) * hop / sr) if within40.size else duration

    body = slice(peak_i, min(energy.size, peak_i + max(1, round(0.3 * sr / hop))))
    w = energy[body] / (energy[body].sum() + 1e-20)
    spec = power[:, body].astype(np.float64)
    col = spec.sum(axis=0) + 1e-20
    centroid = float(np.sum(w * (freqs @ spec) / col))
    cum = np.cumsum(spec, axis=0) / col
    rolloff = float(np.sum(w * freqs[np.argmax(cum >= 0.85, axis=0)]))
    geo = np.exp(np.mean(np.log(spec[1:] + 1e-20), axis=0))
    flatness = float(np.sum(w * geo / (spec[1:].mean(axis=0) + 1e-20)))
    # The wires of a snare: noise above 2 kHz that outlasts the stick's click (from 35 ms
    # after the peak to 300 ms).
    wires = power[:, min(energy.size - 1, peak_i + 3) : body.stop].astype(np.float64)
    wires_share = float(wires[freqs > 2000.0].sum()) / (float(wires.sum()) + 1e-20)
    total = float(power.sum()) + 1e-20
    low_share = float(power[freqs < 150.0].sum()) / total
    sub_share = float(power[freqs < 250.0].sum()) / total

    sweep_st = _attack_sweep_st(np.asarray(y, dtype=np.float64), sr)
    salience, f0_hz, spread, on_notes = 0.0, None, 0.0, 1.0
    vib_rms, vib_rate = 0.0, 0.0
    seg = np.asarray(y[: round(min(duration, 3.0) * sr)], dtype=np.float64)
    hop_p = max(1, round(512 * sr / 22050))
    if seg.size >= 16:
        f0, voiced = _yin(seg, sr, hop=hop_p)
        f_times = np.arange(f0.size) * hop_p / sr
        f_energy = np.interp(f_times, times, energy)
        # The sound's body: within 25 dB of the peak.
        audible = f_energy >= energy[peak_i] * 10 ** (-25 / 10)
        if audible.any():
            salience = float(np.mean(voiced[audible]))
        sustained = audible & voiced & (f_times >= times[peak_i] + 0.08)
        if sustained.sum() < 2:
            sustained = audible & voiced
        if sustained.sum() >= 1:
            track = 12.0 * np.log2(np.where(voiced, f0, np.nan) / 440.0) + 69.0
            semis = track[sustained]
            # Spread around the median, octave jumps folded: a track that flips between
            # a note and its octave is a steady note, a sweep stays spread out.
            med = float(np.median(semis))
            folded = semis - 12.0 * np.round((semis - med) / 12.0)
            q75, q25 = np.percentile(folded, [75, 25])
            spread = float(q75 - q25)
            # How much of the track sits on its three commonest semitones: a chord's
            # notes (the tracker jumping between them) rather than a sweep through many.
            counts = np.sort(np.bincount(np.rint(semis - semis.min()).astype(int)))[::-1]
            on_notes = float(counts[:3].sum()) / float(semis.size)
            # Vibrato is averaged out first (a mean over about one cycle): a deep vibrato
            # dwells at its extremes, a semitone or more apart, and is still only there.
            cycle = max(1, round(_VIBRATO_CYCLE_S * sr / hop_p))
            smooth = _smooth_track(track, cycle)
            vib_rms, vib_rate = _modulation(np.where(sustained, track, np.nan), smooth, cycle)
            vibrato = _vibrato(np.where(sustained, track, np.nan), smooth, cycle)
            if vibrato:
                track = smooth
            # The root is where the pitch *stays*: frames whose neighbours are within a
            # quarter tone (a glide moves faster), counted, not weighted by loudness (the
            # loud start of an 808 is still dropping).
            jump = np.abs(np.diff(track))
            calm = np.zeros(track.size, dtype=bool)
            with np.errstate(invalid="ignore"):
                calm[1:-1] = (jump[:-1] < 0.25) & (jump[1:] < 0.25)
            held = sustained & calm
            if held.sum() < 2:
                held = sustained
            semis = track[held]
            rounded = np.rint(semis).astype(int)
            votes: dict[int, float] = {}
            for r, wt in zip(rounded.tolist(), f_energy[held].tolist(), strict=True):
                votes[r] = votes.get(r, 0.0) + 1.0 + 1e-6 * wt  # loudness breaks ties
            best = max(votes, key=lambda k: votes[k])
            folded = semis - 12.0 * np.round((semis - best) / 12.0)
            folded_best = float(best)
            near = np.abs(semis - best) <= 0.5
            q75, q25 = np.percentile(semis[near], [75, 25])
            near_spread = float(q75 - q25)
            f0_hz = float(440.0 * 2 ** ((float(np.mean(semis[near])) - 69) / 12))
            # The held part's spectrum decides the octave where a sub-octave stop sounds
            # under the note (see :func:`_sub_octave_stop`).
            held_t = f_times[held]
            held_audio = y[
                round(float(held_t.min()) * sr) : round(float(held_t.max()) * sr) + hop_p
            ]
            held_spec = _Spectrum.of(np.asarray(held_audio, dtype=np.float64), sr)
            # A track that flips between octaves of the note, or stays an octave above a
            # fundamental that sounds: the lowest of those octaves that sounds in the
            # spectrum is the note's (then the sub-octave check below).
            octaves = {round((s - best) / 12.0) for s in semis[np.abs(folded - folded_best) <= 0.5]}
            f0_hz = _lowest_sounding_octave(held_spec, f0_hz, sorted(octaves))
            # One octave, or two where a quint says so (:func:`_sub_octave_span`):
            # 16'+8'+4' over a sub looks like 8'+4'+2' over the note.
            sub_stop = _sub_octave_stop(held_spec, f0_hz)
            if sub_stop:
                f0_hz *= _sub_octave_span(held_spec, f0_hz)
            else:
                # A stab of several notes repeats at their common period, octaves under
                # any of them (see :func:`_chord_period`).
                f0_hz *= _chord_period(held_spec, f0_hz)
                # A period with nothing at all sounding at it: the notes over it.
                f0_hz = _absent_fundamental(held_spec, f0_hz)
            # Not through vibrato's sidebands. A track spread over octaves and between a
            # chord's notes (which meet at a compromise period a quarter tone off any of
            # them) is steady where it votes for its note.
            # The partials near the note are read on the held part, or on the body (300
            # ms from the peak) when fewer frames are held: the calm frames of a chord's
            # track can be too few to resolve notes a third apart.
            a = round(float(times[peak_i]) * sr)
            body_audio = np.asarray(y[a : a + round(_BODY_SPECTRUM_S * sr)], dtype=np.float64)
            partials = held_spec if held_spec.n >= body_audio.size else _Spectrum.of(body_audio, sr)
            if spread <= _SPECTRAL_F0_MAX_SPREAD or (
                not vibrato
                and near_spread <= _SPECTRAL_F0_MAX_SPREAD
                and sweep_st < _SPECTRAL_F0_MAX_SWEEP_ST
            ):
                f0_hz = _spectral_fundamental(partials, f0_hz)
            # A period under every note that is no harmonic root of them: the lowest.
            f0_hz = _notes_over_period(partials, f0_hz)
            # A harmonic or a formant tracked: the partials' common period, if it sounds
            # (not a sub-octave stop's, which the note is named over).
            if not sub_stop:
                f0_hz = _common_fundamental(partials, f0_hz)
            # A note of a chord under the tracked one (a minor triad's tracked "note" is
            # often its third or fifth): the chord is named by its lowest note.
            if length_s - float(times[peak_i]) >= _LOWER_NOTE_MIN_RING_S:
                ringing = _ringing_spectrum(np.asarray(y, dtype=np.float64), sr, times[peak_i])
                f0_hz = _lower_chord_note(ringing, f0_hz)
    chord_root_hz = (
        _lowest_partial(np.asarray(y, dtype=np.float64), sr, times[peak_i])
        if f0_hz is None or salience < 0.5
        else None
    )
    chord_harmonic_db = -120.0
    if chord_root_hz is not None and 6 * chord_root_hz < sr / 2:
        a = round(float(times[peak_i]) * sr)
        stab = _Spectrum.of(np.asarray(y[a : a + round(0.25 * sr)], dtype=np.float64), sr)
        chord_harmonic_db = float(_harmonic_levels(stab, chord_root_hz, 6)[1:3].max())
    timbre = _timbre(
        x=x,
        sr=sr,
        power=power,
        freqs=freqs,
        env_db=env_db,
        peak_i=peak_i,
        hop=hop,
        length_s=float(length_s),
        f0=f0_hz if f0_hz is not None else chord_root_hz,
        vibrato=(vib_rms, vib_rate),
    )
    return _Features(
        duration_s=duration,
        attack_s=float(attack_s),
        peak_s=float(times[peak_i]),
        decay_s=float(decay_s),
        drop_db=float(drop_db),
        slope_db_s=slope_db_s,
        length_s=float(length_s),
        centroid_hz=centroid,
        rolloff_hz=rolloff,
        flatness=flatness,
        low_share=low_share,
        sub_share=sub_share,
        bursts=bursts,
        salience=salience,
        f0_hz=f0_hz,
        f0_spread=spread,
        f0_on_notes=on_notes,
        wires_share=wires_share,
        sweep_st=sweep_st,
        chord_root_hz=chord_root_hz,
        timbre=timbre,
        chord_harmonic_db=chord_harmonic_db,
    )


#: :func:`_timbre`: fixed bands (Hz) whose levels give the shape of the spectral envelope
#: (a vowel's formants sit at fixed frequencies whatever the note).
_TIMBRE_BAND_EDGES_HZ = tuple(100.0 * 80.0 ** (i / 10) for i in range(11))
#: ... and the number of harmonics whose levels are measured.
_TIMBRE_HARMONICS = 8


def _modulation(track: _Float, smooth: _Float, cycle: int) -> tuple[float, float]:
    """Vibrato of a pitch track (semitones, NaN where not counted) around its running mean
    ``smooth``: the RMS swing (semitones, at most 2) and the swings per cycle-length
    window (crossings of the mean per frame times ``cycle``/2; about 1 for a vibrato near
    1/(cycle) Hz, near 0 for a glide, high for tracker jitter)."""
    resid = (track - smooth)[np.isfinite(track) & np.isfinite(smooth)]
    if resid.size < 4:
        return 0.0, 0.0
    rms = min(2.0, float(np.sqrt(np.mean(resid**2))))
    crossings = int(np.count_nonzero(np.diff(np.sign(resid)) != 0))
    return rms, min(4.0, 0.5 * crossings * cycle / resid.size)


def _timbre(
    *,
    x: npt.NDArray[np.float32],
    sr: int,
    power: npt.NDArray[np.float32],
    freqs: _Float,
    env_db: _Float,
    peak_i: int,
    hop: int,
    length_s: float,
    f0: float | None,
    vibrato: tuple[float, float],
) -> tuple[float, ...]:
    """Measures that tell tonal one-shots apart (keys, pad, lead, vocal, bass, fx), all
    from the STFT and pitch track :func:`_features` has already made:

    harmonicity (share of the body's energy on the harmonics of the note: breath and
    noise lower it), the flatness of the first 30 ms (a chiff, a pick) in log10, the
    centroid's move from the body to the later sound (octaves: a filter closing or
    opening), the level's wobble around its trend over the sustain (dB: tremolo, chorus,
    an ensemble), the spectral flux of the sustain, the shape of the spectral envelope in
    ten fixed bands 100 Hz - 8 kHz (dB around their mean / 10: formants), the levels of
    the first eight harmonics (dB under the strongest / 20), and the vibrato
    (:func:`_modulation`)."""
    n_frames = power.shape[1]
    body = slice(peak_i, min(n_frames, peak_i + max(1, round(0.3 * sr / hop))))
    body_spec = power[:, body].astype(np.float64).sum(axis=1)
    total = float(body_spec.sum()) + 1e-20
    harmonicity = 0.0
    levels = np.full(_TIMBRE_HARMONICS, -3.0)
    if f0 is not None and f0 > 0:
        df = float(freqs[1])
        on = np.zeros(freqs.size, dtype=bool)
        k = np.arange(1, int(min(8000.0, sr / 2.0) / f0) + 1)
        for fk in (k * f0).tolist():
            half = max(0.03 * fk, 1.5 * df)
            lo, hi = max(0, math.ceil((fk - half) / df)), min(freqs.size - 1, int((fk + half) / df))
            on[lo : hi + 1] = True
        band = (freqs >= 0.5 * f0) & (freqs <= 8000.0)
        harmonicity = float(body_spec[on & band].sum()) / (float(body_spec[band].sum()) + 1e-20)
        a = peak_i * hop
        seg = np.asarray(x[a : a + round(0.3 * sr)], dtype=np.float64)
        if seg.size >= 256:
            lv = _harmonic_levels(_Spectrum.of(seg, sr), f0, _TIMBRE_HARMONICS)
            levels = np.maximum(lv, -60.0) / 20.0
    onset = int(np.argmax(env_db >= float(env_db.max()) - 30.0))
    att = power[1:, onset : onset + max(1, round(0.03 * sr / hop))].astype(np.float64) + 1e-20
    att_flat = float(np.mean(np.exp(np.mean(np.log(att), axis=0)) / att.mean(axis=0)))
    end = min(n_frames, max(body.stop + 1, round(length_s * sr / hop)))
    late = power[:, body.stop : end].astype(np.float64)
    cent_body = float(freqs @ body_spec) / total
    if late.shape[1] >= 2 and float(late.sum()) > 0:
        cent_late = float(freqs @ late.sum(axis=1)) / float(late.sum())
        cent_move = math.log2((cent_late + 1.0) / (cent_body + 1.0))
    else:
        cent_move = 0.0
    sustain = env_db[peak_i:end]
    wobble = 0.0
    if sustain.size >= 6:
        t = np.arange(sustain.size, dtype=np.float64)
        wobble = float(np.std(sustain - np.polyval(np.polyfit(t, sustain, 1), t)))
    edges = _TIMBRE_BAND_EDGES_HZ
    bands = np.array(
        [body_spec[(freqs >= lo) & (freqs < hi)].sum() for lo, hi in itertools.pairwise(edges)]
    )
    band_db = 10.0 * np.log10(bands / total + 1e-9)
    shape = (band_db - band_db.mean()) / 10.0
    held = power[:, peak_i:end].astype(np.float64)
    flux = 0.0
    if held.shape[1] >= 4:
        cols = np.log10(held + 1e-12 * float(held.max()) + 1e-30)
        flux = float(np.mean(np.abs(np.diff(cols, axis=1)))) if cols.shape[1] > 1 else 0.0
    return (
        harmonicity,
        math.log10(att_flat + 1e-6),
        cent_move,
        min(wobble, 12.0),
        flux,
        *shape.tolist(),
        *levels.tolist(),
        *vibrato,
    )


#: :func:`_lowest_partial`: partials this loud (dB under the strongest) count, from this
#: low (Hz) up.
_PARTIAL_MIN_DB = -20.0
_PARTIAL_MIN_HZ = _PITCH_MIN_HZ * 2 ** (-1 / 24)


def _ringing_spectrum(y: npt.NDArray[np.float64], sr: int, peak_s: float) -> _Spectrum:
    """The spectrum of the ringing part: from 100 ms after the peak, up to 1 s."""
    a = round((peak_s + 0.1) * sr)
    return _Spectrum.of(y[a : a + sr], sr)


def _lowest_partial(y: npt.NDArray[np.float64], sr: int, peak_s: float) -> float | None:
    """The lowest strong spectral peak (Hz) of the ringing part (:func:`_ringing_spectrum`),
    or None. A stab of several notes is named by its lowest note; a pitch tracker, which
    needs one period common to all of them, finds none in its range (a minor triad
    repeats every 10 periods of its root)."""
    spec = _ringing_spectrum(y, sr, peak_s)
    return _lowest_peak(spec) if spec.n >= 2048 else None


#: :func:`_lower_chord_note`: the lowest partial counts as a note of its own when it lies
#: at least this far (semitones) under the tracked pitch (the lowest note of a triad is a
#: third or more under the others), less than an octave, and this far from every
#: subharmonic of it (``f0 / k``: a sub-octave stop, a missing fundamental, see
#: :func:`_sub_octave_stop`, keep their own rules).
_LOWER_NOTE_MIN_ST = 2.5
_LOWER_NOTE_OFF_SUBHARMONIC_ST = 0.5
#: ... in a sound that rings at least ``_LOWER_NOTE_MIN_RING_S`` after its peak (within
#: 40 dB of it), its ringing part (:func:`_ringing_spectrum`) at least
#: ``_LOWER_NOTE_MIN_S`` long: in a shorter one, the lowest "partial" can be the skirt of
#: the attack (a picked bass gone in 0.3 s showed one 10 semitones under its note).
_LOWER_NOTE_MIN_RING_S = 0.35
_LOWER_NOTE_MIN_S = 0.25
#: ... in tune with the tracked note: the interval within this many semitones of a whole
#: number of them (a body resonance of a slap bass lay 7.5 semitones under its note) ...
_LOWER_NOTE_IN_TUNE_ST = 0.35
#: ... and as loud as a note of the chord: at most this many dB under the tracked note's
#: partial (a soft root under its third: 3-10 dB; a stray partial of a naive pulse-train
#: voice under its note: 16-17 dB).
_LOWER_NOTE_MIN_REL_DB = -12.0


def _lower_chord_note(spec: _Spectrum, f0: float) -> float:
    """``f0``, or the lowest strong partial of ``spec`` when that is a lower note of a
    chord rather than a harmonic relative of ``f0`` (see :func:`_lowest_peak`)."""
    if spec.n < _LOWER_NOTE_MIN_S * spec.sr:
        return f0  # too short to resolve notes a third apart in the bass
    low = _lowest_peak(spec)
    if low is None or not _LOWER_NOTE_MIN_ST <= 12.0 * math.log2(f0 / low) < 12.0:
        return f0
    ratio = f0 / low
    k = max(1, round(ratio))
    if abs(12.0 * math.log2(ratio / k)) < _LOWER_NOTE_OFF_SUBHARMONIC_ST:
        return f0
    interval = 12.0 * math.log2(ratio)
    if abs(interval - round(interval)) > _LOWER_NOTE_IN_TUNE_ST:
        return f0
    if _peak_db(spec, low) < _peak_db(spec, f0) + _LOWER_NOTE_MIN_REL_DB:
        return f0
    return low


def _peak_db(spec: _Spectrum, freq: float) -> float:
    """Level (dB) of the strongest bin within ±2 % of ``freq``."""
    lo, hi = int(0.98 * freq / spec.df), math.ceil(1.02 * freq / spec.df) + 1
    return 20.0 * math.log10(float(spec.mag[lo:hi].max(initial=0.0)) + 1e-20)


def _lowest_peak(spec: _Spectrum) -> float | None:
    """The lowest spectral peak of ``spec`` within :data:`_PARTIAL_MIN_DB` of the
    strongest between :data:`_PARTIAL_MIN_HZ` and 2 kHz (Hz, interpolated), or None."""
    if spec.n < 1024:
        return None
    mag, df = spec.mag, spec.df
    lo, hi = max(1, int(_PARTIAL_MIN_HZ / df)), min(mag.size - 2, int(2000.0 / df))
    if hi <= lo + 2:
        return None
    m = mag[lo - 1 : hi + 2]
    inner = m[1:-1]
    peaks = np.flatnonzero((inner > m[:-2]) & (inner >= m[2:]))
    if peaks.size == 0:
        return None
    strong = peaks[inner[peaks] >= float(inner[peaks].max()) * 10 ** (_PARTIAL_MIN_DB / 20)]
    i = lo + int(strong[0])
    la, lb, lc = (math.log(mag[j] + 1e-20) for j in (i - 1, i, i + 1))
    den = la - 2 * lb + lc
    return float((i + (0.5 * (la - lc) / den if den < 0 else 0.0)) * df)


#: The low band whose centre of mass tracks a drum's pitch (Hz): a kick's sweep starts
#: at 100–300 Hz and ends in the sub-bass.
_SWEEP_BAND_HZ = (20.0, 400.0)
#: The attack window and the body window, in seconds after the onset.
_SWEEP_ATTACK_S = (0.0, 0.025)
_SWEEP_BODY_S = (0.08, 0.16)


def _low_centroid(x: npt.NDArray[np.float64], sr: int) -> float:
    """Power-weighted mean frequency of ``x`` (Hann window) within :data:`_SWEEP_BAND_HZ`."""
    n = 8192
    power = np.abs(np.fft.rfft(x * np.hanning(x.size), n)) ** 2
    freqs = np.fft.rfftfreq(n, 1.0 / sr)
    band = (freqs >= _SWEEP_BAND_HZ[0]) & (freqs < _SWEEP_BAND_HZ[1])
    total = float(power[band].sum())
    return float(power[band] @ freqs[band]) / total if total > 0 else 0.0


def _attack_sweep_st(y: npt.NDArray[np.float64], sr: int) -> float:
    """How far (semitones) the low band's centre of mass falls from the attack (its first
    25 ms) to the body (80–160 ms after the onset).

    A kick is a sine swept fast from 100–300 Hz into the sub-bass: 5 to 20 semitones here.
    A bass note or an 808 keeps its spectrum (at most 2.6 over the corpus's tuning
    basses, 0–7 for an 808 that drops into its note, which holds on instead of dying
    away); a tom sinks a few semitones as it rings. YIN frames (~90 ms for the lowest
    notes) are too long to see the sweep."""
    peak = float(np.abs(y).max()) if y.size else 0.0
    if peak <= 0:
        return 0.0
    onset = int(np.argmax(np.abs(y) >= 0.1 * peak))
    a0, a1 = (onset + round(t * sr) for t in _SWEEP_ATTACK_S)
    b0, b1 = (onset + round(t * sr) for t in _SWEEP_BODY_S)
    if b1 > y.size:
        return 0.0
    attack, body = _low_centroid(y[a0:a1], sr), _low_centroid(y[b0:b1], sr)
    return float(12.0 * math.log2(attack / body)) if attack > 0 and body > 0 else 0.0


#: About one vibrato cycle (4.5–7 Hz): the pitch track is averaged over this long before
#: the root is read from it (:func:`_smooth_track`).
_VIBRATO_CYCLE_S = 0.2


def _smooth_track(track: npt.NDArray[np.float64], width: int) -> npt.NDArray[np.float64]:
    """Running mean of a pitch track (semitones, NaN where unvoiced) over ``width`` frames,
    each frame averaged only with its voiced neighbours within a few semitones of it (an
    octave flip of the tracker is not averaged into the note)."""
    half = width // 2
    padded = np.pad(track, (half, half), constant_values=np.nan)
    win = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    with np.errstate(invalid="ignore"):
        near = np.isfinite(win) & (np.abs(win - track[:, None]) < 3.0)
    total = np.where(near, win, 0.0).sum(axis=1)
    count = near.sum(axis=1)
    out: npt.NDArray[np.float64] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def _vibrato(track: _Float, smooth: _Float, cycle: int) -> bool:
    """Whether a pitch track (semitones, NaN where not counted) swings around its running
    mean ``smooth`` (over ``cycle`` frames, about one vibrato cycle): a quarter tone or more
    (RMS), crossing it about twice a cycle, for at least two cycles. A glide (an 808's
    drop, a tom's sinking pitch) stays on one side of it."""
    resid = (track - smooth)[np.isfinite(track) & np.isfinite(smooth)]
    if resid.size < 2 * cycle or float(np.sqrt(np.mean(resid**2))) < 0.25:
        return False
    crossings = int(np.count_nonzero(np.diff(np.sign(resid)) != 0))
    return crossings >= resid.size / cycle


#: Levels for :func:`_sub_octave_stop`: the 2nd and 4th harmonics within
#: ``_SUB_EVEN_MIN_DB`` of the strongest of the first eight, the 5th and 7th at least
#: ``_SUB_ODD_GAP_DB`` under the weaker of those two.
_SUB_EVEN_MIN_DB = -15.0
_SUB_ODD_GAP_DB = 25.0
#: ... or, counting power, the 3rd, 5th and 7th together at least this far under the 2nd,
#: 4th, 6th and 8th: a flue organ of 16', 8' and 4' whose 5th and 7th are each only some
#: 20 dB under the 8' (a reed's or a bass's odd harmonics hold 15 dB or less under its
#: even ones).
_SUB_ODD_POWER_GAP_DB = 20.0
#: ... and only when the spectrum goes on past the 4th: the 6th or the 8th within this
#: many dB of the strongest. A bass of four partials whose 2nd outsings its fundamental
#: (a thin synth bass) has no 5th or 7th either, because it has nothing above its 4th;
#: an organ's 16'+8'+4' carries the 8' rank's own upper partials (6th, 8th: 7-25 dB down).
_SUB_HIGH_EVEN_MIN_DB = -40.0
#: ... and only over at least this many periods of the sub: a shorter stretch (the held
#: part of a 100 ms note) smears neighbouring partials together and their levels say
#: nothing.
_SUB_MIN_PERIODS = 8.0


@dataclass(frozen=True)
class _Spectrum:
    """Magnitude spectrum of a stretch of sound (Hann window, zero-padded to twice its
    length or more), shared by the octave and partial checks of the root."""

    mag: _Float
    df: float  # Hz per bin
    sr: int
    n: int  # samples analysed

    @classmethod
    def of(cls, x: npt.NDArray[np.float64], sr: int) -> _Spectrum:
        size = 1 << max(12, math.ceil(math.log2(max(x.size, 2) * 2)))
        mag = np.abs(_rfft(x * np.hanning(x.size), size)) if x.size else np.zeros(size // 2 + 1)
        return cls(mag=mag, df=sr / size, sr=sr, n=x.size)


def _harmonic_levels(spec: _Spectrum, f0: float, n: int = 8) -> _Float:
    """Levels in dB (0 = the strongest) of the first ``n`` harmonics of ``f0`` in
    ``spec``: the spectral peak within ±2 % of each multiple."""
    levels = np.empty(n)
    for k in range(1, n + 1):
        # The bins from 0.98 to 1.02 times the multiple, both ends included (index
        # arithmetic, not a mask over every bin: this runs a dozen times per sound).
        # The nearest bin always counts: at low notes the band can fall between two
        # bins, and an empty band read as a missing partial (-240 dB).
        near = round(k * f0 / spec.df)
        lo = max(0, min(near, math.ceil(0.98 * k * f0 / spec.df - 1e-9)))
        hi = min(spec.mag.size - 1, max(near, math.floor(1.02 * k * f0 / spec.df + 1e-9)))
        levels[k - 1] = float(spec.mag[lo : hi + 1].max()) if hi >= lo else 0.0
    out: _Float = 20.0 * np.log10(levels / (levels.max() + 1e-20) + 1e-12)
    return out


#: :func:`_lowest_sounding_octave`: an octave of the note "sounds" when the spectrum has a
#: partial there within this many dB of the strongest partial up to 8 kHz.
_OCTAVE_SOUNDS_DB = -15.0


def _lowest_sounding_octave(spec: _Spectrum, f0: float, octaves: list[int]) -> float:
    """``f0`` moved to the lowest of ``octaves`` (octave offsets the pitch track visited,
    and the octave under ``f0``; 0 = ``f0``'s) at which the spectrum has a strong partial.
    A tracker can hop between a note, its octave and its sub-octave frame by frame (an
    organ's ranks, a bright synth), or keep to the octave when the 2nd harmonic is the
    louder and not quite in tune with the fundamental (an 808 layered with an octave
    sample): the vote between the frames says which dominates, the spectrum says which
    sounds."""
    if len(octaves) < 2 or spec.n < 64:
        return f0
    freqs = np.arange(spec.mag.size) * spec.df
    top = float(spec.mag[freqs <= min(_F_MAX_HARMONICS, spec.sr / 2.0)].max()) + 1e-20
    for k in octaves:
        f = f0 * 2.0**k
        band = (freqs >= 0.98 * f) & (freqs <= 1.02 * f)
        if band.any() and 20 * math.log10(float(spec.mag[band].max()) / top + 1e-12) >= (
            _OCTAVE_SOUNDS_DB
        ):
            return f
    return f0


def _sub_octave_stop(spec: _Spectrum, f0: float) -> bool:
    """Whether the lowest partial ``f0`` is a sub-octave under the note rather than the
    note: an organ's 16' stop or a synth's sub oscillator. Relative to such a sub the
    partials are the even multiples (the note and its harmonics) and, at most, the 3rd
    and 6th (a 5 1/3' or 2 2/3' stop), never the 5th and 7th, which every instrument
    whose fundamental it really is carries; and the 2nd and 4th are strong. (A time-domain
    pitch tracker reports the sub, whose period is the whole waveform's.)"""
    if spec.n < _SUB_MIN_PERIODS * spec.sr / f0 or 8 * f0 >= min(_F_MAX_HARMONICS, spec.sr / 2.0):
        return False
    lv = _harmonic_levels(spec, f0)
    even = min(float(lv[1]), float(lv[3]))
    if even < _SUB_EVEN_MIN_DB:
        return False
    if max(float(lv[5]), float(lv[7])) < _SUB_HIGH_EVEN_MIN_DB:
        return False  # the sound ends at its 4th partial: no 5th or 7th to miss
    if max(lv[4], lv[6]) <= even - _SUB_ODD_GAP_DB:
        return True
    power = 10.0 ** (lv / 10.0)
    odd_db = 10.0 * math.log10(float(power[[2, 4, 6]].sum()) + 1e-20)
    even_db = 10.0 * math.log10(float(power[[1, 3, 5, 7]].sum()) + 1e-20)
    return odd_db <= even_db - _SUB_ODD_POWER_GAP_DB


#: :func:`_sub_octave_span`: the lowest partial's own 3rd harmonic at or under
#: ``_SUB_QUINT_ABSENT_DB`` and its 6th at or over ``_SUB_QUINT_PRESENT_DB`` (dB under the
#: strongest of its first eight). Over the tuning material (the corpus's one-shots, more
#: draws of its generator, drawbar/percussive/rock/church organs on the three soundfonts)
#: organs whose note is two octaves over their lowest partial showed 3rd -41 to -49 dB and
#: 6th -11 to -17 dB; those whose note is one octave over it had a silent 6th (-45) or a
#: sounding 3rd (-31 and louder).
_SUB_QUINT_ABSENT_DB = -35.0
_SUB_QUINT_PRESENT_DB = -22.0


def _sub_octave_span(spec: _Spectrum, f0: float) -> float:
    """How far (2 or 4 times) the note lies over ``f0``, a sub-octave stop
    (:func:`_sub_octave_stop`). A quint rank sounds the 3rd harmonic of the sub-octave
    stop it is drawn with (5 1/3' over 16'): when the lowest partial carries no 3rd
    harmonic of its own but its octave does (the lowest partial's 6th), that octave is
    the sub-octave stop, and the lowest partial a rank under it still (the drawbar organs
    of two of the three GM soundfonts sound two octaves under the key played). Otherwise
    one octave, as before."""
    lv = _harmonic_levels(spec, f0)
    if float(lv[2]) <= _SUB_QUINT_ABSENT_DB and float(lv[5]) >= _SUB_QUINT_PRESENT_DB:
        return 4.0
    return 2.0


_F_MAX_HARMONICS = 8000.0

#: :func:`_spectral_fundamental`: how far (semitones) the partial may lie from the
#: tracked pitch, and how loud it must be (dB under the strongest partial up to 8 × f0).
_SPECTRAL_F0_RANGE = 2.0
_SPECTRAL_F0_MIN_DB = -20.0
_SPECTRAL_F0_MIN_SHIFT = 0.35
#: ... and only for a steady pitch (IQR of the track in semitones): a vibrato's spectrum is
#: a comb of sidebands whose strongest need not be its centre.
_SPECTRAL_F0_MAX_SPREAD = 0.3
#: ... or, for a track spread by octave hops (a chord's), steady where it votes, without
#: vibrato, and not swept: its low band falling less than this (semitones, see
#: :func:`_attack_sweep_st`) — a kick's body spectrum still holds its sweep.
_SPECTRAL_F0_MAX_SWEEP_ST = 2.0
#: ... and only over at least this many periods of it: over the one or two periods held in
#: a 120 ms bass note the partials are smeared over a few semitones, and the strongest bin
#: near the tracked pitch (a G1 read G#1, an E1 read D1) is no partial at all.
_SPECTRAL_F0_MIN_PERIODS = 10.0


def _spectral_fundamental(spec: _Spectrum, f0: float) -> float:
    """The frequency of the partial that is the note's fundamental, near the tracked
    ``f0``, or ``f0`` when there is none (a missing fundamental). A time-domain tracker
    reports the period that repeats best, which for inharmonic partials (a bell, a
    vibraphone bar, a stiff piano string) is a compromise between them, up to a couple of
    semitones off the lowest partial the ear names the note by."""
    if spec.n < max(64.0, _SPECTRAL_F0_MIN_PERIODS * spec.sr / f0):
        return f0
    mag, df = spec.mag, spec.df
    lo = int(f0 * 2 ** (-_SPECTRAL_F0_RANGE / 12) / df)
    hi = math.ceil(f0 * 2 ** (_SPECTRAL_F0_RANGE / 12) / df)
    top = min(mag.size - 1, int(8 * f0 / df))
    if hi + 1 >= top or lo < 1:
        return f0
    i = lo + int(np.argmax(mag[lo : hi + 1]))
    strongest = float(mag[lo:top].max())
    if i in (lo, hi) or mag[i] < strongest * 10 ** (_SPECTRAL_F0_MIN_DB / 20):
        return f0  # no partial of its own there: the tracked period stands
    a, b, c = math.log(mag[i - 1] + 1e-20), math.log(mag[i] + 1e-20), math.log(mag[i + 1] + 1e-20)
    den = a - 2 * b + c
    shift = 0.5 * (a - c) / den if den < 0 else 0.0
    partial = (i + shift) * df
    # Within a third of a semitone the tracked period is kept: detuned layers (a pad's
    # chorus) give several close peaks, and the period is the better average of them.
    if abs(12.0 * math.log2(partial / f0)) < _SPECTRAL_F0_MIN_SHIFT:
        return f0
    return float(partial)


#: :func:`_chord_period`: the 1st to 3rd harmonics all this far (dB) under the strongest
#: of the first eight, and the lowest note at least this loud.
_CHORD_LOW_GAP_DB = -30.0
_CHORD_NOTE_MIN_DB = -15.0


#: :func:`_absent_fundamental`: the tracked pitch's own partial this far (dB) or further
#: under the strongest of its first eight harmonics counts as absent (a weak fundamental,
#: as in a choir's "aah", sits 10-20 dB down).
_ABSENT_F0_DB = -40.0


def _absent_fundamental(spec: _Spectrum, f0: float) -> float:
    """``f0``, or the lowest partial that sounds when nothing sounds at ``f0`` itself and
    that partial is one of its harmonics: a dyad or a triad (root and fifth, 2:3) repeats
    an octave under its root, where none of its notes is. The stab is named by its lowest
    note. (A single note with its fundamental filtered right out would be named an octave
    up; one-shots keep their fundamentals, chords are common.)"""
    if spec.n < 1024 or 8 * f0 >= min(_F_MAX_HARMONICS, spec.sr / 2.0):
        return f0
    if float(_harmonic_levels(spec, f0)[0]) > _ABSENT_F0_DB:
        return f0
    low = _lowest_peak(spec)
    if low is None:
        return f0
    k = round(low / f0)
    if k < 2 or abs(low / (k * f0) - 1.0) > 0.02:
        return f0
    return low


#: :func:`_notes_over_period`: the tracked pitch's own partial this far (dB) or further
#: under the strongest partial up to 2 kHz counts as not sounding, and the lowest strong
#: partial further than this share from every whole multiple of it is no harmonic of it.
_PERIOD_SILENT_DB = -20.0
_BODY_SPECTRUM_S = 0.3
_NOT_HARMONIC_TOL = 0.03


def _notes_over_period(spec: _Spectrum, f0: float) -> float:
    """``f0``, or the lowest strong partial (:func:`_lowest_peak`) when the tracked
    period sounds no partial of its own and that lowest partial lies above it at no whole
    multiple of it. The notes of an inverted triad (D-F-A#, 5:6:8) repeat only far under
    all of them, and YIN settles on a period that repeats about as well a few octaves
    higher, a major third under the lowest note: no note plays there, the chord is named
    by its lowest note. A single note's partials are whole multiples of its period, so a
    weak fundamental (a choir's "aah") keeps its pitch."""
    if spec.n < 1024:
        return f0
    low = _lowest_peak(spec)
    if low is None or low <= f0 * (1.0 + _NOT_HARMONIC_TOL):
        return f0
    hi = min(spec.mag.size - 1, int(2000.0 / spec.df))
    top = 20.0 * math.log10(float(spec.mag[1:hi].max()) + 1e-20)
    ratio = low / f0
    # Nothing sounds at the period nor at its 2nd or 3rd harmonic (40 dB down: a formant
    # over a weak fundamental keeps its note), and the lowest partial
    # lies four or more of its periods up: a chord's common period (a major seventh chord
    # repeats three octaves under its root, where the tolerance below calls any partial
    # "harmonic"), no note. The ear hears the fundamental of a note with its 2nd and 3rd.
    silent = all(_peak_db(spec, k * f0) <= top + _ABSENT_F0_DB for k in (1, 2, 3))
    if silent and ratio >= 3.5:
        return low
    if abs(ratio - round(ratio)) <= _NOT_HARMONIC_TOL * ratio:
        return f0
    if _peak_db(spec, f0) > top + _PERIOD_SILENT_DB:
        return f0
    return low


#: :func:`_common_fundamental`: partials within this many dB of the strongest (up to
#: :data:`_COMMON_F0_MAX_HZ`) are the ones a pitch must explain; the share of their power
#: the pitch's harmonics must hold; how far (a share of the harmonic's frequency) a
#: partial may lie from a whole multiple; the most periods under the tracked one tried.
_COMMON_F0_PEAK_DB = -30.0
_COMMON_F0_MAX_HZ = 5000.0
_COMMON_F0_EXPLAINED = 0.9
_COMMON_F0_TOL = 0.03
_COMMON_F0_MAX_DIV = 12


def _spectral_peaks(spec: _Spectrum) -> tuple[_Float, _Float]:
    """Frequencies (Hz, interpolated) and powers of the peaks within
    :data:`_COMMON_F0_PEAK_DB` of the strongest between :data:`_PARTIAL_MIN_HZ` and
    :data:`_COMMON_F0_MAX_HZ`."""
    mag, df = spec.mag, spec.df
    lo = max(1, int(_PARTIAL_MIN_HZ / df))
    hi = min(mag.size - 2, int(min(_COMMON_F0_MAX_HZ, 0.45 * spec.sr) / df))
    if hi <= lo + 2:
        return np.zeros(0), np.zeros(0)
    m = mag[lo - 1 : hi + 2]
    inner = m[1:-1]
    idx = np.flatnonzero((inner > m[:-2]) & (inner >= m[2:]))
    if idx.size == 0:
        return np.zeros(0), np.zeros(0)
    idx = idx[inner[idx] >= float(inner[idx].max()) * 10 ** (_COMMON_F0_PEAK_DB / 20)]
    i = lo + idx
    la, lb, lc = (np.log(mag[i + d] + 1e-20) for d in (-1, 0, 1))
    den = la - 2 * lb + lc
    shift = np.where(den < 0, 0.5 * (la - lc) / np.where(den < 0, den, -1.0), 0.0)
    return (i + shift) * df, mag[i] ** 2


def _common_fundamental(spec: _Spectrum, f0: float) -> float:
    """``f0``, or the period under it whose harmonics hold the sound's partials when
    ``f0``'s do not. A tracker can lock on a strong upper harmonic or a formant (a bright
    lead with weak even partials, an "aah" whose fundamental sits 20 dB down) and
    report a note an octave or a twelfth up, or at the 9th harmonic; the partials then lie
    at odd multiples of half its period, or between its harmonics. When ``f0``'s harmonics
    hold under :data:`_COMMON_F0_EXPLAINED` of the strong partials' power, the longest of
    ``f0 / k`` whose harmonics do is the note — only if a partial sounds at that pitch
    itself (the lowest strong partial is its fundamental): a chord's notes meet at a
    common period under all of them, where nothing sounds, and keep their lowest note;
    and only if that partial's 2nd or 3rd harmonic is among the strong partials too."""
    if spec.n < 1024:
        return f0
    freqs, power = _spectral_peaks(spec)
    if freqs.size < 2:
        return f0
    total = float(power.sum())

    def explained(f: float) -> float:
        ratio = freqs / f
        near = np.abs(ratio - np.round(ratio)) <= _COMMON_F0_TOL * np.maximum(np.round(ratio), 1.0)
        return float(power[near & (np.round(ratio) >= 1)].sum()) / total

    if explained(f0) >= _COMMON_F0_EXPLAINED:
        return f0
    lowest = float(freqs.min())
    for k in range(2, _COMMON_F0_MAX_DIV + 1):
        f = f0 / k
        if f < _PARTIAL_MIN_HZ:
            break
        if abs(lowest / f - 1.0) > _COMMON_F0_TOL:
            continue
        # A note sounds its 2nd or 3rd harmonic too, even when its fundamental is weak (a
        # dull bass, an "aah"); a lone low peak with neither (a piano's thump under a
        # chord whose notes meet at a period under all of them) is no note.
        if not any(np.any(np.abs(freqs / (m * f) - 1.0) <= _COMMON_F0_TOL) for m in (2, 3)):
            continue
        if explained(f) >= _COMMON_F0_EXPLAINED:
            return f
    return f0


def _chord_period(spec: _Spectrum, f0: float) -> int:
    """1, or the multiple of ``f0`` that is the lowest note of a chord whose common
    period ``f0`` is. Notes a major third and a fifth apart (4:5:6) repeat together two
    octaves under the root, so a pitch tracker reports a "note" none of whose own first
    three harmonics sounds; a note with a weak or missing fundamental still has its 2nd
    and 3rd (the ear hears the fundamental there, and so does the root)."""
    if spec.n < 64 or 8 * f0 >= min(_F_MAX_HARMONICS, spec.sr / 2.0):
        return 1
    lv = _harmonic_levels(spec, f0)
    if float(lv[:3].max()) > _CHORD_LOW_GAP_DB:
        return 1
    strong = np.flatnonzero(lv >= _CHORD_NOTE_MIN_DB)
    return int(strong[0]) + 1 if strong.size else 1


def _classify(f: _Features) -> str:
    """The instrument of a one-shot from its features (rules; see the module docstring)."""
    swells = f.peak_s > max(0.25, 0.3 * f.length_s)
    if swells and not _pitched(f):
        return "fx"  # a riser, a reversed cymbal
    if _pitched(f) and f.f0_hz is not None:
        return _classify_pitched(f, f.f0_hz, swells=swells)
    if _chord_like(f) and f.chord_root_hz is not None:
        # No pitch track to read a sweep from: the tracker's scattered guesses are not one.
        chord = dataclasses.replace(f, f0_spread=0.0)
        return _classify_pitched(chord, f.chord_root_hz, swells=swells)
    if f.low_share > 0.5 and f.centroid_hz < 250.0 and f.length_s < 1.0:
        return "kick"
    if f.length_s > 0.9 and (f.centroid_hz > 1500.0 or f.rolloff_hz > 6000.0):
        return "cymbal"  # metal that rings on
    if f.centroid_hz > 4000.0 or f.rolloff_hz > 8500.0:
        return "hat"
    if (
        (f.bursts >= 3 or (f.bursts >= 2 and f.sub_share < 0.15))
        and f.centroid_hz < 3000.0
        and f.flatness >= _CLAP_MIN_FLATNESS
    ):
        return "clap"  # several hands a few ms apart: bursts of noise
    if f.sub_share > 0.4 and f.rolloff_hz < 1500.0:
        return "tom"
    if f.centroid_hz >= 1000.0:
        return "snare"
    return "perc"


#: A clap is noise (spectral flatness 0.09–0.22 over the tuning claps of the corpus and
#: the stress set); a low note's own waveform also shows "bursts" in the high band's
#: envelope, but its spectrum is peaky (flatness under 0.005).
_CLAP_MIN_FLATNESS = 0.05

#: A sound the pitch tracker does not follow (a chord whose notes share no period in its
#: range) is still tonal when its spectrum is a set of peaks (flatness under
#: ``_CHORD_MAX_FLATNESS``; detuned saws reach 0.011) with its energy low among them
#: (centroid under ``_CHORD_MAX_CENTROID_HZ``) that rings on: ``_RINGING_MIN_DECAY_S`` or
#: more from the peak to 20 dB under it, and less than ``_CHORD_MAX_DROP_DB`` down 300 ms
#: after the peak. Over the tuning one-shots (corpus and stress set) the unpitched hits
#: nearest to that are a china cymbal (flatness 0.016, 10.3 dB down, centroid 1.9 kHz)
#: and toms and snares that die sooner (decay ≤ 0.31 s when this flat).
_CHORD_MAX_FLATNESS = 0.015
_CHORD_MAX_CENTROID_HZ = 1500.0
_RINGING_MIN_DECAY_S = 0.5
_CHORD_MAX_DROP_DB = 9.5


#: A short stab of harmonic tones (saws, brass) need not ring on: its lowest partial, above
#: the kick range (``_STAB_MIN_ROOT_HZ``), has a 2nd or 3rd harmonic within
#: ``_STAB_HARMONIC_DB`` of the strongest of its first six. Over the tuning one-shots the
#: other peaky, unpitched sounds that do not ring are kicks (lowest partial 33-59 Hz) and
#: a struck bar (473 Hz, 2nd and 3rd harmonics 13-19 dB down); a drum's modes are not
#: harmonics.
_STAB_MIN_ROOT_HZ = 65.0
_STAB_HARMONIC_DB = -10.0


def _chord_like(f: _Features) -> bool:
    """Peaky and ringing (or a stab of harmonic tones) though no single period repeats:
    a chord of notes."""
    if f.chord_root_hz is None:
        return False
    rings = f.decay_s >= _RINGING_MIN_DECAY_S and f.drop_db < _CHORD_MAX_DROP_DB
    stab = f.chord_root_hz >= _STAB_MIN_ROOT_HZ and f.chord_harmonic_db >= _STAB_HARMONIC_DB
    return (
        not _pitched(f)
        and f.flatness < _CHORD_MAX_FLATNESS
        and f.centroid_hz < _CHORD_MAX_CENTROID_HZ
        and (rings or stab)
    )


def _pitched(f: _Features) -> bool:
    """A clear, steady pitch through the body of the sound."""
    return f.salience >= 0.5 and f.f0_hz is not None and f.flatness < 0.3


#: A kick: a sound whose low band falls at least this far (semitones,
#: :func:`_attack_sweep_st`) from the attack into a note in the sub-bass (at most
#: :data:`_KICK_MAX_F0_HZ`) and dies away (at least :data:`_KICK_MIN_DROP_DB` down 300 ms
#: after its peak: an 808 holds its note). Toms ring higher (74–123 Hz over the corpus's
#: tuning toms) and sink less (3.5–8.6 semitones there); synthetic kicks sweep 5–22
#: semitones into 38–70 Hz. A short kick dies while still sweeping, and its pitch track
#: stops higher: a sweep of :data:`_KICK_DEEP_SWEEP_ST` reads kick up to
#: :data:`_KICK_DEEP_MAX_F0_HZ`.
_KICK_MIN_SWEEP_ST = 5.0
_KICK_MAX_F0_HZ = 70.0
_KICK_DEEP_SWEEP_ST = 11.0
_KICK_DEEP_MAX_F0_HZ = 110.0
_KICK_MIN_DROP_DB = 12.0


#: A tom above the bass range: its low band falls at least ``_TOM_MIN_SWEEP_ST`` semitones
#: from the stroke into the body, its pitch track still moves (IQR ≥ ``_TOM_MIN_SPREAD``
#: semitones), and it dies (``_TOM_MIN_DROP_DB`` down 300 ms after its peak). Struck keys
#: hold their pitch (IQR ≤ 0.2 over the tuning keys), conga and bongo slaps sink less.
#: Every tom dies (8.6 dB or more over the tuning toms); an 808 that glides into its note
#: moves its pitch track as much but holds (0.4–3 dB down).
_TOM_MAX_F0_HZ = 400.0
_TOM_MIN_SWEEP_ST = 2.0
_TOM_MIN_SPREAD = 0.25
_TOM_MIN_DROP_DB = 8.0


#: A pitched drum (a tuned electronic snare's head) whose body keeps this share of its
#: energy above 2 kHz, as noise, is a snare: its wires. Over the tuning toms the share is
#: at most 0.045 (and their spectra peaky, flatness ≤ 0.03); a tuned snare showed 0.26.
_WIRES_MIN_SHARE = 0.15

#: A pitch track spread over semitones is a sweep (fx) only when less than this share of
#: it sits on its three commonest semitones; a chord's tracker hops between its notes.
_FX_MAX_ON_NOTES = 0.75


def _classify_pitched(f: _Features, f0: float, *, swells: bool) -> str:
    swept = (f0 <= _KICK_MAX_F0_HZ and f.sweep_st >= _KICK_MIN_SWEEP_ST) or (
        f0 <= _KICK_DEEP_MAX_F0_HZ and f.sweep_st >= _KICK_DEEP_SWEEP_ST
    )
    if swept and f.drop_db >= _KICK_MIN_DROP_DB and f.length_s < 1.0:
        return "kick"  # swept fast into the sub-bass, then gone
    if (
        f0 < _TOM_MAX_F0_HZ
        and f.wires_share >= _WIRES_MIN_SHARE
        and f.flatness >= _CLAP_MIN_FLATNESS
    ):
        return "snare"  # a tuned drum head with wires rattling under it
    if f.f0_spread > 2.0 and f.length_s > 0.5 and f.f0_on_notes < _FX_MAX_ON_NOTES:
        return "fx"  # a pitch sweep (not a tracker jumping between a chord's notes)
    if f.sub_share > 0.5 and f0 < 70.0 and (f.decay_s < 0.25 or f.length_s < 0.35):
        return "kick"  # a low thump gone at once
    if f0 < 135.0 and f.f0_spread >= 0.4 and f.length_s < 1.2 and f.drop_db >= _TOM_MIN_DROP_DB:
        return "tom"  # a drum whose pitch sinks as it rings (an 808 gliding in holds on)
    if (
        f0 < _TOM_MAX_F0_HZ
        and f.sweep_st >= _TOM_MIN_SWEEP_ST
        and f.f0_spread >= _TOM_MIN_SPREAD
        and f.drop_db >= _TOM_MIN_DROP_DB
        and f.length_s < 1.2
    ):
        return "tom"  # a higher tom: struck, sinking from the attack on, dying away
    return _tonal_class(f, f0, swells=swells)


def _timbre_vector(f: _Features, f0: float, *, swells: bool) -> _Float:
    """The inputs of the tonal model (:mod:`groovegraph.tools.oneshot_model`): register,
    envelope (attack, decay, drop, slope, length, swell), brightness (centroid, its ratio
    to the note, roll-off, flatness), the low share, the pitch track's steadiness, and
    :attr:`_Features.timbre`. Logs for times and frequencies, so scales compare."""
    return np.array(
        [
            math.log2(f0 / 110.0),
            math.log10(f.attack_s + 1e-3),
            math.log10(f.decay_s + 1e-2),
            min(f.drop_db, 60.0) / 20.0,
            max(-100.0, min(f.slope_db_s, 50.0)) / 20.0,
            math.log10(f.length_s + 1e-2),
            min(f.peak_s / max(f.length_s, 1e-3), 1.0),
            float(swells),
            math.log2((f.centroid_hz + 1.0) / 1000.0),
            math.log2((f.centroid_hz + 1.0) / f0),
            math.log2((f.rolloff_hz + 1.0) / 1000.0),
            math.log10(f.flatness + 1e-6),
            f.sub_share,
            f.salience,
            min(f.f0_spread, 6.0) / 6.0,
            f.f0_on_notes,
            max(-12.0, min(f.sweep_st, 24.0)) / 12.0,
            f.wires_share,
            *f.timbre,
        ]
    )


def _tonal_class(f: _Features, f0: float, *, swells: bool) -> str:
    """The class of a pitched one-shot that no drum rule claimed: a multinomial logistic
    regression over :func:`_timbre_vector`, fitted on tuning material only by
    ``python -m benchmarks.oneshot_model_fit --write``."""
    from groovegraph.tools import oneshot_model as m

    z = (_timbre_vector(f, f0, swells=swells) - np.asarray(m.MEAN)) / np.asarray(m.SCALE)
    scores = np.asarray(m.WEIGHTS) @ z + np.asarray(m.BIAS)
    label = m.CLASSES[int(np.argmax(scores))]
    if label == "vocal" and f.timbre and f.timbre[-2] < _VOICE_MIN_SWING_ST:
        # A voice never holds its pitch dead steady: the model's next class.
        scores[m.CLASSES.index("vocal")] = -np.inf
        label = m.CLASSES[int(np.argmax(scores))]
    if label == "tom":
        return label
    if f0 < _BASS_MAX_F0_HZ:
        return "bass"  # below C3 the register decides (bass notes, 808s, low stabs)
    if f.decay_s < 0.3 and f.length_s < 0.7 and f.attack_s < 0.03:
        return "perc"  # conga, cowbell, woodblock, claves: pitched but gone at once
    return label


#: A sung note wavers: the RMS swing of its pitch track around its running mean
#: (:func:`_modulation`) was 0.01 semitones or more for 81 of the 82 voices of the
#: tuning material (corpus choirs at ``--corpus-scale 5``, synthetic vowels), where an
#: oscillator or a sample holds it to a hair (a plain harmonic tone: 0.0005). A note the
#: model calls vocal that swings less is named by the model's next class.
_VOICE_MIN_SWING_ST = 0.01

#: A pitched one-shot under this (Hz, about B2) is bass unless the model hears a tom: in
#: leave-one-source-out folds over the tuning material the model alone named 81-86 % of
#: the basses, the register 96-98 %.
_BASS_MAX_F0_HZ = 125.0


#: Instruments never named by a root, even when a tuned body rings under the noise.
_ROOTLESS = frozenset({"fx", "cymbal", "hat", "snare", "clap"})


def analyze_one_shot(*, y: _Float, sr: int) -> OneShotResult:
    """Instrument and root note of a one-shot.

    Parameters
    ----------
    y : np.ndarray
        Mono samples of one hit or note, shape ``(n,)``, not silent (any length).
    sr : int
        Sample rate in Hz.

    Returns
    -------
    OneShotResult
    """
    f = _features(np.asarray(y, dtype=np.float32), sr)
    instrument = _classify(f)
    root = None
    # Every clearly pitched one-shot names its root — a tuned kick or tom too ("a kick
    # in F"); noises, cymbals and sweeps do not.
    root_hz = f.f0_hz if _pitched(f) else f.chord_root_hz if _chord_like(f) else None
    if root_hz is not None and instrument not in _ROOTLESS:
        root = note_name(round(12.0 * math.log2(root_hz / 440.0) + 69.0))
    return OneShotResult(
        instrument=instrument,
        root_note=root,
        root_hz=root_hz if root is not None else f.f0_hz,
        pitch_salience=f.salience,
    )


def loop_instrument(*, y: _Float, sr: int, pitched: bool, drums: bool = True) -> str | None:
    """A conservative instrument label for a loop: ``drums``, ``mix``, ``bass`` or None.

    Parameters
    ----------
    y : np.ndarray
        Mono samples, shape ``(n,)``.
    sr : int
        Sample rate in Hz.
    pitched : bool
        Whether the key estimator found pitched content.
    drums : bool
        Whether the rhythm analysis heard drums in the attacks
        (:attr:`groovegraph.tools.rhythm.RhythmResult.drums`). Without them a pitched
        loop is not ``mix``: an electric piano's tines, a bright synth's or a guitar's
        attacks burst above 5 kHz as hats do (8 of the 64 drumless loops of the tune half
        of :mod:`benchmarks.drumless_stress` and 13 of our own 192 keys loops read
        ``mix``), but their partials are not noise. (A sub bass with hats far above it
        keeps its ``mix``: the hats' bursts are told apart there as before.)

    A melodic loop without drums (keys, an arpeggio, a pad, a guitar riff) stays None:
    nothing measured here tells an electric piano from a guitar, a mallet or a synth
    pluck, and the contract has no word for most of those; a ``keys`` read off the sound
    would tag guitars and leads as keys in every search by instrument. Its folder or file
    name, or a sidecar tag, names it (the library's tags win over this field).
    """
    if not pitched:
        return "drums"
    x = np.asarray(y[: round(min(y.size / sr, 30.0) * sr)], dtype=np.float32)
    n_fft = 1024
    power = _stft_power(x, sr, n_fft, n_fft)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    total = float(power.sum()) + 1e-20
    # Drum hits: much of the high band arrives in short bursts (hats, snares).
    high = power[freqs > 5000.0].sum(axis=0).astype(np.float64)
    high_share = float(high.sum()) / total
    hits = (
        high.size >= 8
        and high_share > 1e-4
        and float(np.mean(high > 8.0 * (float(np.median(high)) + 1e-20))) > 0.05
    )
    if (
        float(power[freqs < 250.0].sum()) / total > 0.9
        and float(power[freqs > 4000.0].sum()) / total < 0.002
    ):
        # A sub bass outweighs a drum loop on top of it by far in power: the loop's hats
        # still show, 30-60 dB down (a bass alone has no bursts up there).
        return "mix" if hits else "bass"
    # Drum hits over pitched content, with the high band loud enough to matter (and drums
    # heard by the rhythm analysis: bright notes burst up there too).
    if hits and drums and high_share > 0.005:
        return "mix"
    return None
