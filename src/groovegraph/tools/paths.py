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
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from groovegraph.tools.errors import PathNotAllowedError

if TYPE_CHECKING:
    from groovegraph.settings import Settings

# A scheme such as "http:", "s3:", "file:", "ftp:" at the start of the text. Two or more
# letters so that a Windows drive letter ("C:\\...") is not mistaken for a scheme.
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")

# Linux's NAME_MAX and PATH_MAX, in bytes. Longer text cannot name a file; refusing it
# here keeps the OS's ENAMETOOLONG (an OSError, not one of our typed errors) out of every
# later stat() or open() on the returned path.
_NAME_MAX_BYTES = 255
_PATH_MAX_BYTES = 4096

__all__ = ["UPLOADS_PREFIX", "OwnerPaths", "is_within", "resolve_library_path", "resolved_roots"]

#: How an owner's own uploads are named to them (``uploads/1a/1a11….wav``).
UPLOADS_PREFIX = "uploads"

#: Seconds an owner's resolved folders are reused (:meth:`OwnerPaths.for_owner`): every
#: tool call of a turn asks for them, and resolving them is a ``stat`` per path
#: component (~0.2 ms a call). A library root that is a symlink, repointed, is followed
#: within this time.
RESOLVED_TTL_S = 5.0
_resolved: dict[tuple[Any, ...], tuple[float, OwnerPaths]] = {}


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
    raw = _checked_text(text)
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


def _checked_text(text: str | os.PathLike[str]) -> str:
    """The path as text (not stripped: errors quote it as given), or
    :class:`PathNotAllowedError` for what no path may be: bytes that do not decode, only
    white space, a NUL byte."""
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
    return raw


@dataclass(frozen=True)
class OwnerPaths:
    """The files one owner's tools may open, and the names those files are shown by.

    An owner may read the shared library folders and their own uploads, never another
    owner's (uploads are kept per owner: ``uploads/<owner hash>/…``). Tools, events and
    answers name files library-relative, never by server path: a library file by its
    path inside its library folder (``Funk/70s/break.wav``), an upload as
    ``uploads/<sha[:2]>/<sha>.wav``; :meth:`resolve` takes those names back.

    Build it with :meth:`for_owner`.
    """

    library: tuple[Path, ...]
    own_uploads: Path
    uploads: Path

    @classmethod
    def for_owner(cls, settings: Settings, owner: str) -> OwnerPaths:
        """The owner's folders, resolved (reused for :data:`RESOLVED_TTL_S` seconds)."""
        key = (cls, tuple(settings.library_roots), settings.data_dir, owner)
        now = time.monotonic()
        cached = _resolved.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        paths = cls(
            library=tuple(settings.library_dirs),
            own_uploads=settings.owner_uploads_dir(owner).expanduser().resolve(),
            uploads=settings.uploads_dir.expanduser().resolve(),
        )
        if len(_resolved) >= 1024:
            _resolved.clear()
        _resolved[key] = (now + RESOLVED_TTL_S, paths)
        return paths

    def resolve(self, text: str | os.PathLike[str]) -> Path:
        """A user- or model-supplied path resolved inside this owner's folders.

        A relative ``uploads/…`` names the owner's own upload; any other relative path
        is looked for in each library folder in turn (the first that holds the file,
        else the first folder). Raises :class:`PathNotAllowedError` for a path outside
        them, another owner's upload included (absolute, ``../uploads/…`` or via a
        library folder that contains the data dir) — the same error as for any other
        folder, so it does not tell whether the file exists."""
        raw = _checked_text(text).strip()
        base: Path | None = None
        relative = raw
        candidate = Path(raw).expanduser()
        if not candidate.is_absolute() and "://" not in raw and not _SCHEME_RE.match(raw):
            parts = candidate.parts
            if parts and parts[0] == UPLOADS_PREFIX:
                base = self.own_uploads
                relative = os.path.join(*parts[1:]) if len(parts) > 1 else "."
            else:
                for root in self.library:
                    try:
                        if (root / candidate).is_file():
                            base = root
                            break
                    except (OSError, ValueError):  # a name too long: refused below
                        break
        resolved = resolve_library_path(
            relative, roots=[*self.library, self.own_uploads], base=base
        )
        if is_within(resolved, self.uploads) and not is_within(resolved, self.own_uploads):
            raise PathNotAllowedError("path is outside the library folders", path=raw)
        return resolved

    def _prefixes(self) -> list[tuple[str, str]]:
        """(server folder + "/", shown prefix), longest folder first."""
        pairs = [(self.own_uploads, f"{UPLOADS_PREFIX}/"), (self.uploads, f"{UPLOADS_PREFIX}/")]
        pairs += [(root, "") for root in self.library]
        out: list[tuple[str, str]] = []
        for folder, shown in pairs:
            text = os.fspath(folder).rstrip("/") + "/"
            if text != "/" and all(text != seen for seen, _ in out):
                out.append((text, shown))
        return sorted(out, key=lambda pair: -len(pair[0]))

    def name(self, path: str) -> str:
        """How ``path`` is shown to the owner: library-relative, never a server path
        (a file outside every folder is shown by its file name alone)."""
        if not os.path.isabs(path):
            return path
        normal = os.path.normpath(path)
        for folder, shown in self._prefixes():
            if normal.startswith(folder):
                rest = normal[len(folder) :]
                if shown and folder == os.fspath(self.uploads).rstrip("/") + "/":
                    rest = os.path.basename(rest)  # not the owner's own: its name only
                return shown + rest
        return os.path.basename(normal)

    def scrub(self, value: Any) -> Any:
        """``value`` (text, or JSON-like data) with every server path under a library
        folder or the uploads rewritten as :meth:`name` shows it."""
        if isinstance(value, str):
            if "/" not in value:
                return value
            if os.path.isabs(value) and not any(c.isspace() for c in value):
                return self.name(value)
            for folder, shown in self._prefixes():
                if folder in value:
                    value = value.replace(folder, shown)
            return value
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.scrub(v) for v in value)
        return value


def upload_name(source: str | None) -> str | None:
    """The file name an upload was sent with (its ``source`` tag is ``upload:<name>``)."""
    if source and source.startswith("upload:"):
        return Path(source.removeprefix("upload:")).name or None
    return None


def shown_name(path: str, source: str | None = None) -> str:
    """A sample's name for its owner (answers, the API, plot titles): the name it was
    uploaded with, else its file name."""
    return upload_name(source) or Path(path).name
