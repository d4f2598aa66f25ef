"""The runtime every service shares: pool, event store, relay, consumer, clock, health.

A service describes itself with a `ServiceSpec`; `create_app` wires the rest explicitly, so
the four services differ only in their domain, handlers and routes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.audit.checkpointer import Checkpointer
from shared.audit.routes import router as audit_router
from shared.audit.tree_store import tree_ddl
from shared.audit.wiring import checkpointer_for
from shared.clock import SystemClock
from shared.contracts.http import ASYNCAPI_PATH, asyncapi_router
from shared.events.base import RecordedEvent
from shared.eventstore.port import EventStore
from shared.eventstore.roles import grant_service_role, service_password, service_read_url, service_role, service_url
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore, writer_name
from shared.guards import EXIT_CONFIG, refuse_unsafe_production, say_misconfigured
from shared.http.errors import error_body, install_error_handlers
from shared.http.health import health_router
from shared.http.limits import BodySizeLimit
from shared.http.metrics import install_metrics
from shared.http.text import refuse_nul
from shared.http.tokens import TokenVerifier
from shared.logs import configure_logging
from shared.messaging.clock_follower import ClockFollower
from shared.messaging.consumer import BatchHandler, Consumed, DeadLetters, EventConsumer
from shared.messaging.readback import ReadBack
from shared.messaging.relay import OutboxRelay
from shared.messaging.resume import ResumeFromStoredOffsets
from shared.messaging.stall import StallWatch
from shared.messaging.topics import ClusterTooSmall, Topics, ensure_topics
from shared.runtime import committing, supervise
from shared.settings import Settings

log = structlog.get_logger()


@dataclass
class Context:
    """What a running service instance holds; handlers and routes reach it via app.state.ctx."""

    name: str
    settings: Settings
    pool: asyncpg.Pool
    store: EventStore
    clock: SystemClock
    producer: AIOKafkaProducer
    topics: Topics
    relay: OutboxRelay
    follower: ClockFollower
    consumer: EventConsumer | None = None
    stall_watch: StallWatch | None = None
    consumer_pool: asyncpg.Pool | None = None  # when the consumer appends no events (ServiceSpec)
    broker: KafkaBroker | None = None
    read_pool: asyncpg.Pool | None = None  # a read replica's, when the spec reads from one and one is configured
    extras: dict[str, Any] = field(default_factory=dict)

    def transaction(self) -> contextlib.AbstractAsyncContextManager[asyncpg.Connection]:
        """A connection in a transaction that pokes the relay once it has committed (see `committing`)."""
        return committing(self.pool, self.relay.poke)

    async def consumer_lag(self) -> int:
        """Records on our assigned partitions not yet consumed (0 when we consume nothing)."""
        if self.broker is None:
            return 0
        lag = 0
        for subscriber in self.broker.subscribers:
            kafka = getattr(subscriber, "consumer", None)
            if kafka is None:
                continue
            for tp in kafka.assignment():
                high = kafka.highwater(tp)
                if high is not None:
                    lag += max(0, high - await kafka.position(tp))
        return lag


@dataclass
class ServiceSpec:
    name: str
    routers: Sequence[APIRouter] = ()
    extra_ddl: Sequence[str] = ()
    consumes: Sequence[str] = ()  # names of the services whose topics we read
    handlers: Callable[[Context], BatchHandler] = lambda _: BatchHandler(frozenset(), _ignore)
    topic_for: Callable[[Topics, RecordedEvent], str] | None = None
    background: Sequence[Callable[[Context], Awaitable[None]]] = ()
    on_start: Callable[[Context], Awaitable[None]] | None = None
    # False for a consumer that only keeps views: it then runs on connections named as writing no
    # events, which even this service's relay need not wait for (the store refuses their appends).
    consumer_appends: bool = True
    # Its own least-privileged role may also create schemas in the database, owning only those
    # (shared/eventstore/roles.py): projections makes read-model generation schemas while serving.
    makes_schemas: bool = False
    # Serve queries from PUJIANG_READ_DATABASE_URL when set; writes and consumers stay on the primary.
    reads_from_replica: bool = False
    # Holds the petitioners' data keys (intake): needs a master key of its own outside dev.
    seals_personal_data: bool = False


async def _ignore(_conn: asyncpg.Connection, _events: list[Consumed]) -> None:
    """The handler of a service that consumes nothing."""


def create_app(spec: ServiceSpec, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(spec.name, logging.getLevelNamesMapping()[settings.pujiang_log_level.upper()])
    # Before anything connects: a refusal needs no Kafka or PostgreSQL to be seen.
    refuse_unsafe_production(spec.name, settings, seals_personal_data=spec.seals_personal_data)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Serve /healthz and a not-ready /readyz at once; connect in the background, retrying with
        # backoff, so a service started while PostgreSQL or Kafka is away waits for them.
        app.state.ctx = None
        app.state.startup_error = None
        running: list[_Running] = []
        booting = asyncio.create_task(_boot(spec, settings, app, running))
        try:
            yield
        finally:
            booting.cancel()
            await asyncio.gather(booting, return_exceptions=True)
            for started in running:
                await started.stop()

    # refuse_nul runs before every route's own parameters: no NUL reaches PostgreSQL (shared/http/text.py).
    app = FastAPI(title=f"Pujiang {spec.name}", lifespan=lifespan, dependencies=[Depends(refuse_nul)])
    app.state.settings = settings
    app.state.tokens = TokenVerifier.from_settings(settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.pujiang_max_body_bytes)
    app.add_middleware(UntilStarted)
    install_error_handlers(app)
    install_metrics(app, spec.name)
    app.include_router(health_router(_readiness))
    app.include_router(asyncapi_router())
    app.include_router(audit_router)
    for router in spec.routers:
        app.include_router(router)
    return app


@dataclass
class _Running:
    """A started instance: its context and the supervised background jobs."""

    ctx: Context
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            if self.ctx.broker is not None:
                await self.ctx.broker.stop()
        with contextlib.suppress(Exception):
            await self.ctx.producer.stop()
        with contextlib.suppress(Exception):
            await self.ctx.pool.close()
        with contextlib.suppress(Exception):
            if self.ctx.consumer_pool is not None:
                await self.ctx.consumer_pool.close()
        with contextlib.suppress(Exception):
            if self.ctx.read_pool is not None:
                await self.ctx.read_pool.close()


BOOT_BACKOFF_S = (0.2, 5.0)  # first and longest pause between attempts to start


def _exit_misconfigured(service: str, error: Exception) -> None:
    """A cluster too small for the replication factor is fixed by an operator, not by waiting: exit, loudly."""
    say_misconfigured(service, "service.cluster_too_small", str(error))
    os._exit(EXIT_CONFIG)  # from a background task: uvicorn would otherwise keep serving a 503 forever


async def _boot(spec: ServiceSpec, settings: Settings, app: FastAPI, running: list[_Running]) -> None:
    """Start until it works: each failed attempt is undone, logged and retried with backoff."""
    backoff, longest = BOOT_BACKOFF_S
    while True:
        started: _Running | None = None
        try:
            started = _Running(await _start(spec, settings))
            running.append(started)
            ctx = started.ctx
            jobs = (_run_relay, _run_follower, _run_checkpointer, _run_stall_watch, *spec.background)
            started.tasks = [
                asyncio.create_task(supervise(f"{spec.name}.{job.__name__}", partial(job, ctx))) for job in jobs
            ]
            if spec.on_start is not None:
                await spec.on_start(ctx)
            if ctx.broker is not None:
                await ctx.broker.start()
        except asyncio.CancelledError:
            raise
        except ClusterTooSmall as error:
            _exit_misconfigured(spec.name, error)
            raise
        except Exception as error:
            app.state.startup_error = repr(error)
            log.warning("service.start_failed", service=spec.name, error=repr(error), retry_in=backoff)
            if started is not None:
                running.remove(started)
                await started.stop()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, longest)
            continue
        app.state.ctx = ctx
        app.state.startup_error = None
        log.info("service.started", service=spec.name)
        return


class UntilStarted:
    """Until the service has started, every route but health and metrics answers 503 with Retry-After."""

    _OPEN = ("/healthz", "/readyz", "/metrics", ASYNCAPI_PATH)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._OPEN or _started(scope):
            await self.app(scope, receive, send)
            return
        body = error_body("unavailable", "the service is starting (waiting for PostgreSQL or Kafka); try again")
        await JSONResponse(body, status_code=503, headers={"Retry-After": "1"})(scope, receive, send)


def _started(scope: Scope) -> bool:
    app = scope.get("app")
    return app is not None and getattr(app.state, "ctx", None) is not None


async def _start(spec: ServiceSpec, settings: Settings) -> Context:
    await ensure_topics(settings)
    url = await migrate_service(spec, settings)
    # Named as the writer of this service's events only, so other schemas' relays need not wait on it.
    pool = await asyncpg.create_pool(
        url,
        min_size=2,
        max_size=settings.pujiang_db_pool_size,
        server_settings={"application_name": writer_name(spec.name)},
    )
    read_pool: asyncpg.Pool | None = None
    try:
        read_url = service_read_url(settings, spec.name)
        if spec.reads_from_replica and read_url:
            read_pool = await asyncpg.create_pool(read_url, min_size=1, max_size=settings.pujiang_db_pool_size)
        ctx = await _connect(spec, settings, pool, url)
    except BaseException:
        await pool.close()
        if read_pool is not None:
            await read_pool.close()
        raise
    ctx.read_pool = read_pool
    return ctx


async def migrate_service(spec: ServiceSpec, settings: Settings) -> str:
    """As the migration role (DATABASE_URL): the schema's tables, then the service role's grants.

    Where the service then connects (`service_url`): also what a service's own command-line
    tool uses (projections' rebuild), so it runs with the service's rights, not the migration role's.
    """
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=1)
    try:
        await migrate(pool, spec.name, tree_ddl(spec.name), *(ddl.format(schema=spec.name) for ddl in spec.extra_ddl))
        if settings.pujiang_db_service_roles:
            role, password = service_role(settings, spec.name), service_password(settings, spec.name)
            await grant_service_role(pool, spec.name, role, password, makes_schemas=spec.makes_schemas)
    finally:
        await pool.close()
    return service_url(settings, spec.name)


async def _connect(spec: ServiceSpec, settings: Settings, pool: asyncpg.Pool, url: str) -> Context:
    clock = SystemClock()
    topics = Topics(settings.pujiang_topic_prefix)
    store = PostgresEventStore(spec.name, f"/pujiang/{spec.name}", clock)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_servers, enable_idempotence=True, linger_ms=5)
    try:
        await producer.start()
    except BaseException:
        await producer.stop()
        raise
    topic_for = spec.topic_for or (lambda t, _e: t.of(spec.name))
    read_back = ReadBack(settings.kafka_servers) if settings.pujiang_relay_read_back else None
    relay = OutboxRelay(pool, store, producer, lambda event: topic_for(topics, event), read_back)
    follower = ClockFollower(settings.kafka_bootstrap_servers, topics.clock, clock)
    ctx = Context(spec.name, settings, pool, store, clock, producer, topics, relay, follower)
    if settings.pujiang_checkpoints:
        ctx.extras["checkpointer"] = checkpointer_for(spec.name, settings, url, store, producer, topics.checkpoints)
    if spec.consumes:
        consuming = pool
        if not spec.consumer_appends:
            # One batch at a time: two connections are plenty.
            consuming = ctx.consumer_pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=2,
                server_settings={"application_name": writer_name(spec.name, appends=False)},
            )
        ctx.consumer = EventConsumer(
            spec.name, spec.name, consuming, spec.handlers(ctx), DeadLetters(producer, topics.dead_letter),
            after_commit=relay.poke,
        )  # fmt: skip
        ctx.broker = _broker(ctx, [topics.of(s) for s in spec.consumes])
        kafka = partial(kafka_consumer, ctx.broker)
        ctx.stall_watch = StallWatch(ctx.consumer, kafka, settings.pujiang_consumer_stall_s)
    return ctx


def kafka_consumer(broker: KafkaBroker) -> AIOKafkaConsumer | None:
    """The aiokafka consumer of the service's one subscriber, once it has started."""
    found: AIOKafkaConsumer | None = next(
        (kafka for s in broker.subscribers if (kafka := getattr(s, "consumer", None)) is not None), None
    )
    return found


def _broker(ctx: Context, topic_names: list[str]) -> KafkaBroker:
    broker = KafkaBroker(ctx.settings.kafka_servers, logger=None)
    consumer = ctx.consumer
    assert consumer is not None

    @broker.subscriber(
        *topic_names,
        group_id=f"{ctx.topics.prefix}.{ctx.name}",
        listener=ResumeFromStoredOffsets(consumer, partial(kafka_consumer, broker)),
        batch=True,
        max_records=500,
        batch_timeout_ms=50,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
    )
    async def on_events(message: KafkaMessage) -> None:
        raw = message.raw_message
        try:
            await consumer.process(raw if isinstance(raw, tuple) else (raw,))
        except Exception:
            # Our own failure (e.g. PostgreSQL away): the batch is rewound and redelivered;
            # the pause keeps a persistent fault from spinning.
            log.exception("consumer.batch_failed", consumer=ctx.name)
            await asyncio.sleep(1.0)
            raise

    return broker


async def _run_relay(ctx: Context) -> None:
    await ctx.relay.run()


async def _run_follower(ctx: Context) -> None:
    await ctx.follower.run()


async def _run_stall_watch(ctx: Context) -> None:
    if ctx.stall_watch is None:  # consumes nothing
        await asyncio.Event().wait()
    else:
        await ctx.stall_watch.run()


async def _run_checkpointer(ctx: Context) -> None:
    checkpointer: Checkpointer | None = ctx.extras.get("checkpointer")
    if checkpointer is None:  # switched off (PUJIANG_CHECKPOINTS=false): nothing to supervise
        await asyncio.Event().wait()
    else:
        await checkpointer.run()


async def _readiness(request: Request) -> dict[str, Any]:
    ctx: Context | None = getattr(request.app.state, "ctx", None)
    if ctx is None:
        return {"startup": {"ok": False, "error": getattr(request.app.state, "startup_error", None)}}
    checks: dict[str, Any] = {}
    try:
        async with asyncio.timeout(2):
            await ctx.pool.fetchval("SELECT 1")
        checks["postgres"] = {"ok": True}
    except Exception as error:  # readiness reports, it never raises
        checks["postgres"] = {"ok": False, "error": repr(error)}
    try:
        async with asyncio.timeout(2):
            await ctx.producer.client.fetch_all_metadata()
        checks["kafka"] = {"ok": True}
    except Exception as error:
        checks["kafka"] = {"ok": False, "error": repr(error)}
    if ctx.read_pool is not None:
        try:
            async with asyncio.timeout(2):
                await ctx.read_pool.fetchval("SELECT 1")
            checks["read_replica"] = {"ok": True}
        except Exception as error:
            checks["read_replica"] = {"ok": False, "error": repr(error)}
    checks["clock"] = {"ok": ctx.follower.caught_up.is_set(), "offset_s": ctx.clock.offset.total_seconds()}
    lag = await ctx.consumer_lag()
    checks["consumer"] = {
        "ok": ctx.broker is None or (_subscribed(ctx) and lag <= ctx.settings.pujiang_ready_max_lag),
        "lag": lag,
        "stalls_nudged": ctx.stall_watch.nudged if ctx.stall_watch is not None else 0,
    }
    checks["relay"] = {"ok": True, "leader": ctx.relay.is_leader, "published": ctx.relay.published}
    if (checkpointer := ctx.extras.get("checkpointer")) is not None:
        checks["checkpoints"] = {"ok": True, "leader": checkpointer.is_leader, "made": checkpointer.made}
    return checks


def _subscribed(ctx: Context) -> bool:
    assert ctx.broker is not None
    return all(getattr(s, "consumer", None) is not None for s in ctx.broker.subscribers)


__all__ = ["EXIT_CONFIG", "Context", "ServiceSpec", "TopicPartition", "create_app", "migrate_service"]
