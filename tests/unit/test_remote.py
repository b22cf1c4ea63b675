"""Libraries behind fsspec URLs (``tools/remote.py``), on ``file://`` URLs: fsspec's local
filesystem goes through the same code as ``s3://`` (listing, hashing, tags, a capped local
copy for the decoder) with no network. S3 itself, across Dask workers:
``tests/integration/test_cluster_remote.py``."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from groovegraph.settings import Settings
from groovegraph.state import Analysis
from groovegraph.tools.analysis import analyze_file
from groovegraph.tools.decode import sha256_file
from groovegraph.tools.errors import AudioFileNotFoundError, FileTooLargeError, PathNotAllowedError
from groovegraph.tools.library import read_tags_csv, walk_audio
from groovegraph.tools.remote import _mtime, fetched, is_url, url_exists, url_sha256
from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("s3://bucket/prefix", True),
        ("file:///tmp/x", True),
        ("gcs+json://b/k", True),
        ("/tmp/loops/a.wav", False),
        ("loops/a.wav", False),
        ("C:\\loops\\a.wav", False),
        ("s3:/bucket", False),
    ],
)
def test_is_url(text: str, url: bool) -> None:
    assert is_url(text) is url


def test_modification_time_whatever_the_backend_calls_it() -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert _mtime({"LastModified": when}) == when.timestamp()  # S3
    assert _mtime({"mtime": 1700000000.5}) == 1700000000.5  # local, sftp
    assert _mtime({"updated": "2026-01-02T03:04:05Z"}) == when.timestamp()  # GCS
    assert math.isnan(_mtime({"size": 3}))  # none: never equal, so always re-hashed


@pytest.fixture
def library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    y, _ = synthesize_groove(GrooveSpec(tempo_bpm=100.0, duration_s=3.0, sample_rate=22050))
    write_audio(lib / "funk" / "break_100bpm.wav", y, 22050)
    write_audio(lib / "a_first.wav", y * 0.5, 22050)
    write_audio(lib / ".trash" / "old.wav", y, 22050)
    (lib / "notes.txt").write_text("not audio")
    return lib


def test_walking_a_url_lists_audio_sorted_without_hidden_entries(library: Path) -> None:
    root = library.as_uri()
    files = list(walk_audio(root))
    assert [f.relative for f in files] == ["a_first.wav", "funk/break_100bpm.wav"]
    local = library / "funk" / "break_100bpm.wav"
    assert files[1].path == f"{root}/funk/break_100bpm.wav"
    assert files[1].size_bytes == local.stat().st_size
    assert files[1].mtime == pytest.approx(local.stat().st_mtime)
    with pytest.raises(PathNotAllowedError, match="no such folder"):
        list(walk_audio(root + "/missing"))


def test_hash_exists_and_a_capped_local_copy(library: Path) -> None:
    local = library / "funk" / "break_100bpm.wav"
    url = local.as_uri()
    assert url_sha256(url) == sha256_file(local)
    assert url_exists(url)
    assert not url_exists(url + ".gone")
    with fetched(url, max_bytes=10**8) as copy:
        assert Path(copy).read_bytes() == local.read_bytes()
    assert not Path(copy).exists()  # removed on exit
    with pytest.raises(FileTooLargeError), fetched(url, max_bytes=100):
        pass
    with pytest.raises(AudioFileNotFoundError), fetched(url + ".gone", max_bytes=10**8):
        pass


def test_a_url_analyses_like_the_local_file(library: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    local = library / "funk" / "break_100bpm.wav"
    by_path = analyze_file(local, settings=settings)
    by_url = analyze_file(local.as_uri(), settings=settings)
    assert isinstance(by_url, Analysis)
    assert by_url.file == local.as_uri()
    assert by_url.model_copy(update={"file": str(local)}) == by_path
    with pytest.raises(FileTooLargeError) as err:
        analyze_file(local.as_uri(), settings=Settings(data_dir=tmp_path / "d", max_file_bytes=64))
    assert err.value.path == local.as_uri()


def test_a_tags_csv_for_a_url_library_keys_rows_by_url(tmp_path: Path) -> None:
    csv = tmp_path / "tags.csv"
    csv.write_text(
        "path,genre,era\n"
        "funk/break.wav,Funk,1973\n"
        "s3://crates/lib/soul/keys.wav,Soul,\n"
        "../escape.wav,rock,\n"
        "s3://other/lib/x.wav,rock,\n"
        "/etc/passwd,rock,\n"
    )
    tags = read_tags_csv(csv, root="s3://crates/lib/")
    assert set(tags) == {"s3://crates/lib/funk/break.wav", "s3://crates/lib/soul/keys.wav"}
    assert (
        tags["s3://crates/lib/funk/break.wav"].genre,
        tags["s3://crates/lib/funk/break.wav"].era,
    ) == (
        "funk",
        "70s",
    )
    assert tags["s3://crates/lib/soul/keys.wav"].genre == "soul"


def test_indexing_a_url_library_with_a_tags_csv(library: Path, tmp_path: Path) -> None:
    from groovegraph.persistence.catalog_store import CatalogStore

    settings = Settings(data_dir=tmp_path / "data")
    settings.ensure_dirs()
    root = library.as_uri()
    csv = tmp_path / "tags.csv"
    csv.write_text("path,vibe\na_first.wav,dusty\n")
    with CatalogStore.open(settings) as store:
        first = store.index_directory(root, settings=settings, tags_csv=csv, workers=1)
        assert (first.scanned, first.added, first.failed) == (2, 2, 0)
        rows = store.files_under(root)
        assert set(rows) == {f"{root}/a_first.wav", f"{root}/funk/break_100bpm.wav"}
        assert rows[f"{root}/a_first.wav"].tags.vibe == "dusty"
        assert rows[f"{root}/funk/break_100bpm.wav"].tags.genre == "funk"
        assert store.files_under(library) == {}  # the plain path is another library
        again = store.index_directory(root, settings=settings, workers=1)
        assert again.unchanged == 2
