"""Asking the client's LLM for text: sampling helpers, structured output and fallback samplers."""

from .requests import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_TIMEOUT,
    USER_REJECTED,
    SamplingOptions,
    sample,
    sample_text,
    use_fallback_sampler,
)
from .samplers import Message, OfflineSampler, Prompt, Sampler, SamplingRequest, SamplingResult, prefer_models
from .structured import DEFAULT_MAX_RETRIES, parse_structured, sample_structured

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_TIMEOUT",
    "USER_REJECTED",
    "Message",
    "OfflineSampler",
    "Prompt",
    "Sampler",
    "SamplingOptions",
    "SamplingRequest",
    "SamplingResult",
    "parse_structured",
    "prefer_models",
    "sample",
    "sample_structured",
    "sample_text",
    "use_fallback_sampler",
]
