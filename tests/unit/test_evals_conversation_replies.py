"""The evaluation harness plays a conversation as the server's chat routes would: a reply
to the question the last turn asked ("which file? 1 or 2" → "the 03") resumes that run
rather than starting a turn that drops the question."""

from __future__ import annotations

from groovegraph.evals.harness import EvalContext
from groovegraph.settings import Settings
from groovegraph.tools import catalog as cat
from tests.catalogs import library_frame, numbered_loop, offline_graph

ROWS = [
    numbered_loop(3, "funk", "70s", 97.0, "E minor", name="gritty_funk_03_97bpm_Em"),
    numbered_loop(7, "funk", "70s", 101.0, "A minor", name="gritty_funk_07_101bpm_Am"),
    numbered_loop(9, "soul", "70s", 80.0, "A minor", name="warm_soul_09_80bpm_Am"),
]


def test_a_reply_to_which_file_resumes_the_question(settings: Settings) -> None:
    frame = library_frame(ROWS)
    with EvalContext(settings=settings) as ctx:
        # the run's library and graph, without building the demo library
        ctx.__dict__["catalog"] = cat.FrameSource(frame)
        ctx.__dict__["graph"] = offline_graph(frame, settings=settings)
        asked, answered = ctx.run_conversation(
            [{"message": "analyse gritty_funk"}, {"message": "the 03"}]
        )
    # paused on "which one?", asked by the specialist the turn needs: it ran this turn
    assert asked["specialists"] == ["groove"]
    assert asked["answer"] == ""
    assert answered["specialists"] == ["groove"]
    assert [p.rsplit("/", 1)[-1] for p in answered["subjects"]] == ["gritty_funk_03_97bpm_Em.wav"]
    assert "97.0 BPM" in answered["answer"]
