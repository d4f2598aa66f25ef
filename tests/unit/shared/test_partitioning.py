"""The relay's partitioner picks what aiokafka's default partitioner picks, for every key."""

from __future__ import annotations

import random

import pytest
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from shared.messaging.partitioning import murmur2, partition_of

pytestmark = pytest.mark.unit


def test_murmur2_is_kafkas_for_keys_of_every_length() -> None:
    rng = random.Random(9)
    for length in range(130):
        for _ in range(20):
            key = rng.randbytes(length)
            assert murmur2(key) == aiokafka_murmur2(key), key


@pytest.mark.parametrize("count", [1, 3, 7, 12])
def test_a_key_lands_where_the_default_partitioner_puts_it(count: int) -> None:
    partitions = list(range(count))
    default = DefaultPartitioner()
    keys = [f"case-{i}".encode() for i in range(300)] + ["鄰居-案".encode(), b""]
    assert [partition_of(k, partitions) for k in keys] == [default(k, partitions, partitions) for k in keys]
