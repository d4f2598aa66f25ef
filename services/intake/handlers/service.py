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
from shared.sealing import DEV_MASTER_KEY, Sealer, master_key_text
from shared.service import Context
from shared.settings import Settings


def sealer_of(settings: Settings) -> Sealer:
    """The master key's sealer: the key file's, else PUJIANG_MASTER_KEY, else (dev) the development key."""
    return Sealer.of_text(master_key_text(settings.pujiang_master_key, settings.pujiang_master_key_file))


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
    # Seals the petitioners' personal data and makes its keyed hashes (tests: the development key).
    sealer: Sealer = field(default_factory=lambda: Sealer.of_text(DEV_MASTER_KEY), compare=False, repr=False)
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
        return cls(
            ctx.name, ctx.pool, ctx.store, ctx.clock, ctx.relay.poke,
            timezone=ctx.settings.pujiang_timezone, sealer=sealer_of(ctx.settings),
        )  # fmt: skip
