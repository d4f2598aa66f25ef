"""`python -m bench.consumers`: events/s that routing's and sla's consumers apply from Kafka batches.

Focused on the consumer alone: no broker, no HTTP. Each run builds the service's real batch
handler (`ServiceSpec.handlers`) over a schema of its own, encodes records exactly as a relay
publishes them, and hands them to `EventConsumer.process` in batches of the subscriber's size
(500). Routing gets intake's PetitionSubmitted interleaved with as many of sla's ClockStarted
(which it does not act on, as on its real topics); sla gets routing's CaseAssigned. The figure is
events applied per second of wall time (records skipped without effect are not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import asyncpg
from aiokafka import ConsumerRecord

from shared.clock import SystemClock
from shared.events import ClockStarted, Event, PetitionSubmitted, RecordedEvent
from shared.events.intake import SealedPetitioner
from shared.events.routing import CaseAssigned
from shared.eventstore.schema import migrate
from shared.eventstore.store import PostgresEventStore
from shared.messaging.codec import encode
from shared.messaging.consumer import DeadLetters, EventConsumer
from shared.settings import Settings
from shared.vocabulary import Channel, Level

DEFAULT_URL = "postgresql://pujiang:pujiang@127.0.0.1:5432/pujiang"
BATCH = 500
VILLAGE = "330726101203"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _recorded(payload: Event, source: str, stream: str, case_id: str, at: datetime) -> RecordedEvent:
    return RecordedEvent(
        id=uuid.uuid4(),
        source=source,
        type=payload.type_name(),
        subject=case_id,
        time=at,
        stream_id=f"{stream}-{case_id}",
        version=1,
        schema_version=1,
        correlation_id=uuid.uuid4(),
        causation_id=None,
        actor="bench",
        actor_unit=None,
        data=payload.model_dump(mode="json"),
        prev_hash="0" * 64,
        hash="0" * 64,
    )


def _record(event: RecordedEvent, offset: int) -> ConsumerRecord[bytes, bytes]:
    message = encode(event)
    headers = [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in message.headers.items()]
    key = message.key.encode() if isinstance(message.key, str) else message.key
    return ConsumerRecord("bench", 0, offset, 0, 0, key, message.value, None, 0, 0, headers)


def petition(case_id: str) -> PetitionSubmitted:
    return PetitionSubmitted(
        case_id=case_id,
        tracking_code="MH0123456789",
        access_code_hash="h",
        channel=Channel.ONLINE,
        division_code=VILLAGE,
        category="neighbourhood_dispute",
        title="牆擋住了排水",
        content="The new wall blocks the drain.",
        petitioner=SealedPetitioner(),  # a consumer reads it sealed; nothing here to open
    )


def routing_records(n: int) -> list[ConsumerRecord[bytes, bytes]]:
    out = []
    for i in range(n):
        case_id = str(uuid.uuid4())
        out.append(_record(_recorded(petition(case_id), "/pujiang/intake", "petition", case_id, T0), 2 * i))
        started = ClockStarted(
            case_id=case_id,
            clock_id="acceptance-1",
            kind="acceptance",
            policy="national",
            started_at=T0,
            due_at=T0 + timedelta(days=15),
            amount=15,
            unit="calendar_days",
            unit_id=VILLAGE,
        )
        out.append(_record(_recorded(started, "/pujiang/sla", "clocks", case_id, T0), 2 * i + 1))
    return out


def sla_records(n: int) -> list[ConsumerRecord[bytes, bytes]]:
    out = []
    for i in range(n):
        case_id = str(uuid.uuid4())
        assigned = CaseAssigned(
            case_id=case_id,
            division_code=VILLAGE,
            level=Level.VILLAGE,
            unit_id=VILLAGE,
            unit_name="村委會",
            county_code="330726000000",
            category="neighbourhood_dispute",
            channel=Channel.ONLINE,
            location_code=VILLAGE,
        )
        out.append(_record(_recorded(assigned, "/pujiang/routing", "case", case_id, T0), i))
    return out


class _NoLetters(DeadLetters):
    def __init__(self) -> None:
        super().__init__(None, "none")  # never sends

    async def send(self, _record: ConsumerRecord[bytes, bytes], _consumer: str, reason: str) -> None:
        raise AssertionError(f"the bench's own record was dead-lettered: {reason}")


def intake_records(case_ids: list[str]) -> list[ConsumerRecord[bytes, bytes]]:
    """What intake follows of each of its petitions: routing's CaseAssigned, sla's ClockStarted."""
    out = []
    for i, case_id in enumerate(case_ids):
        assigned = CaseAssigned(
            case_id=case_id, division_code=VILLAGE, level=Level.VILLAGE, unit_id=VILLAGE, unit_name="村委會",
            county_code="330726000000", category="neighbourhood_dispute", channel=Channel.ONLINE,
            location_code=VILLAGE,
        )  # fmt: skip
        started = ClockStarted(
            case_id=case_id, clock_id="acceptance-1", kind="acceptance", policy="national", started_at=T0,
            due_at=T0 + timedelta(days=15), amount=15, unit="calendar_days", unit_id=VILLAGE,
        )  # fmt: skip
        out.append(_record(_recorded(assigned, "/pujiang/routing", "case", case_id, T0), 2 * i))
        out.append(_record(_recorded(started, "/pujiang/sla", "clocks", case_id, T0), 2 * i + 1))
    return out


async def _intake_petitions(ctx: Any, n: int) -> list[str]:
    """`n` petitions submitted through intake's own handler (in groups, as under load); their case ids."""
    from services.intake.entrypoints.bodies import PetitionIn
    from services.intake.handlers import submit_petition
    from tests.support.petitions import a_petition

    intake = ctx.extras["intake"]  # the service's handlers made it
    commands = [PetitionIn.model_validate(a_petition()).command(None) for _ in range(n)]
    results = await asyncio.gather(*(submit_petition(intake, c, None) for c in commands))
    return [r.case_id for r in results]


async def _run(
    pool: asyncpg.Pool, service: str, make: Callable[[Any], Any], n: int, batch: int = BATCH
) -> tuple[float, float, int]:
    """One fresh schema, all records through the service's consumer; (seconds, CPU-seconds of this process, events
    applied). Intake's records follow petitions it first records itself (not timed)."""
    if service == "routing":
        from services.routing.app import SPEC
    elif service == "intake":
        from services.intake.app import SPEC
    else:
        from services.sla.app import SPEC
    schema = f"bench_{service}_{uuid.uuid4().hex[:8]}"
    await migrate(pool, schema, *(ddl.format(schema=schema) for ddl in SPEC.extra_ddl))
    clock = SystemClock()
    relay = SimpleNamespace(poke=lambda: None)
    ctx: Any = SimpleNamespace(
        name=schema, pool=pool, clock=clock, settings=Settings(), relay=relay, extras={},
        store=PostgresEventStore(schema, f"/pujiang/{service}", clock),
    )  # fmt: skip
    handler = SPEC.handlers(ctx)
    records = make(n) if service != "intake" else make(await _intake_petitions(ctx, n // 2))
    consumer = EventConsumer(schema, schema, pool, handler, _NoLetters())
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        for at in range(0, len(records), batch):
            await consumer.process(records[at : at + batch])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        applied = int(await pool.fetchval(f"SELECT count(*) FROM {schema}.inbox"))
    finally:
        await pool.execute(f"DROP SCHEMA {schema} CASCADE")
    return elapsed, cpu, applied


async def measure(
    url: str, events: int, repeats: int, services: tuple[str, ...] = ("routing", "sla"), batch: int = BATCH
) -> dict[str, Any]:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    results: dict[str, Any] = {}
    makers: dict[str, Callable[[Any], list[ConsumerRecord[bytes, bytes]]]] = {
        "routing": routing_records,
        "sla": sla_records,
        "intake": intake_records,
    }
    try:
        for service in services:
            rates, cpu_us = [], []
            for _ in range(repeats):
                seconds, cpu, applied = await _run(pool, service, makers[service], events, batch)
                assert applied == events, (service, applied)
                rates.append(applied / seconds)
                cpu_us.append(cpu * 1e6 / applied)
            results[service] = {
                "events": events,
                "median_events_per_s": statistics.median(rates),
                "runs": rates,
                "median_cpu_us_per_event": statistics.median(cpu_us),  # this process's; PostgreSQL's not counted
            }
    finally:
        await pool.close()
    return results


async def soak(
    url: str, seconds: float, rate: float, partitions: int = 6, every_s: float = 30.0
) -> list[dict[str, Any]]:
    """Routing's consumer fed `rate` petitions/s over `partitions` partitions, the inbox pruned as
    the service does; the inbox's row count sampled at every prune."""
    from services.routing.app import SPEC
    from shared.messaging.inbox import prune_inbox

    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    schema = f"bench_soak_{uuid.uuid4().hex[:8]}"
    await migrate(pool, schema, *(ddl.format(schema=schema) for ddl in SPEC.extra_ddl))
    clock = SystemClock()
    ctx: Any = SimpleNamespace(
        name=schema, pool=pool, clock=clock, settings=Settings(), relay=SimpleNamespace(poke=lambda: None), extras={},
        store=PostgresEventStore(schema, "/pujiang/routing", clock),
    )  # fmt: skip
    consumer = EventConsumer(schema, schema, pool, SPEC.handlers(ctx), _NoLetters())
    samples: list[dict[str, Any]] = []
    offsets = [0] * partitions
    started = next_prune = time.monotonic()
    applied = 0
    try:
        while (now := time.monotonic()) - started < seconds:
            if now >= next_prune:
                pruned = await prune_inbox(pool, schema)
                rows = int(await pool.fetchval(f"SELECT count(*) FROM {schema}.inbox"))
                samples.append({"s": round(now - started), "applied": applied, "inbox_rows": rows, "pruned": pruned})
                print(samples[-1], flush=True)
                next_prune += every_s
            batch = []
            for i in range(max(1, int(rate / 10))):  # a tenth of a second's worth
                p = i % partitions
                case_id = str(uuid.uuid4())
                record = _record(_recorded(petition(case_id), "/pujiang/intake", "petition", case_id, T0), offsets[p])
                batch.append(dataclasses.replace(record, partition=p))
                offsets[p] += 1
            await consumer.process(batch)
            applied += len(batch)
            await asyncio.sleep(max(0.0, 0.1 - (time.monotonic() - now)))
    finally:
        await pool.execute(f"DROP SCHEMA {schema} CASCADE")
        await pool.close()
    return samples


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.consumers", description=__doc__)
    p.add_argument("--database-url", default=DEFAULT_URL)
    p.add_argument("--events", type=int, default=3000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch", type=int, default=BATCH, help="records per consumed batch (the subscriber's 500)")
    p.add_argument(
        "--services", default="routing,sla", help="which consumers, comma-separated (routing,sla; or intake)"
    )
    p.add_argument("--soak-s", type=float, default=0, help="instead: a soak of routing's consumer this long")
    p.add_argument("--soak-rate", type=float, default=200, help="petitions/s during the soak (200)")
    args = p.parse_args()
    if args.soak_s:
        asyncio.run(soak(args.database_url, args.soak_s, args.soak_rate))
        return
    services = tuple(args.services.split(","))
    for service, figure in asyncio.run(
        measure(args.database_url, args.events, args.repeats, services, args.batch)
    ).items():
        runs = ", ".join(f"{r:,.0f}" for r in figure["runs"])
        rate = figure["median_events_per_s"]
        cpu = figure["median_cpu_us_per_event"]
        print(
            f"{service:8} {rate:>9,.0f} events/s median of [{runs}] ({figure['events']} events), {cpu:.0f} µs CPU/event"
        )


if __name__ == "__main__":
    main()
