"""Shared fixtures: paths, a real archive in tmp_path, and two ways to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.store import Archive

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def seeds_dir() -> Path:
    return REPO_ROOT / "seeds"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Where a test's archive lives; not created until something opens it."""
    return tmp_path / "data"


@pytest.fixture
def archive(data_dir: Path) -> Iterator[Archive]:
    with Archive(data_dir) as opened:
        yield opened


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run_cli(data_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m archive ARGS`` in a real process from the repo root.

    ``NOTICES_DATA`` points at the test's data_dir, so a command without
    ``--data`` never writes into the repository.
    """

    def run(
        *args: str | os.PathLike[str], input: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, NOTICES_DATA=str(data_dir), PYTHONUTF8="1")
        return subprocess.run(
            [sys.executable, "-m", "archive", *map(str, args)],
            cwd=REPO_ROOT,
            env=env,
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )

    return run
