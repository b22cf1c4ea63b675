"""``groovegraph analyze``: JSON lines, human output, exit codes, a bad file among good ones.

One test runs the real command in a subprocess (``python -m groovegraph.cli``); the others
call ``cli.main`` in-process with captured output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from groovegraph import cli
from groovegraph.state import Analysis
from groovegraph.tools.synth import GrooveSpec, synthesize_groove, write_audio


@pytest.fixture(scope="module")
def loops(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two short synthesized loops (WAV and MP3) with known tempo and key."""
    folder = tmp_path_factory.mktemp("loops")
    y, _ = synthesize_groove(
        GrooveSpec(tempo_bpm=92.0, key="D minor", pattern="boombap", duration_s=8.0, seed=7)
    )
    return [
        write_audio(folder / "loop 92.wav", y, 22050),
        write_audio(folder / "loop.mp3", y, 22050),
    ]


@pytest.fixture
def not_audio(tmp_path: Path) -> Path:
    path = tmp_path / "liner notes.wav"
    path.write_text("recorded live in 1973\n" * 40)
    return path


def _json_lines(out: str) -> list[dict[str, object]]:
    lines = [line for line in out.splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


def test_json_is_one_object_per_file_with_exactly_the_analysis_keys(
    loops: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["analyze", "--json", *map(str, loops)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""
    objects = _json_lines(captured.out)
    assert len(objects) == 2
    assert len(captured.out.strip().splitlines()) == 2  # one line each, no pretty-printing
    for obj in objects:
        assert set(obj) == set(Analysis.model_fields)
        assert obj["tempo_bpm"] == pytest.approx(92.0, rel=0.02)
        assert obj["key"] == "D minor"
        assert obj["camelot"] == "7A"
        assert isinstance(obj["beats_s"], list)
    assert {o["file"] for o in objects} == {str(p) for p in loops}


def test_human_output_names_tempo_swing_pocket_and_key(
    loops: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["analyze", str(loops[0])]) == 0
    out = capsys.readouterr().out
    assert out.startswith(str(loops[0]))
    for label in ("tempo", "swing", "pocket", "key", "level"):
        assert f"  {label} " in out
    assert "  meter    4 beats per bar" in out  # the JSON's meter, in words
    assert "BPM" in out
    assert "D minor (7A" in out
    assert "confidence" in out


def test_a_bad_file_among_good_ones(
    loops: list[Path], not_audio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["analyze", "--json", str(loops[0]), str(not_audio), str(loops[1])])
    captured = capsys.readouterr()
    assert code == 3  # AudioError.exit_code; the good files were still analysed
    objects = _json_lines(captured.out)
    assert len(objects) == 3
    errors = [o for o in objects if "error" in o]
    assert errors == [
        {
            "file": str(not_audio),
            "error": {"code": "unsupported_format", "message": "the file holds text, not audio"},
        }
    ]
    assert sum("tempo_bpm" in o for o in objects) == 2
    assert f"{not_audio}: the file holds text, not audio" in captured.err


def test_exit_code_is_the_first_failing_file_in_argument_order(
    tmp_path: Path, not_audio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone.wav"
    assert cli.main(["analyze", str(missing), str(not_audio)]) == 2  # file_not_found
    assert cli.main(["analyze", str(not_audio), str(missing)]) == 3  # unsupported_format
    err = capsys.readouterr().err
    assert "no such file" in err


def test_silent_file_is_reported_not_crashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "room tone.flac"
    sf.write(str(path), np.zeros(22050 * 4, np.float32), 22050)
    assert cli.main(["analyze", "--json", str(path)]) == 3
    (obj,) = _json_lines(capsys.readouterr().out)
    assert obj["error"]["code"] == "silent_audio"  # type: ignore[index]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["analyze"])  # FILE is required
    assert exc.value.code == 2
    assert cli.main(["analyze", "--workers", "0", "x.wav"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_real_subprocess_with_the_process_pool(
    loops: list[Path], not_audio: Path, tmp_path: Path
) -> None:
    """The installed entry point end to end: 5 files, 2 workers (more files than the
    in-process fast path takes), JSON lines on stdout, the error on stderr too."""
    files = [*loops, not_audio, *loops]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "groovegraph.cli",
            "analyze",
            "--json",
            "--workers",
            "2",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    objects = _json_lines(proc.stdout)
    assert len(objects) == 5
    good = [o for o in objects if "error" not in o]
    assert len(good) == 4
    assert all(set(o) == set(Analysis.model_fields) for o in good)
    assert all(o["key"] == "D minor" for o in good)
    assert "the file holds text, not audio" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_progress_bar_on_a_terminal_keeps_piped_json_clean(loops: list[Path]) -> None:
    """stderr on a terminal, stdout piped (``analyze --json *.wav > out.jsonl``): the bar
    is drawn on the terminal and stdout stays exactly one JSON object per line."""
    import os
    import pty
    import threading

    master, slave = pty.openpty()
    drained: list[bytes] = []

    def drain() -> None:  # a full pty buffer would block the child's redraws
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            drained.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    files = [str(loops[i % 2]) for i in range(6)]
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "groovegraph.cli",
                "analyze",
                "--json",
                "--workers",
                "1",
                *files,
            ],
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    assert proc.returncode == 0
    objects = _json_lines(proc.stdout)
    assert len(objects) == 6
    assert all(set(o) == set(Analysis.model_fields) for o in objects)
    assert "\x1b" not in proc.stdout  # no terminal control codes leaked into the pipe
    assert b"analysing" in b"".join(drained)
