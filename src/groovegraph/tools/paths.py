"""The one gate every file path passes before a tool opens it.

Paths reach the tools from users, from HTTP requests and from a language model. None of
them may name a URL (pandas and some decoders would happily fetch ``http://``, ``s3://``
or ``file://``), smuggle a NUL byte, or climb out of the configured library roots through
``..`` or a symlink. :func:`resolve_library_path` enforces all of that and returns the
resolved path the caller must use from then on (never the original text, which could
point elsewhere by the time it is opened).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from groovegraph.tools.errors import PathNotAllowedError

# A scheme such as "http:", "s3:", "file:", "ftp:" at the start of the text. Two or more
# letters so that a Windows drive letter ("C:\\...") is not mistaken for a scheme.
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")

# Linux's NAME_MAX and PATH_MAX, in bytes. Longer text cannot name a file; refusing it
# here keeps the OS's ENAMETOOLONG (an OSError, not one of our typed errors) out of every
# later stat() or open() on the returned path.
_NAME_MAX_BYTES = 255
_PATH_MAX_BYTES = 4096

__all__ = ["is_within", "resolve_library_path", "resolved_roots"]


def resolved_roots(roots: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Resolve (follow symlinks of) each root once; empty or missing input gives ``[]``."""
    out: list[Path] = []
    for root in roots:
        resolved = Path(root).expanduser().resolve()
        if resolved not in out:
            out.append(resolved)
    return out


def is_within(path: Path, root: Path) -> bool:
    """True when the already-resolved ``path`` is ``root`` or lies below it."""
    return path == root or path.is_relative_to(root)


def resolve_library_path(
    text: str | os.PathLike[str],
    *,
    roots: Iterable[str | os.PathLike[str]],
    base: str | os.PathLike[str] | None = None,
) -> Path:
    """Check a user- or model-supplied path and return it resolved inside a library root.

    Parameters
    ----------
    text : str or path-like
        The path as given. Relative paths are taken relative to ``base`` (default: the
        first root), so ``"Funk/70s/break.wav"`` names a file inside the library.
    roots : iterable of path-like
        Folders tools may read (``Settings.allowed_roots``). They are resolved here too,
        so a root that is itself a symlink works.
    base : path-like, optional
        Folder relative paths are joined to; it must itself lie inside a root.

    Returns
    -------
    pathlib.Path
        The absolute path with every symlink resolved. The file need not exist (the
        caller reports a missing file with its own error), but if it does exist, the
        resolution followed its symlinks.

    Raises
    ------
    PathNotAllowedError
        For URLs (anything with ``://`` or a scheme such as ``file:``/``s3:``), NUL bytes,
        empty text, a name longer than the OS allows, no roots configured, or a path that
        resolves outside every root.
    """
    raw = os.fspath(text)
    if not isinstance(raw, str):  # bytes paths: decode once, refuse what does not decode
        try:
            raw = os.fsdecode(raw)
        except UnicodeDecodeError as err:
            raise PathNotAllowedError("path is not valid text") from err
    if not raw.strip():
        raise PathNotAllowedError("empty path")
    if "\x00" in raw:
        raise PathNotAllowedError("path contains a NUL byte")
    stripped = raw.strip()
    if "://" in stripped or _SCHEME_RE.match(stripped):
        raise PathNotAllowedError(
            "URLs are not accepted; give a file path inside a library folder", path=raw
        )

    allowed = resolved_roots(roots)
    if not allowed:
        raise PathNotAllowedError("no library folders are configured", path=raw)

    candidate = Path(stripped).expanduser()
    if not candidate.is_absolute():
        anchor = Path(base).expanduser().resolve() if base is not None else allowed[0]
        if not any(is_within(anchor, root) for root in allowed):
            raise PathNotAllowedError(
                "base folder is outside the library folders", path=os.fspath(anchor)
            )
        candidate = anchor / candidate
    # strict=False: a missing file still resolves (its existing parents' symlinks are
    # followed), so a link pointing out of the root is caught even before it exists.
    try:
        resolved = candidate.resolve(strict=False)
    except (OSError, RuntimeError) as err:  # symlink loops
        raise PathNotAllowedError(f"path cannot be resolved: {err}", path=raw) from err
    if not any(is_within(resolved, root) for root in allowed):
        raise PathNotAllowedError("path is outside the library folders", path=raw)
    encoded = os.fsencode(resolved)
    if len(encoded) > _PATH_MAX_BYTES or any(
        len(part) > _NAME_MAX_BYTES for part in encoded.split(b"/")
    ):
        raise PathNotAllowedError("path or file name is too long", path=raw[:200])
    return resolved
