"""Sending what the core decided, as each person would: officials from their worklist, petitioners
with their tracking and access codes, citizens and cadres to intake. Each answer says what to await."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from simulator.adapters.api import Answer, Api
from simulator.domain.model import (
    AFTER_REPLY_ACTIONS,
    FROM_ABOVE,
    OFFICIAL_ACTIONS,
    SUPERVISOR_ACTIONS,
    WORK_ACTIONS,
    Command,
)
from simulator.domain.settling import Expectation
from simulator.shell.book import CaseBook, Handle

log = structlog.get_logger()

ROUTED = Expectation(statuses=frozenset({"assigned", "not_accepted"}))


class Desk:
    def __init__(
        self, api: Api, book: CaseBook, limit: asyncio.Semaphore, run_id: str, timezone: str = "Asia/Shanghai"
    ) -> None:
        self.api, self.book, self.limit, self.run_id, self.timezone = api, book, limit, run_id, timezone

    async def execute(self, commands: Sequence[Command]) -> dict[int, int | str]:
        """Each case's commands in order, cases side by side; the answer to each, by sequence number."""
        at_desks = OFFICIAL_ACTIONS | (WORK_ACTIONS - SUPERVISOR_ACTIONS)
        divisions = sorted({c.division for c in commands if c.action in at_desks and c.division})
        # Officials open their worklist first, as a person at a desk would.
        worklists = dict(zip(divisions, await asyncio.gather(*(self._worklist(d) for d in divisions)), strict=True))
        by_case: dict[int, list[Command]] = {}
        for command in commands:
            by_case.setdefault(command.petition, []).append(command)
        answered: dict[int, int | str] = {}

        async def one_case(queue: list[Command]) -> None:
            for command in queue:
                async with self.limit:
                    answered[command.seq] = await self._send(command, worklists)

        await asyncio.gather(*(one_case(queue) for queue in by_case.values()))
        return answered

    async def _worklist(self, division: str) -> set[str]:
        async with self.limit:
            return await self.api.worklist(division)

    async def _send(self, c: Command, worklists: dict[str, set[str]]) -> int | str:
        if c.action in {"submit", "repeat"}:
            return await self._submit(c)
        return await self._on_case(c, worklists)

    async def _on_case(self, c: Command, worklists: dict[str, set[str]]) -> int | str:
        handle = self.book.handles.get(c.petition)
        if handle is None:
            return "no-case"
        if c.action in WORK_ACTIONS:
            return await self._work(c, handle, worklists)
        if c.action in OFFICIAL_ACTIONS:
            return await self._official(c, handle, worklists)
        if not (handle.tracking_code and handle.access_code):
            return "no-access-code"
        answer = await self.api.answer_reply(
            handle.tracking_code, c.action, {"access_code": handle.access_code, **c.body}
        )
        self._after_petitioner(c, answer)
        return answer.status

    async def _official(self, c: Command, handle: Handle, worklists: dict[str, set[str]]) -> int | str:
        # The level above rules or decides on what the unit asked, and callbacks follow a reply:
        # neither is on the acting official's own worklist.
        free = c.action in FROM_ABOVE or c.action in AFTER_REPLY_ACTIONS
        mine = free or handle.case_id in worklists.get(c.division or "", set())
        if c.division is None or not mine:
            self.book.dirty.add(c.petition)
            return "not-on-worklist"
        unit = c.actor.removeprefix("official@")
        if c.action == "merge":
            return await self._merge(c, handle, c.division, unit)
        path, body = _path(c.action, dict(c.body))
        answer = await self.api.act(handle.case_id, path, body, c.division, unit)
        self._after_official(c, answer)
        return answer.status

    async def _merge(self, c: Command, handle: Handle, division: str, unit: str) -> int | str:
        """並案: this case is merged into the lead's (named by its ref), which its unit also holds."""
        lead = self.book.handles.get(int(c.body["lead"]))
        if lead is None:
            self.book.dirty.add(c.petition)
            return "no-lead-case"
        body = {"case_ids": [handle.case_id], "reason": c.body["reason"]}
        answer = await self.api.act(lead.case_id, "merge", body, division, unit)
        self.book.dirty.add(c.petition)
        if answer.status == 200:  # the merged-in case closes as merged; decide on it once that shows
            self.book.expect(c.petition, Expectation(statuses=frozenset({"closed"})))
        return answer.status

    async def _submit(self, c: Command) -> int | str:
        again = c.action == "repeat"
        key = f"sim-{self.run_id}-{c.petition}" + (f"-again-{c.seq}" if again else "")
        answer = await self.api.submit(self._petition_body(c), key, c.division)
        if answer.body.get("status"):
            self.book.statuses_seen.add(str(answer.body["status"]))
        if again:
            return answer.status
        body = answer.body
        if answer.status in {200, 201} and "case_id" in body:
            self.book.handles[c.petition] = Handle(
                str(body["case_id"]), body.get("tracking_code"), body.get("access_code")
            )
            self.book.expect(c.petition, ROUTED)
        else:
            log.warning("simulator.petition_refused", petition=c.petition, answer=answer.status, body=body)
            self.book.refused.add(c.petition)
        return answer.status

    def _petition_body(self, c: Command) -> dict[str, Any]:
        b = c.body
        # Contact details differ from run to run, so a second run is not taken for repeats of the first.
        digest = hashlib.sha256(f"{self.run_id}:{c.petition}".encode()).hexdigest()
        phone = "1" + str(3 + int(digest[0], 16) % 7) + f"{int(digest[1:12], 16) % 10**9:09d}"
        attachments = [
            {"name": name, "url": f"https://files.example.invalid/{digest[:16]}/{i}.jpg", "content_type": "image/jpeg"}
            for i, name in enumerate(b.get("attachments", ()))
        ]
        body: dict[str, Any] = {
            "channel": b["channel"],
            "division_code": b["division_code"],
            "category": b["category"],
            "title": b["title"],
            "content": b["content"],
            "petitioner": {"name": b["name"], "phone": phone, "anonymous": b["anonymous"]},
            "attachments": attachments,
        }
        signers = list(b.get("co_signers", ()))
        if signers:  # a group: the others' phones are made up the same way, one per signer
            body["co_petitioners"] = [
                {"name": name, "phone": f"{phone[:-2]}{(int(phone[-2:]) + i + 1) % 100:02d}"}
                for i, name in enumerate(signers)
            ]
            body["headcount"] = b.get("headcount", 1 + len(signers))
        return body

    def _after_official(self, c: Command, answer: Answer) -> None:
        if answer.status != 200:
            self.book.dirty.add(c.petition)  # refused: look again, so the core can plan anew
            return
        status = str(answer.body.get("status"))
        fields: dict[str, Any] = {k: answer.body.get(k) for k in ("unit_id", "division_code", "level")}
        at_least: dict[str, int] = {}
        before = self.book.last_seen.get(c.petition)
        if c.action == "extension-decision" and c.body.get("approve") is True:
            at_least["extensions"] = (before.extensions if before else 0) + 1  # only an approval extends
        if c.action == "category":  # decide on it only once the correction is on the case
            at_least["category_corrections"] = (before.category_corrections if before else 0) + 1
        if c.action == "assign-leader":
            fields["leader"] = c.body.get("leader")
        petitioner = (status, before.round) if status == "resolved" and before else None
        expectation = Expectation(statuses=frozenset({status}), fields=fields, at_least=at_least, petitioner=petitioner)
        self.book.expect(c.petition, expectation)

    async def _work(self, c: Command, handle: Handle, worklists: dict[str, set[str]]) -> int | str:
        """A work step: officials find the case on their worklist (the lead's, or the assisting unit's,
        which lists its open tasks); a supervisor reaches any case in scope."""
        supervisor = c.action in SUPERVISOR_ACTIONS
        if c.division is None or c.path is None:
            return "no-actor"
        if not supervisor and handle.case_id not in worklists.get(c.division, set()):
            self.book.dirty.add(c.petition)
            return "not-on-worklist"
        body = dict(c.body)
        if c.action == "consult":  # held today: the system's date, kept out of the command log
            body["held_on"] = (await self.api.now()).astimezone(ZoneInfo(self.timezone)).date().isoformat()
        unit = c.actor.removeprefix("official@") if not supervisor else None
        answer = await self.api.work(handle.case_id, c.path, body, c.division, unit, supervisor)
        if answer.status != 200:
            self.book.dirty.add(c.petition)  # refused: look again, so the core can plan anew
            return answer.status
        recorded = frozenset(str(e["id"]) for e in answer.body.get("events", []))
        self.book.expect(c.petition, Expectation(events=recorded))
        return answer.status

    def _after_petitioner(self, c: Command, answer: Answer) -> None:
        self.book.dirty.add(c.petition)
        if answer.status not in {200, 201}:
            return
        if (c.action == "feedback" and c.body.get("satisfied") is True) or c.action == "withdraw":
            self.book.expect(c.petition, Expectation(statuses=frozenset({"closed"})))
        elif c.action == "review":
            before = self.book.last_seen.get(c.petition)
            status = "under_review" if before is None or before.round == "first" else "under_re_review"
            self.book.expect(c.petition, Expectation(statuses=frozenset({status})))


def _path(action: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Routing's path for an action: a ruling and a decision name what they decide in the path."""
    if action == "ruling":
        return f"objections/{body.pop('objection_id')}/ruling", body
    if action == "extension-decision":
        return f"extension-requests/{body.pop('request_id')}/decision", body
    return action, body
