"""`BedrockSampler`: a `Sampler` backed by Amazon Bedrock's Converse API (`bedrock-runtime`).

The model id comes from the constructor, else `BEDROCK_MODEL_ID`, else Claude 3 Haiku. The
region and credentials come from the usual AWS settings (`AWS_REGION`, profiles, instance
roles) unless a region or a ready `bedrock-runtime` client is passed in.

boto3 comes with the `aws` extra and is imported when a sampler is made, not with `toolkit`.
"""

from __future__ import annotations

import base64
import binascii
import os
import threading
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from ..errors import InvalidArgument, SamplingFailed
from ..optional import import_extra
from ..sampling.samplers import SamplingRequest, SamplingResult, content_blocks

if TYPE_CHECKING:
    from botocore.exceptions import BotoCoreError, ClientError

__all__ = ["DEFAULT_BEDROCK_MODEL", "BedrockSampler"]

DEFAULT_BEDROCK_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MODEL_ENV = "BEDROCK_MODEL_ID"

# Converse stop reasons that have an MCP name; the rest pass through as provider strings.
_STOP_REASONS = {
    "end_turn": "endTurn",
    "stop_sequence": "stopSequence",
    "max_tokens": "maxTokens",
    "tool_use": "toolUse",
}
_IMAGE_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}
_ERROR_HINTS = {
    "AccessDeniedException": "allow bedrock:InvokeModel for this model and enable model access in the Bedrock console",
    "ResourceNotFoundException": f"check the model id ({MODEL_ENV}) and that the model exists in this region",
    "ValidationException": f"check the model id ({MODEL_ENV}) and the request options",
    "ThrottlingException": "slow down or request a higher quota, then try again",
    "ServiceUnavailableException": "try again later",
    "ModelNotReadyException": "try again in a moment",
}


class BedrockSampler:
    """Answers sampling requests with a Bedrock model through `converse`.

    Text and image messages are sent; model preferences are advisory in MCP and ignored
    here, since the sampler always calls its configured model.

    Example:
        `toolkit.use_fallback_sampler(server, BedrockSampler("amazon.nova-lite-v1:0"))`

    Attributes:
        model_id: The Bedrock model id or inference profile called.
    """

    def __init__(self, model_id: str | None = None, *, client: Any = None, region: str | None = None) -> None:
        """Configure the sampler; no AWS call happens until the first `sample`.

        Args:
            model_id: Model id or inference profile ARN; default `BEDROCK_MODEL_ID`, then
                Claude 3 Haiku.
            client: A ready boto3 `bedrock-runtime` client (for tests or custom sessions).
            region: AWS region for the client it creates; default from AWS settings.

        Raises:
            MissingExtra: boto3 is not installed (the `aws` extra).
        """
        # Checked here so a server with a fallback sampler fails at startup, not at its first call.
        self._exceptions = import_extra("botocore.exceptions", feature="BedrockSampler")
        self.model_id = model_id or os.environ.get(MODEL_ENV) or DEFAULT_BEDROCK_MODEL
        self._client = client
        self._region = region
        self._lock = threading.Lock()

    async def sample(self, request: SamplingRequest) -> SamplingResult:
        """Call Converse in a worker thread and map its answer.

        Raises:
            InvalidArgument: The request holds content Converse cannot take.
            SamplingFailed: Bedrock or the AWS configuration failed (the message says what to fix),
                or the model answered without any text.
        """
        arguments = converse_arguments(self.model_id, request)
        response = await anyio.to_thread.run_sync(partial(self._converse, arguments))
        return converse_result(self.model_id, response)

    def _converse(self, arguments: dict[str, Any]) -> Mapping[str, Any]:
        try:
            return self._bedrock().converse(**arguments)
        except self._exceptions.ClientError as exc:
            raise SamplingFailed(_client_error_message(self.model_id, exc)) from exc
        except self._exceptions.BotoCoreError as exc:
            raise SamplingFailed(_botocore_error_message(exc)) from exc

    def _bedrock(self) -> Any:
        # Several sampling calls may start at once; build the client exactly once.
        with self._lock:
            if self._client is None:
                boto3 = import_extra("boto3", feature="BedrockSampler")
                self._client = boto3.session.Session().client("bedrock-runtime", region_name=self._region)
            return self._client


def converse_arguments(model_id: str, request: SamplingRequest) -> dict[str, Any]:
    """The keyword arguments of `bedrock-runtime.converse` for `request`.

    Raises:
        InvalidArgument: A message holds audio or tool content, or the first
            message is not from the user.
    """
    arguments: dict[str, Any] = {
        "modelId": model_id,
        "messages": _converse_messages(request.messages),
        "inferenceConfig": _inference_config(request),
    }
    if request.system_prompt:
        arguments["system"] = [{"text": request.system_prompt}]
    return arguments


def converse_result(model_id: str, response: Mapping[str, Any]) -> SamplingResult:
    """A `SamplingResult` from a Converse response.

    Raises:
        SamplingFailed: The answer has no text block.
    """
    blocks = response.get("output", {}).get("message", {}).get("content", [])
    texts = [block["text"] for block in blocks if "text" in block]
    if not texts:
        kinds = [next(iter(block), "empty") for block in blocks]
        raise SamplingFailed.non_text(kinds[0] if kinds else "empty")
    reason = response.get("stopReason")
    return SamplingResult(text="".join(texts), model=model_id, stop_reason=_STOP_REASONS.get(reason, reason))


def _inference_config(request: SamplingRequest) -> dict[str, Any]:
    config: dict[str, Any] = {"maxTokens": request.max_tokens}
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.stop_sequences:
        config["stopSequences"] = list(request.stop_sequences)
    return config


def _converse_messages(messages: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    if messages[0]["role"] != "user":
        raise InvalidArgument("Bedrock needs the conversation to start with a user message.")
    merged: list[dict[str, Any]] = []
    for message in messages:
        blocks = [_converse_block(block) for block in content_blocks(message)]
        # Converse rejects two turns in a row from one role, so they become one turn.
        if merged and merged[-1]["role"] == message["role"]:
            merged[-1]["content"].extend(blocks)
        else:
            merged.append({"role": message["role"], "content": blocks})
    return merged


def _converse_block(block: Mapping[str, Any]) -> dict[str, Any]:
    kind = block.get("type")
    if kind == "text":
        return {"text": block.get("text", "")}
    if kind == "image":
        return _converse_image(block)
    raise InvalidArgument(f"The Bedrock sampler sends text and images only, not '{kind}' content.")


def _converse_image(image: Mapping[str, Any]) -> dict[str, Any]:
    mime_type = image.get("mimeType")
    image_format = _IMAGE_FORMATS.get(str(mime_type))
    if image_format is None:
        raise InvalidArgument(
            f"Bedrock takes PNG, JPEG, GIF or WebP images, not {mime_type!r}; convert the image first."
        )
    try:
        data = base64.b64decode(str(image.get("data", "")), validate=True)
    except binascii.Error as exc:
        raise InvalidArgument(f"An image is not valid base64: {exc}.") from exc
    return {"image": {"format": image_format, "source": {"bytes": data}}}


def _client_error_message(model_id: str, exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    code = error.get("Code", "Unknown")
    hint = _ERROR_HINTS.get(code, "check the AWS configuration and the model id")
    return f"Bedrock Converse failed for model '{model_id}' ({code}: {error.get('Message', exc)}); {hint}."


def _botocore_error_message(exc: BotoCoreError) -> str:
    from botocore.exceptions import NoCredentialsError, NoRegionError

    if isinstance(exc, NoRegionError):
        return "No AWS region is configured for the Bedrock sampler; set AWS_REGION or pass region=."
    if isinstance(exc, NoCredentialsError):
        return "No AWS credentials were found for the Bedrock sampler; configure a profile, role or AWS_* variables."
    return f"The Bedrock sampler could not call AWS: {exc}. Check the network and the region."
