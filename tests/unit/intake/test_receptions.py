"""Leader reception days, pure: publishing, booking within capacity, recording what happened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.domain.receptions import (
    BookReception,
    PublishReception,
    RecordReception,
    Schedule,
    decide_booking,
    decide_publish,
    decide_record,
    evolve,
    fold,
)
from services.intake.domain.repeats import phone_key
from services.intake.handlers.sealing import booking_owner, seal_person
from shared.domain import Invalid, NotAllowed, NotFound
from shared.events import ReceptionBooked, ReceptionHeld, ReceptionScheduled
from shared.events.intake import Petitioner
from shared.sealing import DEV_MASTER_KEY, Sealer
from shared.vocabulary import Level

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 1)
CENTRE = "330726105000"  # 杭坪镇 social governance centre
SEALER = Sealer.of_text(DEV_MASTER_KEY)


def published(capacity: int = 3, day: date = TODAY, **changes: object) -> PublishReception:
    fields: dict[str, object] = {
        "schedule_id": "s-1", "kind": "reception", "leader": "leader-zhang", "leader_name": "县长 张明",
        "level": Level.COUNTY, "division_code": CENTRE, "day": day, "place": "杭坪镇社会治理中心",
        "place_kind": "social_governance_centre", "topics": ("征地拆迁",), "capacity": capacity,
    }  # fmt: skip
    return PublishReception.model_validate({**fields, **changes})


def schedule(capacity: int = 3, day: date = TODAY) -> Schedule:
    return fold(decide_publish(Schedule(), published(capacity, day), TODAY))


def by_phone(n: int) -> BookReception:
    phone, booking_id = f"1390000{n:04d}", f"b-{n}"
    person = seal_person(SEALER, SEALER.new_data_key(), booking_owner(booking_id), Petitioner(name="王芳", phone=phone))
    return BookReception(
        booking_id=booking_id, person=person, phone_key=phone_key(phone, SEALER.blind), matter="征地补偿"
    )


def by_case(case_id: str) -> BookReception:
    return BookReception(booking_id=f"b-{case_id}", case_id=case_id, tracking_code="MH1")


def test_a_published_day_is_public_facts_only_and_a_retry_records_nothing() -> None:
    [event] = decide_publish(Schedule(), published(), TODAY)
    assert isinstance(event, ReceptionScheduled)
    state = fold([event])
    assert (state.remaining, state.booked) == (3, 0)
    assert decide_publish(state, published(), TODAY) == []


def test_publishing_refuses_a_past_day_a_leader_below_the_place_and_a_visit_not_to_a_village() -> None:
    with pytest.raises(Invalid) as past:
        decide_publish(Schedule(), published(day=TODAY - timedelta(days=1)), TODAY)
    assert past.value.field == "day"
    with pytest.raises(Invalid) as low:
        decide_publish(Schedule(), published(level=Level.VILLAGE), TODAY)
    assert low.value.field == "level"
    with pytest.raises(Invalid) as visit:
        decide_publish(Schedule(), published(kind="visit"), TODAY)
    assert visit.value.field == "place_kind"
    village = published(kind="visit", place_kind="village", division_code="330726105201", place="前山村")
    assert decide_publish(Schedule(), village, TODAY)


def test_the_last_seat_goes_once_and_the_next_booking_is_refused_clearly() -> None:
    state = schedule(capacity=1)
    state = fold(decide_booking(state, by_phone(1), TODAY), state)
    with pytest.raises(NotAllowed, match="fully booked: all 1 appointments are taken") as full:
        decide_booking(state, by_phone(2), TODAY)
    assert full.value.details == [{"current_status": "full"}]


def test_one_case_and_one_phone_book_once_and_a_past_day_is_closed() -> None:
    state = schedule(capacity=5)
    for booking in (by_case("c-1"), by_phone(1)):
        state = fold(decide_booking(state, booking, TODAY), state)
    with pytest.raises(NotAllowed, match="case already"):
        decide_booking(state, by_case("c-1").model_copy(update={"booking_id": "again"}), TODAY)
    # The handler opens the day's bookings and hands their phones' keyed hashes in.
    booked = frozenset({phone_key("13900000001", SEALER.blind)})
    again = by_phone(1).model_copy(
        update={
            "booking_id": "again",
            "phone_key": phone_key("+86 139-0000-0001", SEALER.blind),
            "booked_phone_keys": booked,
        }
    )
    with pytest.raises(NotAllowed, match="phone number already"):
        decide_booking(state, again, TODAY)
    with pytest.raises(NotAllowed, match="has passed"):
        decide_booking(state, by_phone(9), TODAY + timedelta(days=1))
    with pytest.raises(NotFound):
        decide_booking(Schedule(), by_phone(9), TODAY)


def test_a_reception_is_recorded_once_per_appointment_and_only_from_its_day() -> None:
    state = schedule(day=TODAY)
    state = fold(decide_booking(state, by_case("c-1"), TODAY), state)
    record = RecordReception(booking_id="b-c-1", attended=True, matters="补偿款", case_ids=("c-1",))
    with pytest.raises(NotAllowed, match="not come yet"):
        decide_record(state, record, TODAY - timedelta(days=1))
    [held] = decide_record(state, record, TODAY)
    assert isinstance(held, ReceptionHeld)
    state = evolve(state, held)
    assert state.bookings[0].held
    assert state.bookings[0].attended
    with pytest.raises(NotAllowed, match="recorded already"):
        decide_record(state, record, TODAY)
    with pytest.raises(NotFound):
        decide_record(state, record.model_copy(update={"booking_id": "nobody"}), TODAY)
    with pytest.raises(Invalid):
        decide_record(state, RecordReception(booking_id=None, attended=False, case_ids=("c-2",)), TODAY)
    walk_in = decide_record(state, RecordReception(booking_id=None, attended=True, matters="路灯"), TODAY)
    assert len(walk_in) == 1


@given(
    capacity=st.integers(min_value=1, max_value=8),
    attempts=st.lists(st.one_of(st.integers(0, 12).map(by_phone), st.sampled_from(["c-1", "c-2"]).map(by_case))),
)
def test_bookings_never_exceed_capacity_and_refusals_record_nothing(
    capacity: int, attempts: list[BookReception]
) -> None:
    state = schedule(capacity)
    for i, attempt in enumerate(attempts):
        before = state
        try:
            events = decide_booking(state, attempt.model_copy(update={"booking_id": f"{i}"}), TODAY)
        except NotAllowed:
            assert state == before
            continue
        assert [type(e) for e in events] == [ReceptionBooked]
        state = fold(events, state)
        assert state.booked <= capacity
        assert state.remaining == capacity - state.booked
    cases = [b.case_id for b in state.bookings if b.case_id]
    assert len(cases) == len(set(cases))
