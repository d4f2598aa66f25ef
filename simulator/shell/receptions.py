"""Holding the core's reception days through intake's public API: publish, book, record.

What happened is counted (`published`, `booked_codes`, `booked_phone`, `full`, `refused`,
`attended`, `absent`) for the run's summary; nothing of it reaches the command log, whose
determinism the case plans carry.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

from simulator.adapters.api import Api
from simulator.domain.receptions import Booking, ReceptionDay
from simulator.shell.book import CaseBook


class ReceptionDesk:
    def __init__(self, api: Api, book: CaseBook, run_id: str) -> None:
        self.api, self.book, self.run_id = api, book, run_id
        self.counts: Counter[str] = Counter()

    async def hold(self, day: date, receptions: tuple[ReceptionDay, ...]) -> None:
        for reception in receptions:
            await self._hold(day, reception)

    async def _hold(self, day: date, reception: ReceptionDay) -> None:
        published = await self.api.publish_reception({
            "leader": reception.leader, "leader_name": reception.leader_name, "level": "county",
            "division_code": reception.township, "day": day.isoformat(), "place": "社会治理中心",
            "place_kind": "social_governance_centre", "topics": ["群众来访"], "capacity": reception.capacity,
        })  # fmt: skip
        if published.status != 201:
            self.counts["not_published"] += 1
            return
        self.counts["published"] += 1
        schedule_id = str(published.body["schedule_id"])
        for booking in reception.bookings:
            body = self._booking(booking)
            if body is None:
                continue
            answer = await self.api.book_reception(schedule_id, body)
            if answer.status != 201:
                full = answer.status == 409 and "full" in str(answer.body)
                self.counts["full" if full else "refused"] += 1
                continue
            self.counts["booked_codes" if booking.ref is not None else "booked_phone"] += 1
            record = {"booking_id": answer.body["booking_id"], "attended": booking.attends,
                      "matters": booking.matter or ("当面反映诉求" if booking.attends else "")}  # fmt: skip
            recorded = await self.api.record_reception(schedule_id, reception.township, record)
            self.counts[
                ("attended" if booking.attends else "absent") if recorded.status == 201 else "not_recorded"
            ] += 1

    def _booking(self, booking: Booking) -> dict[str, str] | None:
        if booking.ref is None:
            # Per run, as the petitions' contacts (simulator/README.md), so a second run books afresh.
            digest = hashlib.sha256(f"{self.run_id}:reception:{booking.key}".encode()).hexdigest()
            phone = f"139{int(digest[:12], 16) % 10**8:08d}"
            return {"name": booking.name or "来访群众", "phone": phone, "matter": booking.matter or "当面反映诉求"}
        handle = self.book.handles.get(booking.ref)
        if handle is None or handle.tracking_code is None or handle.access_code is None:
            return None
        return {"tracking_code": handle.tracking_code, "access_code": handle.access_code}
