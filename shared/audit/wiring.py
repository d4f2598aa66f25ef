"""Making a service's checkpointer from its settings: the key file, Kafka, the optional directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaProducer

from shared.audit.checkpoint import Signer
from shared.audit.checkpointer import Checkpointer
from shared.audit.tree_store import TreeStore
from shared.eventstore.port import EventStore
from shared.eventstore.store import writer_name
from shared.settings import Settings

DEV_KEY_DIR = Path(".data/keys")


def signer_for(service: str, settings: Settings) -> Signer:
    """The key file configured, or a development key made on first use in .data/keys/.

    Outside dev a service never gets here without a key file: shared.guards refuses to start.
    """
    if settings.pujiang_checkpoint_key_file:
        return Signer.from_file(Path(settings.pujiang_checkpoint_key_file))
    return Signer.from_file(DEV_KEY_DIR / f"{service}-checkpoint.pem", create=True)


def checkpointer_for(
    service: str, settings: Settings, database_url: str, store: EventStore, producer: AIOKafkaProducer, topic: str
) -> Checkpointer:
    async def publish(log_name: str, record: dict[str, Any]) -> None:
        await producer.send_and_wait(topic, orjson.dumps(record), key=log_name.encode())

    directory = settings.pujiang_checkpoint_dir

    async def connect() -> asyncpg.Connection:
        # Named as writing no events: its transactions store tree blocks and checkpoints only, so
        # no relay (not even this service's) need wait for them.
        name = writer_name(service, appends=False)
        return await asyncpg.connect(database_url, server_settings={"application_name": name})

    return Checkpointer(
        connect,
        TreeStore(store),
        signer_for(service, settings),
        publish,
        every=settings.pujiang_checkpoint_every,
        interval_s=settings.pujiang_checkpoint_interval_s,
        directory=Path(directory) if directory else None,
    )
