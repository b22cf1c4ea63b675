"""Small music-theory helpers shared by the corpus generators (pitch names, keys, GM maps)."""

from __future__ import annotations

PITCH_NAMES: tuple[str, ...] = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_SHARP_NAMES: tuple[str, ...] = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

#: Scales (semitones above the tonic) of the progression families.
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # natural minor; V chords of functional minor add 11
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
}
#: Mode of the key label each family is reported in (contract: major or minor only).
FAMILY_MODE: dict[str, str] = {
    "major": "major",
    "minor": "minor",
    "aeolian": "minor",
    "dorian": "minor",
    "mixolydian": "major",
}
MODAL_FAMILIES: frozenset[str] = frozenset({"aeolian", "dorian", "mixolydian"})

CHORD_INTERVALS: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dom7": (0, 4, 7, 10),
    "min7": (0, 3, 7, 10),
    "maj7": (0, 4, 7, 11),
    "hdim7": (0, 3, 6, 10),
}

#: Progressions per family: (root semitones above the tonic, chord quality), one per bar.
#: Every one opens on its tonic chord; the tonic is the chord the loop returns to.
PROGRESSIONS: dict[str, tuple[tuple[tuple[int, str], ...], ...]] = {
    "major": (
        ((0, "maj"), (9, "min"), (5, "maj"), (7, "maj")),  # I vi IV V
        ((0, "maj"), (5, "maj"), (7, "dom7"), (0, "maj")),  # I IV V7 I
        ((0, "maj7"), (2, "min7"), (7, "dom7"), (0, "maj7")),  # Imaj7 ii7 V7 Imaj7
        ((0, "maj7"), (4, "min7"), (5, "maj7"), (7, "dom7")),  # Imaj7 iii7 IVmaj7 V7
    ),
    "minor": (
        ((0, "min"), (5, "min"), (7, "dom7"), (0, "min")),  # i iv V7 i (leading tone)
        ((0, "min"), (8, "maj"), (2, "hdim7"), (7, "dom7")),  # i VI iiø7 V7
        ((0, "min7"), (0, "min7"), (5, "min7"), (7, "dom7")),  # i i iv V7
    ),
    "aeolian": (
        ((0, "min"), (8, "maj"), (3, "maj"), (10, "maj")),  # i VI III VII
        ((0, "min"), (10, "maj"), (8, "maj"), (10, "maj")),  # i VII VI VII
        ((0, "min7"), (0, "min7"), (8, "maj7"), (10, "maj")),  # i i VI VII
        ((0, "min"), (5, "min"), (8, "maj"), (7, "min")),  # i iv VI v (no leading tone)
    ),
    "dorian": (
        ((0, "min7"), (5, "dom7"), (0, "min7"), (5, "dom7")),  # i7 IV7
        ((0, "min7"), (0, "min7"), (5, "dom7"), (5, "dom7")),  # i7 i7 IV7 IV7
        ((0, "min7"), (2, "min7"), (0, "min7"), (5, "maj")),  # i ii i IV
    ),
    "mixolydian": (
        ((0, "maj"), (10, "maj"), (5, "maj"), (0, "maj")),  # I bVII IV I
        ((0, "dom7"), (10, "maj"), (0, "dom7"), (10, "maj")),  # I7 bVII vamp
        ((0, "maj"), (0, "maj"), (10, "maj"), (5, "maj")),  # I I bVII IV
    ),
}


def key_name(tonic_pc: int, mode: str) -> str:
    """``"F# minor"``, ``"Bb major"``."""
    return f"{PITCH_NAMES[tonic_pc % 12]} {mode}"


def note_name(midi: int) -> str:
    """Scientific pitch name with sharps, C4 = MIDI 60: ``30 -> "F#1"``."""
    return f"{_SHARP_NAMES[midi % 12]}{midi // 12 - 1}"


def note_number(name: str) -> int:
    """Inverse of :func:`note_name`; accepts flats (``"Gb1"``) too."""
    name = name.strip()
    letter = name[0].upper()
    rest = name[1:]
    base = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[letter]
    acc = 0
    while rest and rest[0] in "#b♯♭":
        acc += 1 if rest[0] in "#♯" else -1
        rest = rest[1:]
    return (int(rest) + 1) * 12 + base + acc


# --------------------------------------------------------------------------- General MIDI

#: GM drum kits (bank 128 programs).
KITS: dict[str, int] = {
    "standard": 0,
    "room": 8,
    "power": 16,
    "electronic": 24,
    "tr808": 25,
    "jazz": 32,
    "brush": 40,
}

#: GM percussion keys by instrument class (one-shots and patterns).
DRUM_NOTES: dict[str, tuple[int, ...]] = {
    "kick": (35, 36),
    "snare": (38, 40, 37),
    "clap": (39,),
    "hat": (42, 44, 46),
    "cymbal": (49, 51, 52, 55, 57, 59),
    "tom": (41, 43, 45, 47, 48, 50),
    "perc": (54, 56, 60, 61, 62, 63, 64, 69, 70, 75, 76, 77),
}

#: GM programs (0-based) by tonal instrument class.
PROGRAMS: dict[str, tuple[int, ...]] = {
    "bass": (32, 33, 34, 35, 38, 39),
    "keys": (0, 1, 4, 5, 7, 16, 17, 11),
    "pad": (88, 89, 90, 91, 94, 48, 49),
    "lead": (80, 81, 73, 56, 65, 66, 71, 84),
    "vocal": (52, 53, 54, 85),
    "fx": (96, 97, 98, 99, 102, 103),
}
