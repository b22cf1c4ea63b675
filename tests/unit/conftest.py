"""Fixtures shared by the unit tests that render General MIDI through a soundfont."""

from __future__ import annotations

import pytest

from groovegraph.evals.corpus import render


@pytest.fixture(scope="module")
def font() -> render.SoundFont:
    """pretty_midi's TimGM6mb soundfont (skips the test when the file is missing)."""
    sf = render.soundfonts()["timgm6mb"]
    if not sf.available:
        pytest.skip("pretty_midi's TimGM6mb.sf2 is missing")
    return sf
