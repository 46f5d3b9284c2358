"""Benchmarks of the toolkit against raw FastMCP, the SDK's bare client or a bare loop; run with `python -m bench`."""
