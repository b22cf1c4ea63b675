"""The era specialist's built-in knowledge: a compact table of groove facts per era and genre.

Written for this project from widely documented music history; tempo ranges are the
usual span of the style's records (approximate, in BPM), feel words use the same
vocabulary as the analysis (straight / swung / laid back). The offline era specialist
answers from this table plus catalog statistics, and the table is also a tool a chat
model can call, so its numbers reach an answer only through a tool result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from groovegraph.state import EraFact
from groovegraph.tools.catalog import normalize_era, normalize_tag
from groovegraph.tools.vocab import find_entities

__all__ = ["ERA_TABLE", "lookup_facts", "match_groove", "rank_by_groove"]


def _f(era: str, genre: str, lo: float, hi: float, feel: str, *facts: str) -> EraFact:
    return EraFact(
        era=era, genre=genre, tempo_bpm_min=lo, tempo_bpm_max=hi, feel=feel, facts=list(facts)
    )


ERA_TABLE: tuple[EraFact, ...] = (
    _f(
        "50s",
        "jazz",
        120,
        240,
        "swung ride cymbal in a triplet lilt",
        "The ride cymbal carries the time with a long-short pattern; the bass walks quarter notes.",
        "Bebop and hard bop drummers moved the kick to accents ('dropping bombs') instead of keeping four on the floor.",
        "Brushes on snare were the ballad sound: a continuous swish with the pulse tapped on top.",
    ),
    _f(
        "60s",
        "jazz",
        100,
        220,
        "swung, in 4/4 and more and more in waltz time (3/4)",
        "The jazz waltz swung in three instead of four: Sonny Rollins' 'Valse Hot' (1956) and Max Roach's album 'Jazz in 3/4 Time' (1957) opened the way.",
        "By the early 60s waltzes were standard jazz repertoire: Bill Evans' 'Waltz for Debby' (1961) and John Coltrane's 'My Favorite Things' (1961), with Elvin Jones laying triplet cross-rhythms over the 3/4 pulse.",
        "In a jazz waltz the ride keeps its swung long-short pattern across three beats, and drummers phrase across the bar line in twos against the three.",
    ),
    _f(
        "60s",
        "motown",
        110,
        135,
        "driving and mostly straight, snare on every beat on many hits",
        "Detroit's Hitsville studio had house drummers such as Benny Benjamin and later Uriel Jones and Richard 'Pistol' Allen.",
        "A common trademark was the snare (often doubled by tambourine) hitting all four beats of the bar.",
        "Records were cut for small radios and jukeboxes: bright tambourine, compressed drums, busy bass lines by James Jamerson.",
    ),
    _f(
        "60s",
        "stax",
        90,
        120,
        "behind the beat, dry and sparse",
        "Memphis soul was played by a house band (Booker T. & the M.G.'s) with Al Jackson Jr. on drums.",
        "The backbeat sits late and heavy, with little reverb and plenty of space between hits.",
        "Compared with Motown's polish, Stax sounds rawer and more live-in-the-room.",
    ),
    _f(
        "60s",
        "soul",
        90,
        130,
        "backbeat-driven, from gospel roots",
        "Soul drumming grew out of gospel and rhythm and blues: a strong 2 and 4 with handclaps or tambourine.",
        "Late in the decade James Brown's bands moved the weight to 'the one' and opened the door to funk.",
    ),
    _f(
        "70s",
        "funk",
        90,
        115,
        "syncopated sixteenths, ghost notes, often lightly swung",
        "Funk put the emphasis on the first beat of the bar ('the one') and broke the rest into busy sixteenth-note patterns.",
        "Clyde Stubblefield and John 'Jabo' Starks drummed for James Brown; 'Funky Drummer' (1970) became one of the most sampled breaks.",
        "Ghost notes on the snare between the backbeats give the groove its bounce; hi-hats often have a slight swing.",
        "Other key drummers: Zigaboo Modeliste (The Meters), David Garibaldi (Tower of Power), Bernard Purdie.",
    ),
    _f(
        "70s",
        "philly soul",
        100,
        125,
        "smooth and driving, four on the floor with open hi-hats",
        "The Philadelphia sound came from Gamble and Huff's productions at Sigma Sound with the house band MFSB.",
        "Earl Young's drumming — a steady kick on every beat and an open hi-hat on the off-beat — became the template for disco.",
        "Lush strings and horns sit over a tight, very even rhythm section.",
    ),
    _f(
        "70s",
        "disco",
        110,
        130,
        "straight four on the floor, open hi-hat off-beats",
        "Disco locked the kick to every quarter note so DJs could beat-match records.",
        "The off-beat open hi-hat and octave-jumping bass lines are its signature; the 12-inch single and extended mixes came from this scene.",
    ),
    _f(
        "70s",
        "reggae",
        60,
        90,
        "laid back, one drop: the accent lands on beat three",
        "In the one drop the kick and rim shot land together on the third beat, leaving the first beat empty.",
        "Carlton Barrett (The Wailers) and Sly Dunbar are the reference drummers; guitar and keys chop the off-beats ('skank').",
        "Dub producers such as King Tubby and Lee 'Scratch' Perry stripped the tracks down and drenched them in echo.",
    ),
    _f(
        "70s",
        "afrobeat",
        100,
        130,
        "interlocking, straight but with heavy polyrhythm",
        "Afrobeat was led by Fela Kuti in Lagos; Tony Allen's drumming layers patterns on kick, snare and hi-hat that interlock like a percussion section.",
        "Songs are long and built on repeated guitar and bass figures under horn lines.",
    ),
    _f(
        "70s",
        "go go",
        90,
        110,
        "swung and percussion-heavy, a continuous pocket",
        "Go-go is Washington DC's funk offshoot, shaped by Chuck Brown in the late 70s.",
        "Bands keep a nonstop groove between songs with congas, cowbell and call-and-response with the crowd; the beat has a strong swing.",
    ),
    _f(
        "80s",
        "hip hop",
        85,
        110,
        "machine-straight at first, swing arriving late in the decade",
        "Early records used live bands or drum machines such as the Roland TR-808 (released 1980).",
        "The E-mu SP-1200 (1987) and Akai MPC60 (1988) made chopping sampled breaks practical; their 12-bit crunch and swing settings shaped the late-80s sound.",
    ),
    _f(
        "80s",
        "electro",
        110,
        130,
        "straight, machine-tight sixteenths",
        "Electro was built on drum machines — above all the TR-808 — with syncopated kicks and handclaps.",
        "'Planet Rock' (1982) by Afrika Bambaataa & the Soulsonic Force is its landmark record.",
    ),
    _f(
        "80s",
        "house",
        115,
        128,
        "straight four on the floor, drum machine",
        "House started in Chicago clubs in the early-to-mid 80s, continuing disco's kick pattern with drum machines such as the TR-707 and TR-909.",
        "Frankie Knuckles' sets at the Warehouse gave the style its name; tracks were often released on small local labels like Trax and DJ International.",
    ),
    _f(
        "80s",
        "techno",
        120,
        135,
        "straight, mechanical, syncopated synth lines",
        "Techno came from Detroit — Juan Atkins, Derrick May and Kevin Saunderson — mixing electro, funk and European synth music.",
        "The TR-909 and TR-808 drive it; the groove is strictly quantised.",
    ),
    _f(
        "80s",
        "new jack swing",
        95,
        115,
        "swung sixteenths over hard drum-machine hits",
        "New jack swing, shaped by Teddy Riley from the late 80s, blended R&B singing with hip hop drum programming.",
        "Its trademark is a shuffled, swung sixteenth-note groove on drum machines with big snares.",
    ),
    _f(
        "80s",
        "pop",
        100,
        130,
        "straight, gated and electronic",
        "Gated reverb on the snare (a big burst of room sound cut off abruptly) defined the decade's drum sound.",
        "Drum machines such as the LinnDrum (early 80s) put sampled real drums on a quantised grid.",
    ),
    _f(
        "90s",
        "boom bap",
        84,
        98,
        "swung and dusty, sampled breaks",
        "Boom bap is the hard kick-and-snare sound of East Coast hip hop, built from sampled 60s–70s funk and soul breaks.",
        "Producers such as DJ Premier and Pete Rock chopped breaks on the SP-1200 and MPC; MPC swing around 54–60 % gave loops their bounce.",
    ),
    _f(
        "90s",
        "hip hop",
        80,
        100,
        "swung, behind the beat",
        "Most 90s hip hop sits between the mid-80s and about 100 BPM and borrows its swing from sampled funk and jazz records.",
        "Late in the decade J Dilla turned off quantisation and played drums into the MPC by hand, placing hits slightly early or late so the groove feels 'drunk'.",
    ),
    _f(
        "90s",
        "g funk",
        88,
        100,
        "laid back and straight-ish, synth leads",
        "G-funk came from the West Coast (Dr. Dre's 'The Chronic', 1992) and replayed P-Funk grooves with whiny synth leads and deep bass.",
    ),
    _f(
        "90s",
        "jungle",
        155,
        175,
        "breakbeat chops at speed, half-time bass",
        "Jungle sped up and rearranged sampled breaks — the 'Amen, Brother' break by The Winstons (1969) most of all — over reggae-style sub bass.",
        "The drums run at roughly double the tempo of the bass line, so the music feels both fast and half-time.",
    ),
    _f(
        "90s",
        "drum and bass",
        160,
        180,
        "fast and straight, two-step breakbeat",
        "Drum and bass grew out of jungle in the mid-90s with cleaner, tighter programmed breaks.",
        "The typical pattern is a kick on 1 and a snare on 2 and 4 at around 170 BPM.",
    ),
    _f(
        "90s",
        "uk garage",
        128,
        138,
        "swung, shuffled two-step",
        "UK garage (2-step) in the late 90s removed kicks from the four-on-the-floor pattern and shuffled the hi-hats.",
        "The syncopated kick and strong swing on the sixteenths are its signature; vocal chops are pitched and cut up.",
    ),
    _f(
        "90s",
        "breakbeat",
        120,
        140,
        "straight, sampled and heavy",
        "Big beat and breakbeat acts (The Chemical Brothers, Fatboy Slim) looped and distorted old funk breaks at dance tempos.",
    ),
    _f(
        "00s",
        "neo soul",
        75,
        100,
        "very laid back, behind the beat",
        "Neo soul records such as D'Angelo's 'Voodoo' (2000), with Questlove on drums, placed the backbeat far behind the grid on purpose.",
    ),
    _f(
        "00s",
        "dubstep",
        138,
        142,
        "half-time: the snare lands on beat three",
        "Dubstep came from South London; the drums are written at about 140 BPM but feel like 70 because the snare falls once per bar.",
    ),
    _f(
        "10s",
        "trap",
        130,
        170,
        "half-time feel, rolling hi-hats",
        "Trap drums are usually written at high tempos but felt in half time, with hi-hat rolls (triplets and 32nds) and long 808 bass notes.",
    ),
    _f(
        "10s",
        "lo fi",
        70,
        90,
        "swung and laid back, deliberately imperfect",
        "Lo-fi hip hop borrows Dilla-style loose drums, vinyl crackle and soft jazz chords at slow tempos.",
    ),
    _f(
        "10s",
        "amapiano",
        108,
        115,
        "laid-back shuffle with log-drum bass",
        "Amapiano comes from South Africa; its 'log drum' bass, shakers and a relaxed groove around 110–115 BPM define it.",
    ),
    _f(
        "70s",
        "breakbeat",
        90,
        120,
        "funk breaks that later fed hip hop",
        "DJ Kool Herc looped the drum breaks of funk records with two turntables in the Bronx (early 70s), the root of breakbeat culture.",
    ),
    _f(
        "70s",
        "jazz",
        90,
        130,
        "jazz-funk: straight sixteenths with swing in the solos",
        "Jazz-funk and fusion drummers (Harvey Mason, Billy Cobham) brought funk's sixteenths into jazz; many of these records became sample sources.",
    ),
)


def lookup_facts(
    *, eras: Sequence[str] = (), genres: Sequence[str] = (), text: str = "", limit: int = 4
) -> list[EraFact]:
    """Table entries for the eras and genres of a request.

    Genres pick entries across eras (narrowed to the named eras when some match); an
    era alone picks that decade's entries. Words such as "MPC", "Amen" or "808" count as
    genre mentions.

    Parameters
    ----------
    eras : sequence of str
        Decade labels (any spelling ``normalize_era`` accepts).
    genres : sequence of str
        Genre names (normalised like catalog tags).
    text : str
        The user's words, scanned for entity names.
    limit : int
        Most entries to return.
    """
    want_eras = [e for e in (normalize_era(x) for x in eras) if e]
    named_genres = [g for g in (normalize_tag(x) for x in genres) if g]
    want_genres = list(named_genres)
    # Drum machines, breaks, artists and studios (the shared vocabulary, whole words only).
    entity_words: list[str] = []
    for (start, end), gs in find_entities(text):
        want_genres.extend(g for g in gs if g not in want_genres)
        entity_words.extend(
            w for w in re.findall(r"[a-z0-9]+", text[start:end].lower()) if len(w) > 2
        )
    topic = _topic_words(text, [*named_genres, *want_eras])
    out: list[EraFact] = []
    if want_genres:
        for g in want_genres:
            entries = [f for f in ERA_TABLE if f.genre == g]
            narrowed = [f for f in entries if f.era in want_eras] if want_eras else entries
            out.extend(f for f in (narrowed or entries) if f not in out)
        # A genre the table lacks still gets its decade's context ("70s latin").
        if not out and want_eras:
            out = [f for f in ERA_TABLE if f.era in want_eras]
    elif want_eras:
        out = [f for f in ERA_TABLE if f.era in want_eras]
    if entity_words:
        # "J Dilla vs DJ Premier": the entries that name them (90s hip hop, 90s boom bap)
        # answer the question; the rest of their genres (80s hip hop) does not.
        pattern = re.compile(rf"\b(?:{'|'.join(map(re.escape, entity_words))})\b", re.IGNORECASE)
        naming = [f for f in out if pattern.search(" ".join(f.facts))]
        if naming:
            covered = {f.genre for f in naming}
            out = naming + [f for f in out if f not in naming and f.genre not in covered]
    if topic and not entity_words:
        # (entities named are the topic themselves: handled above)
        # "the history of the jazz waltz", "where do ghost notes come from": of each style
        # named, its entries' sentences about what was asked when the table has some (a
        # style with none keeps its entries); with no style named, those sentences anywhere
        if out:
            kept: list[EraFact] = []
            for genre in dict.fromkeys(f.genre for f in out):
                group = [f for f in out if f.genre == genre]
                kept.extend(_about(group, topic) or group)
            out = kept
        else:
            out = _about(ERA_TABLE, topic)
    return out[:limit]


# Words of a question that say nothing of its topic: function words, question and
# history words, and the words every style question uses (drums, groove, sound, …).
_NOT_TOPIC = frozenset(
    [
        "about",
        "after",
        "again",
        "also",
        "among",
        "back",
        "been",
        "before",
        "being",
        "between",
        "both",
        "brief",
        "came",
        "come",
        "comes",
        "could",
        "define",
        "defined",
        "defines",
        "did",
        "does",
        "doing",
        "done",
        "drum",
        "drummer",
        "drummers",
        "drumming",
        "drums",
        "each",
        "either",
        "else",
        "even",
        "ever",
        "explain",
        "feel",
        "from",
        "genre",
        "genres",
        "give",
        "good",
        "groove",
        "grooves",
        "have",
        "history",
        "into",
        "just",
        "kind",
        "know",
        "learn",
        "like",
        "little",
        "made",
        "make",
        "many",
        "mean",
        "meant",
        "more",
        "most",
        "much",
        "music",
        "need",
        "only",
        "origin",
        "origins",
        "other",
        "over",
        "play",
        "played",
        "playing",
        "please",
        "quick",
        "really",
        "record",
        "records",
        "sample",
        "samples",
        "scene",
        "should",
        "show",
        "some",
        "sort",
        "sound",
        "sounds",
        "start",
        "started",
        "story",
        "style",
        "styles",
        "such",
        "tell",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "time",
        "today",
        "typical",
        "typically",
        "used",
        "using",
        "very",
        "vibe",
        "want",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "whole",
        "with",
        "would",
        "year",
        "years",
        "your",
        "loop",
        "loops",
        "beat",
        "beats",
        "tempo",
        "decade",
        "decades",
        "happen",
        "happened",
        "short",
        "bit",
    ]
)


def _topic_words(text: str, named: Sequence[str]) -> list[str]:
    """The words of ``text`` naming what is asked about beyond the styles and eras named
    (``named``, normalised): "waltz" in "the history of the jazz waltz"."""
    from groovegraph.tools.vocab import HISTORY_RE, find_genres

    text = HISTORY_RE.sub(" ", text.lower())
    # styles and entities (machines, breaks, people: see lookup_facts) are no topic words
    spans = [span for span, _ in [*find_genres(text), *find_entities(text)]]
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    skip = {w for n in named for w in re.findall(r"[a-z]+", n.lower())}
    words = re.findall(r"[a-z][a-z'-]{3,}", text)
    return list(dict.fromkeys(w for w in words if w not in _NOT_TOPIC and w not in skip))


def _about(entries: Sequence[EraFact], topic: Sequence[str]) -> list[EraFact]:
    """``entries`` cut to their sentences naming the most ``topic`` words (by stem:
    "waltz" names "waltzes"); entries with none of those are left out."""
    stems = [w[: max(4, len(w) - 2)] if len(w) > 5 else w for w in topic]
    patterns = [re.compile(rf"\b{re.escape(st)}", re.IGNORECASE) for st in stems]

    def score(sentence: str) -> int:
        return sum(bool(p.search(sentence)) for p in patterns)

    best = max((score(x) for f in entries for x in f.facts), default=0)
    if best == 0:
        return []
    out = []
    for f in entries:
        facts = [x for x in f.facts if score(x) == best]
        if facts:
            out.append(f.model_copy(update={"facts": facts}))
    return out


def _feel_score(fact: EraFact, swing_percent: float) -> float:
    feel = fact.feel.lower()
    swung = any(w in feel for w in ("swung", "swing", "shuffle", "triplet"))
    straight = "straight" in feel or "mechanical" in feel or "quantised" in feel
    if swing_percent >= 56:
        return 1.0 if swung else (0.0 if straight else 0.5)
    if swing_percent <= 53:
        return 1.0 if straight else (0.0 if swung else 0.5)
    return 0.5


def match_groove(*, tempo_bpm: float, swing_percent: float, limit: int = 3) -> list[EraFact]:
    """Table entries whose typical tempo and feel are closest to a measured groove.

    Tempo counts most: inside an entry's range scores 1, outside it falls off with the
    distance in percent (half- and double-time readings are tried too); the feel word
    (swung vs straight) breaks ties.

    Parameters
    ----------
    tempo_bpm : float
        Measured tempo in BPM.
    swing_percent : float
        Measured MPC swing in percent (50 straight, 66.7 triplet).
    limit : int
        Most entries to return, best first.
    """
    if not tempo_bpm > 0:
        return []
    ranked = rank_by_groove(ERA_TABLE, tempo_bpm=tempo_bpm, swing_percent=swing_percent)
    return [f for f in ranked if _tempo_score(f, tempo_bpm) > 0][:limit]


def _tempo_score(f: EraFact, tempo_bpm: float) -> float:
    best = 0.0
    for t in (tempo_bpm, tempo_bpm * 2, tempo_bpm / 2):
        if f.tempo_bpm_min <= t <= f.tempo_bpm_max:
            score = 1.0 if t == tempo_bpm else 0.8
        else:
            edge = f.tempo_bpm_min if t < f.tempo_bpm_min else f.tempo_bpm_max
            score = max(0.0, 1.0 - abs(t - edge) / edge * 10)  # 0 at 10 % outside
            score *= 1.0 if t == tempo_bpm else 0.8
        best = max(best, score)
    return best


def rank_by_groove(
    facts: Sequence[EraFact], *, tempo_bpm: float, swing_percent: float
) -> list[EraFact]:
    """``facts`` ordered by how well their typical tempo and feel fit a measured groove."""

    def centre_distance(f: EraFact) -> float:
        centre = (f.tempo_bpm_min + f.tempo_bpm_max) / 2
        return abs(tempo_bpm - centre) / centre

    return sorted(
        facts,
        key=lambda f: (
            -(2 * _tempo_score(f, tempo_bpm) + _feel_score(f, swing_percent)),
            centre_distance(f),
            f.era,
            f.genre,
        ),
    )
