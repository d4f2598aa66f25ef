"""A minimal keep-alive HTTP/1.1 client for generating load: POST a body, read the status and body.

On two cores the load generator competes with what it measures; httpx spends about 2 ms of CPU
per request, more than intake itself now does, so the bench's hot loop speaks HTTP/1.1 itself
(about 0.07 ms). It understands only what our services answer: Content-Length framed responses.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit


class LoadClient:
    """One connection, one request at a time; reconnects after an error."""

    def __init__(self, base_url: str, timeout_s: float = 30) -> None:
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._timeout_s = timeout_s
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """(status, body); status 0 when the connection failed or the answer did not come in time."""
        try:
            async with asyncio.timeout(self._timeout_s):
                return await self._exchange(path, body)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            return 0, b""

    async def _exchange(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        self._writer.write(
            b"POST %s HTTP/1.1\r\nhost: %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
            % (path.encode(), self._host.encode(), len(body), body)
        )
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, close = 0, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        answer = await self._reader.readexactly(length)
        if close:
            await self.close()
        return status, answer

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._reader = self._writer = None

    async def __aenter__(self) -> LoadClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()
