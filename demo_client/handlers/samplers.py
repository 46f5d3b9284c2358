"""Client-side sampling: `toolkit` samplers wrapped as the SDK's sampling callback.

The toolkit's `Sampler` protocol is transport-free (`SamplingRequest` in, `SamplingResult`
out); `ClientSampler` is the thin layer that turns an incoming `sampling/createMessage` into
a `SamplingRequest` and the result back into a `CreateMessageResult`. The same
`toolkit.OfflineSampler` and `toolkit.BedrockSampler` that servers use as fallbacks answer
here, so there is one LLM adapter in the project, not two.
"""

from __future__ import annotations

import logging
from typing import Any

from mcp.client.session import SamplingFnT
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, CreateMessageRequestParams, CreateMessageResult, ErrorData

import toolkit
from toolkit.errors import InvalidSamplingRequest, SamplingError

__all__ = ["BedrockSampler", "ClientSampler", "OfflineSampler", "RejectSampling", "as_sampling_callback"]

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

    async def __call__(self, context: Any, params: CreateMessageRequestParams) -> CreateMessageResult | ErrorData:
        """The SDK sampling callback: sample, or answer with an error that says why not."""
        try:
            request = toolkit.SamplingRequest.from_mcp(params)
        except InvalidSamplingRequest as exc:
            return ErrorData(code=INVALID_PARAMS, message=str(exc))
        try:
            result = await self.sampler.sample(request)
        except SamplingError as exc:
            logger.warning("Sampling failed: %s", exc)
            return ErrorData(code=INTERNAL_ERROR, message=str(exc))
        return result.to_mcp()


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
        super().__init__(toolkit.BedrockSampler(model_id, region=region, client=client))


class RejectSampling:
    """Rejects every sampling request as a user would (error -1), to test a server's fallback."""

    async def __call__(self, context: Any, params: CreateMessageRequestParams) -> ErrorData:
        """The SDK sampling callback."""
        return ErrorData(code=USER_REJECTED, message="The user rejected the sampling request.")


def as_sampling_callback(sampling: toolkit.Sampler | SamplingFnT | None) -> SamplingFnT:
    """The SDK callback for `sampling`: a toolkit sampler is wrapped, None means offline."""
    if sampling is None:
        return OfflineSampler()
    if isinstance(sampling, toolkit.Sampler):
        return ClientSampler(sampling)
    return sampling
