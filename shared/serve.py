"""Run a service's ASGI app with uvicorn: `python -m services.<name>`."""

from __future__ import annotations

import os

import uvicorn


def serve(factory: str, default_port: int) -> None:
    port = int(os.environ.get("PORT", default_port))
    uvicorn.run(
        factory,
        factory=True,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=port,
        loop="uvloop",
        # The C parser: uvicorn's default, pure-Python h11, cost intake a tenth of its CPU per request.
        http="httptools",
        log_level="warning",
        access_log=False,
        # Several processes, each a whole instance (pool, relay standby, consumer group member).
        workers=int(os.environ.get("PUJIANG_HTTP_WORKERS", "1")),
    )
