"""What a simulated province is made of: arrival rate, mixes, and how people behave.

Every figure here is a behaviour probability or a typical delay, never an outcome: the 631
pyramid, satisfaction and on-time rates are whatever these habits lead to in the system.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.vocabulary import Channel, Level

DAY = timedelta(days=1)


class Mix(BaseModel):
    """Relative shares of keys (they need not sum to one); the order is the order of draws."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shares: tuple[tuple[str, float], ...]

    @model_validator(mode="after")
    def _positive(self) -> Mix:
        if any(share < 0 for _, share in self.shares) or sum(s for _, s in self.shares) <= 0:
            raise ValueError("shares must be non-negative and not all zero")
        keys = [k for k, _ in self.shares]
        if len(set(keys)) != len(keys):
            raise ValueError("a key appears twice in the mix")
        return self

    def share_of(self, key: str) -> float:
        total = sum(s for _, s in self.shares)
        return sum(s for k, s in self.shares if k == key) / total

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, s in self.shares if s > 0)

    @classmethod
    def parse(cls, text: str) -> Mix:
        """`online=0.85,hotline=0.05,...` (keys left out get no share)."""
        pairs = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            key, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"{item!r}: write key=share")
            pairs.append((key.strip(), float(value)))
        return cls(shares=tuple(pairs))


# 85% online is the province's own figure (domain.md); the rest is spread over the other channels.
DEFAULT_CHANNELS = Mix(
    shares=(
        (Channel.ONLINE.value, 0.85),
        (Channel.HOTLINE.value, 0.05),
        (Channel.LETTER.value, 0.02),
        (Channel.VISIT.value, 0.03),
        (Channel.LEADER_RECEPTION.value, 0.01),
        (Channel.DOOR_TO_DOOR.value, 0.02),
        (Channel.PROXY.value, 0.02),
    )
)

# How often each kind of matter comes up; a category of the catalogue not named here gets the
# weight of `other`'s neighbours: UNLISTED_CATEGORY_WEIGHT.
DEFAULT_CATEGORY_WEIGHTS: dict[str, float] = {
    "neighbourhood_dispute": 0.30,
    "village_affairs": 0.17,
    "other": 0.10,
    "labour_wages": 0.08,
    "environment": 0.06,
    "urban_management": 0.06,
    "social_security": 0.05,
    "land_expropriation": 0.05,
    "public_security": 0.04,
    "litigation": 0.05,
    "discipline": 0.04,
}
UNLISTED_CATEGORY_WEIGHT = 0.02


def catalogue_mix(keys: tuple[str, ...]) -> Mix:
    """The default mix over a deployment's catalogue."""
    return Mix(shares=tuple((k, DEFAULT_CATEGORY_WEIGHTS.get(k, UNLISTED_CATEGORY_WEIGHT)) for k in keys))


class LevelHabits(BaseModel):
    """How the units of one level work: typical delays (medians) and how often they do what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accept_hours: float = Field(gt=0, description="from receiving a case to deciding on acceptance")
    handle_days: float = Field(gt=0, description="from acceptance to the written reply")
    review_days: float = Field(gt=0, description="from a review request to the review answer")
    not_accept: float = Field(ge=0, le=1, description="refused on receipt (不予受理)")
    forward: float = Field(ge=0, le=1, description="transferred on receipt: not ours (转办)")
    refer_up: float = Field(ge=0, le=1, description="escalated on receipt: beyond this level (上报)")
    escalate: float = Field(ge=0, le=1, description="escalated during handling: could not settle it")
    object: float = Field(0.0, ge=0, le=1, description="sent back on receipt: not ours, the bureau rules (退单)")
    transfer: float = Field(ge=0, le=1, description="transferred during handling")
    leader: float = Field(ge=0, le=1, description="a leader takes personal charge (包案)")


DEFAULT_LEVEL_HABITS: dict[Level, LevelHabits] = {
    Level.VILLAGE: LevelHabits(
        accept_hours=10, handle_days=4, review_days=8,
        not_accept=0.01, forward=0.03, refer_up=0.02, escalate=0.05, transfer=0.01, leader=0.01, object=0.03,
    ),
    Level.TOWNSHIP: LevelHabits(
        accept_hours=18, handle_days=7, review_days=10,
        not_accept=0.015, forward=0.03, refer_up=0.02, escalate=0.04, transfer=0.02, leader=0.03, object=0.04,
    ),
    Level.COUNTY: LevelHabits(
        accept_hours=30, handle_days=12, review_days=14,
        not_accept=0.02, forward=0.04, refer_up=0.01, escalate=0.03, transfer=0.02, leader=0.06, object=0.02,
    ),
    Level.CITY: LevelHabits(
        accept_hours=36, handle_days=15, review_days=16,
        not_accept=0.02, forward=0.0, refer_up=0.005, escalate=0.02, transfer=0.0, leader=0.10,
    ),
    Level.PROVINCE: LevelHabits(
        accept_hours=48, handle_days=20, review_days=18,
        not_accept=0.02, forward=0.0, refer_up=0.0, escalate=0.0, transfer=0.0, leader=0.15,
    ),
}  # fmt: skip


class UnitHabits(BaseModel):
    """What varies from unit to unit, and what every official does alike."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slow_share: float = Field(0.12, ge=0, le=1, description="units that are short-staffed or neglectful")
    slow_factor: float = Field(5.0, ge=1, description="how much longer a slow unit takes")
    spread: float = Field(0.8, gt=0, description="lognormal sigma of every delay")
    hotline_urgency: float = Field(0.25, gt=0, description="hotline cases are picked up this much sooner")
    extend_when_late: float = Field(0.8, ge=0, le=1, description="asks for the extension when the reply will be late")
    max_moves: int = Field(2, ge=0, description="after this many transfers or escalations a unit keeps the case")
    sign: float = Field(
        0.95, ge=0, le=1, description="sign for a case before deciding on it (the rest sign by accepting)"
    )
    sign_hours: float = Field(3.0, gt=0, description="from receiving a case to signing for it")
    assign_official: float = Field(0.6, ge=0, le=1, description="the unit names an official in charge (承办人)")
    ruling_hours: float = Field(20.0, gt=0, description="from a send-back to the dispatching level's ruling")
    ruling_missed: float = Field(0.08, ge=0, le=1, description="send-backs nobody rules on in time (policy decides)")
    objection_upheld: float = Field(0.5, ge=0, le=1, description="send-backs the dispatching level upholds")
    object_again: float = Field(
        0.15, ge=0, le=1, description="units placed with a case after an upheld send-back that send it back too"
    )
    bureau_places: float = Field(
        0.5, ge=0, le=1, description="cases sent back twice the county petition bureau places (the rest it keeps)"
    )
    recategorise: float = Field(
        0.03, ge=0, le=1, description="the receiving unit corrects the category (before acceptance)"
    )
    recategorise_later: float = Field(0.01, ge=0, le=1, description="the handling unit corrects it after acceptance")
    extension_approved: float = Field(0.85, ge=0, le=1, description="extension requests the level above approves")
    decision_hours: float = Field(30.0, gt=0, description="from an extension request to its decision")
    callback: float = Field(
        0.9, ge=0, le=1, description="phone or visit (回访) a petitioner who gave no feedback on the reply"
    )
    callback_tries: int = Field(
        3, ge=1, description="callbacks tried before giving up (routing closes at its own tries)"
    )
    callback_days: float = Field(3.0, gt=0, description="days after the reply, and between tries")
    merge: float = Field(
        0.5,
        ge=0,
        le=1,
        description="a newly received case the unit merges (並案) into its open case of the same category",
    )


class PetitionerHabits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    feedback: float = Field(0.85, ge=0, le=1, description="answer the follow-up visit (回访) at all")
    feedback_days: float = Field(2.0, gt=0)
    satisfied: float = Field(0.97, ge=0, le=1, description="satisfied with a reply given on time by the first unit")
    satisfied_after_review: float = Field(0.8, ge=0, le=1)
    breach_penalty: float = Field(0.10, ge=0, le=1, description="less likely satisfied per missed deadline")
    move_penalty: float = Field(0.04, ge=0, le=1, description="less likely satisfied per transfer or escalation")
    leader_bonus: float = Field(0.02, ge=0, le=1)
    review_when_unsatisfied: float = Field(0.6, ge=0, le=1)
    re_review_when_unsatisfied: float = Field(0.45, ge=0, le=1)
    review_days: float = Field(4.0, gt=0, description="how long before asking for (re-)review")
    reached: float = Field(0.75, ge=0, le=1, description="picks up the phone or is at home when a cadre calls back")
    basically: float = Field(0.3, ge=0, le=1, description="of the satisfied, those who say 基本满意 on a callback")
    withdraw: float = Field(
        0.02, ge=0, le=1, description="withdraw (撤回) while the matter is handled: settled privately, moved away"
    )
    impatience_days: float = Field(20.0, gt=0, description="waiting longer than this, some petition again")
    repeat: float = Field(0.3, ge=0, le=1, description="of the impatient, those who petition again (重复信访)")
    anonymous: float = Field(0.05, ge=0, le=1)
    attachment: float = Field(0.15, ge=0, le=1)
    collective: float = Field(0.03, ge=0, le=1, description="petitions by a group (聯名 / 集體訪)")
    group_visit_size: tuple[int, int] = Field((5, 60), description="people on a group visit (集體訪), min and max")


class WorkHabits(BaseModel):
    """How often units work together and supervisors step in (docs/lifecycle.md, "Work across units")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    joint: dict[Level, float] = Field(
        default_factory=lambda: {Level.VILLAGE: 0.02, Level.TOWNSHIP: 0.06, Level.COUNTY: 0.10, Level.CITY: 0.06,
                                 Level.PROVINCE: 0.04},
        description="a case the lead handles with assisting units (主办/协办)",
    )  # fmt: skip
    second_task: float = Field(0.3, ge=0, le=1, description="of joint cases, those with a second assisting unit")
    sign_hours: float = Field(8.0, gt=0, description="from the task to the assisting unit's sign-off")
    report_days: float = Field(3.0, gt=0, description="from the sign-off to the assisting unit's report")
    release: float = Field(0.12, ge=0, le=1, description="an assisting unit asks to be released instead")
    release_granted: float = Field(0.6, ge=0, le=1)
    consult: float = Field(0.5, ge=0, le=1, description="of joint cases, a consultation (会商) is held")
    supervise_slow: float = Field(0.6, ge=0, le=1, description="a supervisor orders supervision of a slow unit's case")
    supervise_other: float = Field(0.02, ge=0, le=1, description="... of any other case")
    supervise_after_days: float = Field(6.0, gt=0, description="how long into handling supervision comes")
    answer_days: float = Field(1.5, gt=0, description="a unit's progress report (slow units take longer)")
    instruct: float = Field(0.3, ge=0, le=1, description="of supervised cases, a leader's instruction (批示)")
    note: float = Field(0.15, ge=0, le=1, description="the lead writes a work note (工作记录)")


class ReceptionHabits(BaseModel):
    """Leader reception days (领导接访, issue 11): who holds one, who books, who comes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hold: float = Field(0.05, ge=0, le=1, description="a county's leader holds a reception day on a given day")
    capacity: tuple[int, int] = (2, 5)
    book: float = Field(0.3, ge=0, le=1, description="of the county's open matters, petitioners who book with codes")
    new_matters: float = Field(2.0, ge=0, description="mean bookings by phone, as a new matter, per reception day")
    attend: float = Field(0.85, ge=0, le=1, description="a booked petitioner who comes")


class Places(BaseModel):
    """Where matters are: mostly one village; some span a township or a county."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    village: float = Field(0.92, ge=0)
    township: float = Field(0.06, ge=0)
    county: float = Field(0.02, ge=0)


class Behaviour(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: dict[Level, LevelHabits] = Field(default_factory=lambda: dict(DEFAULT_LEVEL_HABITS))
    units: UnitHabits = UnitHabits()
    petitioners: PetitionerHabits = PetitionerHabits()
    places: Places = Places()
    work: WorkHabits = WorkHabits()
    receptions: ReceptionHabits = ReceptionHabits()

    @field_validator("levels")
    @classmethod
    def _every_level(cls, levels: dict[Level, LevelHabits]) -> dict[Level, LevelHabits]:
        return {**DEFAULT_LEVEL_HABITS, **levels}


class SimConfig(BaseModel):
    """Everything that decides which commands a run sends (with the seed, nothing else does)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 1
    rate_per_hour: float = Field(2.0, ge=0, description="petitions per simulated hour, province-wide")
    tick: timedelta = Field(timedelta(hours=1), description="the step of simulated time; divides a day")
    duration: timedelta | None = Field(None, description="simulated time to run; None: until stopped")
    petitions: int | None = Field(
        None, ge=0, description="no more petitions after this many; the run ends once all are settled"
    )
    channels: Mix = DEFAULT_CHANNELS
    categories: Mix | None = Field(None, description="None: the default weights over the catalogue")
    counties: tuple[str, ...] = Field((), description="12-digit county codes; empty: every county")
    behaviour: Behaviour = Behaviour()

    @field_validator("tick")
    @classmethod
    def _divides_a_day(cls, tick: timedelta) -> timedelta:
        # Statutory deadlines end at local midnight: with ticks that divide a day, every deadline
        # falls exactly on a tick, where the simulator waits for it, never between two commands.
        if tick < timedelta(minutes=1) or DAY % tick:
            raise ValueError("the tick must be at least a minute and divide a day (1h, 2h, 3h, 6h, 12h, 1d, 30m...)")
        return tick

    @field_validator("channels")
    @classmethod
    def _known_channels(cls, mix: Mix) -> Mix:
        unknown = set(mix.keys()) - {c.value for c in Channel}
        if unknown:
            raise ValueError(f"unknown channels: {sorted(unknown)}")
        return mix

    @property
    def tick_hours(self) -> float:
        return self.tick / timedelta(hours=1)
