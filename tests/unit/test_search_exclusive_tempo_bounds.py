"""The search tool takes a tempo bound as strict on request (``bpm_max_exclusive`` /
``bpm_min_exclusive``): the catalog search leaves the bound's own tempo out, so a chat
model's call for "slower than 88" finds no loop at 88.0, and the offline plan passes
"lower than 88" as the bound 88 with the flag, not as a ceiling moved a tenth in."""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.messages import AIMessage

from groovegraph.graph.offline import describe_search, plan_tool_calls
from groovegraph.settings import Settings
from groovegraph.state import CatalogQuery, ParsedRequest
from groovegraph.tools import catalog as cat
from tests.catalogs import numbered_loop
from tests.chat import run
from tests.unit.test_graph_models import ScriptedChat, call, compile_with, route, said

_TAG = "c7e2"
ROWS = [
    numbered_loop(1, "soul", "60s", 88.0, "D minor", tag=_TAG),
    numbered_loop(2, "soul", "60s", 85.5, "B major", tag=_TAG),
    numbered_loop(3, "soul", "60s", 92.0, "E major", tag=_TAG),
    numbered_loop(4, "soul", "60s", 79.0, "C minor", tag=_TAG),
]


def _tempi(hits) -> list[float]:
    return sorted(h.tempo_bpm for h in hits)


def test_the_catalog_search_leaves_a_strict_bound_out() -> None:
    frame = pd.DataFrame(ROWS)
    below = CatalogQuery(bpm_max=88.0, bpm_max_exclusive=True)
    assert _tempi(cat.search(frame, below)) == [79.0, 85.5]
    assert _tempi(cat.search(frame, CatalogQuery(bpm_max=88.0))) == [79.0, 85.5, 88.0]
    above = CatalogQuery(bpm_min=88.0, bpm_min_exclusive=True)
    assert _tempi(cat.search(frame, above)) == [92.0]
    (loop,) = cat.search(frame, CatalogQuery(bpm_min=88.0, bpm_max=88.0))
    assert cat.at_tempo(loop, CatalogQuery(bpm_max=88.0))
    assert not cat.at_tempo(loop, below)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"bpm_max": 88, "bpm_max_exclusive": True}, [79.0, 85.5]),
        ({"bpm_min": 88, "bpm_min_exclusive": True}, [92.0]),
        ({"bpm_max": 88}, [79.0, 85.5, 88.0]),
    ],
)
def test_a_model_call_with_the_flag_leaves_the_bound_out(
    settings: Settings, args: dict, expected: list[float]
) -> None:
    model = ScriptedChat(
        script={
            "router": [route("discovery")],
            "discovery": [
                AIMessage(
                    content="", tool_calls=[call("search_catalog", {"genre": "soul", **args})]
                ),
                said("Here they are."),
            ],
            "respond": [said("Here they are.")],
        }
    )
    out = run(compile_with(model, settings, pd.DataFrame(ROWS)), "soul slower than 88")
    assert _tempi(out["hits"]) == expected


def test_the_offline_plan_sends_the_bound_itself_with_the_flag() -> None:
    request = ParsedRequest(
        text="soul loops lower than 88 bpm", specialists=["discovery"], bpm_max=88.0
    )
    (plan,) = plan_tool_calls("discovery", request, samples=[], result_count=5)
    assert plan["args"]["bpm_max"] == 88.0
    assert plan["args"]["bpm_max_exclusive"] is True
    q = {"bpm_max": 88.0, "bpm_max_exclusive": True}
    assert "under 88 BPM" in describe_search({"query": q})
    assert "up to 88 BPM" in describe_search({"query": {"bpm_max": 88.0}})
    assert "over 88 BPM" in describe_search({"query": {"bpm_min": 88.0, "bpm_min_exclusive": True}})
