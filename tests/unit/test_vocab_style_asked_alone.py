"""A style the vocabulary has no tag for, asked on its own as a question ("bhangra?",
"and what about reggaeton?"), is read as that style; said in a sentence that asks for
nothing ("reggaeton is everywhere") it is not."""

from __future__ import annotations

import pytest

from groovegraph.tools import vocab


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("bhangra?", "bhangra"),
        ("and what about reggaeton?", "reggaeton"),
        ("ok zydeco??", "zydeco"),
        ("reggaeton is everywhere", None),
        ("is bhangra a genre you know", None),
    ],
)
def test_a_style_asked_alone(text: str, style: str | None) -> None:
    assert vocab.find_other_style(text) == style
