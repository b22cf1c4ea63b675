"""Walking a library folder and reading tags from names, embedded metadata and a CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from groovegraph.state import SampleTags
from groovegraph.tools.errors import InvalidQueryError, PathNotAllowedError
from groovegraph.tools.library import (
    embedded_tags,
    extract_tags,
    merge_tags,
    name_tags,
    read_tags_csv,
    walk_audio,
)


@pytest.mark.parametrize(
    ("relative", "genre", "era", "bpm", "key"),
    [
        ("Funk/70s/break_96bpm_Am.wav", "funk", "70s", 96.0, "A minor"),
        ("Drum & Bass/1990s/amen_174 BPM_F#m.wav", "drum and bass", "90s", 174.0, "F# minor"),
        ("House/00s/loop_124bpm_8A.wav", "house", "00s", 124.0, "A minor"),
        ("Soul/60s/rhodes_A_minor_88bpm.flac", "soul", "60s", 88.0, "A minor"),
        ("MyPack/Eb-min 120bpm.wav", "mypack", None, 120.0, "Eb minor"),
        ("loose/kick.wav", "loose", None, None, None),
    ],
)
def test_tags_from_names(
    relative: str, genre: str, era: str | None, bpm: float | None, key: str | None
) -> None:
    tags = name_tags(relative)
    assert (tags.genre, tags.era, tags.bpm_hint, tags.key_hint) == (genre, era, bpm, key)


def test_instrument_and_vibe_words() -> None:
    tags = name_tags("Jazz/50s/dusty_rhodes_loop.wav")
    assert (tags.instrument, tags.vibe) == ("keys", "dusty")
    assert name_tags("x/break_90bpm.wav").instrument == "drums"


def _wav(path: Path, seconds: float = 0.2) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.zeros(int(22050 * seconds), dtype=np.float32), 22050)
    return path


def test_walk_finds_audio_skips_hidden_other_files_and_outside_links(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    _wav(root / "Funk" / "70s" / "a.wav")
    _wav(root / "Funk" / "70s" / "B.WAV")
    _wav(root / ".hidden" / "c.wav")
    (root / "notes.txt").write_text("x")
    outside = _wav(tmp_path / "elsewhere" / "out.wav")
    (root / "link_out.wav").symlink_to(outside)
    (root / "dir_out").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "link_in.wav").symlink_to(root / "Funk" / "70s" / "a.wav")
    found = {f.relative for f in walk_audio(root)}
    assert found == {"Funk/70s/a.wav", "Funk/70s/B.WAV", "link_in.wav"}
    sizes = {f.relative: f.size_bytes for f in walk_audio(root)}
    assert sizes["Funk/70s/a.wav"] == (root / "Funk" / "70s" / "a.wav").stat().st_size
    with pytest.raises(PathNotAllowedError):
        list(walk_audio(root / "Funk" / "70s" / "a.wav"))


def test_embedded_metadata_wav_id3_and_flac(tmp_path: Path) -> None:
    from mutagen.flac import FLAC
    from mutagen.id3 import TCON, TDRC
    from mutagen.wave import WAVE

    wav = _wav(tmp_path / "x.wav")
    w = WAVE(wav)
    w.add_tags()
    w.tags.add(TCON(encoding=3, text="Drum & Bass"))
    w.tags.add(TDRC(encoding=3, text="1994"))
    w.save()
    assert embedded_tags(wav) == SampleTags(genre="drum and bass", era="90s")
    flac = tmp_path / "y.flac"
    sf.write(flac, np.zeros(2205, dtype=np.float32), 22050)
    f = FLAC(flac)
    f["genre"] = "Soul"
    f["date"] = "1968-02-01"
    f.save()
    assert embedded_tags(flac) == SampleTags(genre="soul", era="60s")
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not audio")
    assert embedded_tags(junk) == SampleTags()


def test_csv_overrides_names_and_metadata(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    a = _wav(root / "Funk" / "70s" / "break_96bpm_Am.wav")
    csv_path = tmp_path / "tags.csv"
    csv_path.write_text(
        "path,genre,era,vibe,instrument,source\n"
        "Funk/70s/break_96bpm_Am.wav,Soul,1969,Warm,Drums,Crate 12\n"
        "../escape.wav,rock,80s,,,\n",
        encoding="utf-8",
    )
    table = read_tags_csv(csv_path, root=root)
    assert list(table) == [a.resolve()]
    (file,) = list(walk_audio(root))
    tags = extract_tags(file, csv_tags=table)
    assert (tags.genre, tags.era, tags.vibe, tags.instrument, tags.source) == (
        "soul",
        "60s",
        "warm",
        "drums",
        "Crate 12",
    )
    assert tags.bpm_hint == 96.0  # names still supply what the CSV does not
    with pytest.raises(PathNotAllowedError):
        read_tags_csv("http://example.com/tags.csv", root=root)
    bad = tmp_path / "bad.csv"
    bad.write_text("file,genre\nx.wav,funk\n")
    with pytest.raises(InvalidQueryError, match="path"):
        read_tags_csv(bad, root=root)


def test_merge_tags_later_layers_win_field_by_field() -> None:
    merged = merge_tags(
        SampleTags(genre="funk", era="70s"), SampleTags(genre="soul"), SampleTags(vibe="warm")
    )
    assert merged == SampleTags(genre="soul", era="70s", vibe="warm")
