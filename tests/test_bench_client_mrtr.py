"""The `client_mrtr` benchmark on its own, quick: it imports nothing of mcp 1.x, so it runs on the
mcp 2.x line even where the rest of `bench` (FastMCP servers) does not. `tests/test_bench.py`
runs it through `python -m bench` as well. No timing is asserted beyond being a positive number.
"""

from __future__ import annotations

import math

import pytest

from bench import client_mrtr

pytestmark = [pytest.mark.e2e, pytest.mark.requires_revision("2026-07-28")]


def test_quick_run_times_both_clients_through_one_input_round():
    figures = client_mrtr.run(quick=True)
    assert set(figures) == {
        f"client_mrtr_{suffix}" for suffix in ("baseline_ms", "subject_ms", "ratio", "ratio_min", "ratio_max")
    }
    assert all(math.isfinite(value) and value > 0 for value in figures.values())
    assert client_mrtr.unavailable() is None
