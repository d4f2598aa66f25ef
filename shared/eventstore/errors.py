"""Errors of the event store, in the domain's own terms."""

from __future__ import annotations


class ConcurrencyError(Exception):
    """Someone else appended to the stream(s) since they were read: reload and decide again.

    `streams` names every stream known to have lost (a batch may lose on several at once);
    `stream_id` and `expected_version` describe the first of them.
    """

    def __init__(self, stream_id: str, expected_version: int, streams: tuple[str, ...] = ()) -> None:
        self.streams = streams or (stream_id,)
        others = f" (and {len(self.streams) - 1} more)" if len(self.streams) > 1 else ""
        super().__init__(f"stream {stream_id} is no longer at version {expected_version}{others}")
        self.stream_id = stream_id
        self.expected_version = expected_version
