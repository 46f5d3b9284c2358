"""The client proper: `connect`, the `Client` with its 404 recovery, the transport, the declaration."""
