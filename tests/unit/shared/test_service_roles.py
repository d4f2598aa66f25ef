"""Where a service connects: its own role on the primary, and as that same role on the read replica."""

from __future__ import annotations

import pytest

from shared.eventstore.roles import service_read_url, service_url
from shared.settings import Settings

pytestmark = pytest.mark.unit

PRIMARY = "postgresql://pujiang:secret@db:5432/pujiang"
REPLICA = "postgresql://pujiang:secret@db-ro:5433/pujiang"


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": PRIMARY,
        "pujiang_read_database_url": REPLICA,
        "pujiang_db_service_roles": True,
        "pujiang_service_database_url": None,
        "pujiang_service_db_password": None,
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


def test_projections_connects_as_its_own_role_derived_from_the_migration_role() -> None:
    assert (
        service_url(settings(), "projections") == "postgresql://pujiang_projections:pujiang_projections@db:5432/pujiang"
    )


def test_the_replica_is_read_as_the_same_role_as_the_primary() -> None:
    assert service_read_url(settings(), "projections") == (
        "postgresql://pujiang_projections:pujiang_projections@db-ro:5433/pujiang"
    )
    explicit = settings(pujiang_service_database_url="postgresql://reader:p%40ss@db:5432/pujiang")
    assert service_read_url(explicit, "projections") == "postgresql://reader:p%40ss@db-ro:5433/pujiang"


def test_without_service_roles_or_a_replica_the_read_url_is_as_given() -> None:
    assert service_read_url(settings(pujiang_db_service_roles=False), "projections") == REPLICA
    assert service_read_url(settings(pujiang_read_database_url=None), "projections") is None
