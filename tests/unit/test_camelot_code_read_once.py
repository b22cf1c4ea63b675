"""A Camelot code typed with room before its letter ("9  b") is one code wherever a
sentence is read for one: the key the loops are set against ("work with 9  b") and digits
that say no tempo (a narrowing "in 9  b then" carries the last search's tempo, as "in 9b"
does). Both read vocab.CAMELOT_CODE."""

from __future__ import annotations

import pytest

from groovegraph.graph.offline import _writes_a_number
from groovegraph.tools import vocab


@pytest.mark.parametrize("code", ["9b", "9 B", "9  b", "12A"])
def test_a_code_is_no_tempo_and_a_mix_partner(code: str) -> None:
    assert not _writes_a_number(f"only the ones in {code} then")
    assert vocab.KEY_AS_PARTNER_RE.search(f"which would work with {code}")


def test_a_tempo_beside_a_code_is_still_a_number() -> None:
    assert _writes_a_number("in 9b at 96")
