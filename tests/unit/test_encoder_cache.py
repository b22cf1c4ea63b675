"""The sentence encoder keeps the vectors of recent texts: a repeated text costs no
inference, and what it returns is exactly what an inference returns."""

from __future__ import annotations

import numpy as np
import pytest

from groovegraph.graph.understanding import encoder as enc


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> tuple[enc.SentenceEncoder, list[list[str]]]:
    model = enc.SentenceEncoder()
    runs: list[list[str]] = []
    infer = model._infer

    def counting(texts: list[str]) -> np.ndarray:
        runs.append(list(texts))
        return infer(texts)

    monkeypatch.setattr(model, "_infer", counting)
    return model, runs


def test_a_repeated_text_is_not_inferred_again(
    counted: tuple[enc.SentenceEncoder, list[list[str]]],
) -> None:
    model, runs = counted
    first = model.encode(["any dusty breaks around 92?", "thanks!"])
    again = model.encode(["thanks!", "something new entirely", "any dusty breaks around 92?"])
    # only the new text went to the model, alone
    assert runs == [["any dusty breaks around 92?", "thanks!"], ["something new entirely"]]
    assert np.array_equal(again[0], first[1])
    assert np.array_equal(again[2], first[0])
    # a cached vector is bit-identical to a fresh inference (padding changes nothing)
    assert np.array_equal(again[1], model._infer(["something new entirely"])[0])
    # the caller owns what it gets: writing into it leaves the cache alone
    again[0] += 1.0
    assert np.array_equal(model.encode(["thanks!"])[0], first[1])


def test_duplicates_in_one_call_are_inferred_once(
    counted: tuple[enc.SentenceEncoder, list[list[str]]],
) -> None:
    model, runs = counted
    out = model.encode(["loop it", "", "loop it", None])  # type: ignore[list-item]
    assert runs == [["loop it", ""]]
    assert out.shape == (4, enc.DIM)
    assert np.array_equal(out[0], out[2])
    assert np.array_equal(out[1], out[3])


def test_the_cache_is_bounded(
    counted: tuple[enc.SentenceEncoder, list[list[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    model, runs = counted
    monkeypatch.setattr(enc, "CACHE_SIZE", 2)
    model.encode(["a"])
    model.encode(["b"])
    model.encode(["a"])  # a is now the most recent
    model.encode(["c"])  # b goes
    model.encode(["a"])
    model.encode(["b"])
    assert runs == [["a"], ["b"], ["c"], ["b"]]
    assert len(model._cache) == 2
