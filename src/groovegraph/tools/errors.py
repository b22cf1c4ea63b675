"""Typed errors raised by the tools. Each carries a stable ``code`` that the CLI maps to
an exit status and the server maps to an HTTP status; none of them is ever a 500."""

from __future__ import annotations


class GrooveGraphError(Exception):
    """Base class of every error groovegraph raises on purpose."""

    code: str = "groovegraph_error"
    http_status: int = 400
    exit_code: int = 1

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class AudioError(GrooveGraphError):
    """The audio could not be used."""

    code = "audio_error"
    http_status = 422
    exit_code = 3


class AudioFileNotFoundError(AudioError):
    code = "file_not_found"
    http_status = 404
    exit_code = 2


class UnsupportedFormatError(AudioError):
    """The bytes are not audio in a format we decode (WAV, FLAC, OGG, MP3)."""

    code = "unsupported_format"
    http_status = 415


class EmptyAudioError(AudioError):
    """Zero-length file or no samples."""

    code = "empty_audio"


class CorruptAudioError(AudioError):
    """Truncated, inconsistent header, absurd declared length, undecodable frames."""

    code = "corrupt_audio"


class InvalidSamplesError(AudioError):
    """Decoded samples contain NaN or infinity."""

    code = "invalid_samples"


class FileTooLargeError(AudioError):
    code = "file_too_large"
    http_status = 413


class AudioTooLongError(AudioError):
    code = "audio_too_long"
    http_status = 413


class AudioTooShortError(AudioError):
    """Too short to say anything about tempo or key."""

    code = "audio_too_short"


class SilentAudioError(AudioTooShortError):
    """Decodes fine but holds only (near-)silence: no tempo or key to measure.

    A subclass of :class:`AudioTooShortError` so code that treats "nothing to measure"
    as one case keeps working."""

    code = "silent_audio"


class NoPitchedContentError(AudioTooShortError):
    """Audible, long enough, but nothing pitched to take a key from (a drum break, noise).

    Raised by the key estimator only; :func:`groovegraph.tools.analysis.analyze_file`
    catches it and returns the analysis with ``key=None``, since tempo and groove are
    still measurable. A subclass of :class:`AudioTooShortError` so callers of
    ``estimate_key`` that catch the broader case keep working."""

    code = "no_pitched_content"


class DecodeTimeoutError(AudioError):
    code = "decode_timeout"
    http_status = 422


class AnalysisFailedError(AudioError):
    """The analysis itself failed on this input in an unforeseen way (a bug to report);
    batch analysis reports it for that file and carries on with the others."""

    code = "analysis_failed"


class PathNotAllowedError(GrooveGraphError):
    """A path outside the configured library roots, a symlink escape, or a URL."""

    code = "path_not_allowed"
    http_status = 403
    exit_code = 4


class InvalidQueryError(GrooveGraphError):
    """A catalog query or key/tempo argument that cannot be understood."""

    code = "invalid_query"
    http_status = 422
    exit_code = 2

    @classmethod
    def from_validation(
        cls, err: Exception, names: dict[str, str] | None = None
    ) -> InvalidQueryError:
        """One readable line from a pydantic ``ValidationError`` of a query model, each
        problem named by its field (``"swing: Input should be ≤ 100"``), rather than
        pydantic's "2 validation errors for CatalogQuery" headline.

        ``names`` maps a model field to what the caller typed (``bpm_min`` → ``bpm`` for
        ``?bpm=``, ``--bpm`` for the CLI), so an error never names an internal field;
        the same problem reported for several fields of one parameter is said once."""
        listed = getattr(err, "errors", None)
        parts: list[str] = []
        if callable(listed):
            for item in listed()[:5]:
                loc = ".".join(str(p) for p in item.get("loc", ()))
                loc = (names or {}).get(loc, loc)
                msg = str(item.get("msg", "invalid"))
                parts.append(f"{loc}: {msg}" if loc else msg)
        text = "; ".join(dict.fromkeys(parts)) or (str(err).splitlines() or ["invalid query"])[0]
        return cls(text)


class NotFoundError(GrooveGraphError):
    code = "not_found"
    http_status = 404
    exit_code = 2


class ClusterUnavailableError(GrooveGraphError):
    """The Dask scheduler named by ``--cluster`` / ``GROOVEGRAPH_CLUSTER`` cannot be used."""

    code = "cluster_unavailable"
    http_status = 503
    exit_code = 5
