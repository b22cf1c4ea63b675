"""One message per turn in a thread of the user's own uploads: a turn whose answer opens
with a line of the supervisor's (a tempo the user corrects, the value asked about a
sample analysed before) is still one AI message, and no paragraph of a turn's answer
is said twice in that turn."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage

from groovegraph.settings import Settings
from tests.catalogs import catalog_row, library_frame, offline_graph, upload_row
from tests.chat import Chat, answer

BEAT = upload_row(0x21, "dusty break.wav", 93.0, None, 61.0)
ORGAN = upload_row(0x22, "organ keys loop.wav", 93.0, "D minor", 51.0)
THREE = upload_row(0x23, "slow waltz.wav", 140.0, "G major", 58.0)
FILLER = [
    catalog_row(
        id=f"{i:04d}f00d{i:08d}",
        path=f"/lib/filler_{i:02d}.wav",
        sha256=f"{i + 900:064x}",
        genre="soul",
        era="70s",
        tempo_bpm=90.0 + i,
        swing_percent=55.0,
        backbeat_lag_ms=3.0,
        key="A minor",
    )
    for i in range(4)
]


def _turns(chat: Chat) -> list[list[str]]:
    messages = chat.graph.get_state(chat.config).values["messages"]
    out: list[list[str]] = []
    for m in messages:
        if isinstance(m, HumanMessage):
            out.append([])
        elif isinstance(m, AIMessage) and not m.tool_calls and str(m.content).strip():
            out[-1].append(str(m.content))
    return out


def _paragraphs(texts: list[str]) -> list[str]:
    return [" ".join(p.split()) for t in texts for p in t.split("\n\n") if p.strip()]


def test_corrections_and_asked_values_about_own_uploads_are_one_message(
    settings: Settings,
) -> None:
    graph = offline_graph(library_frame([BEAT, ORGAN, THREE, *FILLER]), settings=settings)
    chat = Chat(graph, thread="own-uploads")
    chat.say("check out this break", samples=[BEAT["id"]])
    chat.say("what about this keys loop?", samples=[ORGAN["id"]])
    chat.say("and this waltz", samples=[THREE["id"]])
    chat.say("how fast did you say my break was?")
    out = chat.say("oops, my break is 90 bpm really")
    assert "90" in answer(out)
    chat.say("how much swing does my keys loop have?")
    chat.say("does my waltz swing?")
    per_turn = _turns(chat)
    assert [len(t) for t in per_turn] == [1] * len(per_turn), per_turn
    for texts in per_turn:
        paragraphs = _paragraphs(texts)
        assert len(paragraphs) == len(set(paragraphs)), texts
