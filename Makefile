# One task runner for people and CI. `make up` runs the system; `make test` passes the tests.
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
export UV_PYTHON_DOWNLOADS := never
PYTEST := $(UV) run --frozen pytest

.PHONY: up down status deps test test-unit test-integration test-e2e test-cluster chaos lint typecheck check bench token demo demo-stop

up:  ## install what is missing, start PostgreSQL, Kafka and the four services
	@scripts/system.sh up

down:  ## stop everything (data stays in .data/)
	@$(MAKE) --no-print-directory demo-stop
	@scripts/system.sh down

status:
	@scripts/system.sh status

deps:  ## the Python environment, exactly as locked
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet
	@scripts/web-deps.sh
	@scripts/fonts.sh

test: deps  ## the whole suite: unit, integration, end-to-end (starts what is not running)
	@scripts/infra.sh up
	node --test web/tests/
	$(PYTEST) -m "not quarantined" tests

test-unit: deps
	node --test web/tests/
	$(PYTEST) -m unit tests/unit

test-integration: deps
	@scripts/infra.sh up
	$(PYTEST) -m integration tests/integration

test-e2e: deps
	@scripts/infra.sh up
	$(PYTEST) -m e2e tests/e2e

test-cluster: deps  ## three Kafka brokers and a PostgreSQL replica of its own (ports 19092.., 5442/5443), chaos included
	$(PYTEST) -m cluster tests/cluster

chaos: deps  ## the full chaos run on the cluster: 10,000 petitions (N=… to change), a broker and instances SIGKILLed
	PUJIANG_CHAOS_PETITIONS=$${N:-10000} $(PYTEST) -m cluster -s tests/cluster/test_chaos.py

lint: deps
	$(UV) run --frozen ruff check shared services simulator tests bench web
	$(UV) run --frozen ruff format --check shared services simulator tests bench web

typecheck: deps
	$(UV) run --frozen mypy shared services simulator bench web stubs tests

check: lint typecheck test-unit

bench: deps  ## throughput, latency, rebuild, scale and soak against raw Kafka and PostgreSQL (N=… C=… ARGS="--scale-events 1000000" to change)
	@scripts/infra.sh up
	$(UV) run --frozen python -m bench --petitions $${N:-2000} --concurrency $${C:-16} $${ARGS:-}

token:  ## print a development supervisor JWT (ROLE=… DIVISION=… UNIT=<county>:<kind> to change)
	@$(UV) run --frozen python -m shared.http.devtoken --role $${ROLE:-supervisor} --division $${DIVISION:-330000000000} $${UNIT:+--unit $$UNIT}

demo: up  ## the system plus a living province: the seeded traffic simulator in the background (SEED=… RATE=… SPEED=…)
	@mkdir -p .data/run .data/logs
	@if [[ -f .data/run/simulator.pid ]] && kill -0 "$$(cat .data/run/simulator.pid)" 2>/dev/null; then \
		echo "[demo] the simulator is already running (pid $$(cat .data/run/simulator.pid))"; \
	else \
		setsid nohup .venv/bin/python -m simulator --seed $${SEED:-1} --rate $${RATE:-2/h} \
			--speed $${SPEED:-8640} --status-every 10 >>.data/logs/simulator.log 2>&1 </dev/null & \
		echo $$! >.data/run/simulator.pid; \
		echo "[demo] simulator running (pid $$(cat .data/run/simulator.pid)): tail -f .data/logs/simulator.log"; \
	fi
	@echo "[demo] dashboard: http://127.0.0.1:8004/dashboard   (a supervisor token: make token)"

demo-stop:  ## stop the simulator (its summary ends .data/logs/simulator.log); the system keeps running
	@if [[ -f .data/run/simulator.pid ]]; then \
		kill -TERM "$$(cat .data/run/simulator.pid)" 2>/dev/null || true; rm -f .data/run/simulator.pid; \
		echo "[demo] simulator stopped; its summary ends .data/logs/simulator.log"; \
	fi
