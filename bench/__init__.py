"""Benchmarks of the toolkit against the bare SDK (FastMCP or MCPServer) or a bare loop; run `python -m bench`."""
