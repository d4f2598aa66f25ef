"""Benchmark: petitions through the whole system, against the raw Kafka and PostgreSQL limits.

`uv run python -m bench --petitions N --concurrency C` (see bench/__main__.py).
"""
