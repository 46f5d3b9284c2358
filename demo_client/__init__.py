"""The reference MCP client: declares every client capability and survives expired sessions."""

__all__: list[str] = []
