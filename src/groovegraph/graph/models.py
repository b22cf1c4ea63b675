"""Chat models for the graph: ``offline`` (the deterministic
:class:`~groovegraph.graph.offline_model.OfflineChatModel`, no language model) or
``provider:model`` via :func:`langchain.chat_models.init_chat_model`.

OpenAI-compatible servers (OpenRouter, vLLM, Ollama, llama.cpp) are reached with
``GROOVEGRAPH_MODEL=openai:<model>`` plus ``GROOVEGRAPH_MODEL_BASE_URL`` (and
``GROOVEGRAPH_MODEL_API_KEY`` when the server wants one). Retries are bounded in one
place: the HTTP client retries ``model_max_retries`` times, and the graph's
``RetryPolicy`` (see :func:`llm_retry_policy`) re-runs a node once more when a model
returns unparseable structured output. Responses go through a LangChain ``BaseCache``
(in-process by default; the server passes a Redis-backed one).
"""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.caches import BaseCache, InMemoryCache
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langgraph.types import RetryPolicy
from pydantic import ValidationError

from groovegraph.settings import Settings
from groovegraph.tools.errors import GrooveGraphError, InvalidQueryError

__all__ = [
    "OFFLINE",
    "ModelRegistry",
    "ModelUnavailableError",
    "init_model",
    "llm_retry_policy",
    "usage_of",
]

OFFLINE = "offline"


class ModelUnavailableError(GrooveGraphError, ValueError):
    """A configured chat model cannot be built (no API key, bad options).

    Also a ``ValueError`` on purpose: ``langgraph dev`` (langgraph-api) shows the message
    of builtin error types only and replaces every other one with "An internal error
    occurred", which told a Studio user nothing about the missing key.
    """

    code = "model_unavailable"
    http_status = 503
    exit_code = 1


def init_model(name: str, *, settings: Settings, cache: BaseCache | None) -> BaseChatModel:
    """A chat model for ``name`` (``"provider:model"``), or the deterministic
    :class:`~groovegraph.graph.offline_model.OfflineChatModel` for ``"offline"``.

    Raises
    ------
    InvalidQueryError
        For a name without a provider prefix or a provider whose package is missing.
    """
    name = (name or OFFLINE).strip()
    if name == OFFLINE:
        from groovegraph.graph.offline_model import OfflineChatModel

        return OfflineChatModel()
    if ":" not in name:
        raise InvalidQueryError(f"model must be 'offline' or 'provider:model', got {name!r}")
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {
        "temperature": settings.model_temperature,
        "timeout": settings.model_timeout_s,
        "max_retries": settings.model_max_retries,
        "cache": cache,
    }
    if settings.model_base_url:
        kwargs["base_url"] = settings.model_base_url
        # Local servers (vLLM, Ollama, llama.cpp) accept any key; the client insists on one.
        kwargs["api_key"] = (
            settings.model_api_key.get_secret_value() if settings.model_api_key else "not-needed"
        )
    elif settings.model_api_key:
        kwargs["api_key"] = settings.model_api_key.get_secret_value()
    if name.startswith(("openai:", "azure_openai:")):
        # Token usage while streaming: ChatOpenAI only asks for it by default against
        # api.openai.com; vLLM, Ollama, llama.cpp and OpenRouter all honour it too.
        kwargs["stream_usage"] = True
    try:
        model: BaseChatModel = init_chat_model(name, **kwargs)
    except ImportError as err:
        raise InvalidQueryError(f"model {name!r}: provider package not installed ({err})") from err
    except Exception as err:  # unknown provider, or its client refused the options (no key)
        provider = name.split(":", 1)[0]
        raise ModelUnavailableError(
            f"model {name!r} cannot be used: {err} Set the provider's API key "
            f"(e.g. {provider.upper()}_API_KEY, or GROOVEGRAPH_MODEL_API_KEY), or use 'offline'."
        ) from err
    return model


class ModelRegistry:
    """The graph's models: the configured pair plus per-run overrides (``context.model``),
    created once per name and shared by every run."""

    def __init__(
        self,
        *,
        settings: Settings,
        model: BaseChatModel | str | None = None,
        router_model: BaseChatModel | str | None = None,
        cache: BaseCache | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache if cache is not None else InMemoryCache()
        self._lock = threading.Lock()
        self._by_name: dict[str, BaseChatModel] = {}
        self.model = self._coerce(model if model is not None else settings.model)
        router = router_model if router_model is not None else settings.router_model
        self.router = self._coerce(router) if router is not None else self.model

    def _coerce(self, value: BaseChatModel | str) -> BaseChatModel:
        if isinstance(value, BaseChatModel):
            return value
        return self.named(value)

    def named(self, name: str) -> BaseChatModel:
        with self._lock:
            if name not in self._by_name:
                self._by_name[name] = init_model(name, settings=self.settings, cache=self.cache)
            return self._by_name[name]

    def for_run(self, override: str | None) -> tuple[BaseChatModel, BaseChatModel]:
        """(specialist model, router model) for one run; an override replaces both."""
        if override:
            m = self.named(override)
            return m, m
        return self.model, self.router

    @property
    def offline(self) -> bool:
        """Whether the configured specialist model is the offline one."""
        from groovegraph.graph.offline_model import is_offline

        return is_offline(self.model)


def _retryable(err: BaseException) -> bool:
    # Parse failures of structured output or tool arguments are worth one more try;
    # transport errors were already retried by the HTTP client.
    return isinstance(err, OutputParserException | ValidationError)


def llm_retry_policy(settings: Settings) -> RetryPolicy:
    """Node-level retry for LLM nodes: bounded, for malformed model output only."""
    return RetryPolicy(max_attempts=1 + min(settings.model_max_retries, 2), retry_on=_retryable)


Price = tuple[float, float]
"""USD per million (input, output) tokens."""


def router_price(settings: Settings) -> Price:
    return (settings.router_price_in_per_mtok, settings.router_price_out_per_mtok)


def specialist_price(settings: Settings) -> Price:
    return (settings.model_price_in_per_mtok, settings.model_price_out_per_mtok)


def usage_of(message: AIMessage, *, price: Price = (0.0, 0.0)) -> dict[str, float]:
    """Token counts (and their cost at ``price``) of one model reply, as a usage update."""
    if (getattr(message, "response_metadata", None) or {}).get("model_provider") == OFFLINE:
        return {}  # the offline model: no language model was called, nothing was spent
    meta = getattr(message, "usage_metadata", None) or {}
    tokens_in = int(meta.get("input_tokens", 0) or 0)
    tokens_out = int(meta.get("output_tokens", 0) or 0)
    return {
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
        "total_tokens": int(meta.get("total_tokens", 0) or 0),
        "llm_calls": 1,
        "cost_usd": round((tokens_in * price[0] + tokens_out * price[1]) / 1e6, 8),
    }


def usage_updates(message: Any, *, price: Price) -> dict[str, dict[str, float]]:
    """The ``usage`` (thread total) and ``turn_usage`` (this turn) updates of one reply."""
    usage: dict[str, float] = (
        usage_of(message, price=price) if isinstance(message, AIMessage) else {"llm_calls": 1}
    )
    return {"usage": usage, "turn_usage": usage} if usage else {}
