"""Routing families found on the tune split (issue 10), each checked on wording of its
own: what a message asks decides the specialists, whatever the classifier leans to."""

from __future__ import annotations

import pytest

from groovegraph.graph.understanding import Conversation, get_offline


def _specialists(text: str, attached: int = 0) -> list[str]:
    samples = ["Funk/70s/gritty_funk_03_97bpm_Em.wav", "Boom Bap/90s/raw_boombap_07_90bpm_Am.wav"]
    request = get_offline().understand(
        text, attached=samples[:attached], conversation=Conversation()
    )
    return list(request.specialists)


@pytest.mark.parametrize(
    "text",
    [
        "could a 70 bpm dub loop sit under a 140 grime beat or is that silly",
        "thinking of layering an 86 bpm loop with a 172 jungle break, any good?",
        "is 85 into 170 workable, you know, double time into jungle",
        "how would i get from 80 bpm reggae into 160 dnb in a set",
        "one loop is at 96 bpm in A minor, the other one is 100 in C major. will that work?",
    ],
)
def test_two_tempi_set_against_each_other_are_a_mixing_question(text: str) -> None:
    assert _specialists(text) == ["compatibility"]


@pytest.mark.parametrize(
    "text",
    [
        "mellow soul, minor key, 88 to 94",
        "loops at 92 or 95 bpm, soul or jazz",
        "pull two soul loops at 80 bpm and two at 100",
        "reggae loops from 70 to 140",
    ],
)
def test_a_tempo_range_or_list_to_search_stays_a_search(text: str) -> None:
    assert _specialists(text) == ["discovery"]
