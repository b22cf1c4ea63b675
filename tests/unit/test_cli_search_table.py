"""``groovegraph search``'s table stays readable in a narrow terminal: one line per hit,
no line wider than the terminal, the numbers whole and the file name recognisable."""

from __future__ import annotations

import pytest
from rich.console import Console

from groovegraph.cli import search_table
from groovegraph.state import CatalogHit, SampleTags

HITS = [
    CatalogHit(
        sample_id="a1",
        path="/lib/Funk/70s/groovy_funk_01_100bpm_A_minor_dusty_break_take3.wav",
        score=0.93,
        reason="100.0 BPM (+1%), 11A = same key, swing 56 % (target 55 %)",
        tempo_bpm=100.0,
        key="F# minor",
        camelot="11A",
        swing_percent=56.2,
        kind="loop",
        instrument="drums",
        tags=SampleTags(genre="boombap", era="70s"),
    ),
    CatalogHit(
        sample_id="a2",
        path="/lib/shots/808_Fs1.wav",
        score=0.5,
        reason="root F#1",
        kind="one_shot",
        instrument="bass",
        root_note="F#1",
        tags=SampleTags(genre="trap", era="10s"),
    ),
]


def render(width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(search_table(HITS, width=width))
    return [line.rstrip() for line in console.export_text().splitlines() if line.strip()]


@pytest.mark.parametrize("width", [80, 100, 200])
def test_one_line_per_hit_within_the_width(width: int) -> None:
    lines = render(width)
    assert len(lines) == 2 + len(HITS), lines  # header, rule, one line per hit
    assert all(len(line) <= width for line in lines), lines
    header, _, loop, shot = lines
    for column in ("score", "BPM", "key", "swing", "file"):
        assert column in header.split(), header
    # Numbers are never squeezed (rich shrank score and BPM to nothing at 80 columns).
    for number in ("0.93", "100.0", "56.2%", "11A"):
        assert number in loop, loop
    assert "F#1" in shot
    assert "groovy_funk_01" in loop
    assert "808_Fs1.wav" in shot


def test_narrow_drops_the_extras_wide_keeps_them() -> None:
    narrow = render(80)[0].split()
    assert "why" not in narrow
    assert "era" not in narrow
    wide = render(200)
    assert wide[0].split()[-1] == "why"
    for column in ("genre", "era", "kind"):
        assert column in wide[0].split()
    assert "F# minor (11A)" in wide[2]
    assert "groovy_funk_01_100bpm_A_minor_dusty_break_take3.wav" in wide[2]


def test_an_upload_is_listed_by_the_name_it_was_sent_with() -> None:
    """Uploads are stored under their SHA-256; the table names them as the user did."""
    upload = CatalogHit(
        sample_id="u1",
        path="/data/uploads/local/3f/3f9a0c4e5b6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f.wav",
        score=0.8,
        reason="92.0 BPM",
        tempo_bpm=92.0,
        kind="loop",
        tags=SampleTags(source="upload:boom bap beat.wav"),
    )
    console = Console(width=120, record=True, color_system=None)
    console.print(search_table([upload], width=120))
    text = console.export_text()
    assert "boom bap beat.wav" in text
    assert "3f9a0c4e" not in text
