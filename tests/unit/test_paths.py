"""The library path gate: URLs, NUL bytes and escapes are refused; real files resolve."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from groovegraph.tools.errors import PathNotAllowedError
from groovegraph.tools.paths import resolve_library_path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    (root / "Funk" / "70s").mkdir(parents=True)
    (root / "Funk" / "70s" / "break.wav").write_bytes(b"RIFF")
    (tmp_path / "secret.txt").write_text("outside")
    return root


def test_relative_and_absolute_paths_inside_the_root_resolve(library: Path) -> None:
    want = (library / "Funk" / "70s" / "break.wav").resolve()
    assert resolve_library_path("Funk/70s/break.wav", roots=[library]) == want
    assert resolve_library_path(str(want), roots=[library]) == want
    # ".." that stays inside the root is fine
    assert resolve_library_path("Funk/70s/../70s/break.wav", roots=[library]) == want


@pytest.mark.parametrize(
    "text",
    [
        "http://example.com/break.wav",
        "https://example.com/break.wav",
        "s3://bucket/break.wav",
        "file:///etc/passwd",
        "file:break.wav",
        "ftp://host/x.wav",
        "gs://bucket/x.wav",
        "  HTTP://EXAMPLE.COM/x.wav",
    ],
)
def test_urls_are_refused(library: Path, text: str) -> None:
    with pytest.raises(PathNotAllowedError):
        resolve_library_path(text, roots=[library])


def test_nul_byte_and_empty_text_are_refused(library: Path) -> None:
    with pytest.raises(PathNotAllowedError, match="NUL"):
        resolve_library_path("Funk/70s/break.wav\x00.txt", roots=[library])
    with pytest.raises(PathNotAllowedError):
        resolve_library_path("   ", roots=[library])


@pytest.mark.parametrize(
    "text", ["../secret.txt", "Funk/../../secret.txt", "/etc/passwd", "~/x.wav"]
)
def test_escapes_from_the_root_are_refused(library: Path, text: str) -> None:
    with pytest.raises(PathNotAllowedError, match="outside"):
        resolve_library_path(text, roots=[library])


def test_symlink_pointing_out_of_the_root_is_refused(library: Path, tmp_path: Path) -> None:
    (library / "link.txt").symlink_to(tmp_path / "secret.txt")
    (library / "outdir").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(PathNotAllowedError):
        resolve_library_path("link.txt", roots=[library])
    with pytest.raises(PathNotAllowedError):
        resolve_library_path("outdir/secret.txt", roots=[library])
    # and a not-yet-existing file below an escaping link is refused too
    with pytest.raises(PathNotAllowedError):
        resolve_library_path("outdir/new.wav", roots=[library])


def test_symlink_inside_the_root_resolves_to_its_target(library: Path) -> None:
    (library / "fav.wav").symlink_to(library / "Funk" / "70s" / "break.wav")
    assert (
        resolve_library_path("fav.wav", roots=[library])
        == (library / "Funk" / "70s" / "break.wav").resolve()
    )


def test_root_that_is_itself_a_symlink_works(library: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(library, target_is_directory=True)
    got = resolve_library_path(os.fspath(alias / "Funk" / "70s" / "break.wav"), roots=[alias])
    assert got == (library / "Funk" / "70s" / "break.wav").resolve()


def test_any_of_several_roots_and_no_roots(library: Path, tmp_path: Path) -> None:
    other = tmp_path / "uploads"
    other.mkdir()
    (other / "u.wav").write_bytes(b"x")
    assert (
        resolve_library_path(str(other / "u.wav"), roots=[library, other])
        == (other / "u.wav").resolve()
    )
    with pytest.raises(PathNotAllowedError, match="no library folders"):
        resolve_library_path("x.wav", roots=[])


@pytest.mark.parametrize("text", ["x" * 300 + ".wav", "Funk/" + "a/" * 2100 + "x.wav"])
def test_names_longer_than_the_os_allows_are_a_typed_error(library: Path, text: str) -> None:
    # Not an OSError (ENAMETOOLONG) later, when a tool stats the path: that used to fail
    # a whole chat run instead of reporting one bad reference.
    with pytest.raises(PathNotAllowedError, match="too long"):
        resolve_library_path(text, roots=[library])
