"""Typed state of the graph and the pydantic models of every structured result.

``tools`` produce these models, ``graph`` keeps them in its state, ``server`` serialises
them. Field names carry their units (``_bpm``, ``_s``, ``_ms``, ``_percent``, ``_db``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Analysis(BaseModel):
    """The analysis of one audio file (the JSON contract of ``groovegraph analyze --json``).

    A ``one_shot`` (a single hit or note: kick, snare, 808, stab) has no tempo, beats, swing
    or pocket: those fields are null. A tonal one-shot names its ``root_note``.
    """

    model_config = ConfigDict(frozen=False, extra="forbid")

    file: str = Field(description="Path of the analysed file as given.")
    sha256: str = Field(description="Hex SHA-256 of the file's bytes.")
    duration_s: float = Field(description="Full duration of the file in seconds.")
    sample_rate: int = Field(description="Native sample rate of the file in Hz.")
    kind: Literal["loop", "one_shot"] = Field(
        default="loop", description="'loop' (has a pulse) or 'one_shot' (a single hit/note)."
    )
    instrument: str | None = Field(
        default=None,
        description=(
            "kick, snare, clap, hat, cymbal, tom, perc, bass, keys, pad, lead, vocal, fx, "
            "drums or mix; null when unknown."
        ),
    )
    tempo_bpm: float | None = Field(
        default=None, description="Tempo of the beat in BPM; null for a one-shot."
    )
    tempo_confidence: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Calibrated P(tempo right); 0 when null."
    )
    tempo_stability: float | None = Field(
        default=None,
        description="1 = steady; lower as the local tempo moves over the clip; null for a one-shot.",
    )
    meter: int | None = Field(
        default=None, description="Beats per bar (3 or 4; 12/8 counts 4 dotted beats)."
    )
    beats_s: list[float] | None = Field(
        default=None, description="Beat times in seconds; null for a one-shot."
    )
    downbeats_s: list[float] | None = Field(
        default=None, description="Bar starts in seconds; null for a one-shot."
    )
    swing_percent: float | None = Field(
        default=None,
        description="MPC swing at swing_subdivision: 50 straight, 66.7 triplet; null for a one-shot.",
    )
    swing_ratio: float | None = Field(
        default=None, description="Long/short = swing_percent / (100 - swing_percent)."
    )
    swing_subdivision: int | None = Field(
        default=None, description="8 or 16: the note value whose off-beats swing."
    )
    timing_deviation_ms: float | None = Field(
        default=None,
        description="RMS distance of onsets from the swung grid; null for a one-shot and "
        "for a loop without drums.",
    )
    backbeat_lag_ms: float | None = Field(
        default=None,
        description="Mean offset of beat-2/4 hits; positive = laid back; null for a one-shot "
        "and for a loop without drums (no backbeat to measure).",
    )
    key: str | None = Field(
        default=None,
        description="Tonic and mode, e.g. 'F# minor'; null when nothing is pitched (drums only).",
    )
    key_runner_up: str | None = Field(
        default=None, description="The second most likely key; null when key is null."
    )
    camelot: str | None = Field(
        default=None,
        description="Camelot code, e.g. '11A'; null when nothing is pitched (drums only).",
    )
    key_confidence: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Calibrated P(key right); 0.0 when key is null."
    )
    root_note: str | None = Field(
        default=None, description="Pitch of a tonal one-shot, e.g. 'F#1'; null otherwise."
    )
    rms_db: float = Field(description="RMS level in dBFS.")
    onset_rate_hz: float = Field(description="Detected onsets per second.")


ANALYSIS_FIELDS: tuple[str, ...] = tuple(
    name for name in Analysis.model_fields if name not in {"file", "sha256"}
)


class SampleTags(BaseModel):
    """Tags of a library sample, from folder/file names, embedded metadata or a sidecar CSV."""

    genre: str | None = None
    era: str | None = Field(default=None, description="Decade label such as '70s' or '90s'.")
    vibe: str | None = None
    instrument: str | None = None
    source: str | None = None
    bpm_hint: float | None = Field(
        default=None, description="Tempo written in the file name ('96bpm'), not measured."
    )
    key_hint: str | None = Field(
        default=None, description="Key written in the file name ('Am'), canonical name."
    )


class SampleRecord(BaseModel):
    """One row of the catalog: a file, its content hash, its tags and its analysis."""

    id: str = Field(description="Stable sample id (hex).")
    owner: str | None = Field(
        default=None, description="None = shared library (demo, indexed roots)."
    )
    path: str
    sha256: str
    size_bytes: int
    mtime: float
    status: str = Field(default="ok", description="ok | error | gone")
    error: str | None = None
    tags: SampleTags = Field(default_factory=SampleTags)
    analysis: Analysis | None = None
    created_at: float | None = None
    updated_at: float | None = None


class CatalogQuery(BaseModel):
    """Filters and a ranking target for a catalog search. Every field is optional."""

    model_config = ConfigDict(extra="forbid")

    bpm_min: float | None = Field(default=None, gt=0, le=400)
    bpm_max: float | None = Field(default=None, gt=0, le=400)
    bpm_min_exclusive: bool = Field(
        default=False,
        description="bpm_min itself left out: 'over 100' (> 100), not 'at least 100'.",
    )
    bpm_max_exclusive: bool = Field(
        default=False,
        description="bpm_max itself left out: 'under 100' (< 100), not 'up to 100'.",
    )
    target_bpm: float | None = Field(default=None, gt=0, le=400)
    half_double: bool = Field(default=True, description="Also match half and double time.")
    tempo_first: bool = Field(
        default=True,
        description="With half_double and a BPM range: half- and double-time matches only "
        "when nothing is in the range at its own tempo (False: they rank beside it).",
    )
    key: str | None = None
    keys: list[str] = Field(
        default_factory=list,
        description="Any of these keys ('in E major or E minor', '11A or 12A'); with `key`, "
        "either matches.",
    )
    compatible_with: str | None = Field(
        default=None, description="Key whose Camelot neighbours match."
    )
    clash: bool = Field(
        default=False,
        description="With `compatible_with`: the keys that clash with it instead (no harmonic move).",
    )
    key_min_score: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "Lowest Camelot relation score `compatible_with` keeps; by default (None) the "
            "keys that mix, harmony.MIXES_MIN_SCORE (0.85: same, relative and adjacent "
            "keys); 0.5 also admits the diagonal and the ±2 energy moves."
        ),
    )
    swing_min: float | None = Field(default=None, ge=0, le=100)
    swing_max: float | None = Field(default=None, ge=0, le=100)
    target_swing: float | None = Field(default=None, ge=0, le=100)
    genre: str | None = None
    genres: list[str] = Field(
        default_factory=list,
        description="Any of these genres ('soul or funk loops'); with `genre`, either matches.",
    )
    era: str | None = None
    eras: list[str] = Field(
        default_factory=list,
        description="Any of these eras ('70s or 80s disco'); with `era`, either matches.",
    )
    vibe: str | None = None
    instrument: str | None = Field(
        default=None,
        description="kick, snare, hat, bass, keys, pad, drums, mix, … (tag or analysis).",
    )
    kind: Literal["loop", "one_shot"] | None = Field(
        default=None, description="Loops or one-shots only."
    )
    root_note: str | None = Field(
        default=None,
        description=(
            "Root of tonal one-shots: a pitch class ('F', 'F#', 'Bb') or a note ('F#1'). "
            "With kind='one_shot' a key filter matches roots on its tonic too."
        ),
    )
    roots_in_key: bool = Field(
        default=False,
        description=(
            "With kind='one_shot' and a key (no root_note): every root in the key's scale "
            "(major or natural minor), not only its tonic; ranked tonic, fifth, the rest."
        ),
    )
    tonic: str | None = Field(
        default=None,
        description=(
            "Keys on this tonic in either mode ('F': F major and F minor), for a key "
            "known only by its root (an 808 in F)."
        ),
    )
    scale_note: str | None = Field(
        default=None,
        description=(
            "Keys whose scale (major or natural minor) holds this note, the keys on it as "
            "their tonic ranked first, then those where it is the fifth, then the rest "
            "('loops this F 808 would fit')."
        ),
    )
    meter: int | None = Field(
        default=None,
        ge=2,
        le=12,
        description=(
            "Beats per bar as the analysis counts them (3 or 4; a compound meter counts its "
            "dotted beats: 12/8 is 4). One-shots have none."
        ),
    )
    target_lag_ms: float | None = Field(
        default=None,
        ge=-100,
        le=100,
        description="Rank by closeness of the backbeat lag (pocket) to this, in ms.",
    )
    duration_min_s: float | None = Field(default=None, ge=0)
    duration_max_s: float | None = Field(default=None, ge=0)
    exclude_ids: list[str] = Field(default_factory=list)
    only_ids: list[str] = Field(
        default_factory=list,
        description="When given, only these samples are searched (a list shown, narrowed).",
    )
    # The HTTP API (200) and the agent's tool (50) cap lower; the CLI may list a library.
    limit: int = Field(default=10, ge=1, le=10_000)


class CatalogHit(BaseModel):
    """A ranked search result."""

    sample_id: str
    path: str
    score: float = Field(description="0..1, higher is closer to the target.")
    reason: str = Field(description="Short human reason, e.g. '96.0 BPM (+1%), 8A = same key'.")
    tempo_bpm: float | None = None
    key: str | None = None
    camelot: str | None = None
    swing_percent: float | None = None
    backbeat_lag_ms: float | None = Field(
        default=None, description="Backbeat lag (pocket), ms; positive = laid back."
    )
    meter: int | None = Field(default=None, description="Beats per bar (3 or 4).")
    duration_s: float | None = None
    kind: Literal["loop", "one_shot"] | None = None
    instrument: str | None = Field(
        default=None, description="Tag or, failing that, the analysis's instrument."
    )
    root_note: str | None = Field(default=None, description="Root of a tonal one-shot.")
    tags: SampleTags = Field(default_factory=SampleTags)


class PlotRef(BaseModel):
    """A picture an answer shows: which sample and which plot of it.

    The graph names the plot; the clients that know URLs (the server, the CLI) turn it
    into a link or an image (``/v1/samples/{id}/plot?kind=...``). ``sample`` is the
    reference the tools used (a sample id or a library path), ``sha256`` the audio's hash,
    by which the server finds the sample when ``sample`` is a path.
    """

    sample: str
    sha256: str
    kind: Literal["grid", "pocket", "swing", "key"] = Field(
        description="grid: waveform + beats; pocket: per-hit timing; swing: per beat pair; key: wheel."
    )
    label: str = Field(description="How the answer names the sample (its file name).")


class KeyCompatibility(BaseModel):
    relation: str = Field(description="same | adjacent | relative | energy_boost | clash | …")
    score: float = Field(ge=0.0, le=1.0)
    camelot_a: str
    camelot_b: str
    explanation: str


class TempoCompatibility(BaseModel):
    bpm_a: float
    bpm_b: float
    relation: str = Field(description="same | half_time | double_time | stretch")
    stretch_percent: float = Field(description="Change applied to B to match A, in percent.")
    semitone_shift: float = Field(description="Pitch change if stretched without key lock.")
    score: float = Field(ge=0.0, le=1.0)
    explanation: str


class CompatibilityReport(BaseModel):
    """Will A and B mix? Key and tempo verdicts combined."""

    a: str = Field(description="Label of the first item (sample id, file or key).")
    b: str
    key: KeyCompatibility | None = None
    tempo: TempoCompatibility | None = None
    score: float = Field(
        ge=0.0, le=1.0, description="key factor × tempo factor (harmony.compatibility)"
    )
    verdict: str = Field(
        description="great (score ≥ 0.8) | good (≥ 0.6) | workable (≥ 0.4) | poor: a fixed "
        "function of the score (harmony.verdict_for)"
    )
    reasons: list[str] = Field(default_factory=list)


# =====================================================================================
# Graph state (owned by the supervisor-graph issue). Everything below is what the
# LangGraph supervisor keeps per thread; the models above are what the tools return.
# =====================================================================================


SpecialistName = Literal["groove", "era", "compatibility", "discovery"]
SPECIALISTS: tuple[SpecialistName, ...] = ("groove", "era", "compatibility", "discovery")
#: ``additional_kwargs`` key on a turn's last human message: how many human messages sent
#: with it in one input (itself included) the turn reads as one request. The server sets
#: it (``server.turn_input.mark_burst``); the supervisor joins them.
BURST_KEY = "burst"
Intent = Literal["analyze", "compatibility", "find", "history", "stats"]


class ParsedRequest(BaseModel):
    """What one user turn asks for, parsed from its text (offline) or by the router model."""

    text: str = Field(
        default="",
        description=(
            "The user's message as sent; a follow-up that carries earlier constraints holds "
            "the earlier turns' lines before it, one per line."
        ),
    )
    bpm_min: float | None = Field(default=None, gt=0, le=400)
    bpm_max: float | None = Field(default=None, gt=0, le=400)
    target_bpm: float | None = Field(default=None, gt=0, le=400)
    bpms: list[float] = Field(
        default_factory=list, description="Every tempo mentioned, in BPM, in order."
    )
    pocket: bool = Field(
        default=False,
        description=(
            "A search like the sample ranked by how its backbeat sits: the backbeat lag "
            "nearest the sample's ('laid back snare like this one'), not its tempo or key."
        ),
    )
    meter: str | None = Field(
        default=None,
        description=(
            "Time signature a search asks for ('3/4', '6/8', '12/8'; 'waltz' and 'in three' "
            "are 3/4): searched on the measured beats per bar (vocab.METER_SIGNATURES)."
        ),
    )
    half_double: bool = Field(default=False, description="Half- or double-time was mentioned.")
    keys: list[str] = Field(
        default_factory=list, description="Canonical key names, e.g. 'A minor'."
    )
    camelot: list[str] = Field(
        default_factory=list, description="Camelot codes of `keys`, same order."
    )
    eras: list[str] = Field(default_factory=list, description="Decade labels, e.g. '70s'.")
    years: list[int] = Field(default_factory=list, description="Years or year bounds mentioned.")
    genres: list[str] = Field(default_factory=list, description="Canonical genre names.")
    swing_words: list[str] = Field(
        default_factory=list, description="Feel words as written: 'swung', 'straight'…"
    )
    vibes: list[str] = Field(
        default_factory=list, description="Mood/texture words: 'dusty', 'warm'…"
    )
    swing_min: float | None = Field(
        default=None, ge=0, le=100, description="MPC swing percent lower bound."
    )
    swing_max: float | None = Field(default=None, ge=0, le=100)
    samples: list[str] = Field(
        default_factory=list, description="Sample ids and library paths referenced."
    )
    intents: list[Intent] = Field(default_factory=list)
    limit: int | None = Field(
        default=None, ge=1, le=200, description="Number of results asked for."
    )
    unresolved: list[str] = Field(
        default_factory=list,
        description=(
            "References past the end of the last result list, as written ('the 9th one'), "
            "and tempos no search can use, as 'N BPM' ('99999 BPM')."
        ),
    )
    list_empty: bool = Field(
        default=False,
        description=(
            "The turn points at a result ('is that one swung more?') right after a search "
            "that listed nothing: the phrases are in unresolved."
        ),
    )
    mode: Literal["major", "minor"] | None = Field(
        default=None, description="Major or minor keys only ('any in a minor key?')."
    )
    compatible: bool = Field(
        default=False,
        description="The keys/samples are to be mixed with (Camelot neighbours), not matched.",
    )
    clash: bool = Field(
        default=False,
        description=(
            "Asks for what clashes with the keys/samples ('which would clash with it'): a "
            "search for the keys that do not mix. A negated clash ('won't clash') is a mix."
        ),
    )
    kind: Literal["loop", "one_shot"] | None = Field(
        default=None, description="Loops or one-shots ('a punchy kick', 'an 808 in F')."
    )
    instrument: str | None = Field(
        default=None, description="Instrument asked for: kick, snare, hat, bass, keys…"
    )
    instruments: list[str] = Field(
        default_factory=list,
        description=(
            "Every one-shot sound a search lists side by side ('a kick and an 808': kick, "
            "bass), first = `instrument`; each is searched for. Empty for one sound."
        ),
    )
    root_note: str | None = Field(
        default=None, description="Pitch a one-shot is tuned to ('a kick tuned to A'): 'A', 'F#1'."
    )
    tonic: str | None = Field(
        default=None,
        description=(
            "A key known only by its tonic, mode open ('trap loops in that key' after an "
            "808 rooted on F): 'F'."
        ),
    )
    specialists: list[SpecialistName] = Field(
        default_factory=list, description="Specialists this turn needs (the understanding's call)."
    )
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description=(
            "How sure the offline understanding is of `specialists`: the calibrated "
            "probability (0..1) that they are the right set; the router model reads the "
            "turn below settings.router_threshold."
        ),
    )
    refines: bool = Field(
        default=False, description="Narrows the last search: its filters are kept."
    )
    not_genres: list[str] = Field(
        default_factory=list, description="Genres ruled out ('but not house', 'no trap')."
    )
    not_eras: list[str] = Field(
        default_factory=list, description="Eras ruled out ('but not the 70s ones', 'no 90s')."
    )
    recap: bool = Field(
        default=False,
        description="Asks what the conversation was about ('what were we talking about?').",
    )
    energy: bool = Field(
        default=False,
        description=(
            "Asks for a key move that lifts a mix's energy ('an energy boost'): one and two "
            "steps up the Camelot wheel from the loop in focus or the key named."
        ),
    )
    key_moves: list[str] = Field(
        default_factory=list,
        description="The keys an energy boost moves to: one and two steps up the wheel.",
    )
    mix_with: str | None = Field(
        default=None,
        description=(
            "The key of the sample a search's hits must mix with when the user also states "
            "a key of their own ('F minor loops that mix with it': key F minor, and "
            "compatible with the analysed loop's key)."
        ),
    )
    for_sample: str | None = Field(
        default=None,
        description=(
            "The analysed sample a search is for when it is not searched like it ('an 808 "
            "to go under my loop': one-shots on its tonic; 'F minor loops that sit with "
            "it'): the search took its key, so 'my loop' needs no audio."
        ),
    )
    exclude: list[str] = Field(
        default_factory=list,
        description=(
            "Samples a search leaves out of its hits: the user's own, attached earlier in "
            "the thread (never offered back to them as a find)."
        ),
    )
    among: list[str] = Field(
        default_factory=list,
        description=(
            "The only samples a search looks among: the list shown, when the turn narrows "
            "it ('which of those were from the 70s?')."
        ),
    )
    shown: list[str] = Field(
        default_factory=list,
        description=(
            "Samples a list showed before that a search moved from it ('anything "
            "slower?') offers again only when nothing new meets it."
        ),
    )

    @property
    def said(self) -> str:
        """This turn's own message: the last line of ``text`` (a follow-up carries the
        earlier turns' lines before it)."""
        return self.text.rsplit("\n", 1)[-1]


class ListedRef(BaseModel):
    """A hit of the last list, numbered as the answer showed it (what a model is shown)."""

    number: int = Field(ge=1)
    sample_id: str
    file: str
    tempo_bpm: float | None = None
    key: str | None = None
    genre: str | None = None
    era: str | None = None


class RequestReading(BaseModel):
    """The router model's reading of one user turn (structured output).

    The model sees the conversation, the numbered hits of the last list and the attached
    samples; what it returns here is the turn's meaning — no rule re-reads the text.
    """

    specialists: list[SpecialistName] = Field(
        default_factory=list,
        description=(
            "groove: analyse referenced audio; discovery: search the user's library; "
            "compatibility: will things mix (keys, tempi, samples); era: history, styles, "
            "library statistics. Empty for greetings, thanks and help."
        ),
    )
    reason: str = Field(default="", description="One short sentence: why these specialists.")
    bpm_min: float | None = Field(default=None, gt=0, le=400)
    bpm_max: float | None = Field(default=None, gt=0, le=400)
    target_bpm: float | None = Field(default=None, gt=0, le=400)
    tempi: list[float] = Field(
        default_factory=list, description="Tempi to compare, in BPM ('90 into 96')."
    )
    keys: list[str] = Field(
        default_factory=list, description="Keys named: 'A minor', 'F# major' or Camelot '8A'."
    )
    mode: Literal["major", "minor"] | None = None
    compatible: bool = Field(
        default=False, description="Keys/samples are to mix with, not to match exactly."
    )
    clash: bool = Field(
        default=False,
        description=(
            "Asks for what clashes with the keys/samples ('which would clash with it'); "
            "false for a negated clash ('won't clash', 'without clashing')."
        ),
    )
    energy: bool = Field(
        default=False,
        description="Asks for an energy boost: key moves up the Camelot wheel from the loop or key.",
    )
    genres: list[str] = Field(
        default_factory=list,
        description="Every genre asked for, any of them will do: 'soul or funk' = ['soul', 'funk'].",
    )
    eras: list[str] = Field(
        default_factory=list,
        description="Every decade asked for, as labels such as '70s': '60s or 90s' = ['60s', '90s'].",
    )
    not_genres: list[str] = Field(
        default_factory=list,
        description="Genres ruled out ('but not house', 'forget reggae', 'no more reggae').",
    )
    not_eras: list[str] = Field(
        default_factory=list, description="Decades ruled out ('nothing from the 80s')."
    )
    vibe: str | None = None
    swing: Literal["straight", "light", "swung", "heavy"] | None = None
    kind: Literal["loop", "one_shot"] | None = None
    instrument: str | None = None
    limit: int | None = Field(default=None, ge=1, le=200)
    listed: list[int] = Field(
        default_factory=list,
        description="Numbers of the listed hits the user points at ('the first one' = 1).",
    )
    samples: list[str] = Field(
        default_factory=list,
        description="Attached sample ids, or ids/paths written in the message, that the turn is about.",
    )
    about_analysed: bool = Field(
        default=False,
        description="The turn is about the samples analysed earlier ('it', 'my break').",
    )
    refines: bool = Field(
        default=False,
        description="Narrows the last search (its filters stay; the named ones change).",
    )

    @model_validator(mode="before")
    @classmethod
    def _lists_from_singles(cls, data: Any) -> Any:
        """A model that answers ``"genre": "funk"`` or ``"eras": "70s"`` (one value where
        the schema has a list) is read as the one-item list."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for one, many in (("genre", "genres"), ("era", "eras")):
            single = data.pop(one, None)
            if single and not data.get(many):
                data[many] = single
        for many in ("genres", "eras", "not_genres", "not_eras"):
            value = data.get(many)
            if isinstance(value, str):
                data[many] = [value]
            elif value is None and many in data:
                data[many] = []
        return data


class Route(BaseModel):
    """The router's decision for one turn (the structured output of the router model)."""

    specialists: list[SpecialistName] = Field(
        default_factory=list,
        description="Specialists needed for this turn; empty for greetings and help.",
    )
    reason: str = Field(default="", description="One short sentence: why these specialists.")


class RoutePlan(BaseModel):
    """How the supervisor runs the specialists of one turn: stages run in order, the
    specialists of one stage in parallel."""

    turn: int = Field(default=0, description="Index of the user turn in the thread, from 1.")
    specialists: list[SpecialistName] = Field(default_factory=list)
    stages: list[list[SpecialistName]] = Field(default_factory=list)
    stage: int = Field(default=0, description="Index of the stage running now; len(stages) = done.")
    reason: str = ""
    router: Literal["offline", "model", "fallback"] = Field(
        default="offline",
        description="Who routed: offline rules, the router model, or rules after a model failure.",
    )
    asking: bool = Field(
        default=False,
        description=(
            "The turn waits on a question its specialist asked (which of several files a "
            "name means); the answer reads the turn again."
        ),
    )


class EraFact(BaseModel):
    """One entry of the built-in era/genre knowledge table."""

    era: str
    genre: str
    tempo_bpm_min: float
    tempo_bpm_max: float
    feel: str
    facts: list[str]


class GroupStat(BaseModel):
    """Catalog statistics for one group (e.g. era '70s', genre 'funk')."""

    group: dict[str, str | None]
    count: int
    median_bpm: float | None = None
    bpm_p25: float | None = Field(default=None, description="25th percentile tempo in BPM.")
    bpm_p75: float | None = Field(default=None, description="75th percentile tempo in BPM.")
    median_swing_percent: float | None = None
    median_backbeat_lag_ms: float | None = None
    common_keys: list[str] = Field(default_factory=list)


class EraBrief(BaseModel):
    """The era specialist's result: knowledge-table entries and catalog statistics."""

    facts: list[EraFact] = Field(default_factory=list)
    stats: list[GroupStat] = Field(default_factory=list)
    reference: str | None = Field(
        default=None, description="Sample the facts were matched to, if any."
    )
    reference_tempo_bpm: float | None = None
    reference_swing_percent: float | None = None
    stats_filter: str | None = Field(
        default=None, description="Restriction applied before the statistics."
    )
    library_note: str | None = Field(
        default=None,
        description="Said when the statistics cover a library still being built or indexed.",
    )
    ranked_by: str | None = Field(
        default=None,
        description="The GroupStat field the groups are ranked by ('median_swing_percent'), "
        "when a superlative asked which decade or style ranks first.",
    )
    ranked_highest: bool | None = Field(
        default=None, description="Whether the ranking puts the highest value first."
    )


class Constraint(BaseModel):
    """One thing the user asked for, as last stated (a tempo range, a key, a genre…)."""

    value: Any = Field(description="The value as parsed, e.g. [90, 100] or ['F minor'].")
    turn: int = Field(ge=1, description="The user turn (1-based) that last stated it.")


class ConversationMemory(BaseModel):
    """Summary-buffer memory of a thread: what older turns said, in bounded form.

    Turns that no longer fit the recent-turn window of a model prompt are folded into
    ``summary`` (one line each, oldest dropped past its token share); what the user
    asked for stays in ``constraints`` whatever the summary dropped.
    """

    summary: list[str] = Field(default_factory=list, description="One line per folded turn.")
    omitted_turns: int = Field(
        default=0, ge=0, description="Folded turns whose lines no longer fit the summary."
    )
    folded_turns: int = Field(default=0, ge=0, description="Turns folded into the summary.")
    dropped_turns: int = Field(
        default=0,
        ge=0,
        description="Turns whose messages left the state (the turn count includes them).",
    )
    folded_through: str | None = Field(
        default=None, description="Id of the last human message folded into the summary."
    )
    constraints: dict[str, Constraint] = Field(
        default_factory=dict,
        description="Latest value of each request field the user set (tempo, key, genre, …).",
    )
    topics: list[str] = Field(
        default_factory=list,
        description=(
            "What the thread was about, one line per finding, newest last (samples analysed, "
            "searches and what they found, mix verdicts, era questions); the oldest go first."
        ),
    )


class ShownList(BaseModel):
    """A hit list an earlier turn showed and the search that found it: what "back to the
    list", "those three dusty loops" or "the C minor one" point at once a later turn has
    shown another list (kept as the hits' small rows, never their analyses)."""

    hits: list[CatalogHit] = Field(default_factory=list)
    request: ParsedRequest | None = None


# Every pydantic type the graph keeps in its state: checkpointers deserialise exactly
# these (plus LangChain/LangGraph's own safe types) — see persistence.checkpointer.
CHECKPOINT_TYPES: tuple[type[BaseModel], ...] = (
    ParsedRequest,
    RequestReading,
    ListedRef,
    RoutePlan,
    Analysis,
    CatalogHit,
    ShownList,
    SampleTags,
    CompatibilityReport,
    KeyCompatibility,
    TempoCompatibility,
    EraBrief,
    EraFact,
    GroupStat,
    ConversationMemory,
    Constraint,
)
