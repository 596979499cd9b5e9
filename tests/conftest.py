"""Shared fixtures: paths, a real archive in tmp_path, three ways to run the CLI (``run``,
``run_cli``, ``runner``), a seeded archive with its index built once per session, the web
app on a real archive (``tests/webarchive.py``, built once per module) and real servers
(``bench.serverproc``).

Markers (registered in pyproject.toml): ``browser`` for everything under tests/browser,
``slow`` for tests that take more than about 5 s (the table SLOW below);
``python -m pytest -m "not slow and not browser"`` is the fast subset (``make test-fast``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from archive.store import Archive
from bench.serverproc import ServerProcess
from indexer.searching import NoticeIndex
from tests import builtonce
from tests.webarchive import Truth, build_archive
from web import create_app

REPO_ROOT = Path(__file__).resolve().parents[1]

# Tests that take more than about 5 s on a 2-core machine, by module or module::test (the
# parametrized variants of a test share its name). Measured with --durations.
SLOW: set[str] = {
    "test_reliability.py",  # killed ingests and syncs, damaged indexes, load while ingesting
    "test_indexer_cli.py::test_evaluate_meets_the_quality_bars",
    "test_indexer_cli.py::test_a_damaged_index_is_reported_then_rebuilt",
    "test_indexer_cli.py::test_similar_on_the_seeds_examples",
    "test_indexer_cli.py::test_check_reports_drift_and_sync_repairs_it",
    "test_indexer_cli.py::test_an_archive_emptied_by_removal_checks_syncs_and_searches",
    "test_fuzz_api.py::test_search_never_fails_on_any_parameters",
    "test_fuzz_api.py::test_compare_stats_and_unknown_paths_never_fail",
    "test_cli.py::test_a_reader_that_goes_away_is_not_an_error",
    "test_server.py::test_a_notice_ingested_while_serving_is_searchable_within_5_seconds",
    "test_server.py::test_a_signal_to_the_master_stops_every_worker",
    "test_server.py::test_workers_exit_when_their_master_is_killed",
    "test_server.py::test_a_killed_worker_is_replaced",
    "test_server.py::test_the_helper_stops_a_server_that_ignores_sigterm",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath)).resolve()
        rel = path.relative_to(REPO_ROOT / "tests").as_posix()
        if rel.startswith("browser/"):
            item.add_marker(pytest.mark.browser)
        name = item.originalname if isinstance(item, pytest.Function) else item.name
        if rel in SLOW or f"{rel}::{name}" in SLOW:
            item.add_marker(pytest.mark.slow)


def cli_env(**extra: str) -> dict[str, str]:
    return dict(os.environ, PYTHONUTF8="1", PYTHONPATH=str(REPO_ROOT), **extra)


def run_python(
    package: str, *args: str | os.PathLike[str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m PACKAGE ARGS`` in a real process from the repo root, whatever its exit."""
    return subprocess.run(
        [sys.executable, "-m", package, *map(str, args)],
        cwd=REPO_ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def run_module(*args: str | os.PathLike[str], timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m ARGS`` in a real process from the repo root; fails the test on exit != 0."""
    res = run_python(str(args[0]), *args[1:], timeout=timeout)
    if res.returncode != 0:
        pytest.fail(f"python -m {' '.join(map(str, args))}: {res.returncode}\n{res.stderr}")
    return res


@pytest.fixture(scope="session")
def run() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run("archive", "check", "--data", d)``: a command in a real process (repo root,
    UTF-8), its result whatever the exit code (``run_python``)."""
    return run_python


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


@pytest.fixture(scope="session")
def seeded_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed notices archived and indexed once per session (real CLI). Treat as read-only:
    a test that writes uses its own ``data_dir``."""
    d = tmp_path_factory.mktemp("seeded") / "data"
    run_module("archive", "ingest", "--data", d, REPO_ROOT / "seeds")
    run_module("indexer", "build", "--data", d)
    return d


@pytest.fixture
def start_server() -> Iterator[Callable[..., ServerProcess]]:
    """Start real ``python -m web`` servers (ready when returned); all are stopped, with
    their workers, at the end of the test. Options as ``bench.serverproc.ServerProcess``."""
    started: list[ServerProcess] = []

    def start(data: Path, **options: object) -> ServerProcess:
        server = ServerProcess(data, **options)  # type: ignore[arg-type]
        started.append(server)
        try:
            server.wait_ready(120)
        except (RuntimeError, TimeoutError) as exc:
            pytest.fail(f"server did not start: {exc}\n{server.output()}")
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def live_server(seeded_data: Path) -> Iterator[ServerProcess]:
    """One real multi-process server (2 workers) on ``seeded_data`` for a module's read-only
    tests (stopped after the module, so idle servers do not pile up)."""
    server = ServerProcess(seeded_data, workers=2)
    try:
        server.wait_ready(120)
    except (RuntimeError, TimeoutError) as exc:
        server.stop()
        pytest.fail(f"server did not start: {exc}\n{server.output()}")
    yield server
    server.stop()


# -- the web app on a real archive and index (test_web, test_exports, test_stats_web,
# test_web_security, test_filters) ---------------------------------------------------------


@pytest.fixture(scope="module")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web archive (``tests/webarchive.build_archive``), one per module: a module may
    override this fixture to add notices, and the app below then serves its own."""
    return build_archive(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def app(web_data: Path) -> Iterator[Flask]:
    yield create_app({"TESTING": True, "DATA_DIR": web_data})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def truth(web_data: Path) -> Truth:
    """What the web archive holds, read from the store: what tests expect."""
    return Truth(web_data)


@pytest.fixture(scope="module")
def ids(client: FlaskClient) -> dict[str, str]:
    """The two seed notices' ids, found through the search API by organisation."""

    def one(q: str) -> str:
        resp = client.get("/api/search", query_string={"q": q, "kind": "notice"})
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        hits = resp.get_json()["hits"]
        assert len(hits) == 1, q
        return hits[0]["id"]

    return {"seed000": one("org:红十字"), "seed004": one("org:残疾人联合会")}


@pytest.fixture(scope="session")
def vocabulary_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NoticeIndex]:
    """The seeds, the test notices and the vocabulary corpus, indexed once (read-only): what
    the corpus tests' keyword queries search."""
    with NoticeIndex(builtonce.vocabulary(tmp_path_factory), poll_interval=0) as idx:
        yield idx


@pytest.fixture(scope="session")
def round_d_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NoticeIndex]:
    """The vocabulary index with the fourth round's notices added (read-only)."""
    with NoticeIndex(builtonce.vocabulary_d(tmp_path_factory), poll_interval=0) as idx:
        yield idx


@pytest.fixture(scope="session")
def round_d_ids(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """ "stem:n" of every fourth-round problem -> its archive id."""
    stems = {p.stem for p in builtonce.ROUND_D}
    return builtonce.problem_keys(builtonce.vocabulary_d(tmp_path_factory), stems)


@pytest.fixture(scope="session")
def vocabulary_ids(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """ "stem:n" of every vocabulary-corpus problem -> its archive id."""
    stems = {p.stem for p in builtonce.VOCABULARY}
    return builtonce.problem_keys(builtonce.vocabulary(tmp_path_factory), stems)
