"""The command log: one JSON line per command, in the order the simulator decided them."""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from simulator.domain.model import Command


def entry(command: Command, answer: int | str) -> dict[str, Any]:
    """A command as logged: local references only, so logs of two runs compare line by line."""
    return {**command.model_dump(mode="json", exclude={"division"}), "answer": answer}


class CommandLog:
    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._file: IO[str] | None = None

    def __enter__(self) -> CommandLog:
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self._path.open("w", encoding="utf-8")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._file is not None:
            self._file.close()

    def write(self, command: Command, answer: int | str) -> None:
        if self._file is not None:
            self._file.write(json.dumps(entry(command, answer), ensure_ascii=False, sort_keys=True) + "\n")

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]
