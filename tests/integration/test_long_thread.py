"""A 200-turn thread with a scripted OpenAI-compatible model on loopback (issue 10): every
prompt stays under the token budget, turn 1's key is still in the state at turn 200, the
state holds a bounded number of turns, and no turn repeats an answer. The numbers (state
size, prompt tokens) are reported by ``benchmarks/long_thread.py``."""

from __future__ import annotations

import pytest
from benchmarks.long_thread import run_long_thread

pytestmark = pytest.mark.integration


# 200 turns and ~750 HTTP model calls: minutes on a loaded machine, past the default 300 s.
@pytest.mark.timeout(1800)
def test_a_200_turn_thread_stays_under_the_token_budget() -> None:
    result = run_long_thread(turns=200)
    # router, specialists and answers over real HTTP, every turn (also past history_turns)
    assert result["routed_turns"] == 200
    assert result["model_calls"] > 600
    assert result["prompts_over_budget"] == 0, result
    assert result["prompt_tokens_max"] <= result["memory_tokens"]
    assert result["turns_repeating_an_answer"] == 0
    assert result["user_turns_in_state"] <= result["history_turns"]
    assert result["folded_turns"] >= 200 - result["history_turns"]
    key = result["turn_1_key_in_state"]
    assert key == {"value": ["F minor"], "turn": 1}
    # bounded: the state after 200 turns is no bigger than after 100
    sizes = result["state_bytes_every_50_turns"]
    assert sizes[-1] <= sizes[1] * 1.2, sizes
