"""Hand-written multi-turn conversations of ``conversations.jsonl`` over the full demo
library (``groovegraph demo``: 150 loops, seed 1977). See ``build_understanding.py``.

``attach`` paths are relative to the demo folder. ``expect`` per turn:
- ``specialists``: the sorted set that must run; ``also_ok``: other sets accepted (e.g. a
  follow-up on an already analysed loop that analyses it again).
- ``hits``: constraints every listed hit must meet (``genre`` str or list of accepted
  genres, ``genre_not``, ``bpm`` [lo, hi] with None open, ``key``, ``mode``, ``era``,
  ``vibe``, ``swing_min``/``swing_max`` in MPC %, ``key_compatible_with`` = same Camelot
  code, ±1 on the same ring, or the relative key); ``min_hits``; a follow-up that narrows
  repeats the earlier constraints, a change of subject does not.
- ``refers_to``: what "it", "the first one", "the 97 BPM one", "those two" mean:
  ``{"file": path}`` or ``{"turn": k, "hit_rank": r}`` (1-based; -1 = last),
  ``{"turn": k, "hit_ranks": [...]}``, ``{"turn": k, "hit_bpms": [...]}`` — ranks in the
  order the answer of turn k listed the files. A search "that mixes with it" states its
  reference through ``key_compatible_with`` (the referenced loop's true key) instead.

"swung" means swing ≥ 54 %, "straight" ≤ 53 % (50 = dead straight).
"""

from __future__ import annotations

from typing import Any

G, E, C, D = "groove", "era", "compatibility", "discovery"
HIPHOP = ["hip hop", "boom bap", "trap"]
SWUNG = 54.0
STRAIGHT = 53.0

F03 = "Funk/70s/gritty_funk_03_97bpm_Em.wav"
DISCO01 = "Disco/70s/uplifting_disco_01_123bpm_Bm.wav"


def T(
    message: str, specs: list[str], *, attach: list[str] | None = None, **expect: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"message": message}
    if attach:
        out["attach"] = attach
    exp: dict[str, Any] = {"specialists": sorted(set(specs))}
    if "also_ok" in expect:
        exp["also_ok"] = [sorted(set(s)) for s in expect.pop("also_ok")]
    exp.update(expect)
    if "hits" in exp:
        exp.setdefault("min_hits", 1)
    out["expect"] = exp
    return out


def V(name: str, notes: str, *turns: dict[str, Any]) -> dict[str, Any]:
    return {"id": name, "notes": notes, "turns": list(turns)}


CONVERSATIONS: list[dict[str, Any]] = [
    V(
        "hiphop_minor_narrow",
        "issue 10 trap: 'any in a minor key?' keeps genre and tempo",
        T("hip hop loops between 85 and 100 bpm", [D], hits={"genre": HIPHOP, "bpm": [85, 100]}),
        T("any in a minor key?", [D], hits={"genre": HIPHOP, "bpm": [85, 100], "mode": "minor"}),
        T(
            "which of them swing the most",
            [D],
            hits={"genre": HIPHOP, "bpm": [85, 100], "mode": "minor", "swing_min": SWUNG},
        ),
        T("analyse the first one", [G], refers_to={"turn": 3, "hit_rank": 1}),
    ),
    V(
        "funk70s_history_then_library",
        "issue 10 trap: 'loops like that' after a 70s funk question",
        T("what defined 70s funk drumming?", [E]),
        T("find me loops like that in my library", [D], hits={"genre": "funk", "era": "70s"}),
        T("only the dusty ones", [D], hits={"genre": "funk", "era": "70s", "vibe": "dusty"}),
        T("analyse the second one", [G], refers_to={"turn": 3, "hit_rank": 2}),
    ),
    V(
        "bminor_then_mix",
        "issue 10 trap: 'mix with it' after analysing a B minor loop",
        T("what key is this in", [G], attach=[DISCO01]),
        T(
            "find loops that would mix with it",
            [C, D],
            also_ok=[[C, D, G], [D]],
            hits={"key_compatible_with": "B minor"},
        ),
        T(
            "just the house ones",
            [D],
            also_ok=[[C, D]],
            hits={"genre": "house", "key_compatible_with": "B minor"},
        ),
    ),
    V(
        "boombap_mix_with_break",
        "issue 10 trap: 90s boom bap that mixes with my (attached) break",
        T(
            "find me 90s boom bap loops that will mix with my break",
            [C, D, G],
            attach=[F03],
            hits={"genre": "boom bap", "era": "90s", "key_compatible_with": "E minor"},
        ),
        T(
            "the 94 bpm one — how much would i have to pitch it to match my break",
            [C],
            also_ok=[[C, G]],
            refers_to={"turn": 1, "hit_bpms": [94]},
        ),
        T(
            "and which of those boom bap ones swing hardest",
            [D],
            also_ok=[[C, D]],
            hits={
                "genre": "boom bap",
                "era": "90s",
                "key_compatible_with": "E minor",
                "swing_min": SWUNG,
            },
        ),
    ),
    V(
        "disco_which_swing",
        "README follow-up: no disco loop swings, so the list must be empty",
        T("disco loops between 115 and 125", [D], hits={"genre": "disco", "bpm": [115, 125]}),
        T(
            "and which of them swing?",
            [D],
            hits={"genre": "disco", "bpm": [115, 125], "swing_min": SWUNG},
            min_hits=0,
        ),
    ),
    V(
        "camelot_then_library",
        "Camelot neighbours, then the library in those keys, then narrowed",
        T("camelot question — what's next to 5B", [C]),
        T(
            "ok show me loops in those keys",
            [C, D],
            also_ok=[[D]],
            hits={"key_compatible_with": "Eb major"},
        ),
        T(
            "only the jazz ones",
            [D],
            also_ok=[[C, D]],
            hits={"genre": "jazz", "key_compatible_with": "Eb major"},
        ),
    ),
    V(
        "two_attached_then_topic_change",
        "compare two, stretch one of them, then a new subject",
        T(
            "will these two mix?",
            [C, G],
            attach=[
                "House/90s/warm_house_04_124bpm_Eb.wav",
                "Disco/70s/groovy_disco_10_123bpm_C.wav",
            ],
        ),
        T(
            "how much would i have to stretch the disco one",
            [C],
            also_ok=[[C, G]],
            refers_to={"file": "Disco/70s/groovy_disco_10_123bpm_C.wav"},
        ),
        T("ok different question, who came up with house music", [E]),
        T("find me some 80s house", [D], hits={"genre": "house", "era": "80s"}, min_hits=3),
    ),
    V(
        "dnb_history_then_list",
        "era answer, then the library, narrowed by key, then an ordinal",
        T("what tempo was 90s drum and bass usually at", [E]),
        T("find me dnb loops from the 90s", [D], hits={"genre": "drum and bass", "era": "90s"}),
        T("any in G minor?", [D], hits={"genre": "drum and bass", "era": "90s", "key": "G minor"}),
        T("analyse the first one", [G], refers_to={"turn": 3, "hit_rank": 1}),
    ),
    V(
        "soul_first_two_mix",
        "'the first two' of a list compared",
        T("soul loops around 80 bpm", [D], hits={"genre": "soul", "bpm": [76, 84]}),
        T(
            "will the first two mix with each other?",
            [C],
            also_ok=[[C, G]],
            refers_to={"turn": 1, "hit_ranks": [1, 2]},
        ),
        T("thanks!", []),
    ),
    V(
        "my_loop_then_attach",
        "'my loop' with nothing attached, then the file, then a search with it",
        T("what's the tempo of my loop", [G]),
        T(
            "here it is",
            [G],
            attach=["Reggae/70s/chill_reggae_03_74bpm_Dm.wav"],
            refers_to={"file": "Reggae/70s/chill_reggae_03_74bpm_Dm.wav"},
        ),
        T(
            "find me reggae that mixes with it",
            [C, D],
            also_ok=[[C, D, G]],
            hits={"genre": "reggae", "key_compatible_with": "D minor"},
        ),
    ),
    V(
        "trap_vibes",
        "narrow, then swap one constraint and keep the rest",
        T("dark trap loops", [D], hits={"genre": "trap", "vibe": "dark"}),
        T("in a minor key", [D], hits={"genre": "trap", "vibe": "dark", "mode": "minor"}),
        T(
            "now the same but moody instead of dark",
            [D],
            hits={"genre": "trap", "vibe": "moody", "mode": "minor"},
        ),
    ),
    V(
        "jazz_swing_era",
        "analysis, era question about it, search by its swing",
        T("how swung is this", [G], attach=["Jazz/60s/jazzy_jazz_07_109bpm_Eb.wav"]),
        T("is that typical of 60s jazz drumming?", [E], also_ok=[[E, G]]),
        T("find me more jazz with that much swing", [D], hits={"genre": "jazz", "swing_min": 62}),
    ),
    V(
        "funk_decades",
        "era replaced, genre kept, tempo added, then a tempo reference",
        T("60s funk loops", [D], hits={"genre": "funk", "era": "60s"}),
        T("what about the 70s", [D], hits={"genre": "funk", "era": "70s"}),
        T("between 102 and 103", [D], hits={"genre": "funk", "era": "70s", "bpm": [102, 103]}),
        T(
            "the 102 one, what key is it in",
            [G],
            also_ok=[[]],
            refers_to={"turn": 3, "hit_bpms": [102]},
        ),
    ),
    V(
        "pitch_math_then_search",
        "tempo arithmetic, follow-up, then an unrelated search",
        T("how much do I pitch a 92 bpm loop to fit a 96 bpm beat", [C]),
        T("and in semitones?", [C]),
        T("cool. find me boom bap around 96", [D], hits={"genre": "boom bap", "bpm": [91, 101]}),
    ),
    V(
        "negation_not_house",
        "negated genre kept through narrowing",
        T("loops around 120 but not house", [D], hits={"bpm": [114, 126], "genre_not": "house"}),
        T("only the 70s ones", [D], hits={"bpm": [114, 126], "genre_not": "house", "era": "70s"}),
        T(
            "any in C major?",
            [D],
            hits={"bpm": [114, 126], "genre_not": "house", "era": "70s", "key": "C major"},
        ),
    ),
    V(
        "boombap_attached_era",
        "analysis then era questions about it",
        T("tempo and key pls", [G], attach=["Boom Bap/90s/gritty_boombap_01_85bpm_G#m.wav"]),
        T("does it sound like 90s boom bap to you", [E, G], also_ok=[[E]]),
        T("what drum machines would've made a beat like that back then", [E]),
    ),
    V(
        "house_fsharp_pair",
        "'the 124 one' and 'the 127 one' of one list",
        T("house loops in F# minor", [D], hits={"genre": "house", "key": "F# minor"}),
        T(
            "will the 124 one blend into the 127 one",
            [C],
            also_ok=[[C, G]],
            refers_to={"turn": 1, "hit_bpms": [124, 127]},
        ),
        T(
            "find me a fourth loop that fits with both",
            [C, D],
            also_ok=[[D]],
            hits={"key_compatible_with": "F# minor"},
        ),
    ),
    V(
        "greeting_reggae",
        "greeting, search, narrowing by an open tempo bound",
        T("hey", []),
        T(
            "i'm looking for chill reggae loops from the 70s",
            [D],
            hits={"genre": "reggae", "vibe": "chill", "era": "70s"},
        ),
        T(
            "under 72 bpm",
            [D],
            hits={"genre": "reggae", "vibe": "chill", "era": "70s", "bpm": [None, 72]},
        ),
    ),
    V(
        "two_attached_funk_one",
        "two analysed, 'the funk one' picked for a search",
        T(
            "analyse both",
            [G],
            attach=["Funk/70s/dusty_funk_05_103bpm_Em.wav", "Jazz/60s/jazzy_jazz_12_104bpm_Fm.wav"],
        ),
        T("which is more swung", [G], also_ok=[[]]),
        T(
            "find loops that'd mix with the funk one",
            [C, D],
            also_ok=[[C, D, G]],
            hits={"key_compatible_with": "E minor"},
        ),
    ),
    V(
        "amen_then_breaks",
        "history, then a search on a new subject, narrowed by era",
        T("tell me about the amen break", [E]),
        T(
            "got any breakbeat loops at about 136?",
            [D],
            hits={"genre": "breakbeat", "bpm": [129, 143]},
        ),
        T("from the 00s only", [D], hits={"genre": "breakbeat", "bpm": [129, 143], "era": "00s"}),
    ),
    V(
        "aminor_keys_library",
        "keys compatible with A minor, then the library in them",
        T("what keys go with A minor", [C]),
        T(
            "which of my loops are in those keys and between 85 and 95",
            [C, D],
            also_ok=[[D]],
            hits={"key_compatible_with": "A minor", "bpm": [85, 95]},
        ),
        T(
            "any that swing?",
            [D],
            also_ok=[[C, D]],
            hits={"key_compatible_with": "A minor", "bpm": [85, 95], "swing_min": SWUNG},
        ),
    ),
    V(
        "subject_change_drops_key",
        "'forget that' drops trap + A minor; disco has one A minor loop only",
        T("trap loops in A minor", [D], hits={"genre": "trap", "key": "A minor"}),
        T("forget that. what defined disco drumming", [E]),
        T("show me some disco loops then", [D], hits={"genre": "disco"}, min_hits=3),
    ),
    V(
        "my_break_straight_mix",
        "'my break' refers to the attached loop across turns",
        T("bpm?", [G], attach=["Breakbeat/90s/heavy_breakbeat_05_134bpm_Em.wav"]),
        T(
            "is my break swung or straight",
            [G],
            also_ok=[[]],
            refers_to={"file": "Breakbeat/90s/heavy_breakbeat_05_134bpm_Em.wav"},
        ),
        T(
            "find straight loops that mix with my break",
            [C, D],
            also_ok=[[C, D, G]],
            hits={"key_compatible_with": "E minor", "swing_max": STRAIGHT},
        ),
    ),
    V(
        "jazz50s_last_one",
        "'the last one', then 'the 108 one' and a mix search with it",
        T("jazz loops from the 50s", [D], hits={"genre": "jazz", "era": "50s"}),
        T("analyse the last one", [G], refers_to={"turn": 1, "hit_rank": -1}),
        T(
            "what in my library would mix with the 108 bpm one",
            [C, D],
            also_ok=[[C, D, G]],
            hits={"key_compatible_with": "Ab major"},
        ),
    ),
    V(
        "dilla_swing_search",
        "producer history, then a search for that feel, narrowed",
        T("what made j dilla's drums feel so loose", [E]),
        T("find me loops with that kind of swing", [D], also_ok=[[D, E]], hits={"swing_min": 58}),
        T("between 85 and 95", [D], hits={"swing_min": 58, "bpm": [85, 95]}),
    ),
    V(
        "soul_analyse_and_mix",
        "multi-intent first turn, narrowed, then an ordinal of the new list",
        T(
            "analyse this and find me loops that mix with it",
            [C, D, G],
            attach=["Soul/70s/smooth_soul_02_78bpm_Gm.wav"],
            hits={"key_compatible_with": "G minor"},
        ),
        T(
            "only ones within 5 bpm of it",
            [D],
            also_ok=[[C, D]],
            hits={"key_compatible_with": "G minor", "bpm": [73, 83]},
        ),
        T(
            "the first one — how much would i need to stretch it",
            [C],
            also_ok=[[C, G]],
            refers_to={"turn": 2, "hit_rank": 1},
        ),
    ),
    V(
        "reggae80s_detour",
        "a list, an era detour, then 'back to the loops' narrows the old list",
        T("show me 80s reggae", [D], hits={"genre": "reggae", "era": "80s"}),
        T("what was reggae drumming like in the 80s", [E]),
        T(
            "ok back to the loops — any in B major?",
            [D],
            hits={"genre": "reggae", "era": "80s", "key": "B major"},
        ),
    ),
    V(
        "straight_house_127",
        "a tempo reference, then a search that mixes with it",
        T(
            "straight house loops from the 90s above 125",
            [D],
            hits={"genre": "house", "era": "90s", "swing_max": STRAIGHT, "bpm": [125, None]},
        ),
        T("the 127 one - analyse it", [G], refers_to={"turn": 1, "hit_bpms": [127]}),
        T(
            "find me stuff that mixes with it at a similar tempo",
            [C, D],
            also_ok=[[C, D, G]],
            hits={"key_compatible_with": "F# minor", "bpm": [121, 133]},
        ),
    ),
    V(
        "funk_em_compare_two",
        "'compare the first two' of a key-filtered list",
        T("funk loops in E minor", [D], hits={"genre": "funk", "key": "E minor"}),
        T(
            "compare the first two",
            [C],
            also_ok=[[C, G], [G]],
            refers_to={"turn": 1, "hit_ranks": [1, 2]},
        ),
    ),
    V(
        "counts_not_tempos",
        "'2 loops' and '2 more' are counts, not tempos",
        T("find me 2 loops in 7A", [D], hits={"key": "D minor"}),
        T("2 more please", [D], hits={"key": "D minor"}),
    ),
    V(
        "808_history_trap",
        "808 the drum machine in history, then trap loops narrowed by vibe",
        T("history of the 808 in hip hop", [E]),
        T("show me trap loops", [D], hits={"genre": "trap"}),
        T("the hardest ones only", [D], hits={"genre": "trap", "vibe": "hard"}),
    ),
    V(
        "reggae_style_guess",
        "style guess from an attachment, then 'more in that style'",
        T(
            "what genre does this groove feel like",
            [E, G],
            also_ok=[[G]],
            attach=["Reggae/80s/deep_reggae_02_78bpm_Cm.wav"],
        ),
        T(
            "find me more in that style from my library",
            [D],
            also_ok=[[D, G]],
            hits={"genre": "reggae"},
        ),
    ),
    V(
        "dnb_halftime_hiphop",
        "half-time relation between two searches",
        T("dnb loops around 170", [D], hits={"genre": "drum and bass", "bpm": [162, 179]}),
        T(
            "which hip hop loops could i mix into those at half time",
            [C, D],
            also_ok=[[D]],
            hits={"genre": HIPHOP, "bpm": [81, 90]},
        ),
    ),
    V(
        "disco_117_ones",
        "'the 117 bpm ones' = every listed loop at 117",
        T(
            "70s disco in a major key, 115 to 118",
            [D],
            hits={"genre": "disco", "era": "70s", "mode": "major", "bpm": [115, 118]},
        ),
        T(
            "the 117 bpm ones, are they in compatible keys?",
            [C],
            also_ok=[[C, G]],
            refers_to={"turn": 1, "hit_bpms": [117]},
        ),
    ),
    V(
        "gritty_drilldown",
        "three narrowing steps, then a tempo reference",
        T("gritty stuff from the 90s", [D], hits={"vibe": "gritty", "era": "90s"}),
        T("minor only", [D], hits={"vibe": "gritty", "era": "90s", "mode": "minor"}),
        T(
            "between 80 and 90",
            [D],
            hits={"vibe": "gritty", "era": "90s", "mode": "minor", "bpm": [80, 90]},
        ),
        T(
            "will the 87 one mix with a track in C major?",
            [C],
            also_ok=[[C, G]],
            refers_to={"turn": 3, "hit_bpms": [87]},
        ),
    ),
    V(
        "house_range_drill",
        "era question, then the library, narrowed twice",
        T("whats the usual bpm range for 90s house", [E]),
        T("show me house loops", [D], hits={"genre": "house"}),
        T("only 90s", [D], hits={"genre": "house", "era": "90s"}),
        T("in F# minor", [D], hits={"genre": "house", "era": "90s", "key": "F# minor"}),
    ),
    V(
        "trap_attached_keys",
        "analysis, its mixable keys, then the library in those keys",
        T("is this swung at all", [G], attach=["Trap/10s/hard_trap_03_136bpm_Ebm.wav"]),
        T(
            "what keys can i mix it with",
            [C],
            also_ok=[[C, G]],
            refers_to={"file": "Trap/10s/hard_trap_03_136bpm_Ebm.wav"},
        ),
        T(
            "any of my trap loops in those keys?",
            [C, D],
            also_ok=[[D]],
            hits={"genre": "trap", "key_compatible_with": "Eb minor"},
        ),
    ),
    V(
        "help_then_my_loop",
        "help question, then 'my loop' with nothing attached",
        T("yo! what can you do?", []),
        T("ok analyse my loop", [G]),
    ),
]
