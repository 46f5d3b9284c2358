"""The interactive expense tracker demo server: `python -m demo_servers.expenses`."""
