"""Tools that change the server's tool or prompt list and tell clients (`server-stateless`, 2026-07-28).

Each call toggles one extra entry: added when absent, removed when present, so every call is
a real change. Clients hear of it through `toolkit.server.notify_list_changed`: the calling
2025-11-25 session, and every `subscriptions/listen` stream that asked for that kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit import Context
from toolkit.server import content, notify_list_changed

if TYPE_CHECKING:
    from toolkit import StatefulServer

__all__ = ["register_list_change_tools"]

EXTRA_TOOL = "test_extra_tool"
EXTRA_PROMPT = "test_extra_prompt"


def test_extra_tool() -> str:
    """A tool that `test_trigger_tool_change` adds and removes."""
    return "The extra tool is here."


def test_extra_prompt() -> list[dict[str, Any]]:
    """A prompt that `test_trigger_prompt_change` adds and removes."""
    return [content.prompt_message("The extra prompt is here.")]


class ListChanges:
    """Toggles the extra tool and prompt on one server."""

    def __init__(self, server: StatefulServer) -> None:
        self.server = server
        self.tool_added = False
        self.prompt_added = False

    async def test_trigger_tool_change(self, ctx: Context) -> str:
        """Add the extra tool, or remove it when present, and tell clients the tool list changed."""
        if self.tool_added:
            self.server.remove_tool(EXTRA_TOOL)
        else:
            self.server.add_tool(test_extra_tool, structured_output=False)
        self.tool_added = not self.tool_added
        await notify_list_changed(ctx, "tools")
        return f"{EXTRA_TOOL} {'added' if self.tool_added else 'removed'}; clients told the tool list changed."

    async def test_trigger_prompt_change(self, ctx: Context) -> str:
        """Add the extra prompt, or remove it when present, and tell clients the prompt list changed."""
        # mcp 1.x's server cannot remove a prompt: there the prompt, once added, stays.
        remove = getattr(self.server, "remove_prompt", None)
        if self.prompt_added and remove is not None:
            remove(EXTRA_PROMPT)
            self.prompt_added = False
        elif not self.prompt_added:
            self.server.prompt()(test_extra_prompt)
            self.prompt_added = True
        else:
            return f"{EXTRA_PROMPT} stays: this SDK cannot remove a prompt, so the prompt list did not change."
        await notify_list_changed(ctx, "prompts")
        return f"{EXTRA_PROMPT} {'added' if self.prompt_added else 'removed'}; clients told the prompt list changed."


def register_list_change_tools(server: StatefulServer) -> None:
    """Add `test_trigger_tool_change` and `test_trigger_prompt_change` to `server`."""
    changes = ListChanges(server)
    for tool in (changes.test_trigger_tool_change, changes.test_trigger_prompt_change):
        server.add_tool(tool, structured_output=False)
