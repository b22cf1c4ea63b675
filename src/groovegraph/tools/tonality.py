"""Key estimation: note activations from harmonic templates, summarised as pitch-class
evidence, scored by a log-linear model of the 24 keys fitted on the tuning corpus.

1. Long-window STFT frames (≈370 ms at 22.05 kHz, fine enough to separate semitones in
   the bass), averaged into segments of about a chord (0.75 s: a beat of a slow hymn, half
   a bar of a groove; 1.5 s segments blurred two chords into one and lost the opening
   chord).
2. The tuning (records are rarely at exactly A440) is the weighted circular mean of the
   spectral peaks' deviation from the equal-tempered grid.
3. Non-negative least squares fits harmonic note templates (a generic 0.7 per-partial
   decay, no instrument model) to each whitened segment spectrum, so the 3rd and 5th
   partials of every note are explained by their fundamentals instead of being counted as
   fifths and thirds — the usual cause of "dominant key" errors. Notes below C3 are bass.
4. Pitch-class distributions (:data:`FEATURES`) carry the evidence: the treble and bass
   chroma, how long each pitch class is the main bass note and the root of the strongest
   triad, the opening and closing chroma, the first chord's, and where the bass falls a
   fifth (V–I). Tonic evidence comes from the bass, from the chords that last, from
   cadences and from where the music starts and ends (a piece most often opens on its
   tonic chord, or on the dominant leading to it) — the first and last segments that
   play a chord, not the file's edges (a bar of drums alone or silence before the first
   chord is no opening: :func:`_harmony_span`), so a modal loop
   (Aeolian i–VI–III–VII, Dorian i–IV, Mixolydian I–bVII–IV) with no leading tone still
   finds its tonic, and the mode follows from the third above it.
   A clip with no harmonic series at all (pure sine tones: a sub bass, with or without
   drums) is judged on its bass line instead (:func:`bass_tones`): the frames whose
   30–330 Hz band is one sustained sinusoid, and the notes they hold. Such a line is its
   own bass and melody, so its notes fill both the bass and the treble chroma.
5. Each key's score is the sum, over the features, of the feature seen from the key's
   tonic times a weight profile of the key's mode (:mod:`groovegraph.tools.key_model`,
   fitted by multinomial logistic regression; ``benchmarks/key_model_fit.py``). The
   softmax over the 24 scores gives the best key and the runner-up; an isotonic map fitted
   on the same tuning split turns the best key's probability into ``confidence``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# numpy's pocketfft; importing scipy.fft costs a cold start ~0.4 s.
from numpy.fft import rfft as _rfft

from groovegraph.tools import key_model
from groovegraph.tools.errors import (
    AudioTooShortError,
    InvalidSamplesError,
    NoPitchedContentError,
)
from groovegraph.tools.keys import ALL_KEYS, Key, Mode

MIN_DURATION_S = 1.0


@dataclass(frozen=True)
class KeyEstimate:
    """Estimated key.

    Attributes
    ----------
    key : str
        Canonical key name (:attr:`groovegraph.tools.keys.Key.name`), e.g. ``"F# minor"``.
    camelot : str
        Camelot code, e.g. ``"11A"``.
    confidence : float
        0..1, calibrated: the probability that ``key`` is right (tonic and mode), as
        measured on the tuning split; at most :data:`DISAGREEMENT_CONFIDENCE` when the
        clip without its opening and close all but rules ``key`` out.
    runner_up : str
        The second most likely key (canonical name); the key the clip's evidence names
        without its opening and close when that is not ``key`` (a loop cut to open on
        vi is otherwise heard in its relative minor: then the major is the runner-up).
    probability : float
        The model's own (uncalibrated) probability of ``key``.
    """

    key: str
    camelot: str
    confidence: float
    runner_up: str
    probability: float


_NOTE_LO, _NOTE_HI = 36, 96  # C2 (65 Hz) .. C7
_F_MAX = 4200.0
_HARMONIC_DECAY = 0.7  # generic spectral shape of a pitched note (no instrument model)
_BASS_SPLIT = 48  # notes below C3 count as bass


def _frame_spectra(y: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude spectra (sqrt-compressed, up to :data:`_F_MAX`) of long frames, shape
    (frames, bins), and the bin frequencies in Hz."""
    n_fft = 1 << int(np.ceil(np.log2(sr * 0.37)))
    hop = n_fft // 2
    if len(y) < n_fft:
        y = np.pad(y, (0, n_fft - len(y)))
    n_frames = 1 + (len(y) - n_fft) // hop
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    n_bins = min(len(freqs), int(np.searchsorted(freqs, _F_MAX)) + 2)
    window = np.hanning(n_fft).astype(np.float32)
    out = np.empty((n_frames, n_bins), dtype=np.float32)
    # In blocks of 16 frames through buffers allocated once (1 MiB of windowed frames, as
    # much spectrum): a 10-minute file is 3,000 frames, too many spectra to hold at once,
    # and small blocks stay in the cache between the passes (~12 % less CPU than 256).
    rows = min(16, n_frames)
    windowed = np.empty((rows, n_fft), dtype=np.float64)
    spec = np.empty((rows, n_fft // 2 + 1), dtype=np.complex128)
    mag = np.empty((rows, n_bins), dtype=np.float64)
    for lo in range(0, n_frames, rows):
        hi = min(n_frames, lo + rows)
        k = hi - lo
        frames = np.lib.stride_tricks.as_strided(
            y[lo * hop :],
            shape=(k, n_fft),
            strides=(y.strides[0] * hop, y.strides[0]),
            writeable=False,
        )
        # The windowed frames in float64: numpy's float64 FFT is faster than its float32
        # one (106 frames of 8192 points, 20 s of audio: ~3.2 vs ~4.9 ms of CPU) and
        # exact to the float32 output. sqrt compression keeps loud frames from
        # dominating (a crash would wash out the key).
        np.multiply(frames, window, out=windowed[:k], dtype=np.float64)
        _rfft(windowed[:k], axis=1, out=spec[:k])
        np.abs(spec[:k, :n_bins], out=mag[:k])
        np.sqrt(mag[:k], out=out[lo:hi])
    return out, freqs[:n_bins]


def _spectral_peaks(
    spec: np.ndarray, freqs: np.ndarray, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray]:
    """Interpolated frequencies and heights of the local maxima between lo and hi Hz."""
    i = np.arange(1, len(spec) - 1)
    is_peak = (spec[i] > spec[i - 1]) & (spec[i] >= spec[i + 1])
    i = i[is_peak & (freqs[i] >= lo) & (freqs[i] < hi)]
    a, b, c = spec[i - 1], spec[i], spec[i + 1]
    den = a - 2 * b + c
    off = np.where(den < 0, 0.5 * (a - c) / np.where(den < 0, den, -1.0), 0.0)
    df = freqs[1] - freqs[0]
    height = b - 0.25 * (a - c) * off
    # Keep only peaks that stand above the local floor (harmonics, not noise ripple).
    floor = np.convolve(spec, np.ones(31) / 31, mode="same")[i]
    keep = height > 1.5 * floor
    return (freqs[i] + off * df)[keep], (height - floor)[keep]


HARMONIC_SHARE_MIN = 0.003
"""Least share of the 40–2,500 Hz spectrum that must sit in harmonic peaks (peaks two to
eight times the frequency of another peak) for a key to be estimated. Pitched notes have
overtones at whole multiples of their fundamental; drums do not: a kick's or an 808's
low sine, a tom's membrane modes and a snare's ring give peaks, but not a harmonic
series. Over the corpus's tuning split every drum-only loop (22 checked, General MIDI and
808 kits) has 0 and the loops with a bass line 0.0067 and up (a tenth of them below);
our own generator's drum loops are 0 but one at 0.0058. Below it the key comes from a
sustained bass line of pure tones if there is one (:data:`BASS_LINE_MIN_COVER`,
:data:`BASS_LINE_MIN_PITCH_CLASSES`); otherwise the clip has no reliable key:
:class:`NoPitchedContentError`."""

BASS_LINE_MIN_COVER = 0.3
"""Least share of the frames (≈370 ms, every ≈190 ms) whose 30–330 Hz band is held by one
sinusoid (:func:`bass_tones`) for a clip without harmonic peaks to have a key. Synthetic
sine bass lines (70–180 BPM, with or without drums on top) hold it 0.3–0.9 of the time:
all 17 of 60 whose notes last a quarter second or more pass, of the shorter (fast,
staccato) ones 25 of 43. Kicks hold it only while their body rings: at most 0.41 over 60
loops of our generator (kicks of random pitch, 70–180 BPM, every pattern), 0.11 over the
tuning split's drum-only loops (TR-808 kits; the acoustic kits' kicks are never one
sinusoid)."""

BASS_LINE_MIN_PITCH_CLASSES = 2
"""Least number of distinct pitch classes the held tones must change between, each held
in at least two frames and 8 % of the held time. A kick or an 808 keeps one pitch (its
estimate wanders a semitone, which is counted once); a bass line moves between notes.
Among the drum-only loops above (and 30 loops of an 808 kick on one pitch under a kit)
one reaches three pitch classes (our generator tunes each of its three kick samples at
random), and holds them 0.20 of the time. Two pitch classes (an 808 between its root and
one other note, short notes between them too brief to count) need the longer hold of
:data:`BASS_LINE_TWO_NOTE_COVER`."""

BASS_LINE_TWO_NOTE_COVER = 0.5
"""Least share of held frames for a line of only two pitch classes to have a key. Our
generator's drum loops whose randomly tuned kicks reach two pitch classes hold them 0.30
to 0.35 of the time (4 of 60 loops, seeds 100–159 of ``random_spec(mix="drums_only")``);
the 808 lines of the tune half of ``benchmarks/bass808_stress.py`` that show only two
pitch classes hold them 0.67 to 0.92, the General MIDI drum loops there at most 0.57 on
one pitch class."""

BASS_LINE_CONFIDENCE = 0.75
"""The most confidence a key read from a lone bass line (no other pitched part) gets. The
model, fitted on harmony, gives such a line a probability near 1, but a line of two or
three notes leaves the tonic or the mode open: on the tune half of
``benchmarks/bass808_stress.py`` (clean sine 808 lines under trap drums) the keys read
from the line were right 11 times in 14 (0.79), at probability 0.83 or more (uncapped
confidence 0.94–0.99). The corpus's tuning split has no clip keyed this way."""

_BASS_BAND = (30.0, 330.0)  # Hz: E1 (41 Hz) to E4, with room for a semitone either side
_TONE_CONCENTRATION = 0.8  # share of the band's power within ±2 bins of its peak
_TONE_LEVEL = 0.1  # a held frame's band power, relative to the loud (90th pct.) frames


def harmonic_share(f: np.ndarray, h: np.ndarray, band_energy: float) -> float:
    """Share of ``band_energy`` in the peaks (frequencies ``f``, heights ``h`` above
    the floor) that stand in a harmonic relation (×2 to ×8, within 1.5 %) with another
    peak: how much of the spectrum is pitched notes rather than drums."""
    if len(f) < 2 or band_energy <= 0:
        return 0.0
    r = f[:, None] / f[None, :]
    k = np.round(r)
    related = (k >= 2) & (k <= 8) & (np.abs(r - k) < 0.015 * k)
    linked = related.any(axis=1) | related.any(axis=0)
    return float(h[linked].sum() / band_energy)


def bass_tones(frames: np.ndarray, freqs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The note each frame's 30–330 Hz band holds as one sinusoid.

    Parameters
    ----------
    frames, freqs : np.ndarray
        From :func:`_frame_spectra` (sqrt-compressed magnitudes, frames × bins; Hz).

    Returns
    -------
    notes : np.ndarray
        Per frame, the MIDI note of the band's peak (tuned to the tones' own reference),
        or -1 where the band is not one sinusoid (at least :data:`_TONE_CONCENTRATION`
        of its power within the peak's main lobe) at a level of at least
        :data:`_TONE_LEVEL` times the loud frames'.
    heights : np.ndarray
        Per frame, the (sqrt-compressed) height of that peak.
    """
    n_frames = len(frames)
    none = np.full(n_frames, -1, dtype=np.int64), np.zeros(n_frames)
    a = max(2, int(np.searchsorted(freqs, _BASS_BAND[0])))
    b = min(len(freqs) - 2, int(np.searchsorted(freqs, _BASS_BAND[1])))
    if b - a < 5 or n_frames == 0:
        return none
    mag = frames[:, a - 2 : b + 2].astype(np.float64) ** 2  # |X|
    power = mag**2
    band = power[:, 2:-2]
    level = band.sum(axis=1)
    i = band.argmax(axis=1) + 2
    r = np.arange(n_frames)
    lobe = power[r, i - 2] + power[r, i - 1] + power[r, i] + power[r, i + 1] + power[r, i + 2]
    held = (lobe >= _TONE_CONCENTRATION * level) & (level > 0)
    held &= level >= _TONE_LEVEL * float(np.percentile(level, 90))
    if not np.any(held):
        return none
    # Parabolic interpolation of the log magnitude: ~0.05 bin for a lone sinusoid,
    # a tenth of a semitone at 41 Hz.
    lo, mid, hi = (np.log(mag[r, i + k] + 1e-12) for k in (-1, 0, 1))
    den = lo - 2 * mid + hi
    off = np.where(den < 0, 0.5 * (lo - hi) / np.where(den < 0, den, -1.0), 0.0)
    f = freqs[a - 2 + i] + off * (freqs[1] - freqs[0])
    heights = frames[r, a - 2 + i].astype(np.float64)
    tuning = _tuning_cents(f[held], heights[held])
    midi = 12.0 * np.log2(np.maximum(f, 1.0) / 440.0) + 69.0 - tuning / 100.0
    notes = np.where(held, np.round(midi).astype(np.int64), -1)
    return notes, np.where(held, heights, 0.0)


def bass_line_pitch_classes(notes: np.ndarray) -> tuple[float, list[int]]:
    """How much of the clip holds a bass tone, and the pitch classes it moves between.

    ``notes`` from :func:`bass_tones`. A pitch class counts when one of its notes is held
    longer than both neighbouring semitones (an 808's estimate that wanders by a
    semitone is one pitch) and for at least two frames and 8 % of the held frames.

    Returns
    -------
    cover : float
        Share of the frames that hold a tone.
    pitch_classes : list of int
        Sorted, 0 = C.
    """
    held = notes[notes >= 0]
    if len(notes) == 0 or len(held) == 0:
        return 0.0, []
    counts = np.bincount(held).astype(np.float64)
    left = np.concatenate([[0.0], counts[:-1]])
    right = np.concatenate([counts[1:], [0.0]])
    peak = (counts > left) & (counts >= right) & (counts >= max(2.0, 0.08 * len(held)))
    return len(held) / len(notes), sorted({int(n) % 12 for n in np.flatnonzero(peak)})


def _bass_line_activations(notes: np.ndarray, heights: np.ndarray, n_segments: int) -> np.ndarray:
    """Segment note activations (as :func:`_note_activations`) of a lone bass line: each
    held tone's height on its pitch class in the bass octave (C2–B2) and in the octave
    above (C3–B3), since the line is the clip's bass and its melody at once."""
    act = np.zeros((n_segments, _NOTE_HI - _NOTE_LO))
    edges = np.linspace(0, len(notes), n_segments + 1).round().astype(int)
    t = np.flatnonzero(notes >= 0)
    seg = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, n_segments - 1)
    pc = notes[t] % 12
    np.add.at(act, (seg, pc), heights[t])
    np.add.at(act, (seg, pc + 12), heights[t])
    return act


def _tuning_cents(f: np.ndarray, h: np.ndarray) -> float:
    """Weighted circular mean of the peaks' deviation from 12-TET at A440, in cents."""
    if len(f) == 0:
        return 0.0
    cents = 1200.0 * np.log2(f / 440.0)
    ang = 2 * np.pi * cents / 100.0
    z = np.sum(h * np.exp(1j * ang))
    return float(np.angle(z) * 100.0 / (2 * np.pi)) if abs(z) > 0 else 0.0


@lru_cache(maxsize=32)
def _dictionary(n_bins: int, df: float, tuning_q: float) -> np.ndarray:
    """Harmonic note templates (bins × notes), unit norm, for bin spacing ``df`` Hz at
    A440 (the spectrum is re-tuned instead, so this is built once per STFT size)."""
    freqs = np.arange(n_bins) * df
    notes = np.arange(_NOTE_LO, _NOTE_HI)
    f0 = 440.0 * 2.0 ** ((notes - 69 + tuning_q / 100.0) / 12.0)
    d = np.zeros((n_bins, len(notes)))
    for k in range(1, 13):
        # f0 rises with the note, so the partials below _F_MAX are the first m notes'.
        m = int(np.count_nonzero(k * f0 < _F_MAX))
        if m == 0:
            break
        fk = k * f0[:m]
        sigma = np.maximum(0.7 * df, fk * (2.0 ** (1.0 / 48.0) - 1.0))
        # amp * exp(-0.5 * ((f - fk) / sigma) ** 2), in place: the same values, one
        # bins × notes temporary instead of five (the dictionary is rebuilt for every
        # tuning a clip comes in, ~20 a batch of records can need).
        g = (freqs[:, None] - fk[None, :]) / sigma[None, :]
        g **= 2
        g *= -0.5
        np.exp(g, out=g)
        g *= _HARMONIC_DECAY ** (k - 1)
        d[:, :m] += g
    d /= np.linalg.norm(d, axis=0, keepdims=True) + 1e-12
    return d


@lru_cache(maxsize=32)
def _gram(n_bins: int, df: float, tuning_q: float) -> tuple[np.ndarray, float]:
    """Gram matrix of the dictionary and the gradient step 1/L for :func:`_nnls`."""
    d = _dictionary(n_bins, df, tuning_q)
    g = d.T @ d
    return g, float(1.0 / (np.linalg.eigvalsh(g)[-1] + 1e-12))


def _nnls(
    d: np.ndarray, x: np.ndarray, gram: tuple[np.ndarray, float], iterations: int = 150
) -> np.ndarray:
    """min ||d a - x|| subject to a >= 0 for every column of ``x`` (bins × segments), by
    accelerated projected gradient (FISTA) on the normal equations. Small (notes × notes)
    and numpy-only: scipy.optimize costs over a second to import, which a cold CLI call
    would pay. 150 iterations score the same as 400 on the tuning corpus."""
    g, step = gram
    b = d.T @ x
    a: np.ndarray = np.zeros_like(b)
    z: np.ndarray = a.copy()
    t = 1.0
    # The same arithmetic in three preallocated arrays (a, a_next, diff) instead of six
    # temporaries per iteration.
    a_next: np.ndarray = np.empty_like(b)
    diff = np.empty_like(b)
    for i in range(iterations):
        # a_next = max(0, z - step * (g @ z - b))
        np.matmul(g, z, out=a_next)
        a_next -= b
        a_next *= step
        np.subtract(z, a_next, out=a_next)
        np.maximum(a_next, 0.0, out=a_next)
        t_next = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
        np.subtract(a_next, a, out=diff)
        if i % 20 == 19 and float(np.max(np.abs(diff))) < 1e-5 * (float(a_next.max()) + 1e-12):
            return a_next
        # z = a_next + ((t - 1) / t_next) * (a_next - a)
        diff *= (t - 1.0) / t_next
        np.add(a_next, diff, out=z)
        a, a_next = a_next, a
        t = t_next
    return a


def _segment_spectra(frames: np.ndarray, n_segments: int) -> np.ndarray:
    """Mean frame spectrum of ``n_segments`` consecutive, equal runs of frames
    (segments × bins)."""
    edges = np.linspace(0, len(frames), n_segments + 1).round().astype(int)
    sums = np.add.reduceat(frames, edges[:-1], axis=0, dtype=np.float64)
    counts = np.diff(edges)[:, None]
    out: np.ndarray = sums / np.maximum(counts, 1)
    return out


def _note_activations(segments: np.ndarray, freqs: np.ndarray, tuning: float) -> np.ndarray:
    """Note activations (segments × notes :data:`_NOTE_LO`.. :data:`_NOTE_HI`) from a
    non-negative least-squares fit of harmonic note templates to each whitened segment
    spectrum: overtones are explained by their fundamentals instead of being counted as
    notes of their own."""
    from groovegraph.tools.audio_filters import median_filter1d as median_filter

    n_bins = int(np.searchsorted(freqs, _F_MAX))
    x = segments[:, :n_bins]
    # Whitening: drums and noise form a smooth floor under the partials. One median filter
    # of the mean spectrum, scaled to each segment's level (a filter per segment costs
    # more than the rest of the estimate).
    mean = x.mean(axis=0)
    floor = median_filter(mean, size=41, mode="nearest")
    level = x.sum(axis=1, keepdims=True) / max(float(mean.sum()), 1e-12)
    x = np.maximum(0.0, x - level * floor[None, :])
    x[:, : int(np.searchsorted(freqs, 45.0))] = 0.0
    peak = float(x.max()) if x.size else 0.0
    if peak <= 0:
        return np.zeros((len(segments), _NOTE_HI - _NOTE_LO))
    key = (n_bins, float(freqs[1] - freqs[0]), float(np.round(tuning / 5.0) * 5.0))
    act = _nnls(_dictionary(*key), (x / peak).T, _gram(*key))
    out: np.ndarray = act.T
    return out


def _pc_fold(act: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Sum the activations of notes lo ≤ MIDI < hi by pitch class (… × 12)."""
    notes = np.arange(_NOTE_LO, _NOTE_HI)
    sel = (notes >= lo) & (notes < hi)
    onehot = np.zeros((len(notes), 12))
    onehot[np.arange(len(notes)), notes % 12] = 1.0
    out: np.ndarray = act[..., sel] @ onehot[sel]
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    s = float(x.sum())
    out: np.ndarray = x / s if s > 0 else np.zeros_like(x)
    return out


#: Names of the key features, in the order of :func:`key_features`' rows.
FEATURES: tuple[str, ...] = (
    "treble",  # mean treble chroma (notes from C3 up)
    "bass",  # mean bass chroma (notes below C3)
    "bass_root",  # how long each pitch class is the main bass note
    "major_chords",  # how long each pitch class roots the best-fitting triad, if major
    "minor_chords",  # the same for minor triads
    "start",  # chroma of the opening (bass counted twice)
    "end",  # chroma of the close (bass counted twice)
    "start_major",  # root of the opening triad, if major (one-hot)
    "start_minor",  # root of the opening triad, if minor (one-hot)
    "first",  # chroma of the first chord (the first segment; bass counted twice)
    "cadence",  # how much the main bass note falls a fifth onto each pitch class (V–I)
)
_SEGMENT_S = 0.75  # about one chord
_MAX_SEGMENTS = 96
_EDGE_S = 2.5  # the opening and the close
_FIRST_S = 0.75  # the first chord
# Triad templates, major roots C..B then minor roots C..B.
_TRIADS = np.array(
    [np.roll([1.0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0], r) for r in range(12)]
    + [np.roll([1.0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0], r) for r in range(12)]
)


def _triad_fit(chroma: np.ndarray) -> np.ndarray:
    """How well each of the 24 triads explains a chroma (… × 24): the share of its energy
    on the triad's notes minus the share on the notes a semitone off them."""
    unit = chroma / np.maximum(chroma.sum(axis=-1, keepdims=True), 1e-12)
    off = np.roll(_TRIADS, 1, axis=1) + np.roll(_TRIADS, -1, axis=1)
    out: np.ndarray = unit @ _TRIADS.T - 0.5 * (unit @ off.T)
    return out


_HARMONY_FIT = 0.2
"""Least triad fit (:func:`_triad_fit`, best of the 24 triads) of a segment that plays a
chord. A bar of drums alone (General MIDI and numpy kits, tune half of
``benchmarks/modal_key_stress.py``) fits 0.04–0.16, its activations spread over the pitch
classes; the chords there fit 0.4–0.97, but the openings of the corpus's tuning-split
grooves (sevenths, a lead line over them) go down to 0.19–0.39, so the bar is low (one
opening segment at 0.19 is still dropped: that B major groove then reads F# major)."""
_HARMONY_LEVEL = 0.25
"""Least pitched energy of a segment, relative to the clip's median segment, for it to
open or close the harmony (a decaying last chord's tail is not the close)."""


def _harmony_span(both: np.ndarray, energy: np.ndarray) -> tuple[int, int]:
    """First and one-past-last segment that plays a chord (:data:`_HARMONY_FIT`,
    :data:`_HARMONY_LEVEL`); the whole clip when none does."""
    on = energy > 0
    if not np.any(on):
        return 0, len(both)
    level = _HARMONY_LEVEL * float(np.median(energy[on]))
    fit = np.full(len(both), -1.0)
    fit[on] = _triad_fit(both[on]).max(axis=1)
    chordal = np.flatnonzero((fit >= _HARMONY_FIT) & (energy >= level))
    if len(chordal) == 0:
        return 0, len(both)
    return int(chordal[0]), int(chordal[-1]) + 1


def key_features(*, y: np.ndarray, sr: int) -> np.ndarray:
    """The evidence the key is decided on: pitch-class distributions, shape
    (len(:data:`FEATURES`), 12), each row the square roots of the evidence scaled to sum
    to 1 (or all 0 when absent).

    Raises :class:`NoPitchedContentError` when there is nothing pitched. ``y`` must be
    checked already (see :func:`estimate_key`).
    """
    return features_from_activations(*key_activations(y=y, sr=sr))


def key_activations(*, y: np.ndarray, sr: int) -> tuple[np.ndarray, float]:
    """The segment note activations (segments × notes :data:`_NOTE_LO`.. :data:`_NOTE_HI`)
    that :func:`key_features` summarises, and the clip's duration in seconds (the
    key-model fit caches these, so a change of the features needs no new NNLS).

    Raises :class:`NoPitchedContentError` when there is nothing pitched.
    """
    act, duration, _ = _activations(y=y, sr=sr)
    return act, duration


def _activations(*, y: np.ndarray, sr: int) -> tuple[np.ndarray, float, int]:
    """:func:`key_activations` and, third, how many pitch classes the clip's lone bass
    line moves between when the key comes from that line alone (0 otherwise)."""
    frames, freqs = _frame_spectra(y, sr)
    spec = frames.mean(axis=0, dtype=np.float64)
    top = min(2500.0, sr / 2.0 - 1.0)
    f, h = _spectral_peaks(spec, freqs, 40.0, top)
    band = float(spec[(freqs >= 40.0) & (freqs < top)].sum())
    share = harmonic_share(f, h, band) if len(f) >= 3 else 0.0
    duration = len(y) / sr
    n_seg = int(np.clip(round(duration / _SEGMENT_S), 1, min(_MAX_SEGMENTS, len(frames))))
    if share < HARMONIC_SHARE_MIN:
        # No harmonic series: pitched only if a bass line of pure tones moves between
        # notes (a sine sub bass); a kick's or an 808's one ringing pitch is not a key.
        notes, heights = bass_tones(frames, freqs)
        cover, pcs = bass_line_pitch_classes(notes)
        if (
            cover < BASS_LINE_MIN_COVER
            or len(pcs) < BASS_LINE_MIN_PITCH_CLASSES
            or (len(pcs) == 2 and cover < BASS_LINE_TWO_NOTE_COVER)
        ):
            raise NoPitchedContentError(
                f"no reliable key: {100 * share:.2f} % of the spectrum is in harmonic peaks "
                f"(below {100 * HARMONIC_SHARE_MIN:.1f} %) and no bass line of held tones "
                f"({100 * cover:.0f} % of the time, {len(pcs)} pitch classes; needs "
                f"{100 * BASS_LINE_MIN_COVER:.0f} % and {BASS_LINE_MIN_PITCH_CLASSES}): "
                "drums, no pitched part"
            )
        return _bass_line_activations(notes, heights, n_seg), duration, len(pcs)
    high = f > 100.0
    tuning = _tuning_cents(f[high], h[high]) if np.any(high) else _tuning_cents(f, h)
    act = _note_activations(_segment_spectra(frames, n_seg), freqs, tuning)
    if not np.any(act > 0):
        raise NoPitchedContentError("no pitched content to estimate a key from")
    return act, duration, 0


def features_from_activations(act: np.ndarray, duration: float) -> np.ndarray:
    """:func:`key_features` from the segment note activations (segments × notes
    :data:`_NOTE_LO`.. :data:`_NOTE_HI`) of a clip of ``duration`` seconds."""
    n_seg = len(act)
    bass_seg = _pc_fold(act, _NOTE_LO, _BASS_SPLIT)
    treble_seg = _pc_fold(act, _BASS_SPLIT, _NOTE_HI)
    both = treble_seg + 2.0 * bass_seg
    energy = both.sum(axis=1)
    on = energy > 0

    # The main bass note of each segment, weighted by how much bass there is.
    bass_root = np.zeros(12)
    np.add.at(bass_root, bass_seg.argmax(axis=1), bass_seg.max(axis=1))
    # The triad that best explains each segment names its root and quality.
    chords = np.zeros(24)
    np.add.at(chords, _triad_fit(both[on]).argmax(axis=1), energy[on])

    # The opening and the close are those of the harmony, not of the file: a bar of drums
    # alone, a count-in or silence before the first chord (and a tail after the last)
    # would otherwise stand in for the opening chord.
    lead, tail = _harmony_span(both, energy)
    music = both[lead:tail]
    n_music = len(music)
    seg_s = duration / n_seg
    n_edge = max(1, min(max(1, n_music // 3), round(_EDGE_S / seg_s)))
    start = music[:n_edge].sum(axis=0)
    end = music[-n_edge:].sum(axis=0)
    start_chord = np.zeros(24)
    if start.sum() > 0:
        start_chord[int(np.argmax(_triad_fit(start)))] = 1.0
    n_first = max(1, min(n_music, round(_FIRST_S / seg_s)))
    # Authentic cadences: the main bass note falls a fifth (or rises a fourth) from one
    # segment to the next, V–I; the note it lands on, weighted by the weaker of the two.
    low = bass_seg.argmax(axis=1)
    level = bass_seg.max(axis=1)
    falls = (low[1:] - low[:-1]) % 12 == 5
    cadence = np.zeros(12)
    np.add.at(cadence, low[1:][falls], np.minimum(level[1:], level[:-1])[falls])
    rows = (
        treble_seg.sum(axis=0),
        bass_seg.sum(axis=0),
        bass_root,
        chords[:12],
        chords[12:],
        start,
        end,
        start_chord[:12],
        start_chord[12:],
        music[:n_first].sum(axis=0),
        cadence,
    )
    # Square roots: a chord held twice as long is stronger evidence, not twice as strong.
    return np.array(
        [_unit(np.sqrt(np.maximum(np.asarray(r, dtype=np.float64), 0.0))) for r in rows]
    )


#: The features that read where the clip starts and ends (:data:`FEATURES`).
_EDGE_FEATURES = ("start", "end", "start_major", "start_minor", "first")


#: When the clip's evidence without its opening and close names another key and gives the
#: answer less than this probability, the two readings truly disagree (:func:`estimate_key`).
EDGELESS_DISAGREEMENT = 0.05

#: The most confidence such a disagreement allows. Out of fold on the tuning material
#: (synth and the corpus tuning split, as ``benchmarks.key_model_fit`` folds them), the
#: answers the model gave at probability >= 0.95 while the two readings disagreed so were
#: right 16 times in 17 (0.94); on loops cut to open off their tonic
#: (``benchmarks.key_rotation_stress``, tuning seed) 6 times in 45. The cap keeps them out
#: of the >= 0.95 band.
DISAGREEMENT_CONFIDENCE = 0.94


THIRD_MIN_RATIO = 0.17
"""Least weight of the thirds above the tonic (minor and major, in the treble and bass
chroma rows of :data:`FEATURES`) relative to that of the tonic and its fifth for the clip
to say its mode. A bass line of roots alone (I–IV–V–I on F, Bb and C; a riff on roots,
fifths and octaves) plays no third at all: the model's choice of mode then rests on
correlates of the mode in harmonised music (a cadence onto IV, major triads fitted to
bare fifths) and read an F-major bass riff as F minor at 0.81. On the corpus's tuning
split (chorales, modal and tonal grooves, 309 clips) the ratio is 0.23 or more; such
root-only bass lines read 0.10–0.13."""

MODE_UNHEARD_CONFIDENCE = 0.5
"""The most confidence a key gets when the clip plays no third above its tonic
(:data:`THIRD_MIN_RATIO`): the tonic may be right, the mode is a guess."""


def _third_ratio(features: np.ndarray, tonic: int) -> tuple[float, bool]:
    """How much the clip plays the thirds above ``tonic`` relative to the tonic and its
    fifth (treble and bass chroma rows of ``features``), and whether the major third
    outweighs the minor one."""
    chroma = features[FEATURES.index("treble")] + features[FEATURES.index("bass")]
    minor, major = chroma[(tonic + 3) % 12], chroma[(tonic + 4) % 12]
    frame = chroma[tonic] + chroma[(tonic + 7) % 12]
    return float((minor + major) / max(float(frame), 1e-9)), bool(major >= minor)


def _without_edges(features: np.ndarray) -> np.ndarray:
    """``features`` with the opening and closing evidence zeroed: what the whole clip says
    wherever it was cut."""
    out = features.copy()
    out[[FEATURES.index(name) for name in _EDGE_FEATURES]] = 0.0
    return out


def _rotations() -> np.ndarray:
    """idx[t, j] = (j + t) % 12: feature[:, idx[t]] is the feature seen from tonic t."""
    return (np.arange(12)[None, :] + np.arange(12)[:, None]) % 12


def key_scores(features: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Scores of the 24 keys (:data:`ALL_KEYS` order) for ``features`` (F × 12) under
    ``weights`` (2 modes × F × 12, tonic first); higher is more likely (logits)."""
    rotated = features[:, _rotations()]  # F × tonic × 12
    major = np.einsum("ftj,fj->t", rotated, weights[0])
    minor = np.einsum("ftj,fj->t", rotated, weights[1])
    out: np.ndarray = np.concatenate([major, minor])
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    out: np.ndarray = e / e.sum()
    return out


def calibrated_confidence(probability: float) -> float:
    """P(the key is right) for the model's probability of its best key, through the
    isotonic map fitted on the tuning split (:data:`key_model.CALIBRATION`)."""
    xs, ys = key_model.CALIBRATION
    return float(np.clip(np.interp(probability, xs, ys), 0.0, 1.0))


def estimate_key(*, y: np.ndarray, sr: int) -> KeyEstimate:
    """Estimate the key (tonic and mode) of a mono clip.

    Parameters
    ----------
    y : np.ndarray
        Mono samples, float32 in [-1, 1], shape (n,).
    sr : int
        Sample rate in Hz.

    Returns
    -------
    KeyEstimate

    Raises
    ------
    NoPitchedContentError
        Audible but without any pitched content (drums only, noise: no harmonic series
        and no bass line of held tones changing pitch); a subclass of
        :class:`AudioTooShortError`.
    AudioTooShortError
        Shorter than :data:`MIN_DURATION_S`, or silent.
    InvalidSamplesError
        Not a 1-D array, or it contains NaN/inf.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise InvalidSamplesError(f"expected mono samples of shape (n,), got {y.shape}")
    if sr <= 0:
        raise InvalidSamplesError(f"sample rate must be positive, got {sr}")
    if len(y) / sr < MIN_DURATION_S:
        raise AudioTooShortError(f"{len(y) / sr:.2f} s is too short to estimate a key")
    y = y.astype(np.float32, copy=False)
    if not np.all(np.isfinite(y)):
        raise InvalidSamplesError("samples contain NaN or infinity")
    if float(np.max(np.abs(y))) < 1e-4:
        raise AudioTooShortError("the clip is silent: no pitches to estimate a key from")

    act, duration, bass_pcs = _activations(y=y, sr=sr)
    features = features_from_activations(act, duration)
    prob = _softmax(key_scores(features, key_model.WEIGHTS))
    order = np.argsort(prob)[::-1]
    best: Key = ALL_KEYS[int(order[0])]
    runner_up: Key = ALL_KEYS[int(order[1])]
    confidence = calibrated_confidence(float(prob[order[0]]))
    # A loop can be cut anywhere in its progression (vi–IV–I–V opens on vi): when the
    # evidence of the whole clip, without its opening and close, names another key, that
    # key is the runner-up; when it all but rules the answer out, the answer may be the
    # opening's pull, and the confidence is capped.
    edgeless = _softmax(key_scores(_without_edges(features), key_model.WEIGHTS))
    cycle = int(np.argmax(edgeless))
    if cycle != int(order[0]):
        runner_up = ALL_KEYS[cycle]
        if edgeless[order[0]] < EDGELESS_DISAGREEMENT:
            confidence = min(confidence, DISAGREEMENT_CONFIDENCE)
    if bass_pcs:
        confidence = min(confidence, BASS_LINE_CONFIDENCE)
    # No third above the tonic: the mode is not heard. Take the mode whose third sounds
    # more (major on a tie) and say it is a guess; the other mode is the runner-up.
    prob_best = float(prob[order[0]])
    ratio, major_third = _third_ratio(features, best.pc)
    if ratio < THIRD_MIN_RATIO:
        mode: Mode = "major" if major_third else "minor"
        if best.mode != mode:
            best = Key(best.pc, mode)
            prob_best = float(prob[ALL_KEYS.index(best)])
        runner_up = Key(best.pc, "minor" if mode == "major" else "major")
        confidence = min(confidence, MODE_UNHEARD_CONFIDENCE)
    return KeyEstimate(
        key=best.name,
        camelot=best.camelot,
        confidence=confidence,
        runner_up=runner_up.name,
        probability=prob_best,
    )
