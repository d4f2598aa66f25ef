"""Run a service's ASGI app with uvicorn: `python -m services.<name>`."""

from __future__ import annotations

import os

import uvicorn
from uvicorn.importer import import_from_string


def serve(factory: str, default_port: int) -> None:
    port = int(os.environ.get("PORT", default_port))
    workers = int(os.environ.get("PUJIANG_HTTP_WORKERS", "1"))
    if workers > 1:
        # Build the app once here, connecting to nothing, so a refused configuration (shared.guards,
        # exit 78) ends this process: uvicorn restarts, forever, a worker that exits with any code but 3.
        import_from_string(factory)()
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
        workers=workers,
    )
