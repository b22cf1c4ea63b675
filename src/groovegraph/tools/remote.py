"""Libraries behind an fsspec URL (``s3://bucket/prefix``, ``gs://…``, ``sftp://…``,
``file:///…``): listing, hashing, tags and a local copy for the decoder.

Needs the optional extra: ``pip install 'groovegraph[remote]'`` brings fsspec and s3fs (S3
and S3-compatible stores); other protocols need their fsspec package (gcsfs, adlfs, sshfs).
Credentials and endpoints come from each filesystem's usual configuration on every
machine that reads the files (for S3: ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_ENDPOINT_URL``, ``~/.aws``…); none travel with the files.

The decoder reads only local regular files (bounded, no external process), so a remote
file is analysed from a temporary local copy: its size is checked against
``max_file_bytes`` before a byte is fetched, the copy is capped at that size and removed
afterwards. Paths are kept as full URLs (``s3://bucket/prefix/loops/a.wav``) in the
catalog.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import math
import os
import posixpath
import re
import tempfile
from collections.abc import Iterator
from typing import Any

from groovegraph.tools.errors import (
    AudioFileNotFoundError,
    FileTooLargeError,
    PathNotAllowedError,
)

__all__ = ["fetched", "is_url", "join_url", "open_url", "url_exists", "url_sha256", "walk_url"]

_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_CHUNK = 1 << 20


def is_url(path: str | os.PathLike[str]) -> bool:
    """``scheme://…``: a path for fsspec, not for the local filesystem."""
    return bool(_URL_RE.match(os.fspath(path)))


def join_url(root: str, relative: str) -> str:
    """``root`` + ``/`` + a POSIX path relative to it."""
    return root.rstrip("/") + "/" + relative.lstrip("/")


def _filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` and the path inside it; typed errors for a
    missing extra or an unknown protocol.

    fsspec keeps one filesystem per configuration in a process, with listings cached;
    in a long-lived process (a Dask worker, the next indexing run) a cached listing would
    describe objects as they were (an overwritten S3 object then fails to read on its old
    ETag). Each caller drops the cache for what it is about to read.
    """
    try:
        import fsspec
    except ImportError:  # pragma: no cover - fsspec comes with dask
        raise PathNotAllowedError(
            "reading from a URL needs the 'remote' extra: pip install 'groovegraph[remote]'",
            path=url,
        ) from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as err:
        raise PathNotAllowedError(
            f"no filesystem for this URL is installed ({err}); for s3:// install "
            "'groovegraph[remote]'",
            path=url,
        ) from None
    except ValueError as err:
        raise PathNotAllowedError(f"not a URL fsspec knows: {err}", path=url) from None
    return fs, str(path)


def _mtime(info: dict[str, Any]) -> float:
    """Modification time (epoch seconds) from an fsspec ``info`` dict, whatever the backend
    calls it (``mtime`` local/sftp, ``LastModified`` S3, ``updated`` GCS,
    ``last_modified`` Azure). NaN when the backend reports none: such a file never
    matches its stored row, so it is hashed on every run (and found unchanged by hash)."""
    for key in ("mtime", "LastModified", "last_modified", "updated", "modified", "created"):
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            return value.timestamp()
        if isinstance(value, int | float):
            return float(value)
        try:
            return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
        except ValueError:
            continue
    return math.nan


def walk_url(root: str) -> Iterator[tuple[str, str, int, float]]:
    """Audio files under the URL ``root``: ``(url, relative, size_bytes, mtime)``, sorted,
    hidden entries (a part starting with ``.``) skipped.

    Raises :class:`PathNotAllowedError` when ``root`` lists nothing because it does not
    exist (an empty prefix that exists is an empty library).
    """
    from groovegraph.tools.library import AUDIO_SUFFIXES

    fs, base = _filesystem(root)
    base = base.rstrip("/")
    fs.invalidate_cache()  # the listing and every file's details as they are now
    try:
        found = fs.find(base, detail=True, withdirs=False)
    except (FileNotFoundError, PermissionError, OSError) as err:
        raise PathNotAllowedError(f"cannot list: {err}", path=root) from None
    if not found and not fs.exists(base):
        raise PathNotAllowedError("no such folder or prefix", path=root)
    prefix = base + "/"
    for name in sorted(found):
        info = found[name]
        if not name.startswith(prefix) or info.get("type", "file") != "file":
            continue
        relative = name[len(prefix) :]
        parts = relative.split("/")
        if any(p.startswith(".") for p in parts):
            continue
        if posixpath.splitext(parts[-1])[1].lower() not in AUDIO_SUFFIXES:
            continue
        yield join_url(root, relative), relative, int(info.get("size") or 0), _mtime(info)


@contextlib.contextmanager
def open_url(url: str) -> Iterator[Any]:
    """The remote file opened for binary reading (random access: fine for tag readers)."""
    fs, path = _filesystem(url)
    fs.invalidate_cache(path)
    try:
        fh = fs.open(path, "rb")
    except FileNotFoundError:
        raise AudioFileNotFoundError("no such file", path=url) from None
    except OSError as err:
        raise AudioFileNotFoundError(f"cannot read: {err}", path=url) from None
    with fh:
        yield fh


def url_sha256(url: str) -> str:
    """Hex SHA-256 of the remote file's bytes, streamed (constant memory)."""
    digest = hashlib.sha256()
    with open_url(url) as fh:
        try:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
        except OSError as err:
            raise AudioFileNotFoundError(f"cannot read: {err}", path=url) from None
    return digest.hexdigest()


def url_exists(url: str) -> bool:
    """Whether the remote file is there (False when it cannot be asked)."""
    try:
        fs, path = _filesystem(url)
        fs.invalidate_cache(path)
        return bool(fs.exists(path))
    except (PathNotAllowedError, OSError):
        return False


def _bounded_chunks(url: str, max_bytes: int) -> Iterator[bytes]:
    """The remote file's bytes in chunks, refused when over ``max_bytes`` (checked from
    its listed size before the download and enforced during it)."""
    fs, path = _filesystem(url)
    fs.invalidate_cache(path)
    try:
        size = fs.size(path)
    except FileNotFoundError:
        raise AudioFileNotFoundError("no such file", path=url) from None
    except OSError as err:
        raise AudioFileNotFoundError(f"cannot read: {err}", path=url) from None
    if size is not None and size > max_bytes:
        raise FileTooLargeError(f"{size} bytes is over the limit of {max_bytes} bytes", path=url)
    copied = 0
    with open_url(url) as src:
        try:
            while chunk := src.read(_CHUNK):
                copied += len(chunk)
                if copied > max_bytes:
                    raise FileTooLargeError(f"over the limit of {max_bytes} bytes", path=url)
                yield chunk
        except OSError as err:
            raise AudioFileNotFoundError(f"cannot read: {err}", path=url) from None


def read_url(url: str, *, max_bytes: int) -> bytes:
    """The remote file's bytes (errors as :func:`fetched`)."""
    return b"".join(_bounded_chunks(url, max_bytes))


@contextlib.contextmanager
def fetched(url: str, *, max_bytes: int) -> Iterator[str]:
    """A local temporary copy of the remote file, removed on exit.

    Raises :class:`AudioFileNotFoundError` (missing, unreadable) or
    :class:`FileTooLargeError` (over ``max_bytes``, checked before the download and
    enforced during it).
    """
    suffix = posixpath.splitext(_filesystem(url)[1])[1].lower()[:8]
    with tempfile.TemporaryDirectory(prefix="groovegraph-fetch-") as tmp:
        local = os.path.join(tmp, "audio" + suffix)
        with open(local, "wb") as dst:
            for chunk in _bounded_chunks(url, max_bytes):
                dst.write(chunk)
        yield local
