"""The PostgreSQL event store: append with optimistic concurrency, read a stream, follow all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import asyncpg
import orjson

from shared.clock import Clock
from shared.events.base import CE_TYPE_PREFIX, GENESIS_HASH, RecordedEvent
from shared.eventstore.errors import ConcurrencyError
from shared.eventstore.port import START, Append, EventStore, HashRun, Position
from shared.eventstore.records import ROW_COLUMNS, record_batch

__all__ = [
    "START",
    "Append",
    "EventStore",
    "Position",
    "PostgresEventStore",
    "ce_type",
    "to_recorded",
    "writer_name",
]

_COLUMNS = """position, stream_id, version, event_id, type, schema_version, subject, source, time,
    correlation_id, causation_id, actor, actor_unit, data, prev_hash, hash"""


_XID_WRAP = 2**32
_WRITER_PREFIX = "pujiang/"
_NO_EVENTS = ":no-events"
# A backend named as another schema's writer cannot add events here (see `writer_name`); every
# other backend of this database, ours or unnamed (a script, a test, psql), still counts; so does
# one whose name this role may not see (NULL).
_HORIZON = """SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax,
    array(SELECT backend_xid::text FROM pg_stat_activity
          WHERE datname = current_database() AND backend_xid IS NOT NULL
            AND (application_name = $1 OR coalesce(application_name, '') NOT LIKE 'pujiang/%')) AS running"""


def writer_name(schema: str, *, appends: bool = True) -> str:
    """The application_name of a connection that may write events into `schema` and no other store.

    A service names its pool's connections so (shared/service.py): the relays of the other
    schemas then need not wait for its transactions. Without it every relay waited on the
    oldest writing transaction of the whole database, so a long consumer batch in projections
    held back what intake, routing and sla had long committed: under load that queue was most
    of the submit -> visible lag. With `appends=False` the name is of a connection that writes
    no events at all (a consumer that only keeps views): not even its own schema's relay waits.
    The store refuses an append on a connection named for another store or for none
    (`PostgresEventStore.append_batch`), so a name can never hide a writer from a relay.
    """
    return _WRITER_PREFIX + schema + ("" if appends else _NO_EVENTS)


class PostgresEventStore(EventStore):
    """One service's event store, living in its own PostgreSQL schema."""

    def __init__(self, schema: str, source: str, clock: Clock) -> None:
        self.schema = schema
        self.source = source
        self._clock = clock
        events = f"{schema}.events"
        self._heads = f"""SELECT DISTINCT ON (stream_id) stream_id, version, hash FROM {events}
            WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version DESC"""
        self._load = f"SELECT {_COLUMNS} FROM {events} WHERE stream_id = $1 ORDER BY version"
        self._load_many = (
            f"SELECT {_COLUMNS} FROM {events} WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version"
        )

    async def append_batch(self, conn: asyncpg.Connection, appends: Sequence[Append]) -> list[list[RecordedEvent]]:
        """Many streams' appends with one read of their heads and one COPY (see EventStore)."""
        if len({a.stream_id for a in appends}) != len(appends):
            raise ValueError("append_batch takes each stream at most once")
        self._may_append(conn)
        heads = await self._head_hashes(conn, appends)
        now = self._clock.now()
        batches, rows = record_batch(self.source, appends, now, heads)
        if not rows:
            return batches
        try:
            # Binary COPY: measured against one INSERT ... SELECT FROM unnest(arrays) of the same
            # rows, half the client CPU per event (no arrays to build and encode) and no slower.
            await conn.copy_records_to_table("events", schema_name=self.schema, columns=ROW_COLUMNS, records=rows)
        except asyncpg.UniqueViolationError as error:
            # A writer whose transaction was still open when we read the heads won: the key in
            # the error's detail names its stream ("Key (stream_id, version)=(s, 3) already exists.").
            loser = _conflicting_stream(error, appends)
            raise ConcurrencyError(loser.stream_id, loser.expected_version) from error
        return batches

    def _may_append(self, conn: asyncpg.Connection) -> None:
        """A connection named as another store's writer, or as none, is one our relay does not wait for."""
        name = getattr(conn.get_settings(), "application_name", "") or ""
        if name.startswith(_WRITER_PREFIX) and name != writer_name(self.schema):
            raise RuntimeError(f"a connection named {name!r} must not append to {self.schema}'s events")

    async def _head_hashes(self, conn: asyncpg.Connection, appends: Sequence[Append]) -> dict[str, str]:
        """The hash each stream's new events chain to; ConcurrencyError naming every stream that moved on."""
        heads = {a.stream_id: GENESIS_HASH for a in appends}
        # Only new streams need no read: if one exists after all, the INSERT's primary key says so.
        if all(a.expected_version == 0 for a in appends):
            return heads
        found = {r["stream_id"]: r for r in await conn.fetch(self._heads, list(heads))}
        lost: list[Append] = []
        for a in appends:
            head = found.get(a.stream_id)
            current = 0 if head is None else head["version"]
            if current != a.expected_version:
                lost.append(a)
            elif head is not None:
                heads[a.stream_id] = head["hash"]
        if lost:
            raise ConcurrencyError(lost[0].stream_id, lost[0].expected_version, tuple(a.stream_id for a in lost))
        return heads

    async def load(self, conn: asyncpg.Connection, stream_id: str) -> list[RecordedEvent]:
        return [to_recorded(row) for row in await conn.fetch(self._load, stream_id)]

    async def load_many(self, conn: asyncpg.Connection, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        streams: dict[str, list[RecordedEvent]] = {}
        for row in await conn.fetch(self._load_many, list(stream_ids)):
            streams.setdefault(row["stream_id"], []).append(to_recorded(row))
        return streams

    async def stream_version(self, conn: asyncpg.Connection, stream_id: str) -> int:
        version = await conn.fetchval(
            f"SELECT coalesce(max(version), 0) FROM {self.schema}.events WHERE stream_id = $1", stream_id
        )
        return int(version)

    async def read_all(
        self, conn: asyncpg.Connection, after: Position, limit: int
    ) -> list[tuple[Position, RecordedEvent]]:
        """Committed events after `after`, in commit order, never past a still-open transaction.

        Call it outside a transaction (each statement its own snapshot): the horizon is read
        first, then the events below it with a newer snapshot (see `_horizon`).
        """
        horizon = await self._horizon(conn)
        rows = await conn.fetch(
            f"""SELECT tx_id::text AS tx_id, {_COLUMNS} FROM {self.schema}.events
                WHERE (tx_id, position) > ($1::text::xid8, $2) AND tx_id < $3::text::xid8
                ORDER BY tx_id, position LIMIT $4""",
            str(after.tx_id),
            after.position,
            str(horizon),
            limit,
        )
        return [(Position(int(row["tx_id"]), row["position"]), to_recorded(row)) for row in rows]

    async def read_hashes(self, conn: asyncpg.Connection, after: Position, limit: int) -> list[tuple[Position, str]]:
        """read_all's events, only their place and hash (the Merkle tree's leaves; no payload decoded)."""
        horizon = await self._horizon(conn)
        rows = await conn.fetch(
            f"""SELECT tx_id::text AS tx_id, position, hash FROM {self.schema}.events
                WHERE (tx_id, position) > ($1::text::xid8, $2) AND tx_id < $3::text::xid8
                ORDER BY tx_id, position LIMIT $4""",
            str(after.tx_id),
            after.position,
            str(horizon),
            limit,
        )
        return [(Position(int(row["tx_id"]), row["position"]), row["hash"]) for row in rows]

    async def read_hash_run(self, conn: asyncpg.Connection, after: Position, limit: int) -> HashRun:
        """read_hashes in three columns aggregated by the server: two int8 arrays and one bytea."""
        horizon = await self._horizon(conn)
        row = await conn.fetchrow(
            f"""SELECT array_agg(tx_id::text::int8 ORDER BY tx_id, position) AS tx_ids,
                    array_agg(position ORDER BY tx_id, position) AS positions,
                    string_agg(decode(hash, 'hex'), ''::bytea ORDER BY tx_id, position) AS hashes
                FROM (SELECT tx_id, position, hash FROM {self.schema}.events
                      WHERE (tx_id, position) > ($1::text::xid8, $2) AND tx_id < $3::text::xid8
                      ORDER BY tx_id, position LIMIT $4) AS run""",
            str(after.tx_id),
            after.position,
            str(horizon),
            limit,
        )
        return HashRun(row["tx_ids"] or [], row["positions"] or [], row["hashes"] or b"")

    async def read_subject(self, conn: asyncpg.Connection, subject: str) -> list[tuple[Position, RecordedEvent]]:
        rows = await conn.fetch(
            f"""SELECT tx_id::text AS tx_id, {_COLUMNS} FROM {self.schema}.events
                WHERE subject = $1 ORDER BY tx_id, position""",
            subject,
        )
        return [(Position(int(row["tx_id"]), row["position"]), to_recorded(row)) for row in rows]

    async def _horizon(self, conn: asyncpg.Connection) -> int:
        """The oldest transaction of this database still running, or the next to start if none.

        Every event below it that will ever commit has committed. Only this database's backends
        count, and of those not the ones named as another schema's writer (`writer_name`):
        waiting on the whole cluster's oldest transaction (pg_snapshot_xmin) let any long
        transaction in any database hold publishing back. The statement's snapshot is taken
        before it lists the backends, so a transaction begun after it starts above its xmax, and
        one that ends between the two is visible to the events read that follows.
        """
        row = await conn.fetchrow(_HORIZON, writer_name(self.schema))
        xmax = int(row["xmax"])
        horizon = xmax
        for xid in row["running"]:
            # backend_xid is the 32-bit xid: place it in the epoch nearest to xmax.
            ahead = (int(xid) - xmax) % _XID_WRAP
            horizon = min(horizon, xmax + ahead if ahead < _XID_WRAP // 2 else xmax - (_XID_WRAP - ahead))
        return horizon

    async def count_after(self, conn: asyncpg.Connection, after: Position) -> int:
        count = await conn.fetchval(
            f"SELECT count(*) FROM {self.schema}.events WHERE (tx_id, position) > ($1::text::xid8, $2)",
            str(after.tx_id),
            after.position,
        )
        return int(count)

    async def subjects_of_type(self, conn: asyncpg.Connection, type_name: str) -> list[str]:
        rows = await conn.fetch(
            f"""SELECT subject FROM {self.schema}.events WHERE type = $1
                GROUP BY subject ORDER BY min(position)""",
            type_name,
        )
        return [row["subject"] for row in rows]

    async def streams(self, conn: asyncpg.Connection) -> AsyncIterator[list[RecordedEvent]]:
        """Every stream in stream id order, read with a server-side cursor (needs a transaction)."""
        current: list[RecordedEvent] = []
        query = f"SELECT {_COLUMNS} FROM {self.schema}.events ORDER BY stream_id, version"
        async for row in conn.cursor(query, prefetch=2000):
            event = to_recorded(row)
            if current and current[0].stream_id != event.stream_id:
                yield current
                current = []
            current.append(event)
        if current:
            yield current


def _conflicting_stream(error: asyncpg.UniqueViolationError, appends: Sequence[Append]) -> Append:
    detail = getattr(error, "detail", None) or ""
    key = detail.partition("=(")[2].rpartition(")")[0]
    stream_id = key.rpartition(", ")[0]
    return next((a for a in appends if a.stream_id == stream_id), appends[0])


def to_recorded(row: asyncpg.Record, subject: str = "subject") -> RecordedEvent:
    """An event from a row of an event table (or of a copy of one whose subject column is named otherwise).

    The row's types are the table's (uuid, timestamptz, integer), so the record is built without
    re-validation; only the jsonb payload (text on the wire) is parsed.
    """
    data = row["data"]
    return RecordedEvent.trusted(
        {
            "id": row["event_id"],
            "source": row["source"],
            "type": row["type"],
            "subject": row[subject],
            "time": row["time"],
            "stream_id": row["stream_id"],
            "version": row["version"],
            "schema_version": row["schema_version"],
            "correlation_id": row["correlation_id"],
            "causation_id": row["causation_id"],
            "actor": row["actor"],
            "actor_unit": row["actor_unit"],
            "data": orjson.loads(data) if isinstance(data, str) else data,
            "prev_hash": row["prev_hash"],
            "hash": row["hash"],
            "position": row.get("position"),
        }
    )


def ce_type(type_name: str) -> str:
    return CE_TYPE_PREFIX + type_name


def _conforms(store: PostgresEventStore) -> EventStore:
    return store  # mypy checks here that the adapter implements the port
