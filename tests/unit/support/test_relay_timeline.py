"""The chaos run's verdict on a lost event: read past before its commit, or read and handed on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from tests.support.relay_timeline import Read, reads_in, verdict

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
READS = [Read(T0, (0, 0), (100, 7)), Read(T0 + timedelta(seconds=1), (100, 7), (130, 2))]


def test_a_read_over_an_event_before_its_transaction_committed_is_a_skip() -> None:
    said = verdict((120, 5), T0 + timedelta(seconds=1.5), READS)
    assert said == "SKIPPED: 1 read(s) over it, the last 0.500s before its transaction committed"


def test_a_read_again_after_the_commit_hands_the_event_on_though_an_earlier_one_ran_before() -> None:
    again = [*READS, Read(T0 + timedelta(seconds=3), (0, 0), (130, 2))]  # a restarted relay's re-read
    said = verdict((120, 5), T0 + timedelta(seconds=1.5), again)
    assert said == "read 1.500s after commit, so handed to the producer"


def test_a_read_over_an_event_after_its_commit_handed_it_to_the_producer() -> None:
    assert verdict((100, 3), T0 - timedelta(seconds=2), READS) == "read 2.000s after commit, so handed to the producer"


def test_an_event_beyond_every_read_was_never_covered() -> None:
    assert verdict((131, 1), T0, READS) == "no read covered it"
    assert verdict((100, 7), None, READS).endswith("(commit time unknown)")


def test_reads_come_from_the_schemas_relay_lines_only(tmp_path: Path) -> None:
    lines = [
        {"event": "relay.read", "schema": "intake", "timestamp": "2026-12-02T11:00:01Z", "after_tx": 100,
         "after_position": 7, "last_tx": 130, "last_position": 2, "count": 40},
        {"event": "relay.read", "schema": "routing", "timestamp": "2026-12-02T11:00:00Z", "after_tx": 0,
         "after_position": 0, "last_tx": 9, "last_position": 9, "count": 9},
        {"event": "relay.leader", "schema": "intake", "timestamp": "2026-12-02T10:59:59Z"},
    ]  # fmt: skip
    acked = {"event": "relay.acked", "last_tx": 130, "last_position": 2, "timestamp": "2026-12-02T11:00:02Z",
             "appends": [["p.intake", 0, 17], ["p.intake", 2, 9], ["p.deadletter", 0, 3]]}  # fmt: skip
    log = tmp_path / "intake-1.log"
    log.write_bytes(b"\n".join(orjson.dumps(line) for line in [*lines, acked]) + b"\nnot json at all\n")
    landed = Read(READS[1].at, READS[1].after, READS[1].last, ((0, 17), (2, 9)))
    assert reads_in([log], "intake") == [landed]
    said = verdict((120, 5), T0, [landed])
    assert said.endswith("so handed to the producer; acknowledged at (partition, base offset) [(0, 17), (2, 9)]")
