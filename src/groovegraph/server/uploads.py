"""Streaming receipt of a multipart upload with a hard size cap.

FastAPI's ``UploadFile`` reads the whole body before the handler runs, so a 10 GB POST
would be spooled to disk before we could refuse it. Here the body is parsed as it
arrives (python-multipart's streaming parser): ``Content-Length`` is checked first, the
file part is counted while it streams into a temporary file next to the uploads, and
the request fails with 413 the moment the cap is crossed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import anyio
from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from groovegraph.tools.errors import EmptyAudioError, FileTooLargeError, GrooveGraphError

# Room for the multipart envelope (boundaries, part headers) on top of the file itself.
_ENVELOPE_BYTES = 64 * 1024
_MAX_OTHER_FIELD_BYTES = 64 * 1024
# How many other field names an error message lists.
_NAMES_SHOWN = 5


class BadUploadError(GrooveGraphError):
    code = "bad_upload"
    http_status = 422


class UploadStalledError(GrooveGraphError):
    code = "upload_stalled"
    http_status = 408


class UnsupportedMediaTypeError(GrooveGraphError):
    code = "unsupported_media_type"
    http_status = 415


@dataclass
class ReceivedFile:
    """The uploaded file, on disk in a temporary path."""

    path: Path
    filename: str | None
    size_bytes: int
    sha256: str


class _Receiver:
    def __init__(self, *, field: str, tmp_dir: Path, max_bytes: int) -> None:
        self.field = field
        self.max_bytes = max_bytes
        self.tmp_dir = tmp_dir
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._in_file = False
        self._part_name = ""
        self._other_bytes = 0
        self.other_fields: list[str] = []
        self.complete = False
        self.file_seen = False
        self.filename: str | None = None
        self.size = 0
        self.hash = hashlib.sha256()
        self.fd: int | None = None
        self.path: Path | None = None

    # python-multipart callbacks ------------------------------------------------------
    def on_part_begin(self) -> None:
        self._headers = {}
        self._in_file = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._part_name = name
        if name != self.field and name not in self.other_fields:
            self.other_fields.append(name)
        if name == self.field and self.file_seen:
            raise BadUploadError(
                f"send one file per upload: the body has more than one {self.field!r} field"
            )
        if name == self.field:
            self.file_seen = True
            self._in_file = True
            raw = options.get(b"filename")
            # Only the base name, without control characters: a NUL cannot be stored in
            # the catalog (it was a 500) and none of them belongs in a file name.
            name = os.path.basename(raw.decode("utf-8", "replace")) if raw else ""
            self.filename = "".join(ch for ch in name if ch.isprintable()) or None
            fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=self.tmp_dir)
            self.fd, self.path = fd, Path(tmp)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not self._in_file:
            self._other_bytes += len(chunk)
            if not self.file_seen and self._other_bytes > self.max_bytes:
                # Audio under another name (the usual case) is let through up to the
                # file's own cap, so that it gets the same answer as a small one.
                raise BadUploadError(self.missing_file_message())
            if self.file_seen and self._other_bytes > _MAX_OTHER_FIELD_BYTES:
                raise BadUploadError(
                    f"form field {self._part_name[:64]!r} is too large; send only the "
                    f"audio, in a field named {self.field!r}"
                )
            return
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise FileTooLargeError(f"upload exceeds the {self.max_bytes} byte limit")
        self.hash.update(chunk)
        assert self.fd is not None
        os.write(self.fd, chunk)

    def missing_file_message(self) -> str:
        """The error for a body without the file field, naming the fields it has."""
        message = f"no {self.field!r} field in the multipart body"
        if not self.other_fields:
            return message + " (it has no fields)"
        shown = ", ".join(repr(n[:64]) for n in self.other_fields[:_NAMES_SHOWN])
        more = len(self.other_fields) - _NAMES_SHOWN
        if more > 0:
            shown += f" and {more} more"
        return (
            f"{message} (fields received: {shown}); send the audio in a field named {self.field!r}"
        )

    def on_part_end(self) -> None:
        self._in_file = False

    def on_end(self) -> None:
        self.complete = True

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def discard(self) -> None:
        self.close()
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()


async def receive_file(
    request: Request, *, field: str, tmp_dir: Path, max_bytes: int, idle_timeout_s: float = 60.0
) -> ReceivedFile:
    """Stream the ``field`` part of a multipart request into a temp file under ``tmp_dir``.

    ``idle_timeout_s`` (seconds) bounds the wait for each next piece of the body: uvicorn
    has no body-read timeout, so a client that stops sending would otherwise hold the
    request, its connection and a half-written temporary file forever.

    Raises
    ------
    FileTooLargeError
        Content-Length or the streamed bytes exceed ``max_bytes`` (413).
    UnsupportedMediaTypeError
        Not ``multipart/form-data`` (415).
    BadUploadError
        No ``field`` part, or a malformed body (422).
    UploadStalledError
        No body bytes arrived for ``idle_timeout_s`` (408).
    EmptyAudioError
        The file part is empty (422).
    """
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise UnsupportedMediaTypeError(
            "send the audio as multipart/form-data in a field named 'file'"
        )
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            declared_bytes = int(declared)
        except ValueError as err:
            raise BadUploadError("invalid Content-Length") from err
        if declared_bytes > max_bytes + _ENVELOPE_BYTES:
            raise FileTooLargeError(
                f"upload of {declared_bytes} bytes exceeds the {max_bytes} byte limit"
            )
    receiver = _Receiver(field=field, tmp_dir=tmp_dir, max_bytes=max_bytes)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_end",
        )
    }
    parser = MultipartParser(params[b"boundary"], callbacks)  # type: ignore[arg-type]
    chunks = request.stream().__aiter__()
    try:
        while True:
            try:
                with anyio.fail_after(idle_timeout_s):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                break
            except TimeoutError as err:
                raise UploadStalledError(
                    f"no upload data for {idle_timeout_s:g} s; the upload was abandoned"
                ) from err
            parser.write(chunk)
        parser.finalize()
    except GrooveGraphError:
        receiver.discard()
        raise
    except Exception as err:  # python-multipart's parse errors, client aborts
        receiver.discard()
        raise BadUploadError(f"malformed multipart body: {err}") from err
    receiver.close()
    if not receiver.complete:
        # python-multipart's finalize() does not check this: without it a body cut off
        # mid-file (client gone, proxy limit) was analysed as if the file were whole.
        receiver.discard()
        raise BadUploadError(
            "the multipart body ended before its closing boundary (was the upload cut off?)"
        )
    if not receiver.file_seen or receiver.path is None:
        raise BadUploadError(receiver.missing_file_message())
    if receiver.size == 0:
        receiver.discard()
        raise EmptyAudioError("the uploaded file is empty")
    return ReceivedFile(
        path=receiver.path,
        filename=receiver.filename,
        size_bytes=receiver.size,
        sha256=receiver.hash.hexdigest(),
    )
