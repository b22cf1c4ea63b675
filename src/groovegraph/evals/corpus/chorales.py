"""Bach chorales from music21's bundled corpus, with a key truth checked from the score.

``music21``'s own key finder is *not* the truth here (it is one more estimator). The key
of a chorale is read from two facts of the score that a musician checks first:

1. the key signature (sharps/flats) names a major key M and its relative minor m, and
   Bach often wrote minor keys with a *Dorian* signature (one flat fewer / one sharp
   more), whose tonic is the second degree of M;
2. the final chord, in root position, names the tonic: root M with a major third = M
   major; root m = m minor (a major final chord there is a Picardy third: still minor);
   root on the second degree of M = minor with a Dorian signature.

Pieces whose truth stays ambiguous are dropped, with the reason logged: a final chord on
the dominant of the signature (half cadence, Phrygian or Mixolydian ending), a final
chord unrelated to the signature, a signature change, an inverted or third-less final
chord, an opening that is not in the home key (the first chord must sound the tonic or
its dominant and the tonic chord must come within the first four chords), and a minor
excerpt without its leading tone (a modal chorale rather than a minor one).
Excerpts are the first 20–30 s, where the home key is established.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from groovegraph.evals.corpus import music
from groovegraph.evals.corpus.render import Note, Performance

_NAME_RE = re.compile(r"^bwv(\d+)(\.\d+)?(-[a-z0-9]+)?\.(mxl|xml|krn)$")

#: Four-part scorings (GM programs for S, A, T, B).
ENSEMBLES: dict[str, tuple[int, int, int, int]] = {
    "organ": (19, 19, 19, 19),
    "strings": (40, 40, 41, 42),
    "choir": (52, 52, 52, 52),
    "brass": (56, 56, 57, 58),
    "winds": (73, 68, 71, 70),
    "piano": (0, 0, 0, 0),
    "voices_strings": (53, 52, 41, 42),
    "epiano": (4, 4, 4, 4),
}


def chorale_paths() -> list[Path]:
    """Bach four-part chorale files of the music21 corpus, sorted by name."""
    from music21 import corpus

    # A few chorales exist twice (MusicXML and Humdrum): keep one file per name, MusicXML.
    prefer = {"mxl": 0, "xml": 1, "krn": 2}
    by_stem: dict[str, Path] = {}
    for p in corpus.getComposer("bach"):
        m = _NAME_RE.match(p.name)
        if not m:
            continue
        stem = p.name.rsplit(".", 1)[0]
        old = by_stem.get(stem)
        if old is None or prefer[m.group(4)] < prefer[old.suffix[1:]]:
            by_stem[stem] = p
    return sorted(by_stem.values(), key=lambda p: p.name)


def bwv_number(path: Path) -> int:
    m = _NAME_RE.match(path.name)
    if not m:
        raise ValueError(f"not a chorale file name: {path.name}")
    return int(m.group(1))


def split_of(path: Path) -> str:
    """``"tuning"`` or ``"reporting"``: by a hash of the BWV number, so every harmonisation
    filed under one BWV (cantata) lands in the same split."""
    h = int(hashlib.sha1(f"bwv{bwv_number(path)}".encode()).hexdigest(), 16)
    return "reporting" if h % 2 == 0 else "tuning"


@dataclass(frozen=True)
class ChoraleTruth:
    tonic_pc: int
    mode: str
    sharps: int
    final_root: str
    final_third: str  # "major" | "minor"
    rule: str  # which rule decided: "major", "minor", "minor-picardy", "dorian-signature"


class Ambiguous(Exception):
    """The score does not settle its key; the message says why."""


def _final_chord(chords: list[Any]) -> Any:
    for ch in reversed(chords):
        if len(ch.pitches):
            return ch
    raise Ambiguous("no chord in the score")


def check_truth(score: Any, *, excerpt_ql: float | None = None) -> ChoraleTruth:
    """The key of a four-part chorale from its signature and final chord (see module doc).

    Raises :class:`Ambiguous` with the reason when the score does not settle it.
    ``excerpt_ql`` (quarter lengths from the start) limits the leading-tone check to the
    excerpt that will be rendered.
    """
    from music21 import interval

    parts = list(score.parts)
    if len(parts) != 4:
        raise Ambiguous(f"{len(parts)} parts, not a four-part chorale")
    sigs = {ks.sharps for ks in score.recurse().getElementsByClass("KeySignature")}
    if len(sigs) != 1:
        raise Ambiguous(f"key signature changes ({sorted(sigs)})" if sigs else "no key signature")
    sharps = sigs.pop()
    major_pc = (7 * sharps) % 12
    minor_pc = (major_pc + 9) % 12
    dorian_pc = (major_pc + 2) % 12
    chords = list(score.chordify().recurse().getElementsByClass("Chord"))
    final = _final_chord(chords)
    root = final.root()
    if final.bass().pitchClass != root.pitchClass:
        raise Ambiguous("final chord not in root position")
    third = final.third
    if third is None:
        raise Ambiguous("final chord has no third")
    semis = interval.Interval(root, third).semitones % 12
    quality = "major" if semis == 4 else "minor" if semis == 3 else "other"
    if quality == "other":
        raise Ambiguous("final chord is neither major nor minor")
    r = root.pitchClass
    if r == major_pc:
        if quality != "major":
            raise Ambiguous("minor final chord on the signature's major tonic")
        tonic, mode, rule = r, "major", "major"
    elif r == minor_pc:
        tonic, mode = r, "minor"
        rule = "minor-picardy" if quality == "major" else "minor"
    elif r == dorian_pc:
        tonic, mode, rule = r, "minor", "dorian-signature"
    elif r == (major_pc + 7) % 12:
        raise Ambiguous("ends on the signature's dominant (half cadence or Mixolydian)")
    elif r == (major_pc + 4) % 12:
        raise Ambiguous("ends on the third degree (Phrygian ending)")
    else:
        raise Ambiguous("final chord unrelated to the key signature")
    # The opening must be in the home key: first chord on the tonic or the dominant, and
    # the tonic chord within the first four chords.
    sounding = [c for c in chords if len(c.pitches)]
    first_roots = [c.root().pitchClass for c in sounding[:4]]
    if first_roots[0] not in (tonic, (tonic + 7) % 12) or tonic not in first_roots:
        raise Ambiguous("does not open in the home key")
    if mode == "minor":
        limit = excerpt_ql if excerpt_ql is not None else float("inf")
        lt = (tonic + 11) % 12
        notes = score.flatten().notes
        seen = any(
            p.pitchClass == lt
            for n in notes
            if float(n.getOffsetInHierarchy(score)) < limit
            for p in n.pitches
        )
        if not seen:
            raise Ambiguous("minor excerpt without its leading tone (modal)")
    return ChoraleTruth(
        tonic_pc=tonic,
        mode=mode,
        sharps=sharps,
        final_root=root.name,
        final_third=quality,
        rule=rule,
    )


@dataclass(frozen=True)
class ChoraleSpec:
    id: str
    path: str  # file name inside music21's corpus (bwvNNN.N.mxl)
    seed: int
    soundfont: str
    ensemble: str
    tempo_bpm: float
    transpose: int  # semitones applied to the whole score
    excerpt_s: float


@lru_cache(maxsize=8)
def _parse(name: str) -> Any:
    from music21 import corpus

    return corpus.parse(f"bach/{name}")


def draw_spec(rng: np.random.Generator, *, id: str, path: Path, soundfont: str) -> ChoraleSpec:
    ensembles = sorted(ENSEMBLES)
    return ChoraleSpec(
        id=id,
        path=path.name,
        seed=int(rng.integers(2**31 - 1)),
        soundfont=soundfont,
        ensemble=ensembles[int(rng.integers(len(ensembles)))],
        tempo_bpm=round(float(rng.uniform(60.0, 88.0)), 1),
        transpose=int(rng.integers(-5, 7)) if rng.uniform() < 0.5 else 0,
        excerpt_s=round(float(rng.uniform(20.0, 30.0)), 2),
    )


def build_performance(spec: ChoraleSpec) -> tuple[Performance, dict[str, Any]]:
    """Notes of the excerpt and its truth; raises :class:`Ambiguous` for a dropped piece."""
    score = _parse(spec.path)
    spb = 60.0 / spec.tempo_bpm
    excerpt_ql = spec.excerpt_s / spb
    truth = check_truth(score, excerpt_ql=excerpt_ql)
    rng = np.random.default_rng(spec.seed)
    programs = ENSEMBLES[spec.ensemble]
    notes: list[Note] = []
    lead_in = 0.15
    end_ql = 0.0
    for voice, part in enumerate(score.parts):
        for n in part.flatten().notes:
            start_ql = float(n.getOffsetInHierarchy(part))
            if start_ql >= excerpt_ql:
                continue
            dur_ql = float(n.quarterLength)
            end_ql = max(end_ql, start_ql + dur_ql)
            for p in n.pitches:
                pitch = int(p.midi) + spec.transpose
                if voice == 3 and spec.ensemble == "organ":
                    pitch -= 12  # 16' pedal
                notes.append(
                    Note(
                        start_s=lead_in + start_ql * spb + float(rng.normal(0, 0.004)),
                        end_s=lead_in + (start_ql + dur_ql) * spb - 0.03,
                        pitch=pitch,
                        velocity=int(np.clip(rng.normal(80 if voice == 0 else 70, 6), 40, 110)),
                        channel=voice,
                        program=programs[voice],
                        align_onset=False,
                    )
                )
    duration = lead_in + min(end_ql, excerpt_ql) * spb + 1.0
    tonic = (truth.tonic_pc + spec.transpose) % 12
    out = {
        "kind": "loop",
        "instrument": "mix",
        "tempo_bpm": spec.tempo_bpm,
        "tempo_octave_ambiguous": True,  # sustained chords, no drums: the pulse level is open
        "meter": None,
        "beats_s": None,
        "downbeats_s": None,
        "swing_percent": None,
        "swing_subdivision": None,
        "backbeat_lag_ms": None,
        "key": music.key_name(tonic, truth.mode),
        "key_family": truth.mode,
        "modal": False,
        "key_ambiguous": False,
        "key_check": {
            **asdict(truth),
            "untransposed_key": music.key_name(truth.tonic_pc, truth.mode),
        },
    }
    levels = {ch: {7: 100} for ch in range(4)}
    levels[0][7] = 110
    return Performance(notes=notes, duration_s=round(duration, 3), controllers=levels), out
