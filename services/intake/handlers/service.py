"""What intake's use cases need from the running service, in one object the entrypoints depend on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import asyncpg

from services.intake.adapters.group_commit import GroupCommit
from services.intake.handlers.notices import NoticeDesk
from services.intake.handlers.submit import Submission, SubmitResult, write_submissions
from shared.clock import Clock
from shared.eventstore.port import EventStore
from shared.service import Context


@dataclass(frozen=True)
class Intake:
    """The running service as intake's handlers see it (tests hand in their own parts)."""

    schema: str
    pool: asyncpg.Pool
    store: EventStore
    clock: Clock
    poke: Callable[[], None]
    notices: NoticeDesk = field(default_factory=NoticeDesk.configured, compare=False)
    timezone: str = "Asia/Shanghai"
    submissions: GroupCommit[Submission, SubmitResult] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Submits with one Idempotency-Key go in separate groups: the second then sees the first's answer.
        group_commit: GroupCommit[Submission, SubmitResult] = GroupCommit(
            self.pool,
            partial(write_submissions, self),
            apart=lambda s: s.idempotency_key,
            committed=self.poke,
        )
        object.__setattr__(self, "submissions", group_commit)

    @classmethod
    def of(cls, ctx: Context) -> Intake:
        return cls(ctx.name, ctx.pool, ctx.store, ctx.clock, ctx.relay.poke, timezone=ctx.settings.pujiang_timezone)
