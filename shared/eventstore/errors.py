"""Errors of the event store, in the domain's own terms."""


class ConcurrencyError(Exception):
    """Someone else appended to the stream since it was read: reload and decide again."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(f"stream {stream_id} is no longer at version {expected_version}")
        self.stream_id = stream_id
        self.expected_version = expected_version
