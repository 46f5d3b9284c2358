"""The terminal: the elicitation form and the progress display (the `client` extra, rich)."""
