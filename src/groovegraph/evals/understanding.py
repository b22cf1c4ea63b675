"""Scoring of the language-understanding sets (``understanding.jsonl``, ``conversations.jsonl``).

Pure functions, no graph imports: the ``understanding`` suite runs the graph and hands the
per-turn results here. What a turn result looks like (built by the suite's runner):

``{"specialists": [...], "answer": str, "ai_texts": [every AI message text of the turn],
"hits": [hit dicts of the turn, in state order], "listed": [demo paths in the order the
answer names them], "request": {...parsed request...} | None, "subjects": [demo paths the
turn's analyses, reports and tool calls were about]}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from groovegraph.tools.errors import GrooveGraphError
from groovegraph.tools.keys import Key, parse_key

# --------------------------------------------------------------------------- values

_GENRE_SPELLINGS = {
    "dnb": "drum and bass",
    "d&b": "drum and bass",
    "drum & bass": "drum and bass",
    "drum n bass": "drum and bass",
    "drum'n'bass": "drum and bass",
    "boombap": "boom bap",
    "boom-bap": "boom bap",
    "hiphop": "hip hop",
    "hip-hop": "hip hop",
    "rnb": "r&b",
    "r and b": "r&b",
    "2-step": "uk garage",
    "2 step": "uk garage",
    "ukg": "uk garage",
    "g funk": "g-funk",
    "lofi hip hop": "lo-fi hip hop",
    "lo fi hip hop": "lo-fi hip hop",
    "breaks": "breakbeat",
}


def norm_genre(value: Any) -> str | None:
    """Lower case, single spaces, common spellings folded (``"D&B"`` → ``"drum and bass"``)."""
    if value is None:
        return None
    text = " ".join(str(value).strip().lower().replace("_", " ").split())
    return _GENRE_SPELLINGS.get(text, text) or None


def norm_era(value: Any) -> str | None:
    """``"1970s"``, ``"70's"``, ``"'70s"`` → ``"70s"``; anything else lower-cased."""
    if value is None:
        return None
    text = str(value).strip().lower().replace("'", "").replace("’", "")
    m = re.fullmatch(r"(?:19|20)?(\d)0s?", text)
    return f"{m.group(1)}0s" if m else text or None


def as_key(value: Any) -> Key | None:
    """A :class:`Key` from a name or Camelot code; ``None`` when unparseable or empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_key(str(value))
    except GrooveGraphError:
        return None


def keys_compatible(a: Key, b: Key) -> bool:
    """Harmonic-mixing neighbours: same Camelot code, ±1 on the same ring, or the relative key."""
    ca, cb = a.camelot, b.camelot
    na, la = int(ca[:-1]), ca[-1]
    nb, lb = int(cb[:-1]), cb[-1]
    if la == lb:
        return (na - nb) % 12 in (0, 1, 11)
    return na == nb


# --------------------------------------------------------------------------- hits


def hit_fields(hit: Mapping[str, Any]) -> dict[str, Any]:
    """The fields constraints are checked on, from a catalog hit (``tempo_bpm``, ``key``,
    ``swing_percent``, ``tags``) or a demo manifest entry (``truth``, ``tags``)."""
    tags = hit.get("tags") if isinstance(hit.get("tags"), Mapping) else {}
    truth = hit.get("truth") if isinstance(hit.get("truth"), Mapping) else {}
    analysis = hit.get("analysis") if isinstance(hit.get("analysis"), Mapping) else {}

    def pick(name: str) -> Any:
        for src in (hit, analysis, truth):
            if src.get(name) is not None:
                return src.get(name)
        return None

    return {
        "path": str(hit.get("path") or ""),
        "bpm": pick("tempo_bpm"),
        "key": as_key(pick("key")),
        "swing": pick("swing_percent"),
        "genre": norm_genre(tags.get("genre")),
        "era": norm_era(tags.get("era")),
        "vibe": (str(tags.get("vibe")).lower() if tags.get("vibe") else None),
        "kind": pick("kind") or ("loop" if truth else None),
        "instrument": tags.get("instrument") or pick("instrument"),
    }


#: Slack on tempo bounds (BPM): a loop measured at 84.7 is "between 85 and 100".
BPM_SLACK = 1.0


def hit_violations(hit: Mapping[str, Any], want: Mapping[str, Any]) -> list[str]:
    """Which constraints of ``want`` (a conversation turn's ``expect.hits``) one hit breaks."""
    f = hit_fields(hit)
    bad: list[str] = []
    for name, value in want.items():
        ok = True
        if name == "genre":
            options = value if isinstance(value, list) else [value]
            ok = f["genre"] in {norm_genre(v) for v in options}
        elif name == "genre_not":
            options = value if isinstance(value, list) else [value]
            ok = f["genre"] not in {norm_genre(v) for v in options}
        elif name == "era":
            ok = f["era"] == norm_era(value)
        elif name == "vibe":
            ok = f["vibe"] == str(value).lower()
        elif name == "bpm":
            lo, hi = value
            bpm = f["bpm"]
            ok = bpm is not None and (lo is None or bpm >= lo - BPM_SLACK)
            ok = ok and (hi is None or bpm <= hi + BPM_SLACK)
        elif name == "key":
            ok = f["key"] is not None and f["key"] == as_key(value)
        elif name == "mode":
            ok = f["key"] is not None and f["key"].mode == value
        elif name == "key_compatible_with":
            ref = as_key(value)
            ok = f["key"] is not None and ref is not None and keys_compatible(f["key"], ref)
        elif name == "swing_min":
            ok = f["swing"] is not None and f["swing"] >= float(value)
        elif name == "swing_max":
            ok = f["swing"] is not None and f["swing"] <= float(value)
        elif name in ("kind", "instrument"):
            ok = f[name] is not None and str(f[name]).lower() == str(value).lower()
        else:
            raise GrooveGraphError(f"unknown hit constraint {name!r}")
        if not ok:
            bad.append(name)
    return bad


def basename(path: str) -> str:
    return PurePosixPath(str(path).replace("\\", "/")).name


def listed_order(answer: str, hits: Sequence[Mapping[str, Any]]) -> list[str]:
    """Paths of the turn's hits in the order the answer names them (by file name); hits the
    answer does not name follow in state order. This is the numbering the user sees."""
    paths = [str(h.get("path") or "") for h in hits]
    positions: list[tuple[int, int, str]] = []
    for i, path in enumerate(paths):
        pos = answer.find(basename(path)) if path else -1
        positions.append((pos if pos >= 0 else len(answer) + i, i, path))
    return [p for _, _, p in sorted(positions)]


def resolve_reference(
    ref: Mapping[str, Any], turns: Sequence[Mapping[str, Any]], *, bpm_of: Mapping[str, float]
) -> list[str]:
    """Demo paths an ``expect.refers_to`` points at, given the earlier turn results.

    ``bpm_of`` maps demo paths to their tempo (the one the earlier answer showed).
    An empty list means the reference cannot be resolved (the earlier list lacks the item).
    """
    if "file" in ref:
        return [str(ref["file"])]
    k = int(ref["turn"]) - 1
    if not 0 <= k < len(turns):
        return []
    listed = list(turns[k].get("listed") or [])
    if "hit_rank" in ref or "hit_ranks" in ref:
        ranks = ref.get("hit_ranks") or [ref["hit_rank"]]
        out = []
        for r in ranks:
            idx = int(r) - 1 if int(r) > 0 else len(listed) + int(r)
            if not 0 <= idx < len(listed):
                return []
            out.append(listed[idx])
        return out
    if "hit_bpms" in ref:
        out = []
        for bpm in ref["hit_bpms"]:
            match = [p for p in listed if p in bpm_of and abs(float(bpm_of[p]) - float(bpm)) < 0.75]
            if not match:
                return []
            out.extend(match)
        return out
    raise GrooveGraphError(f"unknown reference {dict(ref)!r}")


def same_file(a: str, b: str) -> bool:
    """Demo paths compare by their path relative to the demo folder, or by file name."""
    return a == b or basename(a) == basename(b)


def _contains(paths: Iterable[str], path: str) -> bool:
    return any(same_file(p, path) for p in paths)
