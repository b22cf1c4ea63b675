"""MIDI performances rendered to audio through General MIDI soundfonts with ``fluidsynth``.

A :class:`Performance` is a list of notes in absolute seconds (channel, GM program, pitch,
velocity). Performances that use the same soundfont are laid end to end in one MIDI file
(with silent gaps) and rendered by one ``fluidsynth`` call, then cut apart: loading a
soundfont costs far more than rendering a clip (MuseScore General takes seconds).

Timing: the notes are written at 0.25 ms resolution. fluidsynth schedules MIDI events on
its own block clock, which adds about ±1.5 ms of uniform jitter per note, and each sample
has its own attack delay. The *audible* onset of every drum sound and of the rhythm-section
instruments is measured once per soundfont (:func:`onset_latency_s`, cached) and subtracted
from the note's MIDI time, so ground-truth times name when a hit is heard, not when its
MIDI message was sent.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: MIDI clock: tempo 500 000 µs per quarter and 2000 ticks per quarter = 0.25 ms per tick.
TICKS_PER_BEAT = 2000
_TEMPO_US = 500_000
_TICKS_PER_S = TICKS_PER_BEAT * 1_000_000 / _TEMPO_US
#: Rendering rate of the corpus (the analysis rate of groovegraph).
SAMPLE_RATE = 22050
#: Silence between two clips of one batch (lets reverb and releases die away).
GAP_S = 3.0
#: Longest audio rendered by one fluidsynth call (bounds memory: float stereo WAV).
MAX_BATCH_S = 300.0
#: Onset corrections larger than this are not applied (slow pads, swells).
MAX_LATENCY_S = 0.030
DRUM_CHANNEL = 9

#: (tick, order within the tick, mido message)
_Event = tuple[int, int, Any]


@dataclass(frozen=True)
class SoundFont:
    """A General MIDI soundfont on this machine."""

    name: str
    path: Path

    @property
    def available(self) -> bool:
        return self.path.is_file()


def _pretty_midi_sf2() -> Path:
    try:
        import pretty_midi

        return Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
    except ImportError:  # pragma: no cover - pretty_midi is a dev dependency
        return Path("/nonexistent/TimGM6mb.sf2")


def soundfonts() -> dict[str, SoundFont]:
    """The three soundfonts the corpus rotates through, by short name."""
    fonts = [
        SoundFont("fluidr3", Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")),
        SoundFont("musescore", Path("/usr/share/sounds/sf3/MuseScore_General.sf3")),
        SoundFont("timgm6mb", _pretty_midi_sf2()),
    ]
    return {f.name: f for f in fonts}


class RenderError(RuntimeError):
    """fluidsynth is missing or failed."""


def fluidsynth_binary() -> str:
    exe = shutil.which("fluidsynth")
    if exe is None:
        raise RenderError(
            "the evaluation corpus needs the fluidsynth CLI (Debian: apt-get install fluidsynth)"
        )
    return exe


@dataclass(frozen=True)
class Note:
    """One note: ``start_s``/``end_s`` are the intended audible times in the clip."""

    start_s: float
    end_s: float
    pitch: int
    velocity: int
    channel: int
    program: int  # GM program 0-127; for channel 9 the drum-kit program (bank 128)
    #: Shift the MIDI message earlier by the measured attack of this sound.
    align_onset: bool = True


@dataclass
class Performance:
    """Everything one clip plays; ``duration_s`` is the length of the cut."""

    notes: list[Note]
    duration_s: float
    #: Controller values per channel, e.g. {0: {7: 100, 10: 40}} (volume, pan).
    controllers: dict[int, dict[int, int]] = field(default_factory=dict)


def _sound_id(channel: int, program: int, pitch: int) -> str:
    return f"d{program}:{pitch}" if channel == DRUM_CHANNEL else f"p{program}"


# --------------------------------------------------------------------------- MIDI writing


def _events(perf: Performance, offset_s: float, latency: dict[str, float]) -> list[_Event]:
    """(tick, order, message-args) for one performance placed at ``offset_s``."""
    import mido

    out: list[_Event] = []
    programs: dict[int, int] = {}
    for n in perf.notes:
        programs.setdefault(n.channel, n.program)
    t0 = round(offset_s * _TICKS_PER_S)
    for ch, prog in sorted(programs.items()):
        # Reset, then bank and program: bank 128 selects a drum kit on channel 10.
        out.append((t0, 0, mido.Message("control_change", channel=ch, control=121, value=0)))
        bank = 128 if ch == DRUM_CHANNEL else 0
        out.append(
            (t0, 1, mido.Message("control_change", channel=ch, control=0, value=bank // 128))
        )
        out.append((t0, 1, mido.Message("control_change", channel=ch, control=32, value=0)))
        out.append((t0, 2, mido.Message("program_change", channel=ch, program=prog)))
        for cc, val in sorted(perf.controllers.get(ch, {}).items()):
            out.append((t0, 3, mido.Message("control_change", channel=ch, control=cc, value=val)))
    for n in perf.notes:
        lat = latency.get(_sound_id(n.channel, n.program, n.pitch), 0.0) if n.align_onset else 0.0
        lat = min(max(lat, 0.0), MAX_LATENCY_S)
        on = round((offset_s + n.start_s - lat) * _TICKS_PER_S)
        off = round((offset_s + max(n.end_s, n.start_s + 0.01) - lat) * _TICKS_PER_S)
        on = max(on, t0 + 1)
        off = max(off, on + 1)
        vel = int(np.clip(n.velocity, 1, 127))
        out.append((on, 5, mido.Message("note_on", channel=n.channel, note=n.pitch, velocity=vel)))
        out.append((off, 4, mido.Message("note_off", channel=n.channel, note=n.pitch, velocity=0)))
    return out


def _write_midi(path: Path, events: list[_Event], end_s: float) -> None:
    import mido

    mid = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=_TEMPO_US, time=0))
    last = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - last))
        last = tick
    end = round(end_s * _TICKS_PER_S)
    # A last harmless event keeps fluidsynth playing until the tail has rung out.
    track.append(mido.Message("control_change", channel=15, control=7, value=0, time=end - last))
    mid.save(str(path))


def _fluidsynth(sf: SoundFont, midi: Path, wav: Path) -> None:
    cmd = [
        fluidsynth_binary(),
        "-ni",
        "-q",
        "-C",
        "0",  # chorus off; the (default) reverb stays: rooms are part of real records
        "-g",
        "0.4",
        "-o",
        "synth.dynamic-sample-loading=1",  # the sf3 font loads in ~2 s instead of ~14 s
        "-O",
        "float",
        "-T",
        "wav",
        "-F",
        str(wav),
        "-r",
        str(SAMPLE_RATE),
        str(sf.path),
        str(midi),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    if proc.returncode != 0 or not wav.is_file():
        raise RenderError(f"fluidsynth failed ({proc.returncode}): {proc.stderr[-500:]}")


def _read_mono(path: Path) -> np.ndarray:
    import soundfile

    y, sr = soundfile.read(str(path), dtype="float32", always_2d=True)
    if sr != SAMPLE_RATE:  # pragma: no cover - fluidsynth honours -r
        raise RenderError(f"fluidsynth wrote {sr} Hz, expected {SAMPLE_RATE}")
    return np.asarray(y.mean(axis=1), dtype=np.float32)


def render_batch(
    perfs: Sequence[Performance], sf: SoundFont, *, latency: dict[str, float] | None = None
) -> list[np.ndarray]:
    """Render performances with one soundfont; returns one mono float32 array per clip.

    Clips are laid out ``GAP_S`` apart in as few fluidsynth calls as
    :data:`MAX_BATCH_S` allows.
    """
    if not sf.available:
        raise RenderError(f"soundfont {sf.name} not found at {sf.path}")
    latency = latency or {}
    out: list[np.ndarray] = []
    i = 0
    with tempfile.TemporaryDirectory(prefix="gg-corpus-") as tmp:
        while i < len(perfs):
            chunk: list[Performance] = []
            total = 0.0
            while i < len(perfs) and (not chunk or total + perfs[i].duration_s <= MAX_BATCH_S):
                chunk.append(perfs[i])
                total += perfs[i].duration_s + GAP_S
                i += 1
            events: list[_Event] = []
            offsets = []
            t = GAP_S / 3
            for perf in chunk:
                offsets.append(t)
                events += _events(perf, t, latency)
                t += perf.duration_s + GAP_S
            midi = Path(tmp) / "batch.mid"
            wav = Path(tmp) / "batch.wav"
            _write_midi(midi, events, t)
            _fluidsynth(sf, midi, wav)
            y = _read_mono(wav)
            for perf, off in zip(chunk, offsets, strict=True):
                a = round(off * SAMPLE_RATE)
                b = a + round(perf.duration_s * SAMPLE_RATE)
                clip = np.zeros(b - a, dtype=np.float32)
                seg = y[a:b]
                clip[: len(seg)] = seg
                out.append(clip)
            wav.unlink(missing_ok=True)
    return out


# --------------------------------------------------------------------------- onset latency


def measure_onset_s(y: np.ndarray, sr: int, *, frac: float = 0.1) -> float | None:
    """Time of the first sample whose magnitude reaches ``frac`` of the clip's peak."""
    mag = np.abs(np.asarray(y, dtype=np.float64))
    peak = float(mag.max()) if mag.size else 0.0
    if peak <= 1e-6:
        return None
    return float(np.argmax(mag >= frac * peak)) / sr


def _latency_cache_path(cache_dir: Path, sf: SoundFont) -> Path:
    stat = sf.path.stat()
    tag = hashlib.sha1(f"{sf.path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:10]
    return cache_dir / "latency" / f"{sf.name}-{tag}.json"


def onset_latency_s(
    sf: SoundFont, sounds: Sequence[tuple[int, int, int]], *, cache_dir: Path
) -> dict[str, float]:
    """Audible-onset delay of each ``(channel, program, pitch)`` sound with this soundfont.

    Each sound is rendered alone (velocity 100) at a known time; the delay is when its
    waveform first reaches 10 % of its peak. Results are cached per soundfont file;
    only sounds not yet measured are rendered.
    """
    path = _latency_cache_path(cache_dir, sf)
    known: dict[str, float] = json.loads(path.read_text()) if path.is_file() else {}
    todo = sorted({(c, p, n) for c, p, n in sounds if _sound_id(c, p, n) not in known})
    if todo:
        # Each sound at several block phases, so the mean removes fluidsynth's block jitter.
        phases = (0.0, 0.00071, 0.00143, 0.00217)
        perfs = []
        for c, p, n in todo:
            for ph in phases:
                perfs.append(
                    Performance(
                        notes=[Note(0.2 + ph, 0.6 + ph, n, 100, c, p, align_onset=False)],
                        duration_s=0.9,
                    )
                )
        clips = render_batch(perfs, sf)
        for j, (c, p, n) in enumerate(todo):
            vals = []
            for k, ph in enumerate(phases):
                on = measure_onset_s(clips[j * len(phases) + k], SAMPLE_RATE)
                if on is not None:
                    vals.append(on - (0.2 + ph))
            known[_sound_id(c, p, n)] = float(np.mean(vals)) if vals else 0.0
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=0, sort_keys=True))
        tmp.replace(path)
    return known


def sounds_of(perfs: Sequence[Performance]) -> list[tuple[int, int, int]]:
    """The distinct aligned sounds of some performances (pitch matters only for drums)."""
    seen: dict[str, tuple[int, int, int]] = {}
    for perf in perfs:
        for n in perf.notes:
            if n.align_onset:
                pitch = n.pitch if n.channel == DRUM_CHANNEL else 60
                seen.setdefault(
                    _sound_id(n.channel, n.program, n.pitch), (n.channel, n.program, pitch)
                )
    return list(seen.values())
