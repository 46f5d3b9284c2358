"""Client-side sampling: `toolkit` samplers as sampling handlers.

A sampling handler takes the `sampling/createMessage` params in wire form and returns the
`CreateMessageResult` in wire form, or raises `RequestRefused`. The toolkit's `Sampler`
protocol is transport-free (`SamplingRequest` in, `SamplingResult` out); `ClientSampler` is
the thin layer between the two. The same `toolkit.OfflineSampler` and `toolkit.aws.BedrockSampler`
that servers use as fallbacks answer here, so there is one LLM adapter in the project, not two.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import toolkit
from toolkit.errors import InvalidArgument, SamplingError

from .._sdk import INTERNAL_ERROR, INVALID_PARAMS
from ..errors import RequestRefused
from .requests import SamplingHandler

__all__ = ["BedrockSampler", "ClientSampler", "OfflineSampler", "RejectSampling", "as_sampling_handler"]

logger = logging.getLogger(__name__)

#: The error code the protocol uses when the user rejects a sampling request.
USER_REJECTED = -1


class ClientSampler:
    """Answers `sampling/createMessage` with any `toolkit.Sampler`.

    Args:
        sampler: The sampler that generates the text.
    """

    def __init__(self, sampler: toolkit.Sampler) -> None:
        self.sampler = sampler

    async def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        """Sample for `params` (wire form) and return the result in wire form.

        Raises:
            RequestRefused: The request is invalid (-32602) or the sampler failed (-32603);
                the message says why.
        """
        try:
            request = toolkit.sampling.SamplingRequest.from_mcp(params)
        except InvalidArgument as exc:
            raise RequestRefused(INVALID_PARAMS, str(exc)) from exc
        try:
            result = await self.sampler.sample(request)
        except SamplingError as exc:
            logger.warning("Sampling failed: %s", exc)
            raise RequestRefused(INTERNAL_ERROR, str(exc)) from exc
        return _wire(result.to_mcp())


class OfflineSampler(ClientSampler):
    """Deterministic sampling without a network: `toolkit.OfflineSampler`'s extractive summary.

    Args:
        model: The model name reported to the server.
        max_sentences: How many sentences the summary keeps at most.
    """

    def __init__(self, model: str = "offline-extractive", max_sentences: int = 3) -> None:
        super().__init__(toolkit.OfflineSampler(model=model, max_sentences=max_sentences))


class BedrockSampler(ClientSampler):
    """Sampling with a Bedrock model through the Converse API (boto3).

    Args:
        model_id: Model id or inference profile; default `BEDROCK_MODEL_ID`, then Claude 3 Haiku.
        region: AWS region; default from the AWS configuration.
        client: A ready `bedrock-runtime` client, e.g. for another profile.
    """

    def __init__(self, model_id: str | None = None, *, region: str | None = None, client: Any = None) -> None:
        super().__init__(toolkit.aws.BedrockSampler(model_id, region=region, client=client))


class RejectSampling:
    """Rejects every sampling request as a user would (error -1), to test a server's fallback."""

    async def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        """Refuse.

        Raises:
            RequestRefused: Always, with code -1.
        """
        raise RequestRefused(USER_REJECTED, "The user rejected the sampling request.")


def as_sampling_handler(sampling: toolkit.Sampler | SamplingHandler | None) -> SamplingHandler:
    """The handler for `sampling`: a toolkit sampler is wrapped, None means offline."""
    if sampling is None:
        return OfflineSampler()
    if isinstance(sampling, toolkit.Sampler):
        return ClientSampler(sampling)
    return sampling


def _wire(result: Any) -> dict[str, Any]:
    """A sampler's result in wire form, whether the toolkit gave a mapping or an SDK model."""
    if isinstance(result, Mapping):
        return dict(result)
    return dict(result.model_dump(by_alias=True, mode="json", exclude_none=True))
