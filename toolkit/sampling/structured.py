"""`sample_structured`: ask the LLM for JSON that validates into a Pydantic model.

The model's JSON Schema goes into the system prompt. An answer that does not validate is
sent back to the LLM with the validation errors, for a bounded number of retries.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, TypeVar, Unpack

from pydantic import BaseModel, ValidationError

from ..errors import InvalidSamplingRequest, StructuredOutputInvalid
from ..server.rounds import attempt_key
from .requests import SamplingOptions, sample
from .samplers import Message, Prompt, SamplingResult, to_messages

if TYPE_CHECKING:
    from .._sdk import Context

__all__ = ["DEFAULT_MAX_RETRIES", "parse_structured", "sample_structured"]

ModelT = TypeVar("ModelT", bound=BaseModel)

#: How many times an invalid answer is sent back for correction by default.
DEFAULT_MAX_RETRIES = 2

_FENCE = re.compile(r"^```[a-zA-Z]*\s*(.*?)\s*```$", re.DOTALL)


async def sample_structured(
    ctx: Context,
    prompt: Prompt,
    output_type: type[ModelT],
    *,
    max_retries: int = DEFAULT_MAX_RETRIES,
    **options: Unpack[SamplingOptions],
) -> ModelT:
    """Ask for an answer that validates into `output_type`, correcting invalid answers.

    Args:
        ctx: The tool's context.
        prompt: The question, as for `sample`.
        output_type: The Pydantic model the answer must validate into.
        max_retries: How often an invalid answer is sent back with its errors (0 = never).
        **options: Any option of `sample`; `system_prompt` is extended with the schema.

    Returns:
        The validated model instance.

    Raises:
        StructuredOutputInvalid: The answer was still invalid after `max_retries` retries.
        InvalidSamplingRequest: `max_retries` is negative or an option is invalid.
        SamplingError: Any error of `sample` (rejection, timeout, no capability, ...).

    Example:
        ```python
        class Category(BaseModel):
            name: Literal["food", "travel", "other"]

        found = await toolkit.sample_structured(ctx, f"Categorise: {text}", Category)
        ```
    """
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidSamplingRequest(f"max_retries must be a non-negative integer, got {max_retries!r}.")
    options["system_prompt"] = schema_instructions(output_type, options.get("system_prompt"))
    conversation: list[Message] = list(to_messages(prompt))
    key = options.pop("key", None)
    errors = ""
    for attempt in range(1, max_retries + 2):
        # Each correction is a request of its own, so on 2026-07-28 it needs a key of its own.
        result = await sample(ctx, conversation, **options, key=attempt_key(key, attempt))
        try:
            return parse_structured(result.text, output_type)
        except ValidationError as exc:
            errors = _describe(exc, result)
        conversation += [("assistant", result.text), ("user", _correction(errors))]
    raise StructuredOutputInvalid(max_retries + 1, errors)


def schema_instructions(output_type: type[BaseModel], system_prompt: str | None = None) -> str:
    """The system prompt that asks for JSON matching `output_type`, after any prompt of your own."""
    schema = json.dumps(output_type.model_json_schema(), separators=(",", ":"))
    instructions = (
        "Answer with a single JSON object and nothing else: no prose and no Markdown fences. "
        f"The object must validate against this JSON Schema: {schema}"
    )
    return f"{system_prompt}\n\n{instructions}" if system_prompt else instructions


def parse_structured(text: str, output_type: type[ModelT]) -> ModelT:
    """Validate an LLM answer into `output_type`, tolerating Markdown fences and stray prose.

    Raises:
        pydantic.ValidationError: The answer is not JSON, or not valid for `output_type`.
    """
    return output_type.model_validate_json(_json_part(text))


def _json_part(text: str) -> str:
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        return fenced.group(1)
    start, end = stripped.find("{"), stripped.rfind("}")
    # LLMs often wrap the object in a sentence; the outermost braces hold the answer.
    return stripped[start : end + 1] if 0 <= start < end else stripped


def _describe(exc: ValidationError, result: SamplingResult) -> str:
    problems = [
        f"{'.'.join(str(part) for part in error['loc']) or '(answer)'}: {error['msg']}" for error in exc.errors()
    ]
    if result.stop_reason == "maxTokens":
        problems.append("the answer was cut off at max_tokens; raise max_tokens")
    return "; ".join(problems)


def _correction(errors: str) -> str:
    return f"That answer is not valid: {errors}. Reply again with only the corrected JSON object."
