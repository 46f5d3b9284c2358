"""Benchmarks of the toolkit against a bare loop or raw FastMCP; run with `python -m bench`."""
