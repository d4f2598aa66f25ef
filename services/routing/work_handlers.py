"""Routing's use cases of the work across units: load the case, decide the step, append, index it.

The same shape as `Routing.command`, with the step's own authorization (decided in the domain,
from the caller's role and division), and the work index written in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.routing.adapters import case_index, work_index
from services.routing.domain.case import fold
from services.routing.domain.work import decide_work
from services.routing.domain.work_commands import Actor, WorkCommand, WorkRules
from services.routing.handlers import Changed, Routing, Worklist, case_stream
from shared.domain import NotFound
from shared.events import Metadata
from shared.http.auth import Principal


@dataclass(frozen=True)
class Work:
    routing: Routing
    rules: WorkRules
    tz: ZoneInfo

    async def step(self, case_id: str, command: WorkCommand, principal: Principal) -> Changed:
        """A step decided on the current state and recorded in the caller's name and unit."""
        ctx = self.routing.ctx
        today = ctx.clock.now().astimezone(self.tz).date()  # the system's (possibly simulated) today
        async with ctx.transaction() as conn:
            state, history = await self.routing.load(conn, case_id)
            if not history:
                raise NotFound("case")
            actor = Actor(sub=principal.sub, role=principal.role, division=principal.division)
            events = decide_work(state, command, actor, self.routing.where, self.rules, today)
            metadata = Metadata(
                correlation_id=history[0].correlation_id,
                causation_id=history[-1].id,
                actor=principal.sub,
                actor_unit=principal.division,
            )
            # The stream version is the optimistic concurrency check: of two concurrent steps one wins.
            recorded = await ctx.store.append(conn, case_stream(case_id), state.version, events, metadata, case_id)
            after = fold(events, state)
            await case_index.save(conn, ctx.name, [after])
            await work_index.save(conn, ctx.name, [after])
        return Changed(after, recorded)

    async def worklist(self, principal: Principal, cursor: str, limit: int, assignee: str | None = None) -> Worklist:
        """The unit's worklist marked with open tasks and pending supervision; on the first page also the
        cases it assists on (`assisting`: its open task), which another unit leads."""
        found = await self.routing.worklist(principal, cursor, limit, assignee)
        ctx = self.routing.ctx
        async with ctx.pool.acquire() as conn:
            first = not cursor and assignee is None  # the cases assisted on have no official in charge here
            helping = await work_index.assisting(conn, ctx.name, principal.division, 500) if first else []
            ids = list(dict.fromkeys([c["case_id"] for c in found.cases] + [c["case_id"] for c in helping]))
            counts = await work_index.pending(conn, ctx.name, ids)
        zero = {"open_tasks": 0, "supervision_pending": 0}
        rows = [{**c, **counts.get(c["case_id"], zero)} for c in found.cases]
        by_id = {c["case_id"]: c for c in rows}
        for row in helping:
            task = {"task_id": row.pop("task_id"), "unit_id": row.pop("task_unit_id"), "status": row.pop("task_status")}
            lead = by_id.get(row["case_id"])
            if lead is None:
                lead = by_id[row["case_id"]] = {**row, **counts.get(row["case_id"], zero)}
                rows.append(lead)
            lead.setdefault("assisting", []).append(task)
        for row in rows:
            row.setdefault("assisting", [])
        return Worklist(rows, found.next_cursor)
