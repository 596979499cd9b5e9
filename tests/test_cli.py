"""The command line: help, parse, ingest (good and bad input), list, show, remove."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.store import DB_NAME, Archive

SEED_000 = "000_15f829d25a69815d.txt"
SEED_004 = "004_b1ce438446146357.txt"
COMMANDS = sorted(cli.commands)

NOTICE_KEYS = [
    "source",
    "title",
    "organisation",
    "publisher",
    "region",
    "inspector",
    "inspection_kind",
    "round",
    "inspection_start",
    "inspection_end",
    "feedback_date",
    "published_date",
    "contacts",
    "stats",
    "sections",
    "problems",
    "warnings",
    "incomplete",
    "ocr",
    "date_precision",
]
PROBLEM_KEYS = [
    "n",
    "number",
    "category",
    "subcategory",
    "title",
    "text",
    "measures",
    "status",
    "subproblems",
]

# A 巡察进驻公告: it names an inspection group, a period and an organisation like a notice
# does, but announces the group's arrival; no problems, no rectification.
ANNOUNCEMENT = """市委第三巡察组进驻市农业农村局开展巡察工作的公告
根据市委统一部署，市委第三巡察组于2023年3月6日至5月6日对市农业农村局党组开展常规巡察。
巡察期间，巡察组设立专门值班电话：0561-3056789，专用邮政信箱：淮北市相山区人民路100号。
受理来信来电时间为2023年3月6日至4月30日，每天8:00—18:00。
巡察组主要受理反映市农业农村局党组领导班子及其成员、中层干部问题的来信来电。
根据巡察工作职责，巡察组不受理不属于巡察范围的信访问题，此类问题将按规定转交有关部门处理。
欢迎广大干部群众如实反映情况。
市委第三巡察组
2023年3月6日
"""

NEWS = """我市举办2023年春季农产品展销会
本报讯（记者 王明）3月18日，2023年春季农产品展销会在市会展中心开幕，
来自全市各县区的200余家企业参展，展出粮油、果蔬、畜禽等特色农产品1000多种。
开幕式上，市农业农村局负责同志介绍了近年来我市农业产业发展情况。
展销会为期三天，现场还设置了直播带货专区，吸引了大批市民前来选购。
据统计，首日现场成交额达1200万元，签订意向合同35份。
"""


def make_bad(kind: str, folder: Path, seeds_dir: Path) -> Path:
    """Write one bad input of the given kind into ``folder`` and return its path."""
    seed_text = (seeds_dir / SEED_000).read_text(encoding="utf-8")
    if kind == "empty":
        path = folder / "empty.txt"
        path.write_bytes(b"")
    elif kind == "binary":
        path = folder / "image.txt"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    elif kind == "huge":
        path = folder / "huge.txt"
        copies = 10 * 1024 * 1024 // len(seed_text.encode("utf-8")) + 1
        path.write_text(seed_text * copies, encoding="utf-8")
        assert path.stat().st_size > 10 * 1024 * 1024
    elif kind == "wrong_suffix":
        path = folder / "notice.rtf"
        path.write_text(seed_text, encoding="utf-8")
    elif kind == "news":
        path = folder / "news.txt"
        path.write_text(NEWS, encoding="utf-8")
    elif kind == "announcement":
        path = folder / "announcement.txt"
        path.write_text(ANNOUNCEMENT, encoding="utf-8")
    elif kind == "missing":
        path = folder / "no_such_file.txt"
    else:
        raise AssertionError(kind)
    return path


# A word the one-line reason must contain: the file is rejected for the right reason.
BAD_REASON = {
    "empty": "空",
    "binary": "二进制",
    "huge": "过大",
    "wrong_suffix": "类型",
    "news": "不是",
    "announcement": "进驻",
    "missing": "不存在",
}
BAD_KINDS = list(BAD_REASON)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def seeded(runner: CliRunner, data_dir: Path, seeds_dir: Path) -> Path:
    """A data dir holding the two seeds, ingested through the CLI."""
    result = runner.invoke(cli, ["ingest", "--data", str(data_dir), str(seeds_dir)])
    assert result.exit_code == 0, result.output
    return data_dir


def stored_ids(data_dir: Path) -> list[str]:
    with Archive(data_dir) as archive:
        return archive.notice_ids()


def revision(data_dir: Path) -> int:
    with Archive(data_dir) as archive:
        return archive.revision()


# -- help ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "示例" in result.output
    assert f"python -m archive {command}" in result.output
    if command not in ("parse", "evaluate-citations"):  # these read files, not an archive
        assert "--data DIR" in result.output


def test_command_set_is_small() -> None:
    assert COMMANDS == [
        "check",
        "evaluate-citations",
        "evaluate-figures",
        "ingest",
        "list",
        "parse",
        "rebuild",
        "remove",
        "reparse",
        "show",
    ]


def test_every_command_is_in_the_readme(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if f"python -m archive {c}" not in readme]
    assert missing == []


# -- parse -----------------------------------------------------------------------------


def test_parse_prints_the_notice_as_json(runner: CliRunner, seeds_dir: Path) -> None:
    result = runner.invoke(cli, ["parse", str(seeds_dir / SEED_000)])
    assert result.exit_code == 0, result.output
    assert "巡察" in result.stdout  # not \\u-escaped
    data = json.loads(result.stdout)
    assert list(data) == NOTICE_KEYS
    assert list(data["problems"][0]) == PROBLEM_KEYS
    # Read from the seed: 2021年11月16日至12月16日 …; items (1)–(17); signed 2022年5月20日.
    assert data["inspection_start"] == "2021-11-16"
    assert data["inspection_end"] == "2021-12-16"
    assert data["published_date"] == "2022-05-20"
    assert [p["number"] for p in data["problems"]] == [f"({i})" for i in range(1, 18)]


def test_parse_accepts_data_option(runner: CliRunner, seeds_dir: Path, data_dir: Path) -> None:
    result = runner.invoke(cli, ["parse", "--data", str(data_dir), str(seeds_dir / SEED_004)])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["problems"]) == 19
    assert not data_dir.exists()  # parsing never touches the archive


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_parse_rejects_bad_input_with_exit_2(
    runner: CliRunner, tmp_path: Path, seeds_dir: Path, kind: str
) -> None:
    path = make_bad(kind, tmp_path, seeds_dir)
    result = runner.invoke(cli, ["parse", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith(f"错误: {path}: ")
    assert BAD_REASON[kind] in line.removeprefix(f"错误: {path}: ")


# -- ingest ----------------------------------------------------------------------------


def test_ingest_seeds_and_reingest_in_a_real_process(run_cli, data_dir: Path) -> None:
    first = run_cli("ingest", "--data", data_dir, "seeds/")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["新增 2，未变 0，拒收 0"]  # no progress bar off a tty
    assert first.stderr == ""
    again = run_cli("ingest", "--data", data_dir, "seeds/")
    assert again.returncode == 0
    assert again.stdout.splitlines() == ["新增 0，未变 2，拒收 0"]
    assert revision(data_dir) == 2


def test_data_dir_comes_from_the_environment(run_cli, data_dir: Path, seeds_dir: Path) -> None:
    # run_cli sets NOTICES_DATA to data_dir; no --data given.
    result = run_cli("ingest", seeds_dir / SEED_004)
    assert result.returncode == 0, result.stderr
    assert (data_dir / DB_NAME).is_file()
    assert len(stored_ids(data_dir)) == 1


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_ingest_rejects_bad_input_and_leaves_the_archive_as_it_was(
    runner: CliRunner, seeded: Path, tmp_path: Path, seeds_dir: Path, kind: str
) -> None:
    db_file = seeded / DB_NAME
    before = db_file.read_bytes()
    path = make_bad(kind, tmp_path, seeds_dir)

    result = runner.invoke(cli, ["ingest", "--data", str(seeded), str(path)])

    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith(f"拒收: {path}: ")
    assert BAD_REASON[kind] in line.removeprefix(f"拒收: {path}: ")
    assert result.stdout.splitlines() == ["新增 0，未变 0，拒收 1"]
    assert db_file.read_bytes() == before
    assert revision(seeded) == 2


def test_rejected_file_in_a_real_process_has_no_traceback(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "announcement.txt"
    bad.write_text(ANNOUNCEMENT, encoding="utf-8")
    parsed = run_cli("parse", bad)
    assert parsed.returncode == 2
    assert one_line(parsed.stderr).startswith(f"错误: {bad}: ")
    ingested = run_cli("ingest", bad)
    assert ingested.returncode == 1
    assert one_line(ingested.stderr).startswith(f"拒收: {bad}: ")


def test_folder_with_good_and_bad_files(
    runner: CliRunner, data_dir: Path, tmp_path: Path, seeds_dir: Path
) -> None:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(seeds_dir / SEED_000, folder / "sub" / "b_notice.txt")
    shutil.copy(seeds_dir / SEED_004, folder / "a_notice.TXT")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "announcement.htm").write_text(
        "<html><body>"
        + "".join(f"<p>{x}</p>" for x in ANNOUNCEMENT.splitlines())
        + "</body></html>",
        encoding="utf-8",
    )
    (folder / "readme.md").write_text("not a notice format", encoding="utf-8")
    (folder / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0")

    result = runner.invoke(cli, ["ingest", "--data", str(data_dir), str(folder)])

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "新增 2，未变 0，拒收 2，跳过 2（文件夹中不支持的文件类型）"
    ]
    rejected = [line for line in result.stderr.splitlines() if line.strip()]
    # Sorted walk: announcement.htm before empty.txt; one line each.
    assert [line.split(": ")[1] for line in rejected] == [
        str(folder / "announcement.htm"),
        str(folder / "empty.txt"),
    ]
    assert "Traceback" not in result.stderr
    assert len(stored_ids(data_dir)) == 2


def test_ingest_mixes_missing_and_good_paths(
    runner: CliRunner, data_dir: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere"
    result = runner.invoke(
        cli, ["ingest", "--data", str(data_dir), str(missing), str(seeds_dir / SEED_000)]
    )
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith(f"拒收: {missing}: ")
    assert result.stdout.splitlines() == ["新增 1，未变 0，拒收 1"]


def test_ingest_into_an_unusable_archive_is_one_line(
    runner: CliRunner, data_dir: Path, seeds_dir: Path
) -> None:
    data_dir.mkdir()
    (data_dir / DB_NAME).write_bytes(b"garbage, not sqlite " * 200)
    result = runner.invoke(cli, ["ingest", "--data", str(data_dir), str(seeds_dir)])
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("错误: ")


# -- list, show, remove ----------------------------------------------------------------


def test_list_shows_one_line_per_notice(runner: CliRunner, seeded: Path) -> None:
    result = runner.invoke(cli, ["list", "--data", str(seeded)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    # Newest publication first: seed 000 was signed 2022-05-20, seed 004 2021-03-31.
    assert re.match(r"[0-9a-f]{16}  2022-05-20  .*17 个问题", lines[0])
    assert re.match(r"[0-9a-f]{16}  2021-03-31  .*19 个问题", lines[1])
    assert sorted(line[:16] for line in lines) == sorted(stored_ids(seeded))


def test_list_json(runner: CliRunner, seeded: Path) -> None:
    result = runner.invoke(cli, ["list", "--data", str(seeded), "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert sorted(r["source"] for r in rows) == [SEED_000, SEED_004]
    assert {r["problem_count"] for r in rows} == {17, 19}


def test_list_without_an_archive_says_so(runner: CliRunner, data_dir: Path) -> None:
    result = runner.invoke(cli, ["list", "--data", str(data_dir)])
    assert result.exit_code == 1
    assert "ingest" in one_line(result.stderr)
    assert not data_dir.exists()


def test_show_notice_and_problem(runner: CliRunner, seeded: Path, seeds_dir: Path) -> None:
    with Archive(seeded) as archive:
        nid = next(s.id for s in archive.iter_notices() if s.source == SEED_000)

    shown = runner.invoke(cli, ["show", "--data", str(seeded), nid])
    assert shown.exit_code == 0
    assert f"编号: {nid}" in shown.stdout
    assert "问题 17 个:" in shown.stdout
    assert f"  {nid}-17  (17) " in shown.stdout
    as_json = json.loads(runner.invoke(cli, ["show", "--data", str(seeded), nid, "--json"]).stdout)
    assert as_json["id"] == nid
    assert list(as_json["notice"]) == NOTICE_KEYS

    problem = runner.invoke(cli, ["show", "--data", str(seeded), f"{nid}-1"])
    assert problem.exit_code == 0
    assert f"编号: {nid}-1" in problem.stdout
    assert "问题 (1): " in problem.stdout
    # Seed 000 item (1) lists 一是…二是…三是….
    assert "整改措施 3 项:" in problem.stdout
    assert "  3. " in problem.stdout
    problem_json = json.loads(
        runner.invoke(cli, ["show", "--data", str(seeded), f"{nid}-1", "--json"]).stdout
    )
    assert list(problem_json["problem"]) == PROBLEM_KEYS


@pytest.mark.parametrize("command", ["show", "remove"])
@pytest.mark.parametrize("unknown", ["0123456789abcdef", "0123456789abcdef-1", "nonsense"])
def test_unknown_id_is_exit_1(runner: CliRunner, seeded: Path, command: str, unknown: str) -> None:
    result = runner.invoke(cli, [command, "--data", str(seeded), unknown])
    assert result.exit_code == 1
    assert unknown in one_line(result.stderr)
    assert revision(seeded) == 2


def test_remove(runner: CliRunner, seeded: Path) -> None:
    nid = stored_ids(seeded)[0]
    result = runner.invoke(cli, ["remove", "--data", str(seeded), nid])
    assert result.exit_code == 0
    assert nid in result.stdout
    assert nid not in stored_ids(seeded)
    listed = runner.invoke(cli, ["list", "--data", str(seeded)])
    assert len(listed.stdout.splitlines()) == 1
    again = runner.invoke(cli, ["remove", "--data", str(seeded), nid])
    assert again.exit_code == 1
    assert revision(seeded) == 3


def test_two_concurrent_ingests_store_each_notice_once(
    repo_root: Path, data_dir: Path, seeds_dir: Path
) -> None:
    """Two processes racing on a fresh data dir: schema made once, each notice added once."""
    env = dict(os.environ, PYTHONUTF8="1")
    command = [sys.executable, "-m", "archive", "ingest", "--data", str(data_dir), str(seeds_dir)]
    procs = [
        subprocess.Popen(
            command, cwd=repo_root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    added = [int(re.match(rb"\S+ (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(added) == 2
    assert len(stored_ids(data_dir)) == 2
    assert revision(data_dir) == 2


def test_a_reader_that_goes_away_is_not_an_error(tmp_path: Path) -> None:
    """``python -m indexer search 整改 | head -c 10``: the pipe closes early; that is no
    internal error."""
    import fcntl

    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, NOTICES_DATA=str(tmp_path / "data"))
    for args in (["archive", "ingest", "seeds"], ["indexer", "sync"]):
        subprocess.run(
            [sys.executable, "-m", *args], cwd=repo, env=env, check=True, capture_output=True
        )
    r, w = os.pipe()
    fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: a small pipe, so the writer blocks early
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "search", "整改", "--limit", "50"],
        cwd=repo,
        stdout=w,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(w)
    assert os.read(r, 10)
    os.close(r)
    assert proc.stderr is not None
    with proc.stderr:
        err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=60) == 0, err
    assert "内部错误" not in err and "Traceback" not in err


# -- reparse, check, rebuild -------------------------------------------------------------


def test_reparse_of_an_unchanged_archive_writes_nothing(runner: CliRunner, seeded: Path) -> None:
    before = revision(seeded)
    result = runner.invoke(cli, ["reparse", "--all", "--data", str(seeded)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "重新解析 2 份：更新 0，未变 2，保留原记录 0"
    assert revision(seeded) == before


def test_reparse_refuses_ids_together_with_all(runner: CliRunner, seeded: Path) -> None:
    nid = stored_ids(seeded)[0]
    result = runner.invoke(cli, ["reparse", nid, "--all", "--data", str(seeded)])
    assert result.exit_code == 1
    assert "编号和 --all 只能选一个" in result.output


def test_check_and_rebuild_need_an_archive(runner: CliRunner, data_dir: Path) -> None:
    for args in (["check"], ["rebuild", "--into", str(data_dir.parent / "new")]):
        result = runner.invoke(cli, [*args, "--data", str(data_dir)])
        assert result.exit_code == 1
        assert "还没有档案库" in result.output
    assert not data_dir.exists()


def test_rebuild_into_the_same_folder_is_refused(runner: CliRunner, seeded: Path) -> None:
    result = runner.invoke(cli, ["rebuild", "--into", str(seeded), "--data", str(seeded)])
    assert result.exit_code == 1
    assert "--into 必须是另一个文件夹" in result.output


def test_rebuild_of_a_sound_archive_copies_everything(runner: CliRunner, seeded: Path) -> None:
    new = seeded.parent / "rebuilt"
    result = runner.invoke(cli, ["rebuild", "--into", str(new), "--data", str(seeded)])
    assert result.exit_code == 0, result.output
    assert sorted(stored_ids(new)) == sorted(stored_ids(seeded))
    with Archive(seeded) as old, Archive(new) as rebuilt:
        for nid in old.notice_ids():
            assert rebuilt.notice(nid).notice == old.notice(nid).notice
            assert rebuilt.source(nid) == old.source(nid)
