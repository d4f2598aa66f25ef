"""The case read model: one row per case, built from every service's events in any order.

Events of one case reach us over several topics, so each update is written to be correct
whatever arrives first: routing events apply only in their own version order, and an intake
event never moves a status back.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

from shared.events import CaseAssigned, CaseNotAccepted, ClockStarted, PetitionSubmitted, RecordedEvent

CASE_VIEW_DDL = """
CREATE TABLE IF NOT EXISTS {schema}.case_view (
    case_id         text PRIMARY KEY,
    tracking_code   text,
    status          text NOT NULL,
    level           text,
    division_code   text,
    unit_id         text,
    unit_name       text,
    county_code     text,
    location_code   text,
    category        text,
    channel         text,
    title           text,
    anonymous       boolean,
    submitted_at    timestamptz,
    updated_at      timestamptz NOT NULL,
    routing_version integer NOT NULL DEFAULT 0,
    leader          text,
    clocks          jsonb NOT NULL DEFAULT '{{}}',
    timeline        jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS case_view_county ON {schema}.case_view (county_code, status);
"""


def timeline_entry(event: RecordedEvent) -> str:
    return orjson.dumps(
        [
            {
                "event_id": str(event.id),
                "type": event.type,
                "time": event.time.isoformat(),
                "actor": event.actor,
                "actor_unit": event.actor_unit,
                "version": event.version,
                "source": event.source,
            }
        ]
    ).decode()


class CaseViewWriter:
    def __init__(self, schema: str) -> None:
        self.t = f"{schema}.case_view"

    async def petition_submitted(self, conn: asyncpg.Connection, event: RecordedEvent, p: PetitionSubmitted) -> None:
        await conn.execute(
            f"""INSERT INTO {self.t} AS v (case_id, tracking_code, status, division_code, county_code, location_code,
                    category, channel, title, anonymous, submitted_at, updated_at, timeline)
                VALUES ($1,$2,'submitted',$3,substr($3,1,6)||'000000',$3,$4,$5,$6,$7,$8,$8,$9::jsonb)
                ON CONFLICT (case_id) DO UPDATE SET tracking_code = $2, location_code = $3, channel = $5,
                    title = $6, anonymous = $7, submitted_at = $8, timeline = v.timeline || $9::jsonb,
                    category = coalesce(v.category, $4)""",
            p.case_id,
            p.tracking_code,
            p.division_code,
            p.category,
            p.channel.value,
            p.title,
            p.petitioner.anonymous,
            event.time,
            timeline_entry(event),
        )

    async def routed(self, conn: asyncpg.Connection, event: RecordedEvent, e: CaseAssigned | CaseNotAccepted) -> None:
        status = "assigned" if isinstance(e, CaseAssigned) else "not_accepted"
        unit_id = e.unit_id if isinstance(e, CaseAssigned) else None
        unit_name = e.unit_name if isinstance(e, CaseAssigned) else None
        await conn.execute(
            f"""INSERT INTO {self.t} AS v (case_id, status, level, division_code, unit_id, unit_name, county_code,
                    category, channel, updated_at, routing_version, timeline)
                VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12::jsonb)
                ON CONFLICT (case_id) DO UPDATE SET status = $2, level = $3, division_code = $4, unit_id = $5,
                    unit_name = $6, county_code = $7, category = $8, channel = $9,
                    updated_at = greatest(v.updated_at, $10), routing_version = $11,
                    timeline = v.timeline || $12::jsonb
                WHERE v.routing_version < $11""",
            e.case_id,
            status,
            e.level.value,
            e.division_code,
            unit_id,
            unit_name,
            e.county_code,
            e.category,
            e.channel.value,
            event.time,
            event.version,
            timeline_entry(event),
        )

    async def clock_started(self, conn: asyncpg.Connection, event: RecordedEvent, c: ClockStarted) -> None:
        clock = {
            "clock_id": c.clock_id,
            "kind": c.kind,
            "started": c.started_at.isoformat(),
            "due": c.due_at.isoformat(),
            "policy": c.policy,
            "paused": False,
            "warned": [],
            "breached": False,
            "stopped": False,
        }
        await conn.execute(
            f"""INSERT INTO {self.t} AS v (case_id, status, updated_at, clocks, timeline)
                VALUES ($1, 'submitted', $2, jsonb_build_object($3::text, $4::jsonb), $5::jsonb)
                ON CONFLICT (case_id) DO UPDATE SET clocks = v.clocks || jsonb_build_object($3::text, $4::jsonb),
                    updated_at = greatest(v.updated_at, $2), timeline = v.timeline || $5::jsonb""",
            c.case_id,
            event.time,
            c.clock_id,
            orjson.dumps(clock).decode(),
            timeline_entry(event),
        )


def row_to_case(row: asyncpg.Record) -> dict[str, Any]:
    case = dict(row)
    case.pop("routing_version", None)
    case["clocks"] = sorted(orjson.loads(case["clocks"]).values(), key=lambda c: c["started"])
    case["timeline"] = sorted(orjson.loads(case["timeline"]), key=lambda t: (t["time"], t["version"]))
    return case
