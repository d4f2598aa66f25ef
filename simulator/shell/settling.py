"""Waiting until the system has settled: every case that may have changed shows a consistent state."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import structlog

from simulator.adapters.api import Api
from simulator.domain.model import REFUSED, Observed
from simulator.domain.settling import waiting_for
from simulator.shell.book import CaseBook

log = structlog.get_logger()

_FIRST_LOOK_S, _LONGEST_WAIT_S = 0.05, 0.5


class Settler:
    def __init__(self, api: Api, book: CaseBook, limit: asyncio.Semaphore, timeout_s: float) -> None:
        self.api, self.book, self.limit, self.timeout_s = api, book, limit, timeout_s
        self.timeouts = 0

    async def settle(self, moment: datetime) -> dict[int, Observed]:
        """Wait until every touched case and every case with a deadline due by `moment` is settled."""
        book = self.book
        seen = {ref: Observed(status=REFUSED) for ref in book.refused}
        book.refused.clear()
        due = {ref for ref, at in book.dues.items() if at <= moment}
        pending = sorted((book.dirty | due) & book.handles.keys())
        stragglers = sorted(book.stragglers - set(pending))
        started, wait = time.monotonic(), _FIRST_LOOK_S
        latest: dict[int, dict[str, Any]] = {}
        while pending or stragglers:
            await asyncio.sleep(wait)
            looked = [*pending, *stragglers]
            looks = await asyncio.gather(*(self._look(ref, moment) for ref in looked))
            still: list[int] = []
            for ref, (doc, reasons) in zip(looked, looks, strict=True):
                if doc is not None:
                    latest[ref] = doc
                if doc is not None and not reasons:
                    seen[ref] = book.settled(ref, doc)
                elif ref not in stragglers:
                    still.append(ref)
            pending, stragglers = still, []
            if pending and time.monotonic() - started > self.timeout_s:
                self._give_up(pending, latest, seen, moment)
                break
            wait = min(wait * 1.5, _LONGEST_WAIT_S)
        return seen

    async def _look(self, ref: int, moment: datetime) -> tuple[dict[str, Any] | None, list[str]]:
        handle, expected = self.book.handles[ref], self.book.expected.get(ref)
        async with self.limit:
            answer = await self.api.case(handle.case_id)
        if answer.status != 200:
            return None, [f"read model answered {answer.status}"]
        reasons = waiting_for(answer.body, moment, expected)
        if not reasons and expected is not None and expected.petitioner and handle.tracking_code and handle.access_code:
            # The petitioner answers what intake shows them: intake must have had the reply too.
            async with self.limit:
                view = await self.api.petitioner_view(handle.tracking_code, handle.access_code)
            shows = (view.body.get("status"), view.body.get("round"))
            if view.status != 200 or shows != expected.petitioner:
                reasons = [f"the petitioner sees {shows}, expected {expected.petitioner}"]
        return answer.body, reasons

    def _give_up(
        self, pending: list[int], latest: dict[int, dict[str, Any]], seen: dict[int, Observed], moment: datetime
    ) -> None:
        """Go on with what was last seen: the run continues, but is no longer guaranteed repeatable."""
        self.timeouts += 1
        book = self.book
        sample = {
            ref: waiting_for(latest[ref], moment, book.expected.get(ref))[:2] for ref in pending[:5] if ref in latest
        }
        log.warning("simulator.settle_timeout", waiting=len(pending), sample=sample)
        for ref in pending:
            if ref in latest:
                seen[ref] = book.settled(ref, latest[ref])
            else:  # not even in the read model yet: looked at each tick from now on, never waited for
                book.dirty.discard(ref)
                book.stragglers.add(ref)
