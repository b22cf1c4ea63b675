"""LLM-as-judge evaluators, used only when a real model is configured.

With ``GROOVEGRAPH_MODEL=offline`` (the default, and CI) :func:`make_answer_judge` returns
``None`` and the suites run without judges: nothing is skipped silently, the judge is
simply not part of the run and does not appear in the table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from groovegraph.evals.evaluators import Evaluator, Feedback
from groovegraph.settings import Settings

_PROMPT = """You grade answers of a music assistant for producers and DJs.

User request:
{question}

Tool results the assistant had (JSON, possibly truncated):
{tools}

Assistant answer:
{answer}

Grade from 0 to 1 how well the answer addresses the request using only the tool results
(1 = complete, correct and supported; 0 = off-topic or unsupported). Reply with one JSON
object and nothing else: {{"score": <number 0..1>, "reason": "<one sentence>"}}"""

_JSON_RE = re.compile(r"\{.*\}", re.DOTALL)


def make_answer_judge(*, settings: Settings, model: Any = None) -> Evaluator | None:
    """An evaluator ``answer_quality_judge`` scored by a chat model, or ``None`` offline.

    Parameters
    ----------
    settings : Settings
        ``model`` names the judge (``provider:model``); ``offline`` disables it.
    model : BaseChatModel, optional
        Use this chat model instead of building one from the settings (tests).
    """
    if model is None:
        if settings.model.strip() == "offline":
            return None
        from groovegraph.graph.models import init_model

        model = init_model(settings.model, settings=settings, cache=None)
        if model is None:
            return None
    judge_model = model

    def answer_quality_judge(
        *, inputs: Mapping[str, Any] | None = None, outputs: Mapping[str, Any] | None, **_: Any
    ) -> Feedback:
        key = "answer_quality_judge"
        if not outputs or outputs.get("error"):
            return {"key": key, "score": 0.0, "comment": "no output (the run failed)"}
        tools = json.dumps(outputs.get("tool_outputs") or [], default=str)[:6000]
        prompt = _PROMPT.format(
            question=(inputs or {}).get("message", ""),
            tools=tools,
            answer=outputs.get("answer", ""),
        )
        reply = judge_model.invoke(prompt)
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        match = _JSON_RE.search(text)
        try:
            verdict = json.loads(match.group(0)) if match else {}
            score = min(1.0, max(0.0, float(verdict["score"])))
        except (ValueError, KeyError, TypeError):
            return {"key": key, "score": None, "comment": f"unreadable judge reply: {text[:200]!r}"}
        return {"key": key, "score": score, "comment": str(verdict.get("reason", ""))[:500]}

    return answer_quality_judge
