"""Pictures of an analysis: the beat grid, the pocket, the swing and the key wheel.

Each plot is drawn with matplotlib's object API on its own :class:`~matplotlib.figure.Figure`
(no pyplot, no global figure state, the Agg/SVG canvases only), so plots render in worker
threads and importing this module costs nothing until a plot is asked for.

=========  ===========================================================================
kind       what it shows
=========  ===========================================================================
``grid``   the waveform with every detected beat (SVG id ``beat-N``) and the bar
           starts (``downbeat-N``)
``pocket`` every kick, snare and hat onset against the swung grid, in ms (+ = late,
           laid back), with the backbeat lag
``swing``  the swing of each beat pair across the clip (50 % straight, 66.7 %
           triplet) and the clip's figure
``key``    the Camelot wheel: the key, the runner-up, the keys that mix, the confidence
=========  ===========================================================================

The per-hit and per-pair figures are measured here from the audio against the stored
beat grid (the analysis keeps only the clip-wide numbers). What the plots take from the
audio is measured once per sample (:class:`PlotAudio`: the waveform's outline and the
band onsets), so the three audio plots of one sample decode it and find its onsets once.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from groovegraph.state import Analysis
from groovegraph.tools.errors import GrooveGraphError

PlotKind = Literal["grid", "pocket", "swing", "key"]
PlotFormat = Literal["svg", "png"]
PLOT_KINDS: tuple[str, ...] = ("grid", "pocket", "swing", "key")
PLOT_FORMATS: tuple[str, ...] = ("svg", "png")
#: Bump when a drawing changes: it is part of every cache key.
PLOT_VERSION = "4"
#: Bands of the pocket plot, Hz (low, high).
BANDS: dict[str, tuple[float, float]] = {
    "kick": (30.0, 150.0),
    "snare": (150.0, 2500.0),
    "hats": (5000.0, 11000.0),
}
_COLOURS = {"kick": "#d1495b", "snare": "#2e86ab", "hats": "#8c9a2b"}
#: Columns of the grid plot's waveform outline (about its width in pixels at 100 dpi).
OUTLINE_COLUMNS = 1000


class PlotUnavailableError(GrooveGraphError):
    """The plot needs a beat grid and the sample has none (a one-shot)."""

    code = "plot_unavailable"
    http_status = 422


@dataclass(frozen=True)
class Hit:
    """One onset in one band, against the nearest point of the swung grid."""

    band: str
    time_s: float
    offset_ms: float


def _figure(
    width: float,
    height: float,
    *,
    margins_in: tuple[float, float, float, float] = (0.75, 0.2, 0.6, 0.4),
) -> Any:
    """A figure ``width`` × ``height`` inches with fixed margins (left, right, bottom, top,
    in inches). Fixed, not a layout engine: constrained layout draws every figure twice
    to measure its text and doubled the time from upload to plots."""
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small, selectable
    matplotlib.rcParams["svg.hashsalt"] = "groovegraph"  # stable ids: same bytes each time
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    left, right, bottom, top = margins_in
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
    )
    return fig


def _save(fig: Any, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _label(analysis: Analysis, title: str | None) -> str:
    import os

    return title or os.path.basename(analysis.file)


# ------------------------------------------------------------------------ measurement
def swung_grid(analysis: Analysis) -> npt.NDArray[np.float64]:
    """Grid points in seconds: every beat and its swung subdivisions."""
    beats = np.asarray(analysis.beats_s or [], dtype=np.float64)
    if beats.size < 2:
        return beats
    p = (analysis.swing_percent or 50.0) / 100.0
    sub = analysis.swing_subdivision or 8
    points: list[float] = []
    for a, b in itertools.pairwise(beats):
        d = b - a
        if sub == 16:
            points += [a, a + p * d / 2, a + d / 2, a + d / 2 + p * d / 2]
        else:
            points += [a, a + p * d]
    points.append(float(beats[-1]))
    return np.asarray(points)


def _power_to_db(power: npt.NDArray[Any], top_db: float = 80.0) -> npt.NDArray[Any]:
    """``librosa.power_to_db(power)`` (ref 1, amin 1e-10, top_db 80), in numpy."""
    db: npt.NDArray[Any] = 10.0 * np.log10(np.maximum(1e-10, power))
    clipped: npt.NDArray[Any] = np.maximum(db, db.max() - top_db)
    return clipped


def band_onsets(y: npt.NDArray[np.float32], sr: int) -> dict[str, npt.NDArray[np.float64]]:
    """Onset times (s) per instrument band: kick (low), snare (mid), hats (high).

    Onsets are found once, on the sum of the bands' energy rises (each scaled by its own
    typical rise), and each is given to the band whose rise stands out most at that
    moment: a hat's noise reaches into the snare band, but it rises far more above 5 kHz.

    The spectrum is :func:`~groovegraph.tools.audio_stft.stft_magnitude` (librosa's
    ``stft``, in numpy) and the peaks are ``librosa.util.peak_pick`` with the settings
    ``librosa.onset.onset_detect`` gives it: the same onsets as librosa's, without
    importing ``librosa.core`` (scipy.signal and more: about 8 s of a fresh process's
    first plot on a busy machine).
    """
    from librosa.util import peak_pick

    from groovegraph.tools.audio_stft import stft_magnitude

    hop, n_fft = 128, 512
    spec = stft_magnitude(y.astype(np.float32), n_fft=n_fft, hop=hop).T ** 2
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    names = list(BANDS)
    rises = np.zeros((len(names), spec.shape[1]))
    for i, (lo, hi) in enumerate(BANDS.values()):
        rows = (freqs >= lo) & (freqs < min(hi, sr / 2))
        if not rows.any():
            continue
        energy = _power_to_db(spec[rows].sum(axis=0) + 1e-10)
        rise = np.maximum(0.0, np.diff(energy, prepend=energy[:1]))
        scale = float(np.percentile(rise, 98))
        if scale > 0:
            rises[i] = rise / scale
    out: dict[str, npt.NDArray[np.float64]] = {}
    for i, name in enumerate(names):
        if rises[i].max() <= 0:
            out[name] = np.zeros(0)
            continue
        # onset_detect's normalisation and its peak-picking windows (30 ms before a
        # peak, 100 ms average either side), a peak 0.2 above the average, 2 frames apart.
        envelope = rises[i] - rises[i].min()
        envelope /= envelope.max() + np.finfo(envelope.dtype).tiny
        frames = peak_pick(
            envelope,
            pre_max=int(0.03 * sr // hop),
            post_max=int(0.00 * sr // hop + 1),
            pre_avg=int(0.10 * sr // hop),
            post_avg=int(0.10 * sr // hop + 1),
            delta=0.2,
            wait=2,
        )
        # A band's onset that rises more in another band at that moment is that band's
        # hit leaking over (hat noise in the snare band, a snare's body in the kick band).
        keep = [
            f for f in frames if int(np.argmax(rises[:, max(0, f - 1) : f + 2].max(axis=1))) == i
        ]
        # The energy rise peaks about a quarter window before the hit lands (5.8 ms at
        # 22.05 kHz, measured on synthesized hits of known timing): put it back.
        out[name] = np.asarray(keep, dtype=np.float64) * hop / sr + n_fft / 4 / sr
    return out


def pocket_hits(analysis: Analysis, onsets: dict[str, npt.NDArray[np.float64]]) -> list[Hit]:
    """Each band's onsets against the nearest grid point within a third of its spacing."""
    grid = swung_grid(analysis)
    if grid.size < 2:
        return []
    spacing = float(np.median(np.diff(grid)))
    hits: list[Hit] = []
    for band, times in onsets.items():
        for t in times:
            i = int(np.argmin(np.abs(grid - t)))
            offset = float(t - grid[i])
            if abs(offset) <= spacing / 3:
                hits.append(Hit(band, float(t), offset * 1000.0))
    return hits


def swing_per_pair(
    analysis: Analysis, onsets: dict[str, npt.NDArray[np.float64]]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(pair start s, swing %) for each beat pair whose off-beat has an onset."""
    beats = np.asarray(analysis.beats_s or [], dtype=np.float64)
    if beats.size < 2:
        return np.zeros(0), np.zeros(0)
    sub = analysis.swing_subdivision or 8
    everything = np.sort(np.concatenate([v for v in onsets.values()] or [np.zeros(0)]))
    target = (analysis.swing_percent or 50.0) / 100.0
    starts: list[float] = []
    values: list[float] = []
    for a, b in itertools.pairwise(beats):
        pairs = [(a, b)] if sub == 8 else [(a, (a + b) / 2), ((a + b) / 2, b)]
        for s, e in pairs:
            d = e - s
            # Measured from the hits on the pair's ends when there are some: the detector's
            # constant delay then cancels out.
            s = _nearest(everything, s, 0.12 * d)
            e = _nearest(everything, e, 0.12 * d)
            d = e - s
            if d <= 0:
                continue
            inside = everything[(everything > s + 0.35 * d) & (everything < s + 0.8 * d)]
            if inside.size:
                pos = inside[int(np.argmin(np.abs((inside - s) / d - target)))]
                starts.append(float(s))
                values.append(float(100.0 * (pos - s) / d))
    return np.asarray(starts), np.asarray(values)


def _nearest(times: npt.NDArray[np.float64], t: float, tol: float) -> float:
    if times.size:
        i = int(np.argmin(np.abs(times - t)))
        if abs(times[i] - t) <= tol:
            return float(times[i])
    return float(t)


@dataclass(frozen=True)
class PlotAudio:
    """What the plots take from a sample's audio, small enough to keep in memory.

    ``times_s``, ``low``, ``high``: the waveform's outline (min and max per column);
    ``duration_s``: the decoded length; ``onsets``: :func:`band_onsets` (empty for a
    sample without a beat grid, whose pocket and swing are not drawn).
    """

    duration_s: float
    times_s: npt.NDArray[np.float64]
    low: npt.NDArray[np.float32]
    high: npt.NDArray[np.float32]
    onsets: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)

    @classmethod
    def measure(cls, y: npt.NDArray[np.float32], sr: int, *, beats: bool = True) -> PlotAudio:
        """Outline ``y`` (mono, at ``sr`` Hz) and, when ``beats``, find its band onsets."""
        n = y.size
        step = max(1, n // OUTLINE_COLUMNS)
        cols = y[: (n // step) * step].reshape(-1, step)
        return cls(
            duration_s=n / sr,
            times_s=np.arange(cols.shape[0]) * step / sr,
            low=cols.min(axis=1) if cols.size else np.zeros(0, np.float32),
            high=cols.max(axis=1) if cols.size else np.zeros(0, np.float32),
            onsets=band_onsets(y, sr) if beats and n else {},
        )


# --------------------------------------------------------------------------- drawings
def plot_grid(
    analysis: Analysis,
    audio: PlotAudio,
    *,
    fmt: str = "svg",
    title: str | None = None,
) -> bytes:
    """The waveform with the beat grid (``beat-N``) and bar starts (``downbeat-N``)."""
    from matplotlib.lines import Line2D

    fig = _figure(10, 3, margins_in=(0.2, 0.2, 0.55, 0.4))
    ax = fig.add_subplot()
    duration = audio.duration_s or analysis.duration_s
    if audio.times_s.size:
        ax.fill_between(audio.times_s, audio.low, audio.high, color="#9aa5b1", lw=0)
    beats = analysis.beats_s or []
    downbeats = set(np.round(analysis.downbeats_s or [], 4).tolist())
    # One line per beat, each with its id, added as plain artists: axvline would update
    # the data limits for every beat (two thirds of the plot's time at 50 beats).
    across = ax.get_xaxis_transform()
    for i, b in enumerate(beats):
        is_down = round(float(b), 4) in downbeats
        line = Line2D(
            [b, b],
            [0, 1],
            transform=across,
            color="#d1495b" if is_down else "#264653",
            lw=1.6 if is_down else 0.8,
            alpha=0.9,
            gid=f"beat-{i}",
        )
        ax.add_artist(line)
    for j, d in enumerate(analysis.downbeats_s or []):
        mark = Line2D(
            [d],
            [1.0],
            transform=across,
            marker="v",
            color="#d1495b",
            ms=7,
            clip_on=False,
            gid=f"downbeat-{j}",
        )
        ax.add_artist(mark)
    ax.set_xlim(0, max(duration, 1e-3))
    ax.set_ylim(-1.05, 1.05)
    ax.set_yticks([])
    ax.set_xlabel("seconds")
    if analysis.kind == "one_shot" or not beats:
        sub = f"{analysis.kind.replace('_', '-')}: no beat grid"
    else:
        sub = (
            f"{analysis.tempo_bpm:.1f} BPM · {analysis.meter or 4}/4 · {len(beats)} beats · "
            f"swing {analysis.swing_percent:.1f}% ({analysis.swing_subdivision or 8}ths)"
        )
    ax.set_title(f"{_label(analysis, title)} — {sub}", fontsize=10, loc="left")
    return _save(fig, fmt)


def plot_pocket(
    analysis: Analysis,
    onsets: dict[str, npt.NDArray[np.float64]],
    *,
    fmt: str = "svg",
    title: str | None = None,
) -> bytes:
    """Per-hit timing against the swung grid, one row per band."""
    if not analysis.beats_s:
        raise PlotUnavailableError("a one-shot has no beat grid, so no pocket to draw")
    if analysis.backbeat_lag_ms is None and analysis.timing_deviation_ms is None:
        # the analysis found no drum hits to time: hits drawn here would be note attacks
        raise PlotUnavailableError("no drum hits were measured, so no pocket to draw")
    hits = pocket_hits(analysis, onsets)
    fig = _figure(10, 3.4)
    ax = fig.add_subplot()
    rows = list(BANDS)
    for r, band in enumerate(rows):
        mine = [h for h in hits if h.band == band]
        if mine:
            xs = [h.offset_ms for h in mine]
            jitter = (np.arange(len(xs)) % 5 - 2) * 0.06
            pts = ax.scatter(xs, r + jitter, s=18, color=_COLOURS[band], alpha=0.75)
            pts.set_gid(f"hits-{band}")
            med = float(np.median(xs))
            ax.plot([med, med], [r - 0.35, r + 0.35], color=_COLOURS[band], lw=2.5)
            ax.annotate(
                f"{med:+.1f} ms", (med, r + 0.38), ha="center", fontsize=8, color=_COLOURS[band]
            )
    ax.axvline(0, color="#333", lw=1)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(-0.6, len(rows) - 0.3)
    lim = max(30.0, *(abs(h.offset_ms) for h in hits)) if hits else 30.0
    ax.set_xlim(-lim * 1.1, lim * 1.1)
    ax.set_xlabel("ms from the swung grid (− early, + late / laid back)")
    lag = analysis.backbeat_lag_ms
    dev = analysis.timing_deviation_ms
    ax.set_title(
        f"{_label(analysis, title)} — pocket: backbeat {lag:+.1f} ms, timing spread {dev:.1f} ms"
        if lag is not None and dev is not None
        else f"{_label(analysis, title)} — pocket",
        fontsize=10,
        loc="left",
    )
    return _save(fig, fmt)


def plot_swing(
    analysis: Analysis,
    onsets: dict[str, npt.NDArray[np.float64]],
    *,
    fmt: str = "svg",
    title: str | None = None,
) -> bytes:
    """Swing of each beat pair across the clip."""
    if not analysis.beats_s or analysis.swing_percent is None:
        raise PlotUnavailableError("a one-shot has no beat pairs, so no swing to draw")
    starts, values = swing_per_pair(analysis, onsets)
    fig = _figure(10, 3)
    ax = fig.add_subplot()
    for level, name in ((50.0, "straight"), (66.7, "triplet")):
        ax.axhline(level, color="#bbb", lw=1, ls="--")
        ax.annotate(name, (0, level), xytext=(2, 2), textcoords="offset points", fontsize=8)
    if starts.size:
        pts = ax.plot(starts, values, "o-", color="#2e86ab", ms=4, lw=1)[0]
        pts.set_gid("swing-pairs")
    ax.axhline(analysis.swing_percent, color="#d1495b", lw=2)
    ax.set_ylim(40, 80)
    ax.set_xlim(0, max(analysis.duration_s, 1e-3))
    ax.set_xlabel("seconds")
    ax.set_ylabel("swing %")
    ax.set_title(
        f"{_label(analysis, title)} — swing {analysis.swing_percent:.1f}% at "
        f"{analysis.swing_subdivision or 8}ths, {starts.size} pairs measured",
        fontsize=10,
        loc="left",
    )
    return _save(fig, fmt)


def plot_key(analysis: Analysis, *, fmt: str = "svg", title: str | None = None) -> bytes:
    """The Camelot wheel: outer ring major (B), inner ring minor (A), 1 at the top and
    the numbers clockwise. Drawn as wedges on plain axes: a polar projection costs more
    to set up and draw than the whole wheel."""
    from matplotlib.patches import Wedge

    from groovegraph.tools.harmony import MIXES_MIN_SCORE, compatible_camelots
    from groovegraph.tools.keys import from_camelot

    fig = _figure(5, 5.4)
    # A square axes (4.1 in) with the title above it: circles stay round.
    ax = fig.add_axes((0.45 / 5, 0.35 / 5.4, 4.1 / 5, 4.1 / 5.4))
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.55, 1.55)
    ax.set_axis_off()
    step = 360.0 / 12
    best = analysis.camelot
    runner = from_camelot_safe(analysis.key_runner_up)
    mixes = (
        set(compatible_camelots(analysis.key, min_score=MIXES_MIN_SCORE)) if analysis.key else set()
    )
    for letter, inner in (("B", 1.0), ("A", 0.45)):
        for n in range(1, 13):
            code = f"{n}{letter}"
            colour = "#eef1f4"
            if code in mixes:
                colour = "#bfe3c0"
            if code == runner:
                colour = "#f6c177"
            if code == best:
                colour = "#d1495b"
            # Clockwise from north, as a Camelot wheel is read; Wedge counts degrees
            # anticlockwise from east.
            centre_deg = 90.0 - (n - 1) * step
            wedge = Wedge(
                (0.0, 0.0),
                inner + 0.5,
                centre_deg - step / 2,
                centre_deg + step / 2,
                width=0.5,
                facecolor=colour,
                edgecolor="white",
                lw=1.5,
                gid=f"key-{code}",
            )
            ax.add_artist(wedge)
            name = from_camelot(code).name.replace(" major", "").replace(" minor", "m")
            r = inner + 0.25
            ax.text(
                r * np.cos(np.radians(centre_deg)),
                r * np.sin(np.radians(centre_deg)),
                f"{code}\n{name}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if code == best else "#333",
            )
    if analysis.key:
        centre = f"{analysis.key}\n{analysis.camelot} · {analysis.key_confidence:.0%}"
        if analysis.key_runner_up:
            centre += f"\nor {analysis.key_runner_up}"
    else:
        centre = "no key\n(nothing pitched)"
    ax.text(0, 0, centre, ha="center", va="center", fontsize=9)
    fig.suptitle(_label(analysis, title), fontsize=10)
    return _save(fig, fmt)


def from_camelot_safe(key: str | None) -> str | None:
    from groovegraph.tools.keys import camelot

    if not key:
        return None
    try:
        return camelot(key)
    except GrooveGraphError:
        return None


def warm_up() -> None:
    """Draw every kind of plot once (and a PNG), so the first real plot does not
    pay for importing matplotlib, its SVG and Agg back ends and the font cache, nor for
    loading librosa's onset kernels (seconds on a busy machine, which the first upload's
    plots would otherwise wait)."""
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove

    sr = 22050
    y, _ = synthesize_groove(GrooveSpec(tempo_bpm=120.0, duration_s=2.0, sample_rate=sr))
    analysis = Analysis(
        file="warm-up.wav",
        sha256="0" * 64,
        duration_s=2.0,
        sample_rate=sr,
        tempo_bpm=120.0,
        meter=4,
        beats_s=[0.0, 0.5, 1.0, 1.5],
        downbeats_s=[0.0],
        swing_percent=50.0,
        swing_subdivision=8,
        # a drum groove: its pocket is measured (a pocket plot needs one, since PLOT_VERSION 4)
        backbeat_lag_ms=0.0,
        timing_deviation_ms=5.0,
        key="A minor",
        key_runner_up="C major",
        camelot="8A",
        key_confidence=0.5,
        rms_db=-20.0,
        onset_rate_hz=2.0,
    )
    audio = PlotAudio.measure(y, sr)
    for kind in PLOT_KINDS:
        render(kind, analysis, fmt="svg", audio=audio)
    render("key", analysis, fmt="png")  # the Agg back end


def needs_audio(kind: str) -> bool:
    return kind in ("grid", "pocket", "swing")


def render(
    kind: str,
    analysis: Analysis,
    *,
    fmt: str = "svg",
    y: npt.NDArray[np.float32] | None = None,
    sr: int = 22050,
    audio: PlotAudio | None = None,
    title: str | None = None,
) -> bytes:
    """One plot as SVG or PNG bytes. Every kind but ``key`` needs the audio: ``audio``
    (measured once, shared by the kinds) or ``y``/``sr`` (decoded, mono)."""
    if kind not in PLOT_KINDS:
        raise ValueError(f"unknown plot kind {kind!r}")
    if fmt not in PLOT_FORMATS:
        raise ValueError(f"unknown plot format {fmt!r}")
    if kind == "key":
        return plot_key(analysis, fmt=fmt, title=title)
    if kind != "grid" and not analysis.beats_s:
        raise PlotUnavailableError(f"a one-shot has no beat grid, so no {kind} plot")
    if audio is None:
        if y is None:
            raise ValueError(f"a {kind} plot needs the audio")
        audio = PlotAudio.measure(y, sr, beats=kind != "grid")
    if kind == "grid":
        return plot_grid(analysis, audio, fmt=fmt, title=title)
    if kind == "pocket":
        return plot_pocket(analysis, audio.onsets, fmt=fmt, title=title)
    return plot_swing(analysis, audio.onsets, fmt=fmt, title=title)
