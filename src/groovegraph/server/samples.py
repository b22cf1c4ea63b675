"""``/v1/samples``: upload audio (analysed and added to the owner's catalog), search, read."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from groovegraph.server.auth import Owner
from groovegraph.server.errors import ERROR_RESPONSES
from groovegraph.server.state import get_app_state
from groovegraph.server.uploads import receive_file
from groovegraph.state import CatalogHit, CatalogQuery, SampleRecord
from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError
from groovegraph.tools.paths import OwnerPaths

router = APIRouter(prefix="/v1/samples", tags=["samples"], responses=ERROR_RESPONSES)

_EXTENSIONS = {
    "WAV": ".wav",
    "FLAC": ".flac",
    "OGG": ".ogg",
    "MP3": ".mp3",
    "AIFF": ".aiff",
    "RF64": ".wav",
    "W64": ".w64",
}


class SampleOut(BaseModel):
    """An uploaded or catalogued sample with its analysis."""

    id: str
    owner: str | None = None
    filename: str | None = Field(
        default=None,
        description="The stored sample's name (an upload's first name), as GET /v1/samples/{id} says.",
    )
    sha256: str
    size_bytes: int
    analysis: dict[str, Any] | None = None
    tags: dict[str, Any] = Field(default_factory=dict)
    status: str = "ok"
    created: bool = Field(
        default=True, description="False when the same bytes were already uploaded."
    )


class SampleSearchOut(BaseModel):
    hits: list[CatalogHit]
    note: str | None = Field(
        default=None,
        description=(
            "Set while the demo library is still being built or indexed after start-up: "
            "the hits cover only what is indexed so far (progress in /healthz)."
        ),
    )


def _sample_out(record: SampleRecord, paths: OwnerPaths, *, created: bool = True) -> SampleOut:
    """The response body; files are named as ``paths``' owner sees them, never by
    server path: an upload by the name it was first sent with (stored under its hash)."""
    from groovegraph.tools.paths import shown_name

    return SampleOut(
        id=record.id,
        owner=record.owner,
        filename=shown_name(record.path, record.tags.source),
        sha256=record.sha256,
        size_bytes=record.size_bytes,
        analysis=paths.scrub(record.analysis.model_dump(mode="json")) if record.analysis else None,
        tags=paths.scrub(record.tags.model_dump(mode="json")),
        status=record.status,
        created=created,
    )


def _store(tmp: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)


@router.post(
    "",
    status_code=201,
    response_model=SampleOut,
    summary="Upload an audio file (multipart field 'file'); returns its id and analysis",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
    responses={
        413: {
            "description": "File larger than GROOVEGRAPH_MAX_UPLOAD_BYTES or longer than MAX_DURATION_S."
        },
        415: {"description": "Not audio in WAV, FLAC, OGG, AIFF or MP3."},
        **ERROR_RESPONSES,
    },
)
async def upload_sample(request: Request, owner: Owner) -> JSONResponse:
    from groovegraph.server import wiring

    state = get_app_state(request)
    settings = state.settings
    paths = OwnerPaths.for_owner(settings, owner)
    received = await receive_file(
        request,
        field="file",
        tmp_dir=settings.uploads_dir / ".incoming",
        max_bytes=settings.max_upload_bytes,
    )
    try:
        info = await state.in_executor(wiring.probe_upload, received.path, settings=settings)
        ext = _EXTENSIONS.get(str(info.format).upper(), ".audio")
        # Each owner's uploads in a folder of their own, which only their tools may
        # open (another owner naming the path gets path_not_allowed).
        final = paths.own_uploads / received.sha256[:2] / f"{received.sha256}{ext}"
        existed = await asyncio.to_thread(final.exists)
        # Content-addressed per owner: the same bytes uploaded twice are stored once.
        await asyncio.to_thread(_store, received.path, final)
    finally:
        with contextlib.suppress(OSError):
            received.path.unlink()
    try:
        record, created = await wiring.register_upload(
            state,
            path=final,
            owner=owner,
            sha256=received.sha256,
            size_bytes=received.size_bytes,
            filename=received.filename,
        )
    except GrooveGraphError as err:
        # Refused (corrupt or undecodable audio): nothing refers to the file, so it does
        # not stay on disk. A file that was there before belongs to an earlier upload.
        if err.http_status < 500 and not existed:
            with contextlib.suppress(OSError):
                await asyncio.to_thread(final.unlink)
        raise
    if record.path != str(final) and not existed:
        # The bytes resolved to a sample stored elsewhere (the shared library): this
        # copy is referred to by nothing.
        with contextlib.suppress(OSError):
            await asyncio.to_thread(final.unlink)
    # The name is the stored entry's (what GET /v1/samples/{id} says): for bytes that
    # were already there, the name this upload was sent with is not what is stored.
    body = _sample_out(record, paths, created=created)
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if created else 200)


@router.get(
    "", response_model=SampleSearchOut, summary="Search your samples and the shared library"
)
async def search_samples(
    request: Request,
    owner: Owner,
    bpm: str | None = Query(
        None, description="LO-HI or one BPM (±4 %), e.g. 90-100 or 124; half/double time match"
    ),
    key: str | None = Query(None, description="e.g. 'A minor', 'F#m', '8A'"),
    compatible_with: str | None = Query(None, description="Key whose harmonic neighbours match"),
    swing: str | None = Query(
        None, description="LO-HI swing percent or one value (±3 points), e.g. 54-62 or 58"
    ),
    genre: str | None = Query(
        None,
        description=(
            "e.g. 'funk', 'hip-hop'; a genre neither in the vocabulary nor on any of your "
            "samples is 422 (the message lists the known genres)"
        ),
    ),
    era: str | None = Query(None, description="e.g. '70s'"),
    kind: Literal["loop", "one_shot"] | None = Query(None, description="loops or one-shots"),
    instrument: str | None = Query(None, description="kick, snare, hat, bass, drums, …"),
    root: str | None = Query(None, description="root note of one-shots: 'F', 'F#1', 'Bb'"),
    meter: str | None = Query(
        None,
        description=(
            "time signature: '3/4' (or 'waltz'), '4/4', '6/8', '12/8', '9/8', or beats per "
            "bar ('3'); a compound meter (6/8, 9/8, 12/8) also asks for a triplet swing "
            "unless swing is given"
        ),
    ),
    limit: int = Query(10, ge=1, le=200),
) -> SampleSearchOut:
    from groovegraph.tools.catalog import (
        BPM_TOLERANCE,
        QUERY_PARAMETERS,
        SWING_TOLERANCE,
        check_genre,
        meter_search,
        parse_filter_span,
        search,
    )

    state = get_app_state(request)
    spans: dict[str, float] = {}
    if bpm and bpm.strip():
        spans["bpm_min"], spans["bpm_max"], spans["target_bpm"] = parse_filter_span(
            bpm, what="bpm", tolerance=BPM_TOLERANCE, relative=True
        )
    if swing and swing.strip():
        spans["swing_min"], spans["swing_max"], spans["target_swing"] = parse_filter_span(
            swing, what="swing", tolerance=SWING_TOLERANCE, relative=False
        )
    beats: int | None = None
    if meter and meter.strip():
        beats, triplet, _ = meter_search(meter, swing_given="swing_min" in spans)
        if triplet is not None:
            spans["swing_min"], spans["swing_max"] = triplet
    try:
        query = CatalogQuery(
            **spans,
            meter=beats,
            key=key,
            compatible_with=compatible_with,
            genre=genre,
            era=era,
            kind=kind,
            instrument=instrument,
            root_note=root,
            limit=limit,
        )
    except ValueError as err:
        raise InvalidQueryError.from_validation(err, QUERY_PARAMETERS) from err

    def run() -> list[CatalogHit]:
        frame = state.catalog.frame(owner)
        check_genre(frame, genre)
        return search(frame, query)

    hits = await asyncio.to_thread(run)
    paths = OwnerPaths.for_owner(state.settings, owner)
    return SampleSearchOut(
        hits=[h.model_copy(update={"path": paths.name(h.path)}) for h in hits],
        note=None if state.library is None else state.library.note(),
    )


@router.get("/{sample_id}", response_model=SampleOut, summary="One sample with its analysis")
async def get_sample(sample_id: str, request: Request, owner: Owner) -> SampleOut:
    state = get_app_state(request)
    record = await asyncio.to_thread(state.catalog.get, sample_id, owner)
    return _sample_out(record, OwnerPaths.for_owner(state.settings, owner), created=False)
