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
from pathlib import Path, PurePosixPath
from typing import Any

from groovegraph.graph.understanding.train import set_of
from groovegraph.tools.errors import GrooveGraphError
from groovegraph.tools.keys import Key, parse_key, parse_note

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


def root_in_scale(root_note: str, key: Key) -> bool:
    """Whether a one-shot's root (``"F#1"``) is a note of ``key``'s scale."""
    try:
        pc, _ = parse_note(root_note)
    except GrooveGraphError:
        return False
    return key.has_note(pc)


# --------------------------------------------------------------------------- hits


def hit_fields(hit: Mapping[str, Any]) -> dict[str, Any]:
    """The fields constraints are checked on, from a catalog hit (``tempo_bpm``, ``key``,
    ``swing_percent``, ``tags``) or a demo manifest entry (``truth``, ``tags``)."""

    def part(name: str) -> Mapping[str, Any]:
        value = hit.get(name)
        return value if isinstance(value, Mapping) else {}

    tags, truth, analysis = part("tags"), part("truth"), part("analysis")

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
        "root_note": pick("root_note"),
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
            if f["key"] is None and f["root_note"] and ref is not None:
                # a tonal one-shot (an 808 "that fits" a loop): its root is in the key's scale
                ok = root_in_scale(str(f["root_note"]), ref)
            else:
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


def _num(value: Any) -> str:
    return "?" if value is None else f"{float(value):.1f}"


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


# --------------------------------------------------------------------------- slots

#: Slots whose false extraction is an error even when the example states none: numbers
#: that are not tempos, words inside words, negated genres.
GUARDED_SLOTS = ("bpm", "key", "genre", "era")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [v for v in value if v is not None and v != ""]
    return [value] if value != "" else []


def _first(parsed: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if parsed.get(name) not in (None, [], ""):
            return parsed[name]
    return None


def parsed_slots(parsed: Mapping[str, Any] | None) -> dict[str, Any]:
    """The agent's parsed request in the dataset's slot vocabulary.

    Reads the field names of :class:`~groovegraph.state.ParsedRequest` (``bpm_min``,
    ``bpm_max``, ``target_bpm``, ``bpms``, ``keys``, ``camelot``, ``genres``, ``eras``,
    ``vibes``, ``swing_words``, ``swing_min``/``swing_max``) and the singular forms a
    structured parse may use (``genre``, ``era``, ``key``, ``mode``, ``kind``,
    ``instrument``, ``swing``, ``vibe``). Missing fields count as not extracted.
    """
    p = dict(parsed or {})
    out: dict[str, Any] = {}
    lo, hi = p.get("bpm_min"), p.get("bpm_max")
    if lo is None and hi is None and p.get("target_bpm") is not None:
        t = float(p["target_bpm"])
        lo, hi = t * 0.95, t * 1.05
    if lo is not None or hi is not None:
        out["bpm"] = [lo, hi]
    bpms = _as_list(p.get("bpms")) or _as_list(p.get("tempos"))
    if bpms:
        out["bpms"] = sorted({round(float(b)) for b in bpms})
    keys: list[Key] = []
    for raw in [*_as_list(_first(p, "keys", "key")), *_as_list(p.get("camelot"))]:
        k = as_key(raw)
        if k is not None and k not in keys:
            keys.append(k)
    if keys:
        out["keys"] = keys
    if p.get("mode") in ("major", "minor"):
        out["mode"] = p["mode"]
    genres = sorted({g for g in map(norm_genre, _as_list(_first(p, "genres", "genre"))) if g})
    if genres:
        out["genres"] = genres
    eras = sorted({e for e in map(norm_era, _as_list(_first(p, "eras", "era"))) if e})
    if eras:
        out["eras"] = eras
    vibes = sorted({str(v).lower() for v in _as_list(_first(p, "vibes", "vibe"))})
    if vibes:
        out["vibes"] = vibes
    kind = _first(p, "kind", "kinds")
    if kind:
        out["kind"] = str(_as_list(kind)[0]).lower().replace("-", "_").replace(" ", "_")
    inst = _first(p, "instrument", "instruments")
    if inst:
        out["instruments"] = sorted({str(i).lower() for i in _as_list(inst)})
    swing = p.get("swing")
    if swing not in ("swung", "straight"):
        swing = None
        words = " ".join(str(w).lower() for w in _as_list(p.get("swing_words")))
        if p.get("swing_max") is not None and float(p["swing_max"]) <= 54.0:
            swing = "straight"
        elif p.get("swing_min") is not None and float(p["swing_min"]) >= 52.0:
            swing = "swung"
        elif "straight" in words:
            swing = "straight"
        elif words:
            swing = "swung"
    if swing:
        out["swing"] = swing
    return out


def _bpm_close(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is None and want is None
    tol = max(3.0, 0.04 * float(want))
    return abs(float(got) - float(want)) <= tol


def slot_errors(expected: Mapping[str, Any], parsed: Mapping[str, Any] | None) -> list[str]:
    """What the parse got wrong: every expected slot must match, and none of
    :data:`GUARDED_SLOTS` may be extracted when the example states none. Empty = right."""
    got = parsed_slots(parsed)
    errs: list[str] = []
    for name, want in expected.items():
        if name == "bpm":
            have = got.get("bpm")
            ok = have is not None and _bpm_close(have[0], want[0]) and _bpm_close(have[1], want[1])
        elif name == "bpms":
            ok = got.get("bpms") == sorted({round(float(b)) for b in want})
        elif name == "key":
            ok = got.get("keys") == [as_key(want)]
        elif name == "keys":
            ok = set(got.get("keys") or []) == {as_key(k) for k in want}
        elif name == "mode":
            keys = got.get("keys") or []
            ok = got.get("mode") == want or (len(keys) == 1 and keys[0].mode == want)
        elif name == "genre":
            ok = got.get("genres") == [norm_genre(want)]
        elif name == "genres":
            ok = got.get("genres") == sorted({norm_genre(g) or "" for g in want})
        elif name == "era":
            ok = got.get("eras") == [norm_era(want)]
        elif name == "eras":
            ok = got.get("eras") == sorted({norm_era(e) or "" for e in want})
        elif name == "vibe":
            ok = got.get("vibes") == [str(want).lower()]
        elif name == "kind":
            ok = got.get("kind") == want
        elif name == "instrument":
            ok = got.get("instruments") == [str(want).lower()]
        elif name == "swing":
            ok = got.get("swing") == want
        else:
            raise GrooveGraphError(f"unknown slot {name!r}")
        if not ok:
            errs.append(f"{name}: want {want!r}, got {_show(got, name)}")
    for name in GUARDED_SLOTS:
        stated = name in expected or (name == "key" and "keys" in expected)
        stated = stated or (name == "genre" and "genres" in expected)
        stated = stated or (name == "era" and "eras" in expected)
        if name == "bpm" and "bpms" in expected:
            continue  # tempos of a pitch question may also be read as a target tempo
        field = {"bpm": "bpm", "key": "keys", "genre": "genres", "era": "eras"}[name]
        if not stated and got.get(field):
            errs.append(f"{name}: none stated, got {_show(got, name)}")
    return errs


def _show(got: Mapping[str, Any], name: str) -> str:
    field = {
        "key": "keys",
        "genre": "genres",
        "era": "eras",
        "vibe": "vibes",
        "instrument": "instruments",
    }.get(name, name)
    if name in ("keys", "mode"):
        field = "keys" if name == "keys" else "mode"
    value = got.get(field)
    if isinstance(value, list):
        return repr([str(v) for v in value])
    return repr(value)


# --------------------------------------------------------------------------- repeats


def _norm_text(text: str) -> str:
    return " ".join(str(text).split())


def repeated_texts(turns: Sequence[Mapping[str, Any]]) -> list[str]:
    """Answers sent twice: two AI messages of one turn, or two turns, with the same text."""
    out: list[str] = []
    seen_answers: dict[str, int] = {}
    for i, turn in enumerate(turns, start=1):
        texts = [_norm_text(t) for t in turn.get("ai_texts") or [] if _norm_text(t)]
        dupes = {t for t in texts if texts.count(t) > 1}
        out.extend(f"turn {i}: two AI messages say {t[:60]!r}" for t in sorted(dupes))
        answer = _norm_text(turn.get("answer") or "")
        if answer:
            if answer in seen_answers:
                out.append(f"turns {seen_answers[answer]} and {i} answer {answer[:60]!r}")
            else:
                seen_answers[answer] = i
    return out


# --------------------------------------------------------------------------- turns


def turn_errors(
    expect: Mapping[str, Any],
    turn: Mapping[str, Any],
    earlier: Sequence[Mapping[str, Any]],
) -> list[str]:
    """Why one conversation turn is wrong (empty = right): the specialist set, every hit
    constraint, the number of hits, and what references resolve to."""
    errs: list[str] = []
    got = sorted(set(turn.get("specialists") or []))
    accepted = [sorted(set(expect.get("specialists") or []))]
    accepted += [sorted(set(s)) for s in expect.get("also_ok") or []]
    if got not in accepted:
        errs.append(f"specialists {got}, expected {accepted[0]}")
    if "hits" in expect:
        hits = list(turn.get("hits") or [])
        for hit in hits:
            bad = hit_violations(hit, expect["hits"])
            if bad:
                f = hit_fields(hit)
                errs.append(
                    f"hit {basename(f['path'])} breaks {', '.join(bad)} "
                    f"({f['genre']}, {f['era']}, {_num(f['bpm'])} BPM, {f['key']}, "
                    f"swing {_num(f['swing'])})"
                )
        if len(hits) < int(expect.get("min_hits", 1)):
            errs.append(f"{len(hits)} hits, expected at least {expect.get('min_hits', 1)}")
    ref = expect.get("refers_to")
    if ref:
        bpm_of: dict[str, float] = {}
        for t in earlier:
            for hit in t.get("hits") or []:
                f = hit_fields(hit)
                if f["bpm"] is not None:
                    bpm_of[f["path"]] = float(f["bpm"])
        targets = resolve_reference(ref, earlier, bpm_of=bpm_of)
        if not targets:
            errs.append(f"reference {dict(ref)} not found in the earlier answer's list")
        else:
            subjects = list(turn.get("subjects") or [])
            missing = [basename(p) for p in targets if not _contains(subjects, p)]
            if missing:
                errs.append(
                    f"refers to {', '.join(missing)}; the turn was about "
                    f"{sorted({basename(s) for s in subjects}) or 'nothing'}"
                )
            if "turn" in ref:
                listed = earlier[int(ref["turn"]) - 1].get("listed") or []
                wrong = [
                    basename(p)
                    for p in turn.get("analysed") or []
                    if _contains(listed, p) and not _contains(targets, p)
                ]
                if wrong:
                    errs.append(f"analysed {', '.join(sorted(set(wrong)))}, which was not meant")
    return errs


def score_conversation(
    reference_turns: Sequence[Mapping[str, Any]], turns: Sequence[Mapping[str, Any]]
) -> tuple[int, list[str]]:
    """Turns right, and one line per wrong turn (``"turn 2 'any in a minor key?': …"``)."""
    right = 0
    lines: list[str] = []
    for i, expect_turn in enumerate(reference_turns):
        if i >= len(turns):
            lines.append(f"turn {i + 1}: not run")
            continue
        errs = turn_errors(expect_turn["expect"], turns[i], turns[:i])
        if errs:
            lines.append(f"turn {i + 1} {expect_turn['message'][:40]!r}: {'; '.join(errs)}")
        else:
            right += 1
    return right, lines


# --------------------------------------------------------------------------- dataset + evaluator

#: Demo files attached to single requests that say they attach 1 or 2 samples.
REQUEST_ATTACHMENTS = (
    "Funk/70s/gritty_funk_03_97bpm_Em.wav",
    "Boom Bap/90s/raw_boombap_07_90bpm_Am.wav",
)


def load_understanding(directory: Path | None = None) -> list[Any]:
    """``understanding.jsonl`` and ``conversations.jsonl`` as eval examples.

    A request becomes ``inputs = {"kind": "request", "turns": [{"message", "attach"}]}``
    (its N attachments are the first N of :data:`REQUEST_ATTACHMENTS`), a conversation
    ``{"kind": "conversation", "turns": [...]}``; ``metadata["split"]`` is the split.
    """
    from groovegraph.evals.datasets import DatasetError, EvalExample, datasets_dir, jsonl_lines

    folder = directory or datasets_dir()
    examples: list[EvalExample] = []
    seen: set[str] = set()
    for name in ("understanding", "conversations"):
        for where, raw in jsonl_lines(folder / f"{name}.jsonl"):
            split = raw.get("split")
            if split not in ("tune", "report") or not raw.get("id"):
                raise DatasetError(f"{where}: needs an 'id' and a split 'tune' or 'report'")
            if name == "understanding":
                n = int(raw.get("attachments") or 0)
                if not 0 <= n <= len(REQUEST_ATTACHMENTS):
                    raise DatasetError(f"{where}: 'attachments' must be 0..2")
                ex_id = str(raw["id"])
                inputs = {
                    "kind": "request",
                    "turns": [{"message": raw["message"], "attach": list(REQUEST_ATTACHMENTS[:n])}],
                }
                outputs = {
                    "specialists": raw["specialists"],
                    "slots": raw.get("slots") or {},
                    "set": set_of(str(raw["id"])),
                }
            else:
                ex_id = f"conv:{raw['id']}"
                turns = raw.get("turns")
                if not isinstance(turns, list) or not turns:
                    raise DatasetError(f"{where}: a conversation needs 'turns'")
                inputs = {
                    "kind": "conversation",
                    "turns": [
                        {"message": t["message"], "attach": t.get("attach") or []} for t in turns
                    ],
                }
                outputs = {"turns": turns, "set": set_of(str(raw["id"]))}
            if ex_id in seen:
                raise DatasetError(f"{where}: duplicate id {ex_id!r}")
            seen.add(ex_id)
            examples.append(
                EvalExample(id=ex_id, inputs=inputs, outputs=outputs, metadata={"split": split})
            )
    return examples


def understanding_scores(
    *, outputs: Mapping[str, Any] | None, reference_outputs: Mapping[str, Any], **_: Any
) -> dict[str, Any]:
    """Feedback for one request (``specialists_exact``, ``slot_accuracy``) or one
    conversation (``turn_accuracy`` with the wrong turns in its comment, and the counts
    ``turns_right``/``turns`` the suite sums); both get ``no_repeated_answer``. When the
    reference names the independent set it comes from (``set``), the main scores are given
    again under ``<key>[<set>]`` so the report shows each writer's set apart."""
    turns = list((outputs or {}).get("turns") or [])
    if not turns or (outputs or {}).get("error"):
        err = (outputs or {}).get("error") or "no output (the run failed)"
        keys = ("turn_accuracy",) if "turns" in reference_outputs else ("specialists_exact",)
        return {"results": [{"key": k, "score": 0.0, "comment": str(err)} for k in keys]}
    repeats = repeated_texts(turns)
    results: list[dict[str, Any]] = [
        {
            "key": "no_repeated_answer",
            "score": float(not repeats),
            "comment": "; ".join(repeats)[:500] or "no repeats",
        }
    ]
    if "turns" in reference_outputs:
        right, lines = score_conversation(reference_outputs["turns"], turns)
        n = len(reference_outputs["turns"])
        results += [
            {
                "key": "turn_accuracy",
                "score": right / n,
                "comment": " | ".join(lines)[:1500] or "all right",
            },
            {"key": "turns_right", "score": float(right)},
            {"key": "turns", "score": float(n)},
        ]
        return {"results": results + _per_set(results, reference_outputs)}
    got = sorted(set(turns[0].get("specialists") or []))
    want = sorted(set(reference_outputs.get("specialists") or []))
    errs = slot_errors(reference_outputs.get("slots") or {}, turns[0].get("request"))
    results += [
        {
            "key": "specialists_exact",
            "score": float(got == want),
            "comment": f"got {got}, expected {want}",
        },
        {
            "key": "slot_accuracy",
            "score": float(not errs),
            "comment": "; ".join(errs) or "all slots right",
        },
    ]
    return {"results": results + _per_set(results, reference_outputs)}


#: Scores repeated per independent set (``turn_accuracy`` per set is derived from these).
PER_SET_KEYS = (
    "specialists_exact",
    "turn_accuracy",
    "turns_right",
    "turns",
    "no_repeated_answer",
)


def _per_set(results: Sequence[Mapping[str, Any]], reference: Mapping[str, Any]) -> list[Any]:
    name = reference.get("set")
    if not name:
        return []
    return [
        {"key": f"{r['key']}[{name}]", "score": r["score"]}
        for r in results
        if r["key"] in PER_SET_KEYS
    ]


def derive_turn_accuracy(scores: Mapping[str, list[float]]) -> dict[str, float | None]:
    """Turn-weighted accuracy over the conversations (right turns / all turns), overall and
    per independent set (``turn_accuracy[set3]`` from ``turns_right[set3]``/``turns[set3]``)."""
    out: dict[str, float | None] = {}
    for key in scores:
        if key == "turns" or (key.startswith("turns[") and key.endswith("]")):
            total = sum(scores[key])
            if total:
                right = sum(scores.get(key.replace("turns", "turns_right", 1)) or [])
                out[key.replace("turns", "turn_accuracy", 1)] = right / total
    return out
