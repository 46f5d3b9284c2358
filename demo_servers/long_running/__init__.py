"""The long-running training demo server: `python -m demo_servers.long_running`."""
