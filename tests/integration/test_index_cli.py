"""``groovegraph index`` and ``groovegraph search`` as a user runs them.

The first index runs as a real subprocess (the installed entry point, exit status and
output streams); later commands call ``cli.main`` in-process with the same environment,
which keeps the test fast without bypassing any of the command code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from groovegraph import cli
from groovegraph.settings import get_settings
from groovegraph.tools.harmony import MIXES_MIN_SCORE, key_relation

pytestmark = pytest.mark.integration

LOOPS = [
    ("Funk/70s/groovy_funk_01_100bpm_Am.wav", 100.0, "A minor", "funk", 56.0),
    ("Funk/70s/dusty_funk_02_98bpm_Em.wav", 98.0, "E minor", "funk", 57.0),
    ("House/90s/deep_house_01_124bpm_Fm.wav", 124.0, "F minor", "house", 50.0),
    ("Boom Bap/90s/raw_boombap_01_90bpm_Cm.wav", 90.0, "C minor", "boombap", 62.0),
]


@pytest.fixture(params=["sqlite", "postgres"])
def env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Environment of the user's shell; also applied to this process for in-process calls."""
    monkeypatch.setenv("GROOVEGRAPH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GROOVEGRAPH_WORKERS", "2")
    if request.param == "postgres":
        monkeypatch.setenv("GROOVEGRAPH_DATABASE_URL", request.getfixturevalue("pg_url"))
    get_settings.cache_clear()
    return dict(os.environ)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio

    lib = tmp_path / "lib"
    for i, (rel, bpm, key, pattern, swing) in enumerate(LOOPS):
        spec = GrooveSpec(
            tempo_bpm=bpm,
            key=key,
            pattern=pattern,
            swing_percent=swing,
            duration_s=5.0,
            sample_rate=22050,
            seed=7 + i,
        )
        y, _ = synthesize_groove(spec)
        write_audio(lib / rel, y, spec.sample_rate)
    (lib / "Funk" / "70s" / "cut.wav").write_bytes(b"RIFF\x00\x00\x10\x00WAVEfmt ")
    (lib / "tags.csv").write_text(
        "path,genre,era,vibe,instrument,source\n"
        "House/90s/deep_house_01_124bpm_Fm.wav,Garage,1999,deep,drums,pack A\n"
    )
    return lib


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    get_settings.cache_clear()
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_index_search_and_rerun(
    env: dict[str, str], library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = subprocess.run(
        [
            sys.executable,
            "-m",
            "groovegraph.cli",
            "index",
            str(library),
            "--workers",
            "2",
            "--tags-csv",
            str(library / "tags.csv"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert first.returncode == 0, first.stderr
    assert "4 added" in first.stdout
    assert "1 failed" in first.stdout
    assert "cut.wav" in first.stderr  # the corrupt file is named, the run went on

    code, out, err = _main(["search", "--bpm", "95-102", "--genre", "funk", "--json"], capsys)
    assert code == 0, err
    hits = _json_lines(out)
    assert {Path(h["path"]).name for h in hits} == {
        "groovy_funk_01_100bpm_Am.wav",
        "dusty_funk_02_98bpm_Em.wav",
    }
    assert all(95 <= h["tempo_bpm"] <= 102 and h["tags"]["genre"] == "funk" for h in hits)
    assert hits[0]["score"] >= hits[-1]["score"]

    (garage,) = _json_lines(
        _main(["search", "--genre", "garage", "--era", "90s", "--json"], capsys)[1]
    )
    assert (garage["tags"]["vibe"], garage["tags"]["source"]) == (
        "deep",
        "pack A",
    )  # from the sidecar CSV

    # one BPM means ±4 %, and half time counts: 45 BPM finds the 90 BPM boom bap loop
    half = _json_lines(_main(["search", "--bpm", "45", "--json"], capsys)[1])
    assert [Path(h["path"]).name for h in half] == ["raw_boombap_01_90bpm_Cm.wav"]

    code, out, _ = _main(["search", "--compatible-with", "A minor", "--limit", "3"], capsys)
    assert code == 0
    assert "score" in out

    code, out, _ = _main(["index", str(library)], capsys)
    assert code == 0
    assert "0 added" in out
    assert "5 unchanged" in out


@pytest.mark.usefixtures("env")
def test_compatible_with_a_file_and_bad_input(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _main(["index", str(library), "--workers", "1"], capsys)[0] == 0
    ref = library / LOOPS[0][0]
    code, out, err = _main(
        ["search", "--compatible-with", str(ref), "--json", "--limit", "20"], capsys
    )
    assert code == 0, err
    # the reference file's analysis is reported; every hit mixes with its measured key
    m = re.search(r"BPM, .* \((\d{1,2}[AB])\)", err)
    assert m, err
    hits = _json_lines(out)
    assert hits
    assert all(key_relation(m.group(1), h["camelot"]).score >= MIXES_MIN_SCORE for h in hits)
    # The reference is indexed too, but it is what the user matches against, not a match.
    assert ref.name not in {Path(h["path"]).name for h in hits}

    assert _main(["search", "--compatible-with", "http://example.com/x.wav"], capsys)[0] == 2
    assert _main(["search", "--bpm", "fast"], capsys)[0] == 2
    # A reversed range is refused (as the HTTP API does), not silently swapped.
    for flag, value in (("--bpm", "100-90"), ("--swing", "60-55")):
        code, out, err = _main(["search", flag, value], capsys)
        assert code == 2, (flag, out, err)
        assert not out
        assert err.count("\n") == 1, err
        assert f"{flag}: range '{value}' is reversed" in err
    assert _main(["search", "--key", "H minor"], capsys)[0] == 2
    # Out-of-range values name the flag at fault, once per problem.
    code, _, err = _main(["search", "--swing", "200-300"], capsys)
    assert code == 2
    assert "--swing: Input should be less than or equal to 100" in err
    code, _, err = _main(["search", "--limit", "-3"], capsys)
    assert code == 2
    assert "--limit must be between 1 and" in err
    code, _, err = _main(["index", str(tmp_path / "nope")], capsys)
    assert code == 4
    assert "not a folder" in err
