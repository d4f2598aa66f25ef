"""Notices (告知): issued in the consumer's transaction, delivered by a background loop, read by both sides.

Issue: when routing's decision arrives, each petitioner of the case gets a `NoticeIssued` on
the petition stream and an outbox row, in the transaction that keeps the decision (so a notice
is never lost and, its id being derived from the decision and the tracking code, never doubled).

Deliver: a pass claims due rows (attempt counted, lease set, committed), hands each to its
channel with the notice id as the idempotency key, then records the outcome (`NoticeDelivered`
or `NoticeDeliveryFailed`) with the row's new state in one transaction. A crash after the
channel took the notice and before that record leaves the row claimed; once the lease is over
it is sent again with the same key, which the channel answers as the same message.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from importlib.resources import files
from typing import TYPE_CHECKING

import asyncpg
import structlog

from services.intake.adapters import notice_outbox, personal_keys, petition_index
from services.intake.adapters.delivery.letter import letter_address, render_letter
from services.intake.adapters.delivery.port import Channel, DeliveryFailed
from services.intake.adapters.delivery.sms_http import SmsGateway
from services.intake.adapters.delivery.smtp import SmtpMailer
from services.intake.adapters.notice_outbox import NoticeRow, Outgoing
from services.intake.domain.notices import Recipient, RetryPolicy, Templates, decision_of, issue, load_templates
from services.intake.domain.progress import Fact
from services.intake.handlers import cases, identity
from services.intake.handlers.sealing import notice_owner, open_people, petitioner_owner
from services.intake.settings import NoticeSettings
from shared.domain import Forbidden, NotAllowed, NotFound
from shared.events import CaseAssigned, Event, Metadata, NoticeDelivered, NoticeDeliveryFailed, PetitionSubmitted
from shared.events.intake import NoticeIssued, SealedPetitioner
from shared.http.auth import Principal
from shared.privacy import withheld_from
from shared.sealing import ERASED, DataKey, SealingError
from shared.vocabulary import Channel as PetitionChannel
from shared.vocabulary import Role

if TYPE_CHECKING:
    from services.intake.handlers.service import Intake

log = structlog.get_logger()
NOTICES_ACTOR = "system:intake-notices"
OFFICIAL_ROLES = (Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN)
LISTED = 200


@dataclass(frozen=True)
class NoticeDesk:
    """What notices need: the templates, the retry policy, the channels that deliver."""

    templates: Templates
    retry: RetryPolicy
    settings: NoticeSettings
    channels: Mapping[str, Channel]

    @classmethod
    def configured(cls, settings: NoticeSettings | None = None) -> NoticeDesk:
        s = settings or NoticeSettings()
        text = files("services.intake").joinpath("data/notices.yaml").read_text(encoding="utf-8")
        retry = RetryPolicy(
            max_attempts=s.notice_max_attempts,
            first_delay=timedelta(seconds=s.notice_retry_first_s),
            max_delay=timedelta(seconds=s.notice_retry_max_s),
        )
        return cls(load_templates(text), retry, s, {"sms": SmsGateway(s), "email": SmtpMailer(s)})


@dataclass(frozen=True)
class Addressee:
    """Someone a decision on this case is told to, still sealed: their petition's code and their person."""

    tracking_code: str
    petition_channel: PetitionChannel
    owner: str  # the sealed person's owner (shared with their data key's associated data)
    person: SealedPetitioner
    key: str | None = None  # names a co-signer in the notice id


def addressees(facts: Sequence[Fact]) -> list[Addressee]:
    """Everyone a decision on this case is told to: each petition's own petitioner (one today; a case
    that carries several petitions lists each, with its own tracking code)."""
    found = []
    for fact in facts:
        if fact.stream == "petition" and isinstance(fact.event, PetitionSubmitted):
            e = fact.event
            found.append(Addressee(e.tracking_code, e.channel, petitioner_owner(e.case_id, 0), e.petitioner))
            # A collective petition's other signers are told too, each through their own contact.
            found += [
                Addressee(e.tracking_code, e.channel, petitioner_owner(e.case_id, i), p, f"{e.tracking_code}#{i}")
                for i, p in enumerate(e.co_petitioners, start=1)
            ]
    return found


async def recipients(
    intake: Intake, conn: asyncpg.Connection, facts: Sequence[Fact]
) -> list[tuple[Recipient, DataKey | None]]:
    """The addressees opened, each with the data key their notice's address is sealed under."""
    found = addressees(facts)
    opened = await open_people(intake, conn, [(a.owner, a.person) for a in found])
    return [
        (
            Recipient(
                tracking_code=a.tracking_code,
                petitioner=o.person,
                petition_channel=a.petition_channel,
                key=a.key,
                erased=o.state == "erased",
            ),
            o.key,
        )
        for a, o in zip(found, opened, strict=True)
    ]


def _unit_before(facts: Sequence[Fact], version: int) -> str | None:
    """The handling unit's name as the case stood just before routing's event `version`."""
    moves = [f for f in facts if f.stream == "case" and f.version < version and isinstance(f.event, CaseAssigned)]
    last = max(moves, key=lambda f: f.version, default=None)
    return last.event.unit_name if last is not None and isinstance(last.event, CaseAssigned) else None


async def issue_notices(
    intake: Intake,
    conn: asyncpg.Connection,
    loaded: cases.Loaded,
    new: Sequence[tuple[Fact, uuid.UUID]],
    decided_on: Sequence[Fact] | None = None,
) -> cases.Loaded:
    """Notices of the routing decisions just received, for each petitioner; in the caller's transaction.

    `decided_on`: the facts of the case the decisions were taken on, when that is not this petition's
    own (a lead case this one is merged into, 並案); they are told under this petition's code.
    """
    desk = intake.notices
    case_id = loaded.petition.case_id
    if case_id is None or not addressees(loaded.facts):
        return loaded
    people = await recipients(intake, conn, loaded.facts)
    context = loaded.facts if decided_on is None else decided_on
    for fact, event_id in sorted(new, key=lambda n: n[0].version):
        if fact.stream != "case":
            continue
        decision = decision_of(fact.event, _unit_before(context, fact.version))
        if decision is None:
            continue
        rows: list[tuple[Outgoing, str]] = []
        issued: list[NoticeIssued] = []
        for person, key in people:
            notice, route = issue(desk.templates, decision, person, case_id, str(event_id))
            address = route.address
            if route.channel == "letter" and person.petitioner is not None:
                address = letter_address(person.petitioner.name, route.address)
            # The outbox keeps the address sealed under the petitioner's own key: erasing them makes
            # it unreadable here too, and a dump of the table shows no contact.
            sealed = (
                ""
                if key is None or not address
                else intake.sealer.seal(key, notice_owner(notice.notice_id), address.encode())
            )
            row = Outgoing(
                notice.notice_id, case_id, notice.tracking_code, notice.kind, notice.channel, sealed,
                notice.subject, notice.text, 0, intake.clock.now(), None if key is None else key.key_id,
            )  # fmt: skip
            rows.append((row, notice_outbox.initial_state(route.channel)))
            issued.append(notice)
        fresh = await notice_outbox.add(conn, intake.schema, rows)
        events: list[Event] = [n for n in issued if n.notice_id in fresh]
        if events:
            metadata = Metadata(
                correlation_id=loaded.history[0].correlation_id, causation_id=event_id, actor=NOTICES_ACTOR
            )
            loaded = await cases.append(intake, conn, loaded, events, metadata)
    return loaded


async def deliver_due(intake: Intake) -> int:
    """One delivery pass: claim what is due, send it, record each outcome. Answers how many it claimed."""
    s = intake.notices.settings
    async with intake.pool.acquire() as conn, conn.transaction():
        claimed = await notice_outbox.claim(conn, intake.schema, s.notice_batch, timedelta(seconds=s.notice_lease_s))
    if claimed:
        async with intake.pool.acquire() as conn:
            opened = await open_addresses(intake, conn, claimed)
        await asyncio.gather(*(_deliver(intake, notice, to) for notice, to in zip(claimed, opened, strict=True)))
    return len(claimed)


async def open_addresses(intake: Intake, conn: asyncpg.Connection, notices: Sequence[Outgoing]) -> list[str | None]:
    """Each notice's address opened for its delivery or its letter (None: its petitioner was erased)."""
    keys = await personal_keys.held(conn, intake.schema, intake.sealer, [n.key_id for n in notices if n.key_id])
    found: list[str | None] = []
    for n in notices:
        held = keys.get(n.key_id) if n.key_id else None
        if held is None or held.key is None or not n.address:
            found.append(None)
            continue
        try:
            found.append(intake.sealer.open(held.key, notice_owner(n.notice_id), n.address).decode())
        except SealingError:
            found.append(None)
    return found


async def _deliver(intake: Intake, notice: Outgoing, address: str | None) -> None:
    channel = intake.notices.channels.get(notice.channel)
    if address is None:  # erased since it was issued: no attempt can ever succeed
        await _settle(intake, notice, None, "personal data erased: no address to deliver to", final=True)
        return
    try:
        if channel is None:
            raise DeliveryFailed(f"no channel {notice.channel} configured")
        receipt = await channel.send(notice._replace(address=address))
    except DeliveryFailed as failure:
        await _settle(intake, notice, None, str(failure))
        return
    await _settle(intake, notice, receipt, None)


async def _settle(
    intake: Intake, notice: Outgoing, receipt: str | None, error: str | None, *, final: bool = False
) -> None:
    """Record one attempt's outcome, unless another instance (after a lease ran out) already did."""
    async with intake.pool.acquire() as conn, conn.transaction():
        await petition_index.lock(conn, intake.schema, notice.case_id)
        if await notice_outbox.lock_pending(conn, intake.schema, notice.notice_id) != "pending":
            return
        loaded = await cases.load(intake, conn, notice.case_id)
        event: Event
        if receipt is not None:
            event = NoticeDelivered(
                notice_id=notice.notice_id,
                case_id=notice.case_id,
                channel=notice.channel,
                attempts=notice.attempts,
                receipt=receipt,
            )
            await notice_outbox.delivered(conn, intake.schema, notice.notice_id, receipt)
        else:
            retry_in = None if final else intake.notices.retry.delay_after(notice.attempts)
            event = NoticeDeliveryFailed(
                notice_id=notice.notice_id,
                case_id=notice.case_id,
                channel=notice.channel,
                attempt=notice.attempts,
                error=error or "",
                final=retry_in is None,
            )
            await notice_outbox.failed(conn, intake.schema, notice.notice_id, error or "", retry_in)
            log.warning("notice.failed", notice_id=notice.notice_id, attempt=notice.attempts, final=retry_in is None)
        await cases.append(intake, conn, loaded, [event], loaded.caused_by(NOTICES_ACTOR))
    intake.poke()


async def delivery_loop(intake: Intake) -> None:
    """Deliver forever: straight on while there is work, a poll period's rest when there is none."""
    while True:
        if not await deliver_due(intake):
            await asyncio.sleep(intake.notices.settings.notice_poll_s)


# --- reads and officials' actions -----------------------------------------------------------


async def _scoped(intake: Intake, conn: asyncpg.Connection, principal: Principal, case_id: str) -> None:
    """Officials act on a case's notices within their jurisdiction (the matter's place or its unit's)."""
    principal.require_role(*OFFICIAL_ROLES)
    places = await conn.fetchrow(
        f"SELECT division_code, handling_division FROM {intake.schema}.petition_index WHERE case_id = $1", case_id
    )
    if places is None:
        raise NotFound("notice")
    principal.require_jurisdiction(places["division_code"], places["handling_division"])


async def notices_of_case(intake: Intake, principal: Principal, case_id: str) -> list[NoticeRow]:
    async with intake.pool.acquire() as conn:
        await _scoped(intake, conn, principal, case_id)
        return await notice_outbox.of_case(conn, intake.schema, case_id)


async def notices_in_state(intake: Intake, principal: Principal, state: str) -> list[NoticeRow]:
    """Failed notices (or letters awaiting print) in the caller's scope, newest first."""
    principal.require_role(*OFFICIAL_ROLES)
    async with intake.pool.acquire() as conn:
        rows = await notice_outbox.in_state(conn, intake.schema, state, 5 * LISTED)
    scoped = [
        r.notice for r in rows if any(principal.covers(code) for code in (r.division_code, r.handling_division) if code)
    ]
    return scoped[:LISTED]


async def _letter(intake: Intake, conn: asyncpg.Connection, principal: Principal, notice_id: str) -> Outgoing:
    notice = await notice_outbox.outgoing(conn, intake.schema, notice_id)
    if notice is None:
        raise NotFound("notice")
    await _scoped(intake, conn, principal, notice.case_id)
    if notice.channel != "letter":
        raise NotAllowed("only a letter notice is printed", f"channel {notice.channel}")
    return notice


async def letter_page(intake: Intake, principal: Principal, notice_id: str) -> str:
    """The printable letter, its envelope opened for this official: a read of the petitioner's name and
    address, recorded (`IdentityViewed`); refused to the unit the petition complains about."""
    async with intake.pool.acquire() as conn, conn.transaction():
        notice = await _letter(intake, conn, principal, notice_id)
        complaint = await conn.fetchval(
            f"SELECT complaint_unit FROM {intake.schema}.petition_index WHERE case_id = $1", notice.case_id
        )
        if withheld_from(principal.role, principal.division, False, complaint) is not None:
            raise Forbidden("this petition complains about your unit: its petitioner's identity is not shown to it")
        [address] = await open_addresses(intake, conn, [notice])
        if address is None:
            address = ERASED
        else:
            await identity.record_view(intake, conn, principal, notice.case_id, "letter", ())
    intake.poke()
    return render_letter(notice._replace(address=address), intake.notices.templates.sender, intake.timezone)


async def letter_printed(intake: Intake, principal: Principal, notice_id: str) -> NoticeRow:
    """An official printed the letter for posting: that is its delivery, recorded in their name."""
    async with intake.pool.acquire() as conn, conn.transaction():
        notice = await _letter(intake, conn, principal, notice_id)
        await petition_index.lock(conn, intake.schema, notice.case_id)
        state = await notice_outbox.lock_pending(conn, intake.schema, notice_id)
        if state != "awaiting_print":
            raise NotAllowed("this letter was already recorded as printed", state or "unknown")
        loaded = await cases.load(intake, conn, notice.case_id)
        receipt = f"printed by {principal.sub}"
        event = NoticeDelivered(
            notice_id=notice_id, case_id=notice.case_id, channel="letter", attempts=1, receipt=receipt
        )
        await notice_outbox.delivered(conn, intake.schema, notice_id, receipt)
        await cases.append(intake, conn, loaded, [event], loaded.caused_by(principal.sub, principal.division))
        rows = await notice_outbox.of_case(conn, intake.schema, notice.case_id)
    intake.poke()
    return next(r for r in rows if r.notice_id == notice_id)


async def retry_failed(intake: Intake, principal: Principal, notice_id: str) -> NoticeRow:
    """An official sends a failed notice again (after correcting nothing but the gateway, say)."""
    async with intake.pool.acquire() as conn:
        notice = await notice_outbox.outgoing(conn, intake.schema, notice_id)
        if notice is None:
            raise NotFound("notice")
        await _scoped(intake, conn, principal, notice.case_id)
        if not await notice_outbox.retry(conn, intake.schema, notice_id):
            raise NotAllowed("only a failed notice can be retried", "not failed")
        rows = await notice_outbox.of_case(conn, intake.schema, notice.case_id)
    return next(r for r in rows if r.notice_id == notice_id)
