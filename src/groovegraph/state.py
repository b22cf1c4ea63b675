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
