"""Pictures and sound of a sample: plots, the sample with a click on its beats, mix previews.

* ``GET /v1/samples/{id}/plot?kind=grid|pocket|swing|key&format=svg|png``
* ``GET /v1/samples/{id}/audio`` (the file as stored) and ``?click=true`` (a WAV of the
  first ``PREVIEW_MAX_S`` seconds with a click on every detected beat, accented on bar
  starts)

Previews keep the sample's rate (at most 48 kHz) and its channels (mono or stereo; more
are mixed to mono); a mix preview is at A's rate.
* ``POST /v1/mix-preview`` ``{"a": id, "b": id, "seconds": 20}``: B time-stretched to A's
  tempo (and pitch-shifted when the keys clash), layered on A from its first bar, as WAV

Every route is owner-checked like ``GET /v1/samples/{id}`` (someone else's id or an
unknown one is a 404). Renders run in the audio executor and are cached under
``DATA_DIR/cache/media`` by a hash of the audio's content, the analysis and the request,
so a second request is a file read (with an ``ETag``; ``If-None-Match`` gets a 304).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from groovegraph.server.auth import Owner
from groovegraph.server.errors import ERROR_RESPONSES
from groovegraph.server.state import AppState, get_app_state
from groovegraph.state import PlotRef, SampleRecord
from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError

router = APIRouter(prefix="/v1", tags=["media"], responses=ERROR_RESPONSES)

_MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "wav": "audio/wav"}
_AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".aiff": "audio/aiff",
    ".aif": "audio/aiff",
}


class NotAnalysedError(GrooveGraphError):
    code = "not_analysed"
    http_status = 422


def _cache_path(state: AppState, key: str, ext: str) -> Path:
    return state.settings.data_dir / "cache" / "media" / key[:2] / f"{key}.{ext}"


def _cache_key(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _display_name(record: SampleRecord) -> str:
    from groovegraph.tools.paths import shown_name

    return shown_name(record.path, record.tags.source)


async def _record(state: AppState, sample_id: str, owner: str) -> SampleRecord:
    record: SampleRecord = await asyncio.to_thread(state.catalog.get, sample_id, owner)
    if record.analysis is None:
        raise NotAnalysedError(f"sample {sample_id} has no analysis ({record.status})")
    return record


def _cached_response(request: Request, path: Path, key: str, ext: str) -> Response:
    etag = f'"{key[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=_MEDIA_TYPES[ext], headers=headers)


async def _ensure_cached(state: AppState, key: str, ext: str, render: Any, *args: Any) -> Path:
    """The cache file of ``key``, made by ``render(*args)`` in the executor if missing."""
    path = _cache_path(state, key, ext)
    if not await asyncio.to_thread(path.exists):
        data = await state.in_executor(render, *args)
        await asyncio.to_thread(_write_atomic, path, data)
    return path


async def _cached(
    request: Request, state: AppState, key: str, ext: str, render: Any, *args: Any
) -> Response:
    path = await _ensure_cached(state, key, ext, render, *args)
    return _cached_response(request, path, key, ext)


def _decode(
    path: str, state: AppState, *, max_s: float, sr: int = 22050, keep_channels: int = 1
) -> Any:
    from groovegraph.tools.decode import load_audio
    from groovegraph.tools.remote import fetched, is_url

    s = state.settings
    if is_url(path):  # a library indexed from object storage: a temporary local copy
        with fetched(path, max_bytes=s.max_file_bytes) as local:
            return _decode(local, state, max_s=max_s, sr=sr, keep_channels=keep_channels)
    return load_audio(
        path,
        sr=sr,
        max_s=max_s,
        max_file_bytes=s.max_file_bytes,
        max_duration_s=s.max_duration_s,
        keep_channels=keep_channels,
    ).y


def plot_url(sample_id: str, kind: str, fmt: str = "svg") -> str:
    """The path of a plot route (relative to the server's root)."""
    return f"/v1/samples/{sample_id}/plot?kind={kind}&format={fmt}"


def _plot_sample(state: AppState, owner: str, ref: PlotRef) -> SampleRecord | None:
    """The sample a plot reference names, as ``owner`` sees it: the tools'
    reference when it is a sample id, else the id its content hash has in the shared
    library or among the owner's uploads; None when it is in neither (a library file
    the catalog has not indexed)."""
    from groovegraph.persistence.catalog_rows import sample_id_for

    candidates = [] if "/" in ref.sample or "." in ref.sample else [ref.sample]
    candidates += [sample_id_for(ref.sha256), sample_id_for(ref.sha256, owner)]
    for candidate in dict.fromkeys(candidates):
        try:
            record: SampleRecord = state.catalog.get(candidate, owner)
        except GrooveGraphError:
            continue
        if record.sha256 == ref.sha256 and record.analysis is not None:
            return record
    return None


async def plot_links(state: AppState, owner: str, refs: list[Any]) -> list[dict[str, Any]]:
    """Plot references of a message (:class:`~groovegraph.state.PlotRef` dumps) as links
    the owner can open: ``{"sample_id", "kind", "label", "url"}``, ``url`` the SVG route,
    ``label`` the file name the owner knows (an upload's own name). References to samples
    the owner cannot see are left out."""

    return [link for link, _ in await _resolve_plots(state, owner, refs)]


async def _resolve_plots(
    state: AppState, owner: str, refs: list[Any]
) -> list[tuple[dict[str, Any], SampleRecord]]:
    def resolve() -> list[tuple[dict[str, Any], SampleRecord]]:
        out: list[tuple[dict[str, Any], SampleRecord]] = []
        for raw in refs:
            ref = PlotRef.model_validate(raw)
            record = _plot_sample(state, owner, ref)
            if record is not None:
                link = {
                    "sample_id": record.id,
                    "kind": ref.kind,
                    "label": _display_name(record),
                    "url": plot_url(record.id, ref.kind),
                }
                out.append((link, record))
        return out

    return await asyncio.to_thread(resolve) if refs else []


async def plot_images(state: AppState, owner: str, refs: list[Any]) -> list[dict[str, Any]]:
    """Plot references as image content blocks (base64 PNG), the form Agent Chat UI and
    Studio draw inline and that needs no second, authenticated request. The block is
    LangChain's standard image block with the keys both the Python and the JS message
    formats read (``mime_type``/``mimeType``); ``metadata`` names the plot and its URL."""
    import base64

    blocks: list[dict[str, Any]] = []
    for link, record in await _resolve_plots(state, owner, refs):
        _, path = await _plot_file(state, record, link["kind"], "png")
        data = base64.b64encode(await asyncio.to_thread(path.read_bytes)).decode("ascii")
        blocks.append(
            {
                "type": "image",
                "source_type": "base64",
                "mime_type": "image/png",
                "mimeType": "image/png",
                "data": data,
                "metadata": {"name": f"{link['kind']} plot of {link['label']}", **link},
            }
        )
    return blocks


#: Values that hold no message (so no plot): returned as they are.
_LEAF = (str, int, float, type(None))


async def with_plot_images(
    state: AppState, owner: str, value: Any, memo: dict[str, list[dict[str, Any]]]
) -> Any:
    """``value`` (graph output: messages, or dicts, lists and tuples holding them) with
    each AI message that shows plots copied with them as image blocks after its text.
    The thread's checkpoint keeps the references, never the pictures. ``memo`` keeps the
    blocks made so far (one run streams the same messages in many events)."""
    from langchain_core.messages import AIMessage

    if isinstance(value, AIMessage) and value.additional_kwargs.get("plots"):
        refs = list(value.additional_kwargs["plots"])
        key = json.dumps(refs, sort_keys=True)
        try:
            if key not in memo:
                memo[key] = await plot_images(state, owner, refs)
            blocks = memo[key]
        except Exception:  # a picture must never cost the answer
            import structlog

            structlog.get_logger(__name__).warning("plot_images_failed", exc_info=True)
            return value
        if not blocks:
            return value
        content = value.content
        text: list[Any] = (
            [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
        )
        return value.model_copy(update={"content": [*text, *blocks]})
    # numbers and text (beat times, tags) need no look: no coroutine per element
    if isinstance(value, dict):
        return {
            k: v if isinstance(v, _LEAF) else await with_plot_images(state, owner, v, memo)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        items = [
            v if isinstance(v, _LEAF) else await with_plot_images(state, owner, v, memo)
            for v in value
        ]
        return items if isinstance(value, list) else tuple(items)
    return value


class _PlotAudioMemo:
    """The plot audio (:class:`~groovegraph.tools.plots.PlotAudio`) of the last few
    samples plotted, by content: the page asks for a sample's grid, pocket and swing at
    once, and they share one decode and one onset search. A sample asked for by two
    renders at once is measured by the first; the second waits for it."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str], list[Any]] = OrderedDict()

    def get(self, record: SampleRecord, state: AppState) -> Any:
        from groovegraph.tools.plots import PlotAudio

        key = (record.sha256, record.path)
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                entry = self._items[key] = [threading.Lock(), None]
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
            self._items.move_to_end(key)
        with entry[0]:
            if entry[1] is None:
                assert record.analysis is not None
                y = _decode(record.path, state, max_s=state.settings.analysis_max_s)
                entry[1] = PlotAudio.measure(y, 22050, beats=bool(record.analysis.beats_s))
            return entry[1]


_plot_audio = _PlotAudioMemo()


def _render_plot(kind: str, fmt: str, record: SampleRecord, state: AppState, title: str) -> bytes:
    from groovegraph.tools import plots

    assert record.analysis is not None
    audio = _plot_audio.get(record, state) if plots.needs_audio(kind) else None
    return plots.render(kind, record.analysis, fmt=fmt, audio=audio, title=title)


@router.get(
    "/samples/{sample_id}/plot",
    summary="A plot of the sample's analysis (grid, pocket, swing or key) as SVG or PNG",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}},
)
async def sample_plot(
    sample_id: str,
    request: Request,
    owner: Owner,
    kind: Literal["grid", "pocket", "swing", "key"] = Query(
        "grid",
        description="grid: waveform + beats; pocket: per-hit timing; swing: per beat pair; key: Camelot wheel",
    ),
    format: Literal["svg", "png"] = Query("svg"),
) -> Response:
    state = get_app_state(request)
    record = await _record(state, sample_id, owner)
    key, path = await _plot_file(state, record, kind, format)
    return _cached_response(request, path, key, format)


async def _plot_file(
    state: AppState, record: SampleRecord, kind: str, fmt: str
) -> tuple[str, Path]:
    """A plot of ``record`` in the media cache (rendered first when it is not there):
    its cache key and file."""
    from groovegraph.tools.plots import PLOT_VERSION

    assert record.analysis is not None
    title = _display_name(record)
    key = _cache_key(
        "plot",
        PLOT_VERSION,
        kind,
        fmt,
        record.sha256,
        title,
        record.analysis.model_dump(mode="json", exclude={"file"}),
    )
    path = await _ensure_cached(state, key, fmt, _render_plot, kind, fmt, record, state, title)
    return key, path


#: Previews keep the source's rate up to this (Hz) and its channels up to stereo: a
#: 60 s preview is at most 11.5 MB of 16-bit WAV.
PREVIEW_MAX_RATE = 48000
PREVIEW_MAX_CHANNELS = 2


def preview_rate(record: SampleRecord) -> int:
    """The rate a preview of ``record`` is rendered at: the file's, at most 48 kHz."""
    native = record.analysis.sample_rate if record.analysis else None
    return min(int(native or 44100), PREVIEW_MAX_RATE)


def _decode_preview(record: SampleRecord, state: AppState, *, max_s: float, sr: int) -> Any:
    """``record``'s audio as heard: at ``sr``, stereo kept (more channels mixed to mono)."""
    return _decode(record.path, state, max_s=max_s, sr=sr, keep_channels=PREVIEW_MAX_CHANNELS)


def _render_click(record: SampleRecord, state: AppState, max_s: float) -> bytes:
    from groovegraph.tools.preview import click_track, wav_bytes

    assert record.analysis is not None
    sr = preview_rate(record)
    y = _decode_preview(record, state, max_s=max_s, sr=sr)
    return wav_bytes(click_track(y, sr, record.analysis), sr)


@router.get(
    "/samples/{sample_id}/audio",
    summary="The sample's audio; with click=true, a WAV with a click on every detected beat",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}, "audio/*": {}}}},
)
async def sample_audio(
    sample_id: str,
    request: Request,
    owner: Owner,
    click: bool = Query(
        False,
        description="Add a click on the beats (accented on bar starts); WAV, first PREVIEW_MAX_S s",
    ),
) -> Response:
    state = get_app_state(request)
    record = await _record(state, sample_id, owner)
    assert record.analysis is not None
    if not click:
        from groovegraph.tools.remote import is_url, read_url

        if is_url(record.path):
            data = await state.in_executor(
                read_url, record.path, max_bytes=state.settings.max_file_bytes
            )
            return Response(
                data,
                media_type=_AUDIO_TYPES.get(
                    Path(record.path).suffix.lower(), "application/octet-stream"
                ),
                headers={"Cache-Control": "private, max-age=3600"},
            )
        path = Path(record.path)
        if not await asyncio.to_thread(path.is_file):
            raise NotAnalysedError(f"the audio of sample {sample_id} is no longer on disk")
        media = _AUDIO_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return FileResponse(
            path, media_type=media, headers={"Cache-Control": "private, max-age=3600"}
        )
    if not record.analysis.beats_s:
        raise InvalidQueryError("a one-shot has no beats to click on: ask without click=true")
    max_s = state.settings.preview_max_s
    key = _cache_key(
        "click", 2, record.sha256, max_s, record.analysis.beats_s, record.analysis.downbeats_s
    )
    return await _cached(request, state, key, "wav", _render_click, record, state, max_s)


class MixPreviewIn(BaseModel):
    """Two of your samples: B is matched to A."""

    a: str = Field(description="Sample id of A (the reference: its tempo and key stay).")
    b: str = Field(
        description="Sample id of B (stretched to A's tempo, shifted if the keys clash)."
    )
    seconds: float = Field(
        default=20.0, gt=0, description="Length of the preview in seconds (at most PREVIEW_MAX_S)."
    )


def _render_mix(a: SampleRecord, b: SampleRecord, state: AppState, seconds: float) -> bytes:
    from groovegraph.tools.preview import mix_plan, render_mix, wav_bytes

    assert a.analysis is not None
    assert b.analysis is not None
    plan = mix_plan(a.analysis, b.analysis)
    sr = preview_rate(a)  # B is heard at A's rate
    ya = _decode_preview(a, state, max_s=seconds + 5, sr=sr)
    yb = _decode_preview(
        b, state, max_s=min(state.settings.analysis_max_s, seconds * 2.2 + 5), sr=sr
    )
    y = render_mix(ya, yb, sr, a.analysis, b.analysis, plan, seconds=seconds)
    return wav_bytes(y, sr)


@router.post(
    "/mix-preview",
    summary="Hear whether two samples mix: B matched to A's tempo (and key) and layered on A",
    response_class=Response,
    responses={
        200: {"content": {"audio/wav": {}}},
        413: {"description": "Request body too large."},
        422: {"description": "Too long a preview, or samples without a tempo."},
    },
)
async def mix_preview(body: MixPreviewIn, request: Request, owner: Owner) -> Response:
    from groovegraph.tools.preview import mix_plan

    state = get_app_state(request)
    limit = state.settings.preview_max_s
    if body.seconds > limit:
        raise InvalidQueryError(f"a mix preview is at most {limit:g} seconds, not {body.seconds:g}")
    a = await _record(state, body.a, owner)
    b = await _record(state, body.b, owner)
    assert a.analysis is not None
    assert b.analysis is not None
    plan = mix_plan(a.analysis, b.analysis)  # 422 for one-shots, before any rendering
    key = _cache_key(
        "mix",
        2,
        a.sha256,
        b.sha256,
        round(body.seconds, 3),
        a.analysis.model_dump(mode="json", exclude={"file"}),
        b.analysis.model_dump(mode="json", exclude={"file"}),
    )
    response = await _cached(request, state, key, "wav", _render_mix, a, b, state, body.seconds)
    response.headers["X-Mix-Plan"] = json.dumps(plan.as_json(), separators=(",", ":"))
    return response
