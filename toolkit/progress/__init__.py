"""Keeping people informed during long work: progress tracking and heartbeats."""

from .heartbeats import Heartbeat, heartbeat, run_blocking
from .tracking import Progress, track

__all__ = ["Heartbeat", "Progress", "heartbeat", "run_blocking", "track"]
