"""Catalog row identities, shared by the store and the indexer (a leaf module: it keeps
:mod:`~groovegraph.persistence.catalog_store` → :mod:`~groovegraph.persistence.indexer`
one-way).

Sample ids: see :mod:`groovegraph.persistence.catalog_store`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from groovegraph.state import SampleTags
from groovegraph.tools.errors import InvalidQueryError

__all__ = ["StoredFile", "sample_id_for"]


def sample_id_for(sha256: str, owner: str | None = None) -> str:
    """The sample id of a file with content hash ``sha256`` (see the module docstring)."""
    if len(sha256) < 16 or any(c not in "0123456789abcdef" for c in sha256.lower()):
        raise InvalidQueryError(f"not a hex SHA-256: {sha256!r}")
    if owner is None:
        return sha256[:16].lower()
    return hashlib.sha256(f"{owner}\0{sha256.lower()}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StoredFile:
    """What the indexer needs to know about a stored row to decide if a file changed."""

    id: str
    path: str
    sha256: str
    size_bytes: int
    mtime: float
    status: str
    tags: SampleTags
