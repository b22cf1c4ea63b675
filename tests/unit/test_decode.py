"""Decoding: every supported format, layout and rate; every way a file can be unusable.

Files are written with soundfile into tmp folders; the broken ones are crafted from real
files by cutting or overwriting header bytes.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from groovegraph.tools.decode import load_audio, probe, sha256_file
from groovegraph.tools.errors import (
    AudioError,
    AudioFileNotFoundError,
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    FileTooLargeError,
    InvalidSamplesError,
    UnsupportedFormatError,
)

TONE_HZ = 440.0


def _tone(sr: int, seconds: float, channels: int, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    mono = (amp * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
    return np.repeat(mono[:, None], channels, axis=1)


def _write(path: Path, data: np.ndarray, sr: int, fmt: str, subtype: str | None) -> Path:
    sf.write(str(path), data, sr, format=fmt, subtype=subtype)
    return path


def _dominant_hz(y: np.ndarray, sr: int) -> float:
    spec = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return float(np.fft.rfftfreq(len(y), 1 / sr)[int(np.argmax(spec))])


@pytest.fixture
def wav16(tmp_path: Path) -> Path:
    """A valid 3 s mono 16-bit WAV at 44.1 kHz (the raw material of the broken files)."""
    return _write(tmp_path / "ok.wav", _tone(44100, 3.0, 1), 44100, "WAV", "PCM_16")


# --- formats ------------------------------------------------------------------------------

FORMATS = [
    ("wav", "WAV", "PCM_16"),
    ("wav", "WAV", "PCM_24"),
    ("wav", "WAV", "FLOAT"),
    ("flac", "FLAC", "PCM_16"),
    ("ogg", "OGG", "VORBIS"),
    ("mp3", "MP3", "MPEG_LAYER_III"),
]
LOSSY = {"VORBIS", "MPEG_LAYER_III"}


# Every format at 8/44.1/96 kHz in mono, stereo and 5.1, except what cannot exist: MPEG
# audio stops at 48 kHz (so MP3 is tested at 48 kHz instead of 96) and two channels.
CASES = [
    pytest.param(ext, fmt, subtype, rate, ch, id=f"{fmt}-{subtype}-{rate}-{ch}ch")
    for ext, fmt, subtype in FORMATS
    for rate in ([8000, 44100, 48000] if fmt == "MP3" else [8000, 44100, 96000])
    for ch in ([1, 2] if fmt == "MP3" else [1, 2, 6])
]


@pytest.mark.parametrize(("ext", "fmt", "subtype", "native_sr", "channels"), CASES)
def test_decodes_every_format_rate_and_layout(
    tmp_path: Path, ext: str, fmt: str, subtype: str, native_sr: int, channels: int
) -> None:
    path = _write(
        tmp_path / f"tone.{ext}", _tone(native_sr, 1.0, channels), native_sr, fmt, subtype
    )

    decoded = load_audio(path, sr=22050)

    assert decoded.y.dtype == np.float32
    assert decoded.y.ndim == 1
    assert decoded.sr == 22050
    assert decoded.native_sr == native_sr
    assert decoded.channels == channels
    assert decoded.duration_s == pytest.approx(1.0, abs=0.01)
    assert decoded.analysed_s == pytest.approx(decoded.duration_s, abs=1e-6)
    assert len(decoded.y) == pytest.approx(22050 * decoded.analysed_s, abs=2)
    assert _dominant_hz(decoded.y, 22050) == pytest.approx(TONE_HZ, abs=3)
    # The channel mean of identical channels keeps the level (0.5 peak → 0.354 RMS). Lossy
    # codecs get slack: Vorbis low-passes the 5.1 LFE channel, so 440 Hz loses 1/6 there.
    rms = float(np.sqrt(np.mean(decoded.y[2000:-2000] ** 2)))
    assert rms == pytest.approx(0.5 / np.sqrt(2), rel=0.2 if subtype in LOSSY else 0.01)


def test_opus_in_ogg_decodes(tmp_path: Path) -> None:
    path = _write(tmp_path / "tone.opus", _tone(48000, 1.0, 2), 48000, "OGG", "OPUS")
    decoded = load_audio(path, sr=22050)
    assert decoded.native_sr == 48000
    assert _dominant_hz(decoded.y, 22050) == pytest.approx(TONE_HZ, abs=3)


def test_probe_reads_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "six.flac", _tone(96000, 2.0, 6), 96000, "FLAC", "PCM_24")
    info = probe(path)
    assert (info.format, info.subtype) == ("FLAC", "PCM_24")
    assert (info.sample_rate, info.channels, info.frames) == (96000, 6, 192000)
    assert info.duration_s == pytest.approx(2.0)
    assert info.size_bytes == path.stat().st_size


def test_downmix_is_the_channel_mean(tmp_path: Path) -> None:
    left = _tone(44100, 1.0, 1)[:, 0]
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    path = _write(tmp_path / "left.wav", stereo, 44100, "WAV", "FLOAT")
    decoded = load_audio(path, sr=None)
    np.testing.assert_allclose(decoded.y, left / 2, atol=1e-6)

    opposite = np.stack([left, -left], axis=1)
    path = _write(tmp_path / "cancel.wav", opposite, 44100, "WAV", "FLOAT")
    assert float(np.max(np.abs(load_audio(path, sr=None).y))) < 1e-6


def test_stereo_downmix_is_bit_for_bit_the_channel_mean(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    stereo = (0.4 * rng.standard_normal((44100, 2))).astype(np.float32)
    stereo[:4] = [[1e-40, 3e-41], [-0.0, 0.0], [1.0, -1.0], [0.25, 0.75]]
    path = _write(tmp_path / "noise.wav", stereo, 44100, "WAV", "FLOAT")
    decoded = load_audio(path, sr=None)
    assert np.array_equal(decoded.y, stereo.mean(axis=1, dtype=np.float32))


def test_sr_none_keeps_the_native_rate(wav16: Path) -> None:
    decoded = load_audio(wav16, sr=None)
    assert decoded.sr == decoded.native_sr == 44100
    assert len(decoded.y) == 3 * 44100


def test_max_s_decodes_only_the_start(tmp_path: Path) -> None:
    path = _write(tmp_path / "long.flac", _tone(44100, 10.0, 2), 44100, "FLAC", "PCM_16")
    decoded = load_audio(path, sr=22050, max_s=2.5)
    assert decoded.analysed_s == pytest.approx(2.5, abs=1e-4)
    assert decoded.duration_s == pytest.approx(10.0)
    assert len(decoded.y) == pytest.approx(2.5 * 22050, abs=2)


def test_bad_arguments_are_programming_errors(wav16: Path) -> None:
    with pytest.raises(ValueError, match="sr"):
        load_audio(wav16, sr=10)
    with pytest.raises(ValueError, match="max_s"):
        load_audio(wav16, max_s=0)


# --- unusable input -----------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileNotFoundError) as err:
        load_audio(tmp_path / "nope.wav")
    assert err.value.path == str(tmp_path / "nope.wav")
    assert err.value.code == "file_not_found"


def test_directory_is_not_audio(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="directory"):
        probe(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifo_is_rejected_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    with pytest.raises(UnsupportedFormatError, match="regular file"):
        probe(fifo)  # would block forever on open() without O_NONBLOCK


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(EmptyAudioError):
        load_audio(path)


def test_text_named_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("kick on 1 and 3, snare on 2 and 4\n" * 50)
    with pytest.raises(UnsupportedFormatError, match="text"):
        load_audio(path)


def test_random_bytes_named_mp3(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp3"
    path.write_bytes(b"\x00\x01" + np.random.default_rng(1).bytes(50_000))
    with pytest.raises(UnsupportedFormatError):
        probe(path)


def test_m4a_is_named_as_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "track.wav"
    path.write_bytes(b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00" + bytes(4000))
    with pytest.raises(UnsupportedFormatError, match="M4A"):
        probe(path)


def test_audio_magic_with_garbage_is_corrupt(tmp_path: Path) -> None:
    junk = np.random.default_rng(2).bytes(100_000)
    for name, magic in [("x.mp3", b"\xff\xfb\x90\xc4"), ("x.flac", b"fLaC"), ("x.ogg", b"OggS")]:
        path = tmp_path / name
        path.write_bytes(magic + junk)
        with pytest.raises(CorruptAudioError):
            load_audio(path)


def test_truncated_wav_is_corrupt(tmp_path: Path, wav16: Path) -> None:
    data = wav16.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptAudioError, match="truncated"):
        probe(cut)


def test_slightly_cut_wav_still_decodes(tmp_path: Path, wav16: Path) -> None:
    data = wav16.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) - 400])  # 200 samples of 132300 missing (0.15 %)
    decoded = load_audio(cut, sr=None)
    assert len(decoded.y) == 132300 - 200


def test_absurd_data_size_is_corrupt(tmp_path: Path, wav16: Path) -> None:
    data = bytearray(wav16.read_bytes())
    at = data.find(b"data")
    data[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFF0)  # 4 GiB declared, 264 kB present
    path = tmp_path / "absurd.wav"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptAudioError, match="declares 4294967280 bytes"):
        load_audio(path)


def test_zero_data_size_with_audio_after_it_is_corrupt(tmp_path: Path, wav16: Path) -> None:
    data = bytearray(wav16.read_bytes())
    at = data.find(b"data")
    data[at + 4 : at + 8] = struct.pack("<I", 0)  # what a crashed recorder leaves
    path = tmp_path / "unfinished.wav"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptAudioError, match="did not finish"):
        probe(path)


def test_header_without_samples_is_empty(tmp_path: Path) -> None:
    path = _write(tmp_path / "none.wav", np.zeros((0, 1), np.float32), 44100, "WAV", "PCM_16")
    with pytest.raises(EmptyAudioError):
        probe(path)


def test_absurd_sample_rate_and_channels(tmp_path: Path, wav16: Path) -> None:
    data = bytearray(wav16.read_bytes())
    slow = bytearray(data)
    slow[24:28] = struct.pack("<I", 1)  # 1 Hz: the 3 s file would "last" 36 hours
    (tmp_path / "slow.wav").write_bytes(bytes(slow))
    with pytest.raises(CorruptAudioError, match="sample rate"):
        probe(tmp_path / "slow.wav")

    wide = bytearray(data)
    wide[22:24] = struct.pack("<H", 1000)
    (tmp_path / "wide.wav").write_bytes(bytes(wide))
    with pytest.raises(UnsupportedFormatError, match="channels"):
        probe(tmp_path / "wide.wav")


def test_truncated_flac_is_corrupt(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.flac", _tone(44100, 3.0, 1), 44100, "FLAC", "PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptAudioError):
        load_audio(path)


def test_truncated_ogg_is_corrupt(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.ogg", _tone(44100, 3.0, 1), 44100, "OGG", "VORBIS")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptAudioError):
        load_audio(path)


def test_cut_mp3_decodes_what_is_there(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.mp3", _tone(44100, 4.0, 1), 44100, "MP3", None)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    decoded = load_audio(path, sr=22050)
    # The header still says 4 s; the decoded length (about half) is what gets reported.
    assert 1.5 < decoded.duration_s < 2.5
    assert decoded.analysed_s == pytest.approx(decoded.duration_s)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e6])
def test_non_finite_or_absurd_float_samples(tmp_path: Path, bad: float) -> None:
    y = _tone(44100, 2.0, 2)
    y[70_000, 1] = bad
    path = _write(tmp_path / "bad.wav", y, 44100, "WAV", "FLOAT")
    with pytest.raises(InvalidSamplesError):
        load_audio(path)


def test_float_headroom_above_full_scale_is_fine(tmp_path: Path) -> None:
    path = _write(tmp_path / "hot.wav", _tone(44100, 1.0, 1, amp=4.0), 44100, "WAV", "FLOAT")
    assert float(np.max(load_audio(path, sr=None).y)) == pytest.approx(4.0, rel=1e-3)


def test_silence_decodes(tmp_path: Path) -> None:
    """Silence is valid audio; the analysis, not the decoder, refuses it."""
    path = _write(tmp_path / "quiet.wav", np.zeros((44100, 2), np.float32), 44100, "WAV", "PCM_16")
    assert float(np.max(np.abs(load_audio(path).y))) == 0.0


def test_size_cap(wav16: Path) -> None:
    with pytest.raises(FileTooLargeError) as err:
        load_audio(wav16, max_file_bytes=10_000)
    assert err.value.http_status == 413


def test_duration_cap(wav16: Path) -> None:
    with pytest.raises(AudioTooLongError):
        probe(wav16, max_duration_s=2.0)
    assert probe(wav16, max_duration_s=3.5).duration_s == pytest.approx(3.0)


def test_duration_cap_applies_to_mp3_while_decoding(tmp_path: Path) -> None:
    """An MP3's header length is an estimate; the real length is checked as it decodes."""
    path = _write(tmp_path / "x.mp3", _tone(22050, 3.0, 1), 22050, "MP3", None)
    with pytest.raises(AudioTooLongError):
        load_audio(path, max_duration_s=2.0)


def test_every_error_is_an_audio_error_with_the_path(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(b"RIFF")
    with pytest.raises(AudioError) as err:
        load_audio(path)
    assert err.value.path == str(path)
    assert str(path) in str(err.value)


# --- hashing ------------------------------------------------------------------------------


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    blob = np.random.default_rng(3).bytes(3 * 1024 * 1024 + 17)
    path.write_bytes(blob)
    assert sha256_file(path) == hashlib.sha256(blob).hexdigest()
    with pytest.raises(AudioFileNotFoundError):
        sha256_file(tmp_path / "missing.bin")


@pytest.mark.parametrize(
    ("ext", "fmt", "subtype"),
    [
        ("wav", "WAV", "PCM_16"),
        ("flac", "FLAC", "PCM_16"),
        ("ogg", "OGG", "VORBIS"),
        ("mp3", "MP3", None),
    ],
)
def test_mangled_headers_end_in_typed_errors(
    tmp_path: Path, ext: str, fmt: str, subtype: str | None
) -> None:
    """Seeded header corruption and cuts: every outcome is audio or an AudioError, never
    another exception or a hang (pytest-timeout would catch that)."""
    original = _write(
        tmp_path / f"src.{ext}", _tone(22050, 2.0, 2), 22050, fmt, subtype
    ).read_bytes()
    rng = np.random.default_rng(42)
    outcomes: set[str] = set()
    for i in range(60):
        data = bytearray(original)
        for _ in range(int(rng.integers(1, 6))):
            at = int(rng.integers(0, min(len(data), 96)))
            data[at] = int(rng.integers(0, 256))
        if i % 3 == 0:
            data = data[: int(rng.integers(1, len(data)))]
        path = tmp_path / f"m{i}.{ext}"
        path.write_bytes(bytes(data))
        try:
            decoded = load_audio(path, sr=22050, max_duration_s=60.0)
        except AudioError as err:
            outcomes.add(err.code)
        else:
            assert decoded.y.dtype == np.float32
            assert np.isfinite(decoded.y).all()
            outcomes.add("decoded")
    assert len(outcomes) >= 2  # the mutations really reached the error paths
