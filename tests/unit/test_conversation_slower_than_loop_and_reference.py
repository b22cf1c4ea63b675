"""After a search around the user's loop that listed a single loop faster than it,
"anything slower" is slower than both: the band starts under the user's loop's tempo, as
it does when the search listed several. Before, the band moved only past the one listed
loop and so listed loops faster than the user's own (set25)."""

from __future__ import annotations

import pandas as pd

from groovegraph.settings import Settings
from tests.catalogs import numbered_id, numbered_loop, offline_graph
from tests.chat import Chat

TAG = "a9b8"
ROWS = [
    numbered_loop(1, "funk", "70s", 90.0, "A minor", tag=TAG),
    numbered_loop(2, "funk", "70s", 95.0, "A minor", tag=TAG),
    numbered_loop(3, "funk", "70s", 92.0, "F# major", tag=TAG),
    numbered_loop(4, "funk", "80s", 93.0, "Db major", tag=TAG),
    numbered_loop(5, "funk", "80s", 87.0, "B major", tag=TAG),
    numbered_loop(6, "funk", "80s", 85.0, "Eb major", tag=TAG),
]


def test_slower_after_one_faster_hit_is_slower_than_my_loop(settings: Settings) -> None:
    chat = Chat(offline_graph(pd.DataFrame(ROWS), settings=settings))
    chat.say("here is my break", samples=[numbered_id(1, TAG)])
    listed = chat.say("funk that goes with my break")
    assert [h.tempo_bpm for h in listed["hits"]] == [95.0]
    out = chat.say("anything slower")
    assert out["request"].bpm_max is not None
    assert out["request"].bpm_max < 90.0
    assert out["hits"]
    assert all(h.tempo_bpm < 90.0 for h in out["hits"])
