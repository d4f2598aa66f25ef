"""Answers read from a replica say so, with an upper bound of their staleness."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any, cast

import pytest

from services.projections.replica import LAG_HEADER, SOURCE_HEADER, ReplicaLag, staleness_headers
from shared.service import Context

pytestmark = pytest.mark.unit


def ctx(read_pool: object | None, lag: ReplicaLag | None = None) -> Context:
    extras: dict[str, Any] = {} if lag is None else {"replica_lag": lag}
    return cast(Context, SimpleNamespace(read_pool=read_pool, extras=extras))


def headers(context: Context | None) -> dict[str, str]:
    return {name.decode(): value.decode() for name, value in staleness_headers(context)}


def test_on_the_primary_the_answer_says_primary_and_no_lag() -> None:
    assert headers(ctx(None)) == {SOURCE_HEADER: "primary"}


def test_before_the_service_has_started_nothing_is_claimed() -> None:
    assert headers(None) == {}


def test_on_the_replica_the_lag_is_the_sample_plus_its_age() -> None:
    lag = ReplicaLag(lag_s=1.25, sampled_at=time.monotonic() - 2.0)
    found = headers(ctx(object(), lag))
    assert found[SOURCE_HEADER] == "replica"
    assert 3.2 <= float(found[LAG_HEADER]) < 4.0  # 1.25 + at least the 2 s since the sample


def test_a_replica_that_does_not_answer_has_an_unknown_lag() -> None:
    assert headers(ctx(object(), ReplicaLag(lag_s=None)))[LAG_HEADER] == "unknown"
