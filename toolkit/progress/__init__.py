"""Keeping people informed during long work: progress tracking and heartbeats."""

from .heartbeats import DEFAULT_EVERY, Heartbeat, heartbeat, run_blocking
from .route import LogText, ProgressRoute, Via, checked_level, progress_text, route_for
from .tracking import DEFAULT_MIN_INTERVAL, Progress, track

__all__ = [
    "DEFAULT_EVERY",
    "DEFAULT_MIN_INTERVAL",
    "Heartbeat",
    "LogText",
    "Progress",
    "ProgressRoute",
    "Via",
    "checked_level",
    "heartbeat",
    "progress_text",
    "route_for",
    "run_blocking",
    "track",
]
