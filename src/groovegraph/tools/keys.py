"""Musical keys: parsing any common spelling, canonical names and the Camelot wheel.

A key is a pitch class (0 = C … 11 = B) and a mode (``"major"`` or ``"minor"``). Names use
the spellings DJs read on a Camelot wheel: majors ``C Db D Eb E F F# G Ab A Bb B``, minors
``C C# D Eb E F F# G G# A Bb B``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from groovegraph.tools.errors import InvalidQueryError

Mode = Literal["major", "minor"]

_MAJOR_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_MINOR_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")
_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}

_KEY_RE = re.compile(
    r"^\s*(?P<letter>[A-Ga-g])(?P<acc>#|♯|b|♭|s|sharp|flat)?\s*-?\s*"
    r"(?P<mode>major|maj|minor|min|m|M|dur|moll)?\s*$",
)
_CAMELOT_RE = re.compile(r"^\s*(?P<num>[1-9]|1[0-2])\s*(?P<letter>[ABab])\s*$")


#: Semitones above the tonic of the notes of a major and a (natural) minor scale.
SCALE_STEPS: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
}


@dataclass(frozen=True, order=True)
class Key:
    """A tonic pitch class and a mode."""

    pc: int
    mode: Mode

    @property
    def name(self) -> str:
        names = _MAJOR_NAMES if self.mode == "major" else _MINOR_NAMES
        return f"{names[self.pc]} {self.mode}"

    @property
    def camelot(self) -> str:
        major_pc = self.pc if self.mode == "major" else (self.pc + 3) % 12
        number = (major_pc * 7 + 7) % 12 + 1
        return f"{number}{'B' if self.mode == 'major' else 'A'}"

    @property
    def relative(self) -> Key:
        if self.mode == "major":
            return Key((self.pc + 9) % 12, "minor")
        return Key((self.pc + 3) % 12, "major")

    @property
    def scale_pcs(self) -> frozenset[int]:
        """Pitch classes of the key's scale (natural minor for a minor key)."""
        return frozenset((self.pc + step) % 12 for step in SCALE_STEPS[self.mode])

    def has_note(self, pc: int) -> bool:
        """Whether pitch class ``pc`` is a note of the key's scale."""
        return pc % 12 in self.scale_pcs

    def __str__(self) -> str:
        return self.name


ALL_KEYS: tuple[Key, ...] = tuple(Key(pc, mode) for mode in ("major", "minor") for pc in range(12))


def parse_key(text: str) -> Key:
    """Parse ``"A minor"``, ``"Am"``, ``"F#m"``, ``"Bb major"``, ``"Eb"``, ``"8A"`` …

    Raises :class:`InvalidQueryError` for anything else.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidQueryError(f"not a key: {text!r}")
    cam = _CAMELOT_RE.match(text)
    if cam:
        return from_camelot(text)
    m = _KEY_RE.match(text.strip())
    if not m:
        raise InvalidQueryError(f"not a key: {text!r} (try 'A minor', 'F#m', 'Bb major' or '8A')")
    pc = _LETTER_PC[m.group("letter").upper()]
    acc = (m.group("acc") or "").lower()
    if acc in {"#", "♯", "s", "sharp"}:
        pc += 1
    elif acc in {"b", "♭", "flat"}:
        pc -= 1
    raw_mode = m.group("mode") or ""
    mode: Mode = "minor" if raw_mode in {"minor", "min", "m", "moll"} else "major"
    return Key(pc % 12, mode)


def from_camelot(code: str) -> Key:
    """``"8A"`` → A minor, ``"8B"`` → C major."""
    m = _CAMELOT_RE.match(code)
    if not m:
        raise InvalidQueryError(f"not a Camelot code: {code!r} (1A–12A, 1B–12B)")
    number = int(m.group("num"))
    major_pc = ((number - 8) * 7) % 12
    if m.group("letter").upper() == "B":
        return Key(major_pc, "major")
    return Key((major_pc + 9) % 12, "minor")


def camelot(text: str) -> str:
    """Camelot code of any key spelling."""
    return parse_key(text).camelot


def key_brightness(text: str | None) -> float | None:
    """How bright a key is, for "which is in the darkest key?" (``None`` for no key).

    The rule: a major key is brighter than any minor key; within a mode, the more sharps
    in the key signature the brighter and the more flats the darker (C major and A minor
    sit at 0; G major / E minor +1, F major / D minor -1, …). The key signature counted
    is the one of the key as it is named (:attr:`Key.name`, as answers print it): F#
    major has six sharps (+6, the brightest major), Eb minor six flats (-6, the darkest
    minor). Value = sharps (-6..+6) for a minor key, that plus 12 for a major one."""
    if not text:
        return None
    try:
        key = parse_key(text)
    except InvalidQueryError:
        return None
    number = int(key.camelot[:-1])
    sharps = (number - 8 + 6) % 12 - 6  # 8 → 0, 9 → +1, 7 → -1, 2 → -6
    if sharps < 0 and "#" in key.name.split(" ", 1)[0]:
        sharps += 12  # a tonic named with a sharp counts its sharps (F# major: +6)
    return float(sharps + (12 if key.mode == "major" else 0))


def key_name(text: str) -> str:
    """Canonical name of any key spelling (``"f#m"`` → ``"F# minor"``)."""
    return parse_key(text).name


_NOTE_RE = re.compile(r"^\s*([A-Ga-g])\s*(#|♯|b|♭|sharp|flat)?\s*(-?\d)?\s*$", re.IGNORECASE)


def parse_note(text: str) -> tuple[int, int | None]:
    """``"F#1"`` → (6, 1), ``"Bb"`` → (10, None), ``"c4"`` → (0, 4): pitch class and
    octave (scientific pitch notation, C4 = middle C; None when not given).

    Raises :class:`InvalidQueryError` for anything else.
    """
    m = _NOTE_RE.match(text or "") if isinstance(text, str) else None
    if not m:
        raise InvalidQueryError(f"not a note: {text!r} (try 'F', 'F#', 'Bb' or 'F#1')")
    pc = _LETTER_PC[m.group(1).upper()]
    acc = (m.group(2) or "").lower()
    if acc in {"#", "♯", "sharp"}:
        pc += 1
    elif acc in {"b", "♭", "flat"}:
        pc -= 1
    octave = int(m.group(3)) if m.group(3) is not None else None
    # B#3 is C4 and Cb4 is B3: the octave follows the pitch, not the letter.
    if octave is not None and pc == 12:
        octave += 1
    elif octave is not None and pc == -1:
        octave -= 1
    return pc % 12, octave
