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


# --------------------------------------------------------------------------- per owner


@pytest.fixture
def owners(tmp_path: Path) -> tuple[object, Path, Path, Path]:
    """Settings with a library root, and one upload each for alice and bob."""
    from groovegraph.settings import Settings

    lib = tmp_path / "music"
    (lib / "Funk").mkdir(parents=True)
    (lib / "Funk" / "break.wav").write_bytes(b"RIFF")
    settings = Settings(data_dir=tmp_path / "data", library_roots=[lib])
    settings.ensure_dirs()
    digest = "1a" + "0" * 62
    uploads = []
    for owner in ("alice", "bob"):
        path = settings.owner_uploads_dir(owner) / digest[:2] / f"{digest}.wav"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"RIFF")
        uploads.append(path.resolve())
    return settings, lib.resolve(), uploads[0], uploads[1]


def test_an_owner_opens_the_library_and_their_own_uploads_only(owners: tuple) -> None:
    from groovegraph.tools.paths import OwnerPaths

    settings, lib, alice_file, bob_file = owners
    alice = OwnerPaths.for_owner(settings, "alice")
    assert alice.resolve("Funk/break.wav") == lib / "Funk" / "break.wav"
    assert alice.resolve(str(alice_file)) == alice_file
    assert alice.resolve(f"uploads/1a/{alice_file.name}") == alice_file
    uploads = settings.uploads_dir.resolve()
    for text in (
        str(bob_file),  # absolute
        os.path.relpath(bob_file, settings.data_dir / "library"),  # ../uploads/<bob>/…
        os.path.relpath(bob_file, lib),  # from the first library folder
        f"uploads/../{bob_file.parent.parent.name}/1a/{bob_file.name}",
        str(uploads / "1a" / bob_file.name),  # the old flat layout
    ):
        with pytest.raises(PathNotAllowedError):
            alice.resolve(text)
    # A library folder that contains the data dir still does not open bob's uploads.
    wide = OwnerPaths.for_owner(
        settings.model_copy(update={"library_roots": [settings.data_dir.parent]}), "alice"
    )
    with pytest.raises(PathNotAllowedError):
        wide.resolve(str(bob_file))
    assert wide.resolve(str(alice_file)) == alice_file


def test_files_are_shown_library_relative_never_by_server_path(owners: tuple) -> None:
    from groovegraph.tools.paths import OwnerPaths

    settings, lib, alice_file, _ = owners
    alice = OwnerPaths.for_owner(settings, "alice")
    assert alice.name(str(lib / "Funk" / "break.wav")) == "Funk/break.wav"
    shown = alice.name(str(alice_file))
    assert shown == f"uploads/1a/{alice_file.name}"
    assert alice.resolve(shown) == alice_file  # the shown name opens the file again
    demo = settings.demo_dir.resolve() / "a.wav"
    assert alice.name(str(demo)) == "demo/a.wav"
    assert alice.name("/elsewhere/x.wav") == "x.wav"
    text = f"could not analyse {lib}/Funk/break.wav: bad header; also {alice_file}"
    data = alice.scrub({"file": str(alice_file), "lines": [text], "n": 3})
    assert data["file"] == shown
    assert data["lines"] == [f"could not analyse Funk/break.wav: bad header; also {shown}"]
    assert data["n"] == 3
    assert str(settings.data_dir) not in repr(data)
    assert str(lib) not in repr(data)


def test_an_owners_folders_are_resolved_once_for_a_few_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every tool call of a turn asks for the owner's folders: they are resolved once and
    reused, and a repointed symlinked library root is followed once they expire."""
    from groovegraph.settings import Settings
    from groovegraph.tools import paths as paths_mod
    from groovegraph.tools.paths import OwnerPaths

    (tmp_path / "crates-a").mkdir()
    (tmp_path / "crates-b").mkdir()
    root = tmp_path / "crates"
    root.symlink_to(tmp_path / "crates-a")
    settings = Settings(data_dir=tmp_path / "data", library_roots=[root])
    clock = [1000.0]
    monkeypatch.setattr(paths_mod.time, "monotonic", lambda: clock[0])
    resolves: list[Path] = []
    real_resolve = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        resolves.append(self)
        return real_resolve(self, strict=strict)

    monkeypatch.setattr(Path, "resolve", counting)
    first = OwnerPaths.for_owner(settings, "carol")
    assert first.library[0] == (tmp_path / "crates-a").resolve()
    made = len(resolves)
    assert OwnerPaths.for_owner(settings, "carol") is first
    assert len(resolves) == made  # nothing resolved again
    assert OwnerPaths.for_owner(settings, "dave").own_uploads != first.own_uploads
    root.unlink()
    root.symlink_to(tmp_path / "crates-b")
    clock[0] += paths_mod.RESOLVED_TTL_S + 0.1
    assert OwnerPaths.for_owner(settings, "carol").library[0] == (tmp_path / "crates-b").resolve()
