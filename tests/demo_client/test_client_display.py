"""Progress bar and log lines, fed by a real server's notifications."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import demo_client
from demo_client import Display


def display() -> tuple[Display, io.StringIO]:
    screen = io.StringIO()
    return Display(Console(file=screen, width=100, force_terminal=True, color_system=None), label="upload"), screen


def test_the_bar_is_determinate_with_a_total_and_a_spinner_without():
    shown, screen = display()
    shown.progress(1, 4, "first part")
    assert shown.state == demo_client.ProgressState(1, 4, "first part")
    shown.progress(2, None, "size unknown now")
    assert shown.state.total is None
    shown.stop()
    output = screen.getvalue()
    assert "upload: first part" in output
    assert "1/4" in output
    assert "upload: size unknown now" in output


def test_log_lines_name_their_level_and_escape_markup():
    shown, screen = display()
    shown.log("warning", "disk [almost] full")
    shown.log("info", {"rows": 3})
    output = screen.getvalue()
    assert "warning disk [almost] full" in output
    assert "info {'rows': 3}" in output


def test_paused_hides_the_bar_and_brings_it_back():
    shown, _ = display()
    shown.progress(1, 2, None)
    with shown.paused():
        assert not shown._bar.live.is_started
    assert shown._bar.live.is_started
    shown.stop()
    assert not shown._bar.live.is_started


@pytest.mark.anyio
@pytest.mark.e2e
@pytest.mark.toolkit_server  # the toolkit's log-level filter
async def test_a_real_call_drives_the_bar_and_the_log(spawn_server, test_server_script):
    server = spawn_server(test_server_script("preset_server"))
    shown, screen = display()
    async with demo_client.connect(server.url, on_progress=shown.progress, on_log=shown.log) as client:
        await client.call_tool("slow_progress", {"steps": 3, "delay": 0.01})
        assert shown.state == demo_client.ProgressState(3, 3, "step 3")
        await client.set_log_level("warning")
        await client.call_tool("log_levels")
    shown.stop()
    output = screen.getvalue()
    assert "3/3" in output
    assert "warning warning" in output and "error error" in output
    assert "info info" not in output  # filtered by the level the client set
