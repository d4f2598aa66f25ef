"""The month's topics on a real PostgreSQL: similar petitions of two townships make one topic, as a recount
of the event log finds it, for supervisors only, and a rebuild's bulk path lands on the same topics."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from services.projections.adapters import event_log
from services.projections.adapters.schema import create_generation, ensure_read_model, point_at, serving
from services.projections.assessments import Assessments
from services.projections.bulk import BulkLoad
from services.projections.domain.periods import containing
from services.projections.handlers import Projections
from services.projections.synthetic import CaseWriter
from shared.clock import FixedClock
from shared.divisions import truncate_to
from shared.domain import Forbidden
from shared.events import CaseAssigned, PetitionSubmitted, RecordedEvent
from shared.events.intake import SealedPetitioner
from shared.http.auth import Principal
from shared.messaging.consumer import Consumed
from shared.vocabulary import Channel, Level, Role
from tests.integration.test_projections_read_model import feed, interleaved
from tests.integration.test_projections_scorecards import logged_cases
from tests.support.recount import in_area, recount_topic

pytestmark = pytest.mark.integration
TZ = ZoneInfo("Asia/Shanghai")
COUNTY = "330726000000"
HUANGZHAI, XIQIAO = "330726101203", "330726102201"  # villages of two townships of Pujiang
ELSEWHERE = "330782001001"  # a village of another county
MARCH = containing("month", date(2026, 3, 1))
SUPERVISOR = Principal(sub="s", role=Role.SUPERVISOR, division=COUNTY)
DRAINS = ("小区排水沟堵塞污水外溢", "排水沟堵塞多日无人清理", "门前排水沟堵塞，雨天积水", "排水沟堵塞导致院子积水")


def petitioned(title: str, village: str, category: str, at: datetime) -> list[tuple[str, RecordedEvent]]:
    """A petition and its first assignment, to the village's township, as intake and routing record them."""
    w = CaseWriter(str(uuid.uuid4()), at)
    petition = PetitionSubmitted(
        case_id=w.case_id, tracking_code=f"MH{uuid.uuid4().hex[:8]}", access_code_hash="0" * 64,
        channel=Channel.ONLINE, division_code=village, category=category, title=title,
        content="详见标题，联系电话13800000000", petitioner=SealedPetitioner(),
    )  # fmt: skip
    submitted = w.record("petition", petition, None)
    township = truncate_to(village, Level.TOWNSHIP)
    assigned = CaseAssigned(
        case_id=w.case_id, division_code=township, level=Level.TOWNSHIP, unit_id=township, unit_name="镇综治中心",
        county_code=truncate_to(village, Level.COUNTY), category=category, channel=Channel.ONLINE,
        location_code=village, reason="initial",
    )  # fmt: skip
    w.record("case", assigned, submitted)
    return w.recorded


def petitions() -> list[tuple[str, RecordedEvent]]:
    march = datetime(2026, 3, 3, 1, tzinfo=UTC)
    at = (march + timedelta(hours=5 * i) for i in range(100))
    recorded = [
        *(e for title in DRAINS for e in petitioned(title, HUANGZHAI, "urban_management", next(at))),
        *(e for title in DRAINS[:3] for e in petitioned(title, XIQIAO, "urban_management", next(at))),
        *(e for title in ("夜间施工噪音扰民", "工地夜间施工噪音大") * 2
          for e in petitioned(title, HUANGZHAI, "urban_management", next(at))),
        *(e for title in ("拖欠工资三个月", "工地拖欠农民工工资")
          for e in petitioned(title, XIQIAO, "labour_wages", next(at))),
        *petitioned("排水沟堵塞", ELSEWHERE, "urban_management", next(at)),  # another county
        *petitioned("排水沟堵塞", HUANGZHAI, "urban_management", datetime(2026, 2, 27, tzinfo=UTC)),  # February
        *(e for village in (HUANGZHAI, XIQIAO)
          for e in petitioned("浦江县的事情", village, "urban_management", next(at))),  # a place in common only
    ]  # fmt: skip
    return recorded


@pytest.fixture
async def served(pg_pool: asyncpg.Pool, schema: str) -> tuple[Assessments, str]:
    await ensure_read_model(pg_pool, schema)
    await feed(pg_pool, Projections(schema, TZ), interleaved(petitions(), seed=3))
    async with pg_pool.acquire() as conn:
        generation = await serving(conn, schema)
    return Assessments(pg_pool, schema, TZ, FixedClock(datetime(2026, 3, 20, tzinfo=UTC))), generation


def topic_of(answer: dict[str, Any], term: str) -> dict[str, Any]:
    return next(t for t in answer["topics"] if term in t["terms"])


async def test_similar_petitions_of_two_townships_make_one_topic_as_the_event_log_says(
    pg_pool: asyncpg.Pool, served: tuple[Assessments, str]
) -> None:
    assessments, generation = served
    answer = await assessments.topics(SUPERVISOR, COUNTY, MARCH)
    assert answer["division"] == COUNTY
    assert answer["period"] == {"kind": "month", "from": "2026-03-01", "to": "2026-03-31", "label": "2026-03"}
    assert answer["category"] is None
    assert (answer["cases"], answer["limited"]) == (15, False)  # March's in the county, all with terms
    assert answer["definitions"] == "docs/scorecards.md"
    drains = answer["topics"][0]
    assert drains["category"] == "urban_management"
    assert drains["category_name"]["zh"]
    assert {"排水沟", "堵塞"} <= set(drains["terms"])
    assert drains["label"] == " · ".join(drains["terms"])
    assert drains["count"] == 7  # not the other county's, nor February's
    assert [(p["division"], p["count"]) for p in drains["places"]] == [("330726101000", 4), ("330726102000", 3)]
    assert drains["places"][0]["name"]["zh"] == "黄宅镇"
    assert [e["title"] for e in drains["examples"]] == list(reversed(DRAINS[:3]))  # the newest three
    assert [e["division"] for e in drains["examples"]] == [XIQIAO] * 3
    assert all(datetime.fromisoformat(e["received_at"]).tzinfo for e in drains["examples"])
    noise = topic_of(answer, "施工")
    assert (noise["count"], noise["category"]) == (4, "urban_management")
    assert topic_of(answer, "拖欠")["count"] == 2  # 拖欠工资 meets 拖欠农民工工资
    assert all("浦江" not in term for t in answer["topics"] for term in t["terms"])
    assert "13800000000" not in str(answer)  # what the petition's content says is never in a topic

    cases = await logged_cases(pg_pool, generation)
    for topic in (drains, noise):
        counted = recount_topic(cases, topic["category"], topic["terms"], in_area(COUNTY), MARCH.start, MARCH.end, TZ)
        by_township = Counter({truncate_to(v, Level.TOWNSHIP): n for v, n in counted.items()})
        assert sorted(by_township.items(), key=lambda kv: (-kv[1], kv[0])) == [
            (p["division"], p["count"]) for p in topic["places"]
        ]


async def test_topics_by_category_limit_and_place_are_for_supervisors_only(served: tuple[Assessments, str]) -> None:
    assessments, _ = served
    labour = await assessments.topics(SUPERVISOR, COUNTY, MARCH, "labour_wages")
    assert [t["category"] for t in labour["topics"]] == ["labour_wages"]
    assert labour["category"] == "labour_wages"
    assert len((await assessments.topics(SUPERVISOR, COUNTY, MARCH, limit=1))["topics"]) == 1
    village = await assessments.topics(SUPERVISOR, HUANGZHAI, MARCH)
    assert [(p["division"], p["count"]) for p in village["topics"][0]["places"]] == [(HUANGZHAI, 4)]
    february = await assessments.topics(SUPERVISOR, COUNTY, containing("month", date(2026, 2, 1)))
    assert february["topics"] == []  # one petition is no recurring problem
    with pytest.raises(Forbidden):
        await assessments.topics(Principal(sub="o", role=Role.OFFICIAL, division=COUNTY), COUNTY, MARCH)


async def test_a_period_with_more_cases_than_a_topics_answer_reads_groups_the_newest(
    served: tuple[Assessments, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assessments, _ = served
    monkeypatch.setattr("services.projections.assessments.TOPIC_CASES", 4)
    answer = await assessments.topics(SUPERVISOR, COUNTY, MARCH)
    assert (answer["cases"], answer["limited"]) == (4, True)
    # the newest four: the two that share only a place, and the two about wages
    assert [(t["category"], t["count"]) for t in answer["topics"]] == [("labour_wages", 2)]


async def test_the_bulk_path_lands_on_the_same_terms_and_topics(
    pg_pool: asyncpg.Pool, schema: str, served: tuple[Assessments, str]
) -> None:
    assessments, live = served
    before = await assessments.topics(SUPERVISOR, COUNTY, MARCH)
    async with pg_pool.acquire() as conn:
        bare = await create_generation(conn, schema, indexed=False)
        ids = [r["case_id"] for r in await conn.fetch(f"SELECT DISTINCT case_id FROM {live}.event_log")]
        events = [e for history in (await event_log.of_cases(conn, live, ids)).values() for e in history]
    load = BulkLoad(pg_pool, bare, TZ)
    await load.prepare()
    for event in events:
        await load.add(Consumed.of(event))
    await load.finish()
    terms = "SELECT case_id, terms FROM {}.case_view ORDER BY case_id"
    rebuilt = await pg_pool.fetch(terms.format(bare))
    assert rebuilt == await pg_pool.fetch(terms.format(live))
    assert all(r["terms"] for r in rebuilt)
    async with pg_pool.acquire() as conn, conn.transaction():
        await point_at(conn, schema, bare)
    assert await assessments.topics(SUPERVISOR, COUNTY, MARCH) == before
