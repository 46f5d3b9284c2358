"""The one place the reference client imports the MCP SDK."""
