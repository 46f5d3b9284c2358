"""Content for tool results and prompts, built without importing the SDK.

A tool that returns a list of these blocks answers with exactly those content blocks; a
prompt function returns a list of `prompt_message(...)`s. The blocks are the installed SDK's
own objects, built from their wire form through the toolkit's SDK boundary, so the same tool
source runs on either SDK line.

```python
from toolkit.server import content

@server.tool(structured_output=False)
def logo() -> list[object]:
    return [content.text("Our logo:"), content.image(PNG_BASE64, "image/png")]
```
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from .._sdk import sdk

__all__ = [
    "audio",
    "block",
    "completion",
    "embedded_blob",
    "embedded_text",
    "image",
    "prompt_message",
    "resource_link",
    "schema_tool",
    "text",
]

Role = Literal["user", "assistant"]


def block(wire: dict[str, Any]) -> Any:
    """Any content block from its wire form, e.g. `{"type": "text", "text": "Hi"}`.

    Raises:
        ValueError: `wire` is not a valid content block; the message names the field.
    """
    return sdk.content_block(wire)


def text(value: str) -> Any:
    """A text block."""
    return block({"type": "text", "text": value})


def image(data: str, mime_type: str) -> Any:
    """An image block; `data` is the image, base64-encoded."""
    return block({"type": "image", "data": data, "mimeType": mime_type})


def audio(data: str, mime_type: str) -> Any:
    """An audio block; `data` is the clip, base64-encoded."""
    return block({"type": "audio", "data": data, "mimeType": mime_type})


def embedded_text(uri: str, value: str, mime_type: str | None = None) -> Any:
    """A text resource embedded in the result (`type: resource`)."""
    return block({"type": "resource", "resource": _contents(uri, mime_type, text=value)})


def embedded_blob(uri: str, data: str, mime_type: str | None = None) -> Any:
    """A binary resource embedded in the result; `data` is base64-encoded."""
    return block({"type": "resource", "resource": _contents(uri, mime_type, blob=data)})


def resource_link(uri: str, name: str, *, mime_type: str | None = None, description: str | None = None) -> Any:
    """A link to a resource the client may read (`type: resource_link`)."""
    wire: dict[str, Any] = {"type": "resource_link", "uri": uri, "name": name}
    if mime_type is not None:
        wire["mimeType"] = mime_type
    if description is not None:
        wire["description"] = description
    return block(wire)


def prompt_message(content: str | Any, role: Role = "user") -> dict[str, Any]:
    """One message of a prompt: text, or a block from this module, said by `role`."""
    return {"role": role, "content": content}


def completion(values: Sequence[str], *, total: int | None = None, has_more: bool | None = None) -> dict[str, Any]:
    """What a completion handler returns: the suggested `values` (at most 100 are sent)."""
    result: dict[str, Any] = {"values": list(values)[:100]}
    if total is not None:
        result["total"] = total
    if has_more is not None:
        result["hasMore"] = has_more
    return result


def schema_tool(fn: Callable[..., Any], *, name: str, description: str, input_schema: dict[str, Any]) -> Any:
    """A tool for `fn` that advertises `input_schema` exactly as given, for the server's `tools=[...]`.

    The SDK derives a tool's schema from the function's signature, which cannot express
    everything (a `$schema`, `$defs` with `$ref`, `additionalProperties: false`). The
    arguments are still validated against the signature.
    """
    return sdk.schema_tool(fn, name=name, description=description, input_schema=input_schema)


def _contents(uri: str, mime_type: str | None, **body: str) -> dict[str, Any]:
    contents: dict[str, Any] = {"uri": uri, **body}
    if mime_type is not None:
        contents["mimeType"] = mime_type
    return contents
