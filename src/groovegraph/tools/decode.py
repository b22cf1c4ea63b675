"""Safe audio decoding: header probing, bounded block decoding, downmix and resampling.

Everything goes through ``soundfile`` (libsndfile 1.2: WAV/RF64/W64, AIFF, FLAC, OGG
Vorbis/Opus and MP3 via mpg123), never an external decoder process. Every way a file can
be unusable ends in a typed :class:`~groovegraph.tools.errors.AudioError`:

========================================  ==========================================
input                                     error (``code``)
========================================  ==========================================
path missing                              ``AudioFileNotFoundError`` (file_not_found)
directory, FIFO, device                   ``UnsupportedFormatError`` (unsupported_format)
zero bytes / no samples                   ``EmptyAudioError`` (empty_audio)
bytes that are not a known audio format   ``UnsupportedFormatError``
larger than ``max_file_bytes``            ``FileTooLargeError`` (file_too_large)
declared longer than ``max_duration_s``   ``AudioTooLongError`` (audio_too_long)
audio magic but undecodable header        ``CorruptAudioError`` (corrupt_audio)
header declares more than the bytes hold  ``CorruptAudioError`` (see truncation policy)
implausible sample rate / channel count   ``CorruptAudioError`` / ``UnsupportedFormatError``
NaN, ±inf or absurd float samples         ``InvalidSamplesError`` (invalid_samples)
========================================  ==========================================

Truncation policy: libsndfile silently clamps a WAV ``data`` chunk to the bytes present,
so the RIFF chunk list is read here. A file holding less than 99 % of what its header
declares is rejected (a partial download, a recorder that crashed, an absurd size field);
a smaller shortfall (a cut final block) is decoded as is. FLAC and AIFF get the same rule
after decoding. MP3 has no exact length in its header (mpg123 estimates it), so a cut MP3
is simply a shorter MP3: it decodes to the frames present and ``duration_s`` reports the
decoded length. A cut OGG loses its final granule position, libsndfile then reports zero
frames, and the file is rejected as corrupt.

Silence is valid audio and decodes fine; the analysis refuses it
(:class:`~groovegraph.tools.errors.SilentAudioError`).

Decoding never reads more than ``max_s`` seconds: blocks are downmixed and resampled as
they arrive (``soxr`` streaming, the resampler librosa uses by default), so memory is
bounded by the analysed length at the target rate, not by the file. Every loop has an
explicit bound. What cannot be bounded from Python is a hang inside libsndfile itself;
:func:`groovegraph.tools.analysis.analyze_many` runs decoding in worker processes with a
per-file timeout for that reason.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import soundfile as sf

from groovegraph.settings import Settings
from groovegraph.tools.errors import (
    AudioFileNotFoundError,
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    FileTooLargeError,
    InvalidSamplesError,
    UnsupportedFormatError,
)

__all__ = [
    "SUPPORTED_FORMATS",
    "AudioInfo",
    "DecodedAudio",
    "load_audio",
    "probe",
    "sha256_file",
]

#: libsndfile major formats we accept (``soundfile.SoundFile.format``).
SUPPORTED_FORMATS: frozenset[str] = frozenset(
    {"WAV", "WAVEX", "RF64", "W64", "AIFF", "FLAC", "OGG", "MP3"}
)
# Formats whose header states the exact frame count, so a shortfall means damage.
_EXACT_LENGTH_FORMATS = frozenset({"WAV", "WAVEX", "RF64", "W64", "AIFF", "FLAC"})

_DEFAULT_MAX_FILE_BYTES: int = Settings.model_fields["max_file_bytes"].default
_DEFAULT_MAX_DURATION_S: float = Settings.model_fields["max_duration_s"].default

MIN_SAMPLE_RATE = 1_000
MAX_SAMPLE_RATE = 768_000
MAX_CHANNELS = 64
#: Fraction of the declared frames that must really be there (see truncation policy).
MIN_PRESENT_FRACTION = 0.99
#: Float samples beyond this magnitude (+80 dBFS) are garbage, not headroom.
MAX_ABS_SAMPLE = 1.0e4
# Frames per read: small enough that a decode error near the end of a FLAC loses little
# (the 99 % rule can still accept it), scaled down for many channels so one block stays
# under 1 MiB of float32 whatever the layout.
_BLOCK_FRAMES = 65536
_BLOCK_BYTES = 1024 * 1024
# A header this small cannot hold audio; above it, "no frames" means damage, not emptiness.
_EMPTY_FILE_BYTES = 4096
# RIFF chunk walk: real files have a handful of chunks before "data".
_MAX_RIFF_CHUNKS = 256


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What a file's header says, checked against the caps.

    Attributes
    ----------
    format, subtype : str
        libsndfile names, e.g. ``"WAV"``/``"PCM_16"``, ``"MP3"``/``"MPEG_LAYER_III"``.
    sample_rate : int
        Native rate in Hz.
    channels : int
        Native channel count.
    frames : int
        Declared frames per channel (an estimate for MP3).
    duration_s : float
        ``frames / sample_rate`` in seconds.
    size_bytes : int
        File size in bytes.
    """

    format: str
    subtype: str
    sample_rate: int
    channels: int
    frames: int
    duration_s: float
    size_bytes: int


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    """Decoded, downmixed, resampled audio.

    Attributes
    ----------
    y : np.ndarray
        Mono float32 samples, shape ``(n,)``, at ``sr`` (``(channels, n)`` when
        :func:`load_audio` was asked to keep the channels).
    sr : int
        Sample rate of ``y`` in Hz.
    native_sr : int
        Sample rate of the file in Hz.
    channels : int
        Channel count of the file (before downmix).
    duration_s : float
        Full duration of the file in seconds (decoded length for a cut MP3 read to its end).
    analysed_s : float
        Seconds actually decoded (``<= max_s``).
    """

    y: npt.NDArray[np.float32]
    sr: int
    native_sr: int
    channels: int
    duration_s: float
    analysed_s: float


# --- sniffing ---------------------------------------------------------------------------


def _sniff(head: bytes) -> str | None:
    """Name the container from its first bytes, or None when it is not audio we know."""
    if len(head) >= 12 and head[:4] in (b"RIFF", b"RIFX") and head[8:12] == b"WAVE":
        return "wav"
    if len(head) >= 12 and head[:4] in (b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "rf64"
    if len(head) >= 16 and head[:16] == b"riff\x2e\x91\xcf\x11\xa5\xd6\x28\xdb\x04\xc1\x00\x00":
        return "w64"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if len(head) >= 12 and head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0:
        # MPEG audio frame sync. Layer bits 00 are AAC (ADTS), version 01 is reserved.
        layer = (head[1] >> 1) & 0x3
        version = (head[1] >> 3) & 0x3
        if layer != 0 and version != 1:
            return "mp3"
    return None


def _describe_unknown(head: bytes) -> str:
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return "MP4/M4A/AAC is not supported; convert to WAV, FLAC, OGG or MP3"
    if len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xF6) == 0xF0:
        return "raw AAC (ADTS) is not supported; convert to WAV, FLAC, OGG or MP3"
    if head and all(32 <= b < 127 or b in (9, 10, 13) for b in head):
        return "the file holds text, not audio"
    return "not a WAV, FLAC, OGG, AIFF or MP3 file"


def _riff_data_shortfall(fd: int, size: int, big_endian: bool) -> tuple[int, int] | None:
    """Declared and present bytes of a RIFF WAVE ``data`` chunk, or None if not found.

    Walks at most ``_MAX_RIFF_CHUNKS`` chunk headers with ``pread`` (no file offset moves).
    """
    fmt = ">I" if big_endian else "<I"
    offset = 12
    for _ in range(_MAX_RIFF_CHUNKS):
        header = os.pread(fd, 8, offset)
        if len(header) < 8:
            return None
        (length,) = struct.unpack(fmt, header[4:8])
        body = offset + 8
        if header[:4] == b"data":
            return length, max(0, size - body)
        offset = body + length + (length & 1)  # chunks are padded to even sizes
        if offset >= size:
            return None
    return None


# --- opening --------------------------------------------------------------------------


@contextmanager
def _open_checked(
    path: str | os.PathLike[str], *, max_file_bytes: int, max_duration_s: float
) -> Iterator[tuple[AudioInfo, sf.SoundFile]]:
    """Open ``path`` once, check everything the header can tell, yield info and reader."""
    name = os.fspath(path)
    # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat on the same descriptor
    # then rejects anything that is not a regular file (no race with a swapped path).
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags)
    except FileNotFoundError:
        raise AudioFileNotFoundError("no such file", path=name) from None
    except IsADirectoryError:
        raise UnsupportedFormatError("is a directory, not an audio file", path=name) from None
    except PermissionError:
        raise AudioFileNotFoundError("permission denied", path=name) from None
    except OSError as err:
        raise AudioFileNotFoundError(f"cannot open: {err.strerror}", path=name) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UnsupportedFormatError("is a directory, not an audio file", path=name)
        if not stat.S_ISREG(st.st_mode):
            raise UnsupportedFormatError("not a regular file", path=name)
        size = st.st_size
        if size == 0:
            raise EmptyAudioError("the file is empty (0 bytes)", path=name)
        if size > max_file_bytes:
            raise FileTooLargeError(
                f"{size} bytes is over the limit of {max_file_bytes} bytes", path=name
            )
        head = os.pread(fd, 16, 0)
        kind = _sniff(head)
        if kind is None:
            raise UnsupportedFormatError(_describe_unknown(head), path=name)

        declared_data: tuple[int, int] | None = None
        if kind == "wav":
            declared_data = _riff_data_shortfall(fd, size, big_endian=head[:4] == b"RIFX")

        try:
            reader = sf.SoundFile(fd, closefd=False)
        except (sf.LibsndfileError, RuntimeError, ValueError) as err:
            # mpg123 failures surface as "File does not exist…": say what really happened.
            raise CorruptAudioError(
                f"looks like {kind.upper()} but the header cannot be decoded", path=name
            ) from err
        with reader:
            fmt, subtype = reader.format, reader.subtype
            if fmt not in SUPPORTED_FORMATS:
                raise UnsupportedFormatError(f"{fmt} audio is not supported", path=name)
            native_sr, channels, frames = (
                int(reader.samplerate),
                int(reader.channels),
                int(reader.frames),
            )
            if not MIN_SAMPLE_RATE <= native_sr <= MAX_SAMPLE_RATE:
                raise CorruptAudioError(f"implausible sample rate {native_sr} Hz", path=name)
            if channels > MAX_CHANNELS:
                raise UnsupportedFormatError(
                    f"{channels} channels (at most {MAX_CHANNELS} supported)", path=name
                )
            if declared_data is not None:
                declared, present = declared_data
                # 0 and 0xFFFFFFFF are placeholders some streaming writers leave behind;
                # libsndfile then reads to the end of the file, which is what we want.
                if declared == 0 and present > _EMPTY_FILE_BYTES:
                    raise CorruptAudioError(
                        f"the header declares no audio but {present} bytes follow "
                        "(the writer did not finish the file)",
                        path=name,
                    )
                if 0 < declared < 0xFFFFFFFF and present < MIN_PRESENT_FRACTION * declared:
                    raise CorruptAudioError(
                        f"truncated: the header declares {declared} bytes of audio, "
                        f"the file holds {present}",
                        path=name,
                    )
            if frames <= 0:
                if size > _EMPTY_FILE_BYTES:
                    raise CorruptAudioError(
                        f"the header declares no samples yet the file holds {size} bytes "
                        "(damaged or cut)",
                        path=name,
                    )
                raise EmptyAudioError("no samples", path=name)
            duration_s = frames / native_sr
            if duration_s > max_duration_s:
                raise AudioTooLongError(
                    f"{duration_s:.1f} s is over the limit of {max_duration_s:g} s", path=name
                )
            info = AudioInfo(
                format=fmt,
                subtype=subtype,
                sample_rate=native_sr,
                channels=channels,
                frames=frames,
                duration_s=duration_s,
                size_bytes=size,
            )
            yield info, reader
    finally:
        os.close(fd)


def probe(
    path: str | os.PathLike[str],
    *,
    max_file_bytes: int = _DEFAULT_MAX_FILE_BYTES,
    max_duration_s: float = _DEFAULT_MAX_DURATION_S,
) -> AudioInfo:
    """Read and check an audio file's header without decoding samples.

    Parameters
    ----------
    path : str or PathLike
        The file. Must be a regular file.
    max_file_bytes : int
        Size cap in bytes (:class:`FileTooLargeError` above it).
    max_duration_s : float
        Cap on the declared duration in seconds (:class:`AudioTooLongError` above it).

    Returns
    -------
    AudioInfo

    Raises
    ------
    AudioError
        One of its subclasses; see the module docstring's table.
    """
    with _open_checked(path, max_file_bytes=max_file_bytes, max_duration_s=max_duration_s) as (
        info,
        _,
    ):
        return info


def load_audio(
    path: str | os.PathLike[str],
    *,
    sr: int | None = 22050,
    max_s: float | None = None,
    max_file_bytes: int = _DEFAULT_MAX_FILE_BYTES,
    max_duration_s: float = _DEFAULT_MAX_DURATION_S,
    keep_channels: int = 1,
) -> DecodedAudio:
    """Decode at most ``max_s`` seconds of a file to mono float32 at ``sr``.

    Parameters
    ----------
    path : str or PathLike
        The file (WAV, RF64, W64, AIFF, FLAC, OGG Vorbis/Opus, MP3).
    sr : int or None
        Target sample rate in Hz; None keeps the native rate.
    max_s : float or None
        Decode only the first ``max_s`` seconds; None = the whole file.
    max_file_bytes, max_duration_s
        Caps checked before decoding, as in :func:`probe`.
    keep_channels : int
        A file with at most this many channels keeps them (``y`` shaped
        ``(channels, n)``, librosa's layout); one with more is mixed to mono. 1 (the
        default, what the analysis wants) always mixes to mono.

    Returns
    -------
    DecodedAudio
        ``y`` is the channel mean (or the kept channels), resampled with soxr (HQ),
        shape ``(n,)`` (or ``(channels, n)``).

    Raises
    ------
    AudioError
        One of its subclasses; see the module docstring's table.
    ValueError
        ``sr`` or ``max_s`` out of range (a programming error, not a bad file).
    """
    if sr is not None and not MIN_SAMPLE_RATE <= sr <= MAX_SAMPLE_RATE:
        raise ValueError(f"sr must be in [{MIN_SAMPLE_RATE}, {MAX_SAMPLE_RATE}] Hz, got {sr}")
    if max_s is not None and not (max_s > 0 and math.isfinite(max_s)):
        raise ValueError(f"max_s must be a positive number of seconds, got {max_s}")
    name = os.fspath(path)
    with _open_checked(name, max_file_bytes=max_file_bytes, max_duration_s=max_duration_s) as (
        info,
        reader,
    ):
        out_channels = info.channels if 1 < info.channels <= keep_channels else 1
        return _decode(
            name,
            info,
            reader,
            sr=sr,
            max_s=max_s,
            max_duration_s=max_duration_s,
            out_channels=out_channels,
        )


def _decode(
    name: str,
    info: AudioInfo,
    reader: sf.SoundFile,
    *,
    sr: int | None,
    max_s: float | None,
    max_duration_s: float,
    out_channels: int = 1,
) -> DecodedAudio:
    native_sr = info.sample_rate
    target_sr = native_sr if sr is None else int(sr)
    exact = info.format in _EXACT_LENGTH_FORMATS
    # Frames to read: the analysis window, and never past the duration cap (an MP3's
    # header length is only an estimate, so its real length is enforced while reading).
    cap_frames = math.ceil(max_duration_s * native_sr) + 1
    want = cap_frames if max_s is None else min(cap_frames, math.ceil(max_s * native_sr))
    if exact:
        want = min(want, info.frames)
    block = max(1024, min(_BLOCK_FRAMES, _BLOCK_BYTES // (4 * info.channels)))

    resampler = None
    if target_sr != native_sr:
        import soxr  # librosa's default resampler; imported here to keep probe() light

        resampler = soxr.ResampleStream(
            native_sr, target_sr, out_channels, dtype="float32", quality="HQ"
        )

    chunks: list[npt.NDArray[np.float32]] = []
    got = 0
    decode_error: Exception | None = None
    # Each pass consumes >= 1 frame or ends the loop; the explicit cap also ends a decoder
    # that keeps returning tiny reads (libsndfile normally fills the whole request).
    max_passes = want // block + 2 + want // 1024
    at_eof = False
    for _ in range(max_passes):
        n = min(block, want - got)
        if n <= 0:
            break
        try:
            frames = reader.read(n, dtype="float32", always_2d=True)
        except (sf.LibsndfileError, RuntimeError) as err:
            decode_error = err
            break
        if len(frames) == 0:
            at_eof = True
            break
        if out_channels > 1:
            mono = np.ascontiguousarray(frames, dtype=np.float32)  # every channel kept
        elif frames.shape[1] == 1:
            mono = frames[:, 0]
        elif frames.shape[1] == 2:
            # (left + right) * 0.5 is what mean(axis=1) computes for two channels, bit for
            # bit, without its reduction over a length-2 axis (~4x the CPU).
            mono = np.add(frames[:, 0], frames[:, 1])
            mono *= np.float32(0.5)
        else:
            mono = frames.mean(axis=1, dtype=np.float32)
        if not np.isfinite(mono).all():
            raise InvalidSamplesError(
                f"NaN or infinite samples near {got / native_sr:.2f} s", path=name
            )
        block_peak = float(np.max(np.abs(mono)))
        if block_peak > MAX_ABS_SAMPLE:
            raise InvalidSamplesError(
                f"sample magnitude {block_peak:.3g} near {got / native_sr:.2f} s is not audio",
                path=name,
            )
        got += len(frames)
        last = got >= want
        chunks.append(resampler.resample_chunk(mono, last=last) if resampler else mono)
        if last:
            break
    else:
        raise CorruptAudioError("the decoder made no progress", path=name)

    if resampler is not None and got < want:
        empty = np.zeros((0, out_channels) if out_channels > 1 else 0, np.float32)
        chunks.append(resampler.resample_chunk(empty, last=True))

    if got == 0:
        if decode_error is not None:
            raise CorruptAudioError(f"undecodable audio data ({decode_error})", path=name)
        raise EmptyAudioError("no samples could be decoded", path=name)
    if exact and got < MIN_PRESENT_FRACTION * want:
        why = f" ({decode_error})" if decode_error is not None else ""
        raise CorruptAudioError(
            f"truncated: decoded {got / native_sr:.2f} s of the {want / native_sr:.2f} s "
            f"the header declares{why}",
            path=name,
        )
    if not exact and decode_error is not None and got < MIN_PRESENT_FRACTION * want:
        raise CorruptAudioError(
            f"decoding failed after {got / native_sr:.2f} s ({decode_error})", path=name
        )
    if max_s is None and got >= cap_frames:
        raise AudioTooLongError(f"longer than the limit of {max_duration_s:g} s", path=name)

    duration_s = info.duration_s
    if not exact and (at_eof or decode_error is not None):
        # We reached the real end of an MP3/OGG: its decoded length beats the estimate.
        duration_s = got / native_sr

    y = np.concatenate(chunks) if len(chunks) != 1 else chunks[0]
    y = np.ascontiguousarray(y.T if out_channels > 1 else y, dtype=np.float32)
    return DecodedAudio(
        y=y,
        sr=target_sr,
        native_sr=native_sr,
        channels=info.channels,
        duration_s=float(duration_s),
        analysed_s=got / native_sr,
    )


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes, streamed in 256 KiB blocks (constant memory).

    Raises
    ------
    AudioFileNotFoundError
        The file does not exist or cannot be read.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        raise AudioFileNotFoundError("no such file", path=name) from None
    except OSError as err:
        raise AudioFileNotFoundError(f"cannot read: {err.strerror}", path=name) from None
