"""Our figures: petitions through HTTP, then watched until the read model shows them assigned."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
import orjson
from tqdm import tqdm  # type: ignore[import-untyped]

from bench.load_client import LoadClient
from tests.support.petitions import a_petition

POLL_S = 0.05
HTTP_TIMEOUT_S = 30
# One query for every case still awaited: cheaper for the system than a GET per case, so
# watching does not slow down what is watched.
# The read model lives in the generation `projections.read_model` points at.
VISIBLE_SQL = """SELECT case_id FROM {view}.case_view
                 WHERE case_id = ANY($1::text[]) AND status = 'assigned' AND jsonb_array_length(doc->'clocks') > 0"""


@dataclass
class Run:
    """Times are time.perf_counter() seconds of this process."""

    sent: dict[str, float] = field(default_factory=dict)  # case -> request sent
    latencies: list[float] = field(default_factory=list)  # of every request, failed ones too
    statuses: Counter[int] = field(default_factory=Counter)  # 0 = transport error
    visible: dict[str, float] = field(default_factory=dict)  # case -> first seen assigned
    first_sent: float = 0.0
    last_answered: float = 0.0
    submit_done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def lags(self) -> list[float]:
        return [seen - self.sent[case] for case, seen in self.visible.items()]

    @property
    def last_visible(self) -> float:
        return max(self.visible.values(), default=self.first_sent)


async def run(intake: str, db_url: str, n: int, concurrency: int, visible_timeout: float, label: str = "") -> Run:
    # Bodies are serialized up front: on a small machine the client competes with the
    # services for CPU, and its JSON encoding should not be part of what we measure.
    bodies = [orjson.dumps(a_petition()) for _ in range(n)]
    result = Run()
    pending: dict[str, float] = {}
    with (
        tqdm(total=n, desc=f"{label}submit", unit="pet", leave=True) as submitted,
        tqdm(total=n, desc=f"{label}visible", unit="pet", leave=True) as visible,
    ):
        conn = await asyncpg.connect(db_url, timeout=15)
        watcher = asyncio.create_task(_watch(conn, pending, result, visible, visible_timeout))
        try:
            next_body = iter(bodies)  # shared by all workers: each takes the next body
            result.first_sent = time.perf_counter()
            await asyncio.gather(*(_worker(intake, next_body, pending, result, submitted) for _ in range(concurrency)))
            result.submit_done.set()
            await watcher
        finally:
            # On failure or cancellation the watcher must end before its connection does.
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
            await conn.close()
    return result


async def _worker(intake: str, bodies: Iterator[bytes], pending: dict[str, float], result: Run, bar: tqdm) -> None:
    async with LoadClient(intake, HTTP_TIMEOUT_S) as client:
        for body in bodies:
            sent = time.perf_counter()
            status, answer = await client.post("/v1/petitions", body)
            case_id = str(orjson.loads(answer)["case_id"]) if status == 201 else None
            answered = time.perf_counter()
            result.latencies.append(answered - sent)
            result.statuses[status] += 1
            result.last_answered = max(result.last_answered, answered)
            if case_id is not None:
                result.sent[case_id] = sent
                pending[case_id] = sent
            bar.update()


async def _watch(
    conn: asyncpg.Connection, pending: dict[str, float], result: Run, bar: tqdm, give_up_after: float
) -> None:
    """Note when each case first shows up assigned with a clock; give up `give_up_after` s after the last submit."""
    deadline: float | None = None
    visible_sql = VISIBLE_SQL.format(view=await conn.fetchval("SELECT schema FROM projections.read_model"))
    while True:
        # The query's snapshot is taken after this instant, so it bounds visibility from below.
        asked = time.perf_counter()
        if pending:
            rows = await conn.fetch(visible_sql, list(pending), timeout=HTTP_TIMEOUT_S)
            for (case_id,) in rows:
                pending.pop(case_id, None)
                result.visible[case_id] = asked
            bar.update(len(rows))
        if result.submit_done.is_set():
            if not pending:
                return
            deadline = deadline or asked + give_up_after
            if asked > deadline:
                return
        await asyncio.sleep(POLL_S)
