"""Typed state of the graph and the pydantic models of every structured result.

``tools`` produce these models, ``graph`` keeps them in its state, ``server`` serialises
them. Field names carry their units (``_bpm``, ``_s``, ``_ms``, ``_percent``, ``_db``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Analysis(BaseModel):
    """The analysis of one audio file (the JSON contract of ``groovegraph analyze --json``)."""

    model_config = ConfigDict(frozen=False, extra="forbid")

    file: str = Field(description="Path of the analysed file as given.")
    sha256: str = Field(description="Hex SHA-256 of the file's bytes.")
    duration_s: float = Field(description="Full duration of the file in seconds.")
    sample_rate: int = Field(description="Native sample rate of the file in Hz.")
    tempo_bpm: float = Field(description="Tempo of the quarter-note beat in BPM.")
    tempo_confidence: float = Field(ge=0.0, le=1.0)
    beats_s: list[float] = Field(description="Beat times in seconds.")
    swing_percent: float = Field(description="MPC swing: 50 straight, 66.7 triplet.")
    swing_ratio: float = Field(description="Long/short = swing_percent / (100 - swing_percent).")
    timing_deviation_ms: float = Field(description="RMS distance of onsets from the swung grid.")
    backbeat_lag_ms: float = Field(description="Mean offset of beat-2/4 hits; positive = laid back.")
    key: str = Field(description="Tonic and mode, e.g. 'F# minor'.")
    camelot: str = Field(description="Camelot code, e.g. '11A'.")
    key_confidence: float = Field(ge=0.0, le=1.0)
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


class SampleRecord(BaseModel):
    """One row of the catalog: a file, its content hash, its tags and its analysis."""

    id: str = Field(description="Stable sample id (hex).")
    owner: str | None = Field(default=None, description="None = shared library (demo, indexed roots).")
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
    target_bpm: float | None = Field(default=None, gt=0, le=400)
    half_double: bool = Field(default=True, description="Also match half and double time.")
    key: str | None = None
    compatible_with: str | None = Field(default=None, description="Key whose Camelot neighbours match.")
    swing_min: float | None = Field(default=None, ge=0, le=100)
    swing_max: float | None = Field(default=None, ge=0, le=100)
    target_swing: float | None = Field(default=None, ge=0, le=100)
    genre: str | None = None
    era: str | None = None
    vibe: str | None = None
    instrument: str | None = None
    duration_min_s: float | None = Field(default=None, ge=0)
    duration_max_s: float | None = Field(default=None, ge=0)
    exclude_ids: list[str] = Field(default_factory=list)
    limit: int = Field(default=10, ge=1, le=200)


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
    duration_s: float | None = None
    tags: SampleTags = Field(default_factory=SampleTags)


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
    score: float = Field(ge=0.0, le=1.0)
    verdict: str = Field(description="great | good | workable | clash")
    reasons: list[str] = Field(default_factory=list)
