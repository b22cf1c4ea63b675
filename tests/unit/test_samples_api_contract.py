"""``/v1/samples`` answers that say what the caller sent and what is stored: a repeated
upload names the stored sample, a body without the file field names the fields it had,
and a bad filter names the query parameter. Run against the real app (TestClient)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
import soundfile as sf
from fastapi.testclient import TestClient

from groovegraph.settings import Settings


def _tone_wav(seconds: float = 2.0, sr: int = 22050) -> bytes:
    t = np.arange(int(sr * seconds)) / sr
    y = 0.4 * np.sin(2 * np.pi * 98.0 * t) * np.exp(-2.5 * t)
    buf = io.BytesIO()
    sf.write(buf, y, sr, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    from groovegraph.server.app import create_app

    with TestClient(create_app(settings, build_demo=False, warm_up=False)) as c:
        yield c


def _error(r: object, status: int) -> str:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    return str(r.json()["error"]["message"])  # type: ignore[attr-defined]


def test_a_repeated_upload_reports_the_name_the_sample_is_stored_under(
    client: TestClient,
) -> None:
    audio = _tone_wav()
    first = client.post("/v1/samples", files={"file": ("low_tom_G.wav", audio, "audio/wav")})
    assert first.status_code == 201, first.text
    assert first.json()["filename"] == "low_tom_G.wav"

    again = client.post("/v1/samples", files={"file": ("../../x/renamed.wav", audio, "audio/wav")})
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["created"] is False
    assert body["id"] == first.json()["id"]
    stored = client.get(f"/v1/samples/{body['id']}").json()
    assert body["filename"] == stored["filename"] == "low_tom_G.wav"


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b"just some words, not audio\n", "text/plain"),
        (_tone_wav(seconds=3.0), "audio/wav"),  # larger than any small form value
    ],
)
def test_a_body_without_the_file_field_names_the_fields_it_had(
    client: TestClient, payload: bytes, kind: str
) -> None:
    assert len(_tone_wav(seconds=3.0)) > 100_000
    r = client.post("/v1/samples", files={"upload_here": ("thing.bin", payload, kind)})
    message = _error(r, 422)
    assert r.json()["error"]["code"] == "bad_upload"
    assert "no 'file' field" in message
    assert "'upload_here'" in message
    assert "too large" not in message


def test_every_field_received_is_named(client: TestClient) -> None:
    r = client.post(
        "/v1/samples",
        data={"title": "my loop"},
        files={"audio": ("loop.wav", _tone_wav(), "audio/wav")},
    )
    message = _error(r, 422)
    assert "'title'" in message
    assert "'audio'" in message
    assert "named 'file'" in message


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"bpm": "0"}, "bpm"),
        ({"bpm": "40-900"}, "bpm"),
        ({"swing": "150"}, "swing"),
        ({"root": "H#"}, "root"),
        ({"meter": "5/4"}, "meter"),
    ],
)
def test_a_refused_filter_is_named_by_the_query_parameter(
    client: TestClient, params: dict[str, str], named: str
) -> None:
    message = _error(client.get("/v1/samples", params=params), 422)
    assert message.startswith(f"{named}: "), message
    for internal in ("bpm_min", "bpm_max", "target_bpm", "swing_min", "target_swing", "root_note"):
        assert internal not in message
    # One problem with one parameter is said once, not once per internal field.
    assert message.count(f"{named}:") == len(set(message.split("; ")))


def test_an_unknown_genre_is_refused_with_the_known_ones(settings: Settings) -> None:
    from groovegraph.persistence.catalog_store import CatalogStore
    from groovegraph.server.app import create_app
    from groovegraph.tools import catalog as cat
    from tests.catalogs import catalog_row

    # A genre only this library uses: known because a sample is tagged with it.
    row = catalog_row(
        id="00aa00aa00aa00aa",
        path="/lib/kompa_groove.wav",
        sha256=f"{7:064x}",
        genre="Kompa",
        era="80s",
        tempo_bpm=112.0,
        key="C major",
        kind="loop",
        status="ok",
        size_bytes=1000,
        mtime=0.0,
    )
    with CatalogStore.open(settings) as store:
        store.upsert([cat.record_from_row(row)])
    with TestClient(create_app(settings, build_demo=False, warm_up=False)) as client:
        message = _error(client.get("/v1/samples", params={"genre": "qwxzv"}), 422)
        assert message.startswith("genre: 'qwxzv'")
        assert "known genres:" in message
        assert "kompa" in message  # from the catalog
        assert "house" in message  # from the vocabulary
        tagged = client.get("/v1/samples", params={"genre": "kompa"})
        assert tagged.status_code == 200, tagged.text
        assert [h["sample_id"] for h in tagged.json()["hits"]] == ["00aa00aa00aa00aa"]
        # In the vocabulary (any spelling) but not in this catalog: an empty list.
        for spelling in ("hip-hop", "Drum & Bass", "dnb"):
            empty = client.get("/v1/samples", params={"genre": spelling})
            assert empty.status_code == 200, (spelling, empty.text)
            assert empty.json()["hits"] == []
