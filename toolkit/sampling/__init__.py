"""Asking the client's LLM for text: sampling helpers, structured output and fallback samplers.

`Sampler`, `SamplingRequest` and `SamplingResult` are shared with clients: the reference
client answers `sampling/createMessage` with the same samplers a server uses as a fallback.
"""

from .requests import DEFAULT_MAX_TOKENS, DEFAULT_TIMEOUT, SamplingOptions, sample, sample_text, use_fallback_sampler
from .samplers import Message, OfflineSampler, Prompt, Sampler, SamplingRequest, SamplingResult, prefer_models
from .structured import sample_structured

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_TIMEOUT",
    "Message",
    "OfflineSampler",
    "Prompt",
    "Sampler",
    "SamplingOptions",
    "SamplingRequest",
    "SamplingResult",
    "prefer_models",
    "sample",
    "sample_structured",
    "sample_text",
    "use_fallback_sampler",
]
