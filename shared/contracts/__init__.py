"""Machine-readable contracts of the system: the AsyncAPI document of its topics, and example events."""
