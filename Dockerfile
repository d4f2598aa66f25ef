# One image for all four services; docker-compose.yml picks the service with its command.
FROM python:3.11-slim
ENV UV_PYTHON_DOWNLOADS=never PYTHONUNBUFFERED=1 HOST=0.0.0.0
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY shared ./shared
COPY services ./services
# Declared a package of the project too (pyproject); the image can run `python -m simulator` against the services.
COPY simulator ./simulator
# The web front end (`python -m web`): pages and a same-origin proxy to the four services.
COPY web ./web
RUN uv sync --frozen --no-dev
ENV PATH="/app/.venv/bin:$PATH"
