"""Replication is configured: the factor and min.insync.replicas come from settings, never from code."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from shared.messaging.topics import ClusterTooSmall, refused, topic_configs
from shared.settings import Settings

pytestmark = pytest.mark.unit


def test_one_local_broker_is_the_default() -> None:
    settings = Settings()
    assert settings.pujiang_replication_factor == 1
    assert settings.min_insync_replicas == 1


def test_a_cluster_of_three_keeps_writing_with_one_broker_lost() -> None:
    settings = Settings(pujiang_replication_factor=3)
    assert settings.min_insync_replicas == 2
    assert topic_configs(settings)["min.insync.replicas"] == "2"
    assert topic_configs(settings)["retention.ms"] == "-1"


def test_min_insync_can_be_set_but_never_above_the_factor() -> None:
    assert Settings(pujiang_replication_factor=3, pujiang_min_insync_replicas=3).min_insync_replicas == 3
    with pytest.raises(ValidationError, match="exceeds PUJIANG_REPLICATION_FACTOR=2"):
        Settings(pujiang_replication_factor=2, pujiang_min_insync_replicas=3)
    with pytest.raises(ValidationError):
        Settings(pujiang_replication_factor=0)


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUJIANG_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("PUJIANG_MIN_INSYNC_REPLICAS", "1")
    settings = Settings()
    assert (settings.pujiang_replication_factor, settings.min_insync_replicas) == (3, 1)


def test_a_too_small_cluster_names_the_setting_and_the_way_out() -> None:
    message = str(ClusterTooSmall(1, 3, "127.0.0.1:9092"))
    assert "1 broker(s)" in message
    assert "PUJIANG_REPLICATION_FACTOR=3" in message
    assert "start more brokers" in message


def test_only_real_refusals_of_topic_creation_count() -> None:
    response = SimpleNamespace(
        topic_errors=[("a", 0, None), ("b", 36, "exists"), ("c", 38, "Replication factor: 3 larger than 1"), ("d", 40)]
    )
    assert refused(response) == [("c", "Replication factor: 3 larger than 1"), ("d", "InvalidConfigurationError")]
