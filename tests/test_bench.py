"""`python -m bench`: the track benchmark's figures and the runner's output contract."""

from __future__ import annotations

import json
import math

import pytest

from bench.__main__ import BENCHMARKS, benchmark_name, main

TRACK_KEYS = {
    "bare_loop_ns_per_item",
    "track_ns_per_item_no_token",
    "track_ns_per_item_with_token",
    "report_progress_ns_per_item",
    "track_notifications_per_call_with_token",
    "track_no_token_vs_bare",
    "track_with_token_vs_bare",
    "report_progress_vs_track_with_token",
}


def test_quick_json_run_ends_with_one_object_of_every_benchmark(capsys):
    assert main(["--quick", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    results = json.loads(lines[-1])
    assert set(results) == {benchmark_name(module) for module in BENCHMARKS}
    track = results["track"]
    assert set(track) == TRACK_KEYS
    assert all(math.isfinite(value) and value > 0 for value in track.values())
    assert track["track_with_token_vs_bare"] == pytest.approx(
        track["track_ns_per_item_with_token"] / track["bare_loop_ns_per_item"]
    )
    # The first and the final value always go out; throttling holds back the rest.
    assert track["track_notifications_per_call_with_token"] >= 2
    assert any("bare_loop_ns_per_item" in line for line in lines[:-1]), "the table comes first"


def test_an_unknown_benchmark_name_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-benchmark"])
    assert exit_info.value.code == 2
    assert "unknown benchmark(s) no-such-benchmark; choose from track" in capsys.readouterr().err
