"""Write ``datasets/understanding.jsonl`` and ``datasets/conversations.jsonl`` from the
hand-written rows in ``understanding_requests.py`` and ``understanding_conversations.py``.

The tune/report split is drawn once, at random with a fixed seed, stratified by the
specialist set (requests) or by the first turn's specialist set (conversations): about
40 % tune, 60 % report. Only the report split is quoted.

A second set, ``second_set/understanding.jsonl`` and ``second_set/conversations.jsonl``
(ids ``s2-…``), is appended as it is: 271 requests and 30 conversations written on
2026-12-03 by a helper who read only the README and the demo library's manifest, never
the parser, the classifier or the first set, and split in halves by its own fixed seed
before anyone looked at how the agent did on it.

A third set, ``third_set/`` (ids ``s3-…``: 160 requests, 25 conversations / 100 turns), was
written on 2026-12-03 the same way by another helper who read only the README, DESIGN.md
and the demo manifest. All of it is ``report``: nothing is ever tuned on it.

A fourth set, ``fourth_set/`` (ids ``d4-…``: 84 requests, 27 conversations / 102 turns), is a
development set written on 2026-12-03 by a helper who read only the README, DESIGN.md and the
demo manifest before writing it, then tuned on it. All of it is ``tune``.

Two more were written on 2026-12-04 by two further helpers who read only the README,
DESIGN.md, the demo manifest and a brief on the label format (never the code, the
other sets or the agent's output): ``fifth_set/`` (ids ``d5-…``), a development set, all
``tune``, scored once on the code of that day before anything was tuned on it; and
``sixth_set/`` (ids ``s6-…``), all ``report``, never tuned on.

Two more were written on 2026-12-04 (evening) the same way, by two further helpers given
the same reading list and brief: ``seventh_set/`` (ids ``d7-…``: 188 requests, 32
conversations / 137 turns), all ``tune``, scored once before anything was tuned on it; and
``eighth_set/`` (ids ``s8-…``: 183 requests, 32 conversations / 134 turns), all
``report``, never tuned on.

Two more were written on 2026-12-04 (late evening) the same way: ``ninth_set/`` (ids
``d9-…``: 172 requests, 37 conversations / 155 turns), all ``tune``, scored once before
anything was tuned on it; and ``tenth_set/`` (ids ``s10-…``: 171 requests, 35
conversations / 151 turns), all ``report``, never tuned on. (The tenth set's writer
counted ``refers_to.turn`` from 0; its rows were shifted to the format's count from 1
when they were copied in, nothing else was changed.)

Two more were written on 2026-12-05 the same way, both development sets (all ``tune``),
each scored once on the code of that day before anything was tuned on it:
``eleventh_set/`` (ids ``d11-…``: 186 requests, 38 conversations / 150 turns; DJs preparing
sets, long stories, own uploads referred back to) and ``twelfth_set/`` (ids ``d12-…``: 174
requests, 43 conversations / 162 turns; beginners and non-native speakers, one-shots,
corrections of the agent, groove feel).

One more was written on 2026-12-06 the same way, a development set (all ``tune``), scored
once on the code of that day before anything was tuned on it: ``thirteenth_set/`` (ids
``d13-…``: 120 requests, 40 conversations / 178 turns; producers working through their own
uploads over long sessions and correcting the agent's numbers, DJs narrowing a list step by
step, two tasks in one message, terse typed fragments).

One more was written on 2026-12-06 the same way (reading list and brief as before; the
writer saw no code, no other set and no output of the agent): ``fourteenth_set/`` (ids
``s14-…``: 130 requests, 36 conversations / 183 turns; DJs narrowing lists and lifting
filters, producers correcting the agent on their own uploads, history questions between
searches, beginners, one-shot hunters). It was scored once on the code of that day as a
whole (requests 0.723, turns 0.792; only the aggregates and the comments of nine requests
were read), then split in halves by a fixed seed, those nine requests put in the ``tune``
half: ``tune`` 65 requests / 18 conversations, ``report`` 65 requests / 18 conversations
(93 turns), the report half scoring 0.708 and 0.731 on that first run.

One more was written on 2026-12-06 the same way (same reading list and brief; the writer
saw no code, no other set and no output of the agent): ``fifteenth_set/`` (ids ``s15-…``:
132 requests, 36 conversations / 180 turns; every row ``report``, never tuned on).

One more was written on 2026-12-06 (second session) the same way, with a DJ/producer
persona brief: ``sixteenth_set/`` (ids ``d16-…``: 130 requests, 36 conversations / 161
turns), all ``tune``, scored once on 289c9a8 before anything was tuned on it; and, with a
persona brief of beginners and hobbyists, ``seventeenth_set/`` (ids ``s17-…``: 130
requests, 36 conversations / 168 turns), all ``report``, never tuned on.

Two more were written on 2026-12-06 (third session) the same way: ``eighteenth_set/`` (ids
``s18-…``: 130 requests, 36 conversations / 169 turns; a mix of producers coming back to
their uploads by nickname, DJs going back to an earlier list, recaps, corrections, key
questions acted on, beginners and non-native speakers), all ``report``, never tuned on; and
``nineteenth_set/`` (ids ``d19-…``: 130 requests, 36 conversations / 154 turns; producers
and DJs mid-session narrowing by relative words, key talk, partial file names, recaps), all
``tune``.

Two more were written on 2026-12-06 (fourth session) the same way: ``twentieth_set/`` (ids
``s20-…``: 130 requests, 36 conversations / 185 turns; producers coming back to uploads by
nickname, DJs moving between keys and going back to earlier lists, history then "in that
style", one-shot hunters, beginners, non-native speakers, corrections, recaps), all
``report``, never tuned on; and ``twentyfirst_set/`` (ids ``d21-…``: 130 requests, 36
conversations / 171 turns; producers and DJs mid-session widening and narrowing, keys acted
on, one-shots for a picked loop, uploads referred back to), all ``tune``.

Two more were written on 2026-12-06 (fifth session) the same way: ``twentysecond_set/`` (ids
``d22-…``: 130 requests, 36 conversations / 163 turns; DJs building a set over several turns,
uploads under nicknames, history then "find me some like that", one-shot hunters, several
listed items at once), all ``tune``; and ``twentythird_set/`` (ids ``s23-…``: 130 requests,
36 conversations / 153 turns; short follow-ups, comparisons, an upload then searches by its
measured key or tempo, corrections, out-of-scope asks, non-native English), all ``report``,
never tuned on.

Two more were written on 2026-12-07 the same way (reading list README, ARCHITECTURE, the evals
README's format section and the demo manifest; no code, no other set, no output of the
agent): ``twentyfourth_set/`` (ids ``s24-…``: 130 requests, 36 conversations / 150 turns;
producers searching around their own loops, DJs hopping genres and going back to earlier
lists, history turning into searches, one-shot hunters, terse follow-ups, non-native
English), all ``report``, never tuned on (scored once on its own on the sixth session's
final code before it was wired in); and ``twentyfifth_set/`` (ids ``d25-…``), all
``tune``, scored once on the code of that day before anything was tuned on it.

Two more were written on 2026-12-07 (eighth session) the same way: ``twentysixth_set/`` (ids
``s26-…``: 130 requests, 36 conversations / 177 turns; DJs and producers mid-session, terse
follow-ups, two listed loops compared, searches around a loop's key or tempo, uploads under
nicknames), all ``report``, never tuned on (scored on its own twice in the eighth session
before it was wired in); and ``twentyseventh_set/`` (ids ``d27-…``: 130 requests, 36
conversations / 189 turns), all ``tune``, scored once before anything was tuned on it.

``twentyeighth_set/`` (ids ``d28-…``: 130 requests, 36 conversations / 157 turns; one change
per follow-up, corrections of an upload's measured numbers, listed loops compared by rank,
styles the library lacks) was written on 2026-12-07 (ninth session) the same way, all
``tune``, scored once on its own before anything was tuned on it.

Every conversation turn with hit constraints is checked against the demo manifest
(``groovegraph demo DIR`` → ``DIR/manifest.json``): enough demo loops must satisfy it, and
every attached file must exist.

    uv run --frozen python evals/build_understanding.py /tmp/gg_demo/manifest.json
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from understanding_conversations import CONVERSATIONS  # noqa: E402
from understanding_requests import REQUESTS  # noqa: E402

from groovegraph.evals.understanding import hit_violations  # noqa: E402

SEED = 20261202
SECOND_SET = HERE / "second_set"
THIRD_SET = HERE / "third_set"
FOURTH_SET = HERE / "fourth_set"
FIFTH_SET = HERE / "fifth_set"
SIXTH_SET = HERE / "sixth_set"
SEVENTH_SET = HERE / "seventh_set"
EIGHTH_SET = HERE / "eighth_set"
NINTH_SET = HERE / "ninth_set"
TENTH_SET = HERE / "tenth_set"
ELEVENTH_SET = HERE / "eleventh_set"
TWELFTH_SET = HERE / "twelfth_set"
THIRTEENTH_SET = HERE / "thirteenth_set"
FOURTEENTH_SET = HERE / "fourteenth_set"
FIFTEENTH_SET = HERE / "fifteenth_set"
SIXTEENTH_SET = HERE / "sixteenth_set"
SEVENTEENTH_SET = HERE / "seventeenth_set"
EIGHTEENTH_SET = HERE / "eighteenth_set"
NINETEENTH_SET = HERE / "nineteenth_set"
TWENTIETH_SET = HERE / "twentieth_set"
TWENTYFIRST_SET = HERE / "twentyfirst_set"
TWENTYSECOND_SET = HERE / "twentysecond_set"
TWENTYTHIRD_SET = HERE / "twentythird_set"
TWENTYFOURTH_SET = HERE / "twentyfourth_set"
TWENTYFIFTH_SET = HERE / "twentyfifth_set"
TWENTYSIXTH_SET = HERE / "twentysixth_set"
TWENTYSEVENTH_SET = HERE / "twentyseventh_set"
TWENTYEIGHTH_SET = HERE / "twentyeighth_set"
#: id prefix of each independent set → the only split its rows may carry
SET_SPLITS = {
    "s3-": "report",
    "d4-": "tune",
    "d5-": "tune",
    "s6-": "report",
    "d7-": "tune",
    "s8-": "report",
    "d9-": "tune",
    "s10-": "report",
    "d11-": "tune",
    "d12-": "tune",
    "d13-": "tune",
    "s15-": "report",
    "d16-": "tune",
    "s17-": "report",
    "s18-": "report",
    "d19-": "tune",
    "s20-": "report",
    "d21-": "tune",
    "d22-": "tune",
    "s23-": "report",
    "s24-": "report",
    "d25-": "tune",
    "s26-": "report",
    "d27-": "tune",
    "d28-": "tune",
}
TUNE_SHARE = 0.4


def _split(items: list[dict[str, Any]], stratum: Any) -> dict[int, str]:
    rng = random.Random(SEED)
    groups: dict[Any, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[stratum(item)].append(i)
    out: dict[int, str] = {}
    carry = 0.0  # keeps the overall share near 40 % when strata are small
    for key in sorted(groups, key=str):
        idx = groups[key]
        rng.shuffle(idx)
        want = len(idx) * TUNE_SHARE + carry
        n_tune = int(want + 0.5)
        carry = want - n_tune
        for j, i in enumerate(idx):
            out[i] = "tune" if j < n_tune else "report"
    return out


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _check_conversations(manifest: dict[str, Any], conversations: list[dict[str, Any]]) -> None:
    samples = [*manifest["samples"], *manifest.get("one_shots", [])]  # loops and one-shots
    paths = {s["path"] for s in samples}
    for conv in conversations:
        for t, turn in enumerate(conv["turns"], start=1):
            for path in turn.get("attach", []):
                if path not in paths:
                    raise SystemExit(f"{conv['id']} turn {t}: no demo file {path}")
            ref = turn["expect"].get("refers_to") or {}
            if "file" in ref and ref["file"] not in paths:
                raise SystemExit(f"{conv['id']} turn {t}: no demo file {ref['file']}")
            want = turn["expect"].get("hits")
            if want is None:
                continue
            n = sum(1 for s in samples if not hit_violations(s, want))
            # the scorer's reading: ``min_hits`` defaults to 1 and counts only beside ``hits``
            min_hits = int(turn["expect"].get("min_hits", 1))
            need = max(1, min_hits)
            if min_hits == 0:
                print(
                    f"  {conv['id']} turn {t}: {n} demo files qualify (empty list expected: {n == 0})"
                )
            elif n < need:
                raise SystemExit(f"{conv['id']} turn {t}: only {n} demo files satisfy {want}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    manifest = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    # the independent sets are appended as they are, with their own splits
    sets = (
        SECOND_SET,
        THIRD_SET,
        FOURTH_SET,
        FIFTH_SET,
        SIXTH_SET,
        SEVENTH_SET,
        EIGHTH_SET,
        NINTH_SET,
        TENTH_SET,
        ELEVENTH_SET,
        TWELFTH_SET,
        THIRTEENTH_SET,
        FOURTEENTH_SET,
        FIFTEENTH_SET,
        SIXTEENTH_SET,
        SEVENTEENTH_SET,
        EIGHTEENTH_SET,
        NINETEENTH_SET,
        TWENTIETH_SET,
        TWENTYFIRST_SET,
        TWENTYSECOND_SET,
        TWENTYTHIRD_SET,
        TWENTYFOURTH_SET,
        TWENTYFIFTH_SET,
        TWENTYSIXTH_SET,
        TWENTYSEVENTH_SET,
        TWENTYEIGHTH_SET,
    )
    second_requests = [r for d in sets for r in _read_jsonl(d / "understanding.jsonl")]
    second_conversations = [r for d in sets for r in _read_jsonl(d / "conversations.jsonl")]
    for row in second_requests + second_conversations:
        for prefix, split in SET_SPLITS.items():
            if row["id"].startswith(prefix) and row["split"] != split:
                raise SystemExit(f"{row['id']}: the {prefix} set is {split}-only")
    ids = [r["id"] for r in second_requests + second_conversations]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate ids across the independent sets")
    _check_conversations(manifest, CONVERSATIONS + second_conversations)

    out_dir = HERE / "datasets"
    messages = [r["message"] for r in REQUESTS]
    if len(set(messages)) != len(messages):
        raise SystemExit("duplicate request messages")
    splits = _split(REQUESTS, lambda r: tuple(r["specialists"]))
    with (out_dir / "understanding.jsonl").open("w", encoding="utf-8") as fh:
        for i, row in enumerate(REQUESTS):
            line = {"id": f"u{i + 1:03d}", "split": splits[i], **row}
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        for line in second_requests:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")

    csplits = _split(CONVERSATIONS, lambda c: tuple(c["turns"][0]["expect"]["specialists"]))
    with (out_dir / "conversations.jsonl").open("w", encoding="utf-8") as fh:
        for i, conv in enumerate(CONVERSATIONS):
            line = {
                "id": conv["id"],
                "split": csplits[i],
                "notes": conv["notes"],
                "turns": conv["turns"],
            }
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        for line in second_conversations:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")

    all_splits = [*splits.values(), *(r["split"] for r in second_requests)]
    all_csplits = [*csplits.values(), *(c["split"] for c in second_conversations)]
    turns = sum(len(c["turns"]) for c in CONVERSATIONS + second_conversations)
    print(
        f"understanding.jsonl: {len(all_splits)} requests ({all_splits.count('tune')} tune, "
        f"{all_splits.count('report')} report)"
    )
    print(
        f"conversations.jsonl: {len(all_csplits)} conversations, {turns} turns "
        f"({all_csplits.count('tune')} tune, {all_csplits.count('report')} report)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
