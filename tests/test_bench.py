"""`python -m bench`: each benchmark's figures, the flat summary, and the runner's output contract.

The quick runs start real server processes on 127.0.0.1. No test asserts on a timing or
memory figure beyond it being a finite positive number: the machines are shared and noisy.
The quick runs are split in four tests (the two memory benchmarks alone, the two that run
the reference client, and the others), so each stays well inside the per-test timeout on a
busy machine, and a benchmark of the toolkit does not wait on the reference client.
"""

from __future__ import annotations

import json
import math

import pytest
from sdk_compat import SESSIONLESS_REVISION

from bench.__main__ import BENCHMARKS, SUMMARY, benchmark_name, main

TRACK_KEYS = {
    "bare_loop_ns_per_item",
    "track_ns_per_item",
    "track_ns_per_item_no_token",
    "track_ns_per_item_with_token",
    "report_progress_ns_per_item",
    "track_notifications_per_call_with_token",
    "track_no_token_vs_bare",
    "track_with_token_vs_bare",
    "report_progress_vs_track_with_token",
}
COMPARISON_SUFFIXES = {"baseline_ms", "subject_ms", "ratio", "ratio_min", "ratio_max"}
SESSION_MEMORY_KEYS = {
    "sessions",
    "session_memory_ratio",
    "kb_per_session",
    "kb_per_session_raw",
    "rss_mb_at_sessions",
    "rss_mb_at_sessions_raw",
    "load_round_trip_p50_ms",
    "load_round_trip_p99_ms",
    "load_round_trip_p50_ms_raw",
    "load_round_trip_p99_ms_raw",
}
SESSION_RELEASE_KEYS = {
    "name_mb",
    "calls",
    "rss_mb_before",
    "rss_mb_peak",
    "rss_mb_after_delete",
    "rss_mb_before_store_off",
    "rss_mb_peak_store_off",
    "rss_mb_after_delete_store_off",
    "retained_mb",
    "retained_mb_store_off",
}
MRTR_KEYS = {
    *(f"mrtr_{suffix}" for suffix in COMPARISON_SUFFIXES),
    *(f"mrtr_call_{suffix}" for suffix in COMPARISON_SUFFIXES),
    "mrtr_throughput_ratio",
    "mrtr_round_ms_first",
    "mrtr_round_ms_last",
    "mrtr_round_ms_per_step",
    "mrtr_state_bytes_1",
    "mrtr_state_bytes_10",
    "mrtr_state_bytes_per_answer",
}
SUMMARY_KEYS = {
    "elicit_ratio",
    "mrtr_ratio",
    "mrtr_throughput_ratio",
    "mrtr_state_bytes_10",
    "client_call_ratio",
    "client_mrtr_ratio",
    "reinit_ratio",
    "session_memory_ratio",
    "kb_per_session",
    "load_round_trip_p50_ms",
    "load_round_trip_p99_ms",
    "rss_mb_after_delete",
    "track_ns_per_item",
}
#: The benchmarks of the toolkit itself, and those of the reference client (`demo_client`).
TOOLKIT_ONLY = ["elicit", "track"]
REFERENCE_CLIENT = ["client_call", "reinit"]


def quick_json_run(capsys: pytest.CaptureFixture[str], names: list[str]) -> tuple[dict, list[str]]:
    assert main(["--quick", "--json", *names]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    return json.loads(lines[-1]), lines[:-1]


def all_positive(figures: dict[str, float]) -> bool:
    return all(math.isfinite(value) and value > 0 for value in figures.values())


def test_every_headline_is_named_once_and_together_they_make_the_summary():
    headlines = [key for module in BENCHMARKS for key in module.HEADLINES]
    assert len(headlines) == len(set(headlines))
    assert set(headlines) == SUMMARY_KEYS
    assert SUMMARY not in {benchmark_name(module) for module in BENCHMARKS}


@pytest.mark.e2e
def test_quick_json_run_ends_with_one_object_of_each_benchmark_and_the_summary(capsys):
    results, table = quick_json_run(capsys, TOOLKIT_ONLY)
    assert set(results) == {*TOOLKIT_ONLY, SUMMARY}
    assert set(results["elicit"]) == {f"elicit_{suffix}" for suffix in COMPARISON_SUFFIXES}
    assert all_positive(results["elicit"])
    track = results["track"]
    assert set(track) == TRACK_KEYS
    assert all_positive(track)
    assert track["track_with_token_vs_bare"] == pytest.approx(
        track["track_ns_per_item_with_token"] / track["bare_loop_ns_per_item"]
    )
    # The first and the final value always go out; throttling holds back the rest.
    assert track["track_notifications_per_call_with_token"] >= 2
    assert results[SUMMARY] == {
        "elicit_ratio": results["elicit"]["elicit_ratio"],
        "track_ns_per_item": track["track_ns_per_item_with_token"],
    }
    assert any("bare_loop_ns_per_item" in line for line in table), "the table comes first"
    assert any("elicit_ratio" in line for line in table)


@pytest.mark.e2e
def test_quick_run_of_the_reference_client_benchmarks(capsys):
    results, table = quick_json_run(capsys, REFERENCE_CLIENT)
    assert set(results) == {*REFERENCE_CLIENT, SUMMARY}
    for name in REFERENCE_CLIENT:
        assert set(results[name]) == {f"{name}_{suffix}" for suffix in COMPARISON_SUFFIXES}
        assert all_positive(results[name])
    assert results[SUMMARY] == {
        "client_call_ratio": results["client_call"]["client_call_ratio"],
        "reinit_ratio": results["reinit"]["reinit_ratio"],
    }
    assert any("reinit_ratio" in line for line in table)


@pytest.mark.e2e
def test_quick_session_memory_run_reports_memory_and_load_latency_of_both_servers(capsys):
    results, _ = quick_json_run(capsys, ["session_memory"])
    figures = results["session_memory"]
    assert set(figures) == SESSION_MEMORY_KEYS
    assert all_positive(figures)
    assert figures["load_round_trip_p99_ms"] >= figures["load_round_trip_p50_ms"]
    assert figures["session_memory_ratio"] == pytest.approx(
        figures["kb_per_session"] / figures["kb_per_session_raw"], rel=0.5
    )
    assert set(results[SUMMARY]) == {
        "session_memory_ratio",
        "kb_per_session",
        "load_round_trip_p50_ms",
        "load_round_trip_p99_ms",
    }


@pytest.mark.e2e
def test_quick_session_release_run_reports_memory_before_and_after_delete(capsys):
    results, _ = quick_json_run(capsys, ["session_release"])
    figures = results["session_release"]
    assert set(figures) == SESSION_RELEASE_KEYS
    rss = {key: value for key, value in figures.items() if key.startswith("rss_")}
    assert all_positive(rss)
    assert figures["retained_mb"] == pytest.approx(figures["rss_mb_after_delete"] - figures["rss_mb_before"])
    assert results[SUMMARY] == {"rss_mb_after_delete": figures["rss_mb_after_delete"]}


@pytest.mark.e2e
@pytest.mark.requires_revision(SESSIONLESS_REVISION)
def test_quick_mrtr_run_compares_replay_with_the_sdks_own_rounds_and_measures_the_state(capsys):
    results, table = quick_json_run(capsys, ["mrtr"])
    figures = results["mrtr"]
    assert set(figures) == MRTR_KEYS
    assert all_positive(figures)
    assert figures["mrtr_throughput_ratio"] == pytest.approx(
        figures["mrtr_call_baseline_ms"] / figures["mrtr_call_subject_ms"]
    )
    # Sizes are exact, unlike times: a ten-question flow's state stays far under 8 KB.
    assert figures["mrtr_state_bytes_1"] < figures["mrtr_state_bytes_10"] < 8 * 1024
    assert results[SUMMARY] == {
        key: figures[key] for key in ("mrtr_ratio", "mrtr_throughput_ratio", "mrtr_state_bytes_10")
    }
    assert any("mrtr_round_ms_per_step" in line for line in table)


@pytest.mark.e2e
@pytest.mark.only_mcp1("mcp 1.x has no 2026-07-28, so the benchmark has nothing to measure")
def test_the_mrtr_benchmark_reports_nothing_on_mcp_1(capsys):
    results, _ = quick_json_run(capsys, ["mrtr"])
    assert results == {"mrtr": {}, SUMMARY: {}}


def test_an_unknown_benchmark_name_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-benchmark"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "unknown benchmark(s) no-such-benchmark; choose from elicit, mrtr, client_call, client_mrtr" in err


@pytest.mark.e2e
@pytest.mark.requires_revision("2026-07-28")
def test_quick_client_mrtr_run_compares_the_reference_client_with_the_sdk_client(capsys):
    results, _ = quick_json_run(capsys, ["client_mrtr"])
    figures = results["client_mrtr"]
    assert set(figures) == {f"client_mrtr_{suffix}" for suffix in COMPARISON_SUFFIXES}
    assert all_positive(figures)
    assert results[SUMMARY] == {"client_mrtr_ratio": figures["client_mrtr_ratio"]}


@pytest.mark.only_mcp1("on mcp 2.x the benchmark runs")
def test_client_mrtr_on_mcp1_is_left_out_with_the_reason(capsys):
    with pytest.raises(SystemExit):
        main(["--quick", "client_mrtr"])
    assert "client_mrtr cannot run here: protocol 2026-07-28 needs mcp 2.x" in capsys.readouterr().err
