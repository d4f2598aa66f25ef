"""The imperative shell around the core: the tick loop, waiting for the system, sending commands."""
