"""Crash safety: SIGKILL ``archive ingest`` and ``indexer sync`` at random moments.

``python -m bench.crash --trials 20 --notices 60 --seed 1`` generates a corpus, then per
trial removes a random part of the archive (so there is work to do), runs ingest, sync after a
complete ingest, or ingest followed by sync, and kills the process group at a seeded random
moment spread over the measured duration. After each kill: every stored notice is complete
(equal to ``archive.parse_file`` of its source) or absent, the SQLite file passes
``integrity_check``, the change log agrees with the notices; ``indexer check`` reports drift
exactly when the index is behind; ``indexer sync`` repairs it; a ``python -m web`` started
afterwards counts every probe word as a scan over the stored problems does. The data
directory is kept across trials; a final full ingest must complete it to exactly N notices.
Exit code 0 when every check held, 1 otherwise. Only 127.0.0.1 is contacted.

The process helpers here (``run_cli``, ``kill_group``, ``write_json``) are shared by
``bench.hostile`` and ``bench.serving``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DB_NAME = "archive.sqlite3"
# Probe words beside the corpus' rare terms: common, two characters and longer.
COMMON_WORDS = ("台账", "公务接待", "整改", "三会一课", "选人用人", "意识形态", "政府采购")
MODES = ("ingest", "sync", "ingest+sync")

_live: set[subprocess.Popen] = set()


# -- processes -------------------------------------------------------------------------


def cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUTF8": "1"}


@dataclass
class Run:
    args: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    killed: bool = False
    timed_out: bool = False


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and every child it started (it leads its own session)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def run_cli(args: list[str], *, kill_after: float | None = None, timeout: float = 300) -> Run:
    """``python <args>`` in the repository, in its own process group.

    ``kill_after`` seconds: SIGKILL the group then (``killed`` says whether it was still
    running). ``timeout``: the same, recorded as ``timed_out``."""
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _live.add(proc)
    t0 = time.perf_counter()
    killed = timed_out = False
    limit = timeout if kill_after is None else min(kill_after, timeout)
    try:
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            killed = kill_after is not None and kill_after <= timeout
            timed_out = not killed
            out, err = proc.communicate()
    finally:
        kill_group(proc)
        _live.discard(proc)
    return Run(
        args=list(args),
        returncode=proc.returncode,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
        seconds=time.perf_counter() - t0,
        killed=killed,
        timed_out=timed_out,
    )


def kill_all() -> None:
    """Kill whatever child is still alive (called on the way out, even on failure)."""
    for proc in list(_live):
        kill_group(proc)
        _live.discard(proc)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that ``finally`` blocks clean up."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def write_json(path: Path | None, result: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def http_json(port: int, path: str, timeout: float = 60) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(body)
    except ValueError:
        return resp.status, None


# -- the truth ---------------------------------------------------------------------------


def literal(text: str) -> str:
    """What literal search compares: width-folded, lower-cased letters, digits and CJK."""
    from archive.normalize import normalize

    return "".join(c for c in normalize(text).lower() if c.isalnum())


@dataclass
class Expected:
    """A source file as the parser reads it."""

    problems: int
    titles: list[str]
    measures: list[list[str]]


def expected_notices(corpus: Path, files: list[str]) -> dict[str, Expected]:
    from archive import parse_file

    out = {}
    for name in files:
        n = parse_file(corpus / name)
        out[name] = Expected(
            len(n.problems), [p.title for p in n.problems], [list(p.measures) for p in n.problems]
        )
    return out


@dataclass
class ArchiveState:
    notices: int = 0
    problems: int = 0
    revision: int = 0
    sources: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # literal form of every problem's text
    problem_ids: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    errors: list[str] = field(default_factory=list)


def inspect_archive(data: Path, expected: dict[str, Expected]) -> ArchiveState:
    """Read the archive with plain SQLite and check that it is whole (nothing half-written)."""
    st = ArchiveState()
    db_path = data / DB_NAME
    if not db_path.exists():
        return st
    db = sqlite3.connect(db_path)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchall()
        if ok != [("ok",)]:
            st.errors.append(f"integrity_check: {ok[:3]}")
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            st.errors.append(f"foreign_key_check: {fk[:3]}")
        st.revision = int(db.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0])
        rows = db.execute(
            "SELECT id, source, problem_count, data_json FROM notices ORDER BY rowid"
        ).fetchall()
        by_notice: dict[str, list[tuple]] = {}
        for row in db.execute(
            "SELECT notice_id, n, title, text, measures_json FROM problems ORDER BY notice_id, n"
        ):
            by_notice.setdefault(row[0], []).append(row[1:])
        orphans = set(by_notice) - {r[0] for r in rows}
        if orphans:
            st.errors.append(f"{len(orphans)} 组问题没有所属通报：{sorted(orphans)[:3]}")
        dup = [s for s, c in Counter(r[1] for r in rows).items() if c > 1]
        if dup:
            st.errors.append(f"重复的通报：{dup[:3]}")
        for nid, source, count, data_json in rows:
            st.sources.append(source)
            exp = expected.get(source)
            if exp is None:
                st.errors.append(f"{nid}: 来源 {source} 不在语料中")
                continue
            probs = json.loads(data_json)["problems"]
            stored = by_notice.get(nid, [])
            titles = [p["title"] for p in probs]
            measures = [list(p["measures"]) for p in probs]
            if not count == len(probs) == len(stored) == exp.problems:
                st.errors.append(
                    f"{nid} ({source}): 问题数 {count}/{len(probs)}/{len(stored)}，"
                    f"应为 {exp.problems}"
                )
            elif titles != exp.titles or measures != exp.measures:
                st.errors.append(f"{nid} ({source}): 问题标题或整改措施与源文件不符")
            elif [r[1] for r in stored] != titles or [json.loads(r[3]) for r in stored] != measures:
                st.errors.append(f"{nid} ({source}): problems 表与 data_json 不符")
            for p in probs:
                st.texts.append(literal(p["text"]))
                st.problem_ids.append((f"{nid}-{p['n']}", p["title"]))
        st.notices = len(rows)
        st.problems = len(st.texts)
        # The change log is what the index follows: its last word on each id must be the truth.
        last: dict[str, str] = {}
        for nid, op in db.execute("SELECT notice_id, op FROM changes ORDER BY revision"):
            last[nid] = op
        logged = {nid for nid, op in last.items() if op == "add"}
        present = {r[0] for r in rows}
        if logged != present:
            st.errors.append(
                f"变更日志与通报不符：日志多 {len(logged - present)}，少 {len(present - logged)}"
            )
        top = db.execute("SELECT MAX(revision) FROM changes").fetchone()[0] or 0
        if top > st.revision:
            st.errors.append(f"变更日志版本 {top} 超过档案版本 {st.revision}")
    finally:
        db.close()
    return st


def index_revision(data: Path) -> int | None:
    """The archive revision the index says it reflects (None: no readable state)."""
    try:
        d = json.loads((data / "index" / "state.json").read_text(encoding="utf-8"))
        return int(d["revision"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check_web(
    data: Path, st: ArchiveState, words: list[str], rng: random.Random, probes: dict[str, int]
) -> list[str]:
    """Start ``python -m web`` on ``data``; every probe must agree with the archive.
    ``probes`` receives each word's true count."""
    from bench.load import Server

    errors: list[str] = []
    server = Server(data, data.parent / "web.log", threads=4)
    try:
        server.wait_ready(timeout=60)
        for w in words:
            status, body = http_json(server.port, "/api/search?q=" + quote(f'"{w}"'))
            truth = sum(1 for t in st.texts if literal(w) in t)
            probes[w] = truth
            got = body.get("total") if status == 200 and body else None
            if got != truth:
                errors.append(f"“{w}”: web {got}（HTTP {status}），扫描 {truth}")
        for kind, truth in (("problem", st.problems), ("notice", st.notices)):
            status, body = http_json(server.port, f"/api/search?kind={kind}")
            got = body.get("total") if status == 200 and body else None
            if got != truth:
                errors.append(f"kind={kind} 浏览: web {got}，档案 {truth}")
        for pid, title in rng.sample(st.problem_ids, min(2, len(st.problem_ids))):
            status, body = http_json(server.port, f"/api/problems/{pid}")
            got = body.get("problem", {}).get("title") if status == 200 and body else None
            if got != title:
                errors.append(f"/api/problems/{pid}: HTTP {status}，标题 {got!r}")
    except (OSError, RuntimeError, TimeoutError, http.client.HTTPException) as exc:
        errors.append(f"web: {type(exc).__name__}: {exc}")
    finally:
        server.stop()
    return errors


# -- the trials --------------------------------------------------------------------------


def _one_line(run: Run) -> str:
    lines = [ln for ln in (run.stdout + run.stderr).splitlines() if ln.strip()]
    return " / ".join(lines[:3])[:300]


def _has_traceback(run: Run) -> bool:
    return "Traceback (most recent call last)" in run.stderr


def measure(corpus: Path, scratch: Path) -> dict[str, float]:
    """Durations to spread the kills over: a full ingest, a first build, an incremental sync
    of a third of the notices."""
    from archive.store import Archive

    d = str(scratch)
    ingest = run_cli(["-m", "archive", "ingest", "--data", d, str(corpus)])
    build = run_cli(["-m", "indexer", "sync", "--data", d])
    with Archive(scratch) as a:
        for nid in a.notice_ids()[::3]:
            a.remove(nid)
    run_cli(["-m", "archive", "ingest", "--data", d, str(corpus)])
    sync = run_cli(["-m", "indexer", "sync", "--data", d])
    for r in (ingest, build, sync):
        if r.returncode != 0:
            raise RuntimeError(f"预先测量失败：{' '.join(r.args)}：{_one_line(r)}")
    return {"ingest": ingest.seconds, "build": build.seconds, "sync": sync.seconds}


def remove_some(data: Path, rng: random.Random) -> int:
    """Remove 20–50 % of the stored notices (through the archive, logged as changes)."""
    from archive.store import Archive

    if not (data / DB_NAME).exists():
        return 0
    with Archive(data) as a:
        ids = a.notice_ids()
        k = rng.randint(len(ids) // 5, len(ids) // 2) if ids else 0
        for nid in rng.sample(ids, k):
            a.remove(nid)
    return k


def run_killed(data: Path, corpus: Path, mode: str, at: float) -> list[Run]:
    """The trial's commands; the one running ``at`` seconds after the start is killed."""
    d = str(data)
    ingest = ["-m", "archive", "ingest", "--data", d, str(corpus)]
    sync = ["-m", "indexer", "sync", "--data", d]
    if mode == "ingest":
        return [run_cli(ingest, kill_after=at)]
    if mode == "sync":
        first = run_cli(ingest)
        return [first, run_cli(sync, kill_after=at)]
    first = run_cli(ingest, kill_after=at)
    if first.killed:
        return [first]
    return [first, run_cli(sync, kill_after=max(0.0, at - first.seconds))]


def trial(
    k: int,
    data: Path,
    corpus: Path,
    expected: dict[str, Expected],
    durations: dict[str, float],
    words: list[str],
    rng: random.Random,
) -> dict[str, Any]:
    mode = MODES[k % len(MODES)]
    removed = remove_some(data, rng) if k else 0
    span = {
        "ingest": durations["ingest"],
        "sync": durations["sync"],
        "ingest+sync": durations["ingest"] + durations["sync"],
    }[mode]
    at = round(rng.uniform(0.0, 1.1 * span), 3)  # a few kills come after the end
    runs = run_killed(data, corpus, mode, at)
    out: dict[str, Any] = {
        "trial": k + 1,
        "mode": mode,
        "removed": removed,
        "kill_at": at,
        "killed": runs[-1].killed,
        "killed_cmd": " ".join(runs[-1].args[1:3]) if runs[-1].killed else None,
        "errors": [],
    }
    errors: list[str] = out["errors"]
    for r in runs:
        if not r.killed and r.returncode != 0:
            errors.append(f"{' '.join(r.args[1:3])} 退出码 {r.returncode}：{_one_line(r)}")
        if _has_traceback(r):
            errors.append(f"{' '.join(r.args[1:3])} 输出了 traceback")
    st = inspect_archive(data, expected)
    errors.extend(st.errors)
    out["stored"] = st.notices
    out.update(verify_index(data, st, words, rng, errors))
    return out


def verify_index(
    data: Path, st: ArchiveState, words: list[str], rng: random.Random, errors: list[str]
) -> dict[str, Any]:
    """(b) check reports drift exactly when the index is behind; (c) sync repairs it;
    (d) a fresh web server agrees with the archive."""
    out: dict[str, Any] = {}
    behind = index_revision(data) != st.revision
    check = run_cli(["-m", "indexer", "check", "--data", str(data)])
    out["behind"] = behind
    out["check_rc"] = check.returncode
    out["check"] = _one_line(check)
    if _has_traceback(check) or check.returncode != (1 if behind else 0):
        errors.append(f"check 退出码 {check.returncode}（索引{'落后' if behind else '最新'}）")
    sync = run_cli(["-m", "indexer", "sync", "--data", str(data)])
    out["sync"] = _one_line(sync)
    if sync.returncode != 0:
        errors.append(f"sync 退出码 {sync.returncode}：{_one_line(sync)}")
    again = run_cli(["-m", "indexer", "check", "--data", str(data)])
    out["check_after_sync"] = _one_line(again)
    if again.returncode != 0 or "索引与档案一致" not in again.stdout:
        errors.append(f"sync 后 check 仍不一致：{_one_line(again)}")
    probes: dict[str, int] = {}
    web_errors = check_web(data, st, words, rng, probes)
    out["web_probes"] = probes
    errors.extend(web_errors)
    return out


def pick_words(manifest: dict, rng: random.Random) -> list[str]:
    rare = [t["term"] for t in manifest["rare_terms"]]
    return rng.sample(rare, min(3, len(rare))) + rng.sample(COMMON_WORDS, 3)


def trial_line(t: dict[str, Any], n: int, trials: int) -> str:
    kill = (
        f"{t['kill_at']:.2f} 秒时杀死 {t['killed_cmd']}"
        if t["killed"]
        else f"未杀（命令在 {t['kill_at']:.2f} 秒前已结束）"
    )
    verdict = "通过" if not t["errors"] else "失败：" + "；".join(t["errors"][:3])
    return (
        f"试验 {t['trial']:>2}/{trials} [{t['mode']:<11}] 删除 {t['removed']:>2}，{kill}；"
        f"存 {t['stored']}/{n} 份；check 退出码 {t['check_rc']}"
        f"（{'落后' if t['behind'] else '最新'}）：{t['check'][:60]}；{verdict}"
    )


def final_pass(
    data: Path,
    corpus: Path,
    expected: dict[str, Expected],
    n: int,
    words: list[str],
    rng: random.Random,
) -> dict[str, Any]:
    """A full ingest without a kill must complete the archive to exactly N notices."""
    run = run_cli(["-m", "archive", "ingest", "--data", str(data), str(corpus)])
    errors: list[str] = []
    if run.returncode != 0:
        errors.append(f"ingest 退出码 {run.returncode}：{_one_line(run)}")
    st = inspect_archive(data, expected)
    errors.extend(st.errors)
    if st.notices != n or sorted(st.sources) != sorted(expected):
        errors.append(f"最终档案有 {st.notices} 份通报，应为 {n}")
    out = {"ingest": _one_line(run), "stored": st.notices, "problems": st.problems}
    out.update(verify_index(data, st, words, rng, errors))
    out["errors"] = errors
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__)
    ap.add_argument("--trials", type=int, default=20, help="number of kills (default 20)")
    ap.add_argument("--notices", type=int, default=60, help="corpus size (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="corpus, removals and kill moments")
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="write the result")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    exit_on_sigterm()
    from bench.corpus import generate

    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="bench-crash-"))
    result: dict[str, Any] = {"ok": False, "seed": args.seed, "notices": args.notices}
    try:
        corpus = tmp / "corpus"
        manifest = generate(corpus, args.notices, args.seed)
        (corpus / "manifest.json").unlink()  # not a notice: ingest would count it as skipped
        files = [f["file"] for f in manifest["files"]]
        expected = expected_notices(corpus, files)
        durations = measure(corpus, tmp / "scratch")
        shutil.rmtree(tmp / "scratch")
        print(
            f"语料 {args.notices} 份；完整导入 {durations['ingest']:.2f} 秒，首次建索引 "
            f"{durations['build']:.2f} 秒，增量同步 {durations['sync']:.2f} 秒",
            flush=True,
        )
        rng = random.Random(f"crash:{args.seed}")
        data = tmp / "data"
        trials = []
        for k in range(args.trials):
            t = trial(k, data, corpus, expected, durations, pick_words(manifest, rng), rng)
            trials.append(t)
            print(trial_line(t, args.notices, args.trials), flush=True)
        final = final_pass(data, corpus, expected, args.notices, pick_words(manifest, rng), rng)
        print(
            f"最终完整导入：存 {final['stored']}/{args.notices} 份、{final['problems']} 个问题；"
            f"{'通过' if not final['errors'] else '失败：' + '；'.join(final['errors'][:3])}"
        )
        failed = [t["trial"] for t in trials if t["errors"]]
        killed = sum(1 for t in trials if t["killed"])
        behind = sum(1 for t in trials if t["behind"])
        ok = not failed and not final["errors"]
        seconds = time.perf_counter() - t0
        result.update(
            ok=ok,
            seconds=round(seconds, 1),
            durations={k: round(v, 3) for k, v in durations.items()},
            killed=killed,
            behind=behind,
            failed_trials=failed,
            trials=trials,
            final=final,
        )
        print(
            f"崩溃安全：{args.trials} 次试验，{killed} 次在运行中被杀，{behind} 次索引落后；"
            f"{'全部通过' if ok else f'失败 {len(failed)} 次'}"
            f"{'，最终检查失败' if final['errors'] else ''}"
            f"（{seconds:.0f} 秒）"
        )
        return 0 if ok else 1
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        print(f"崩溃安全检查无法完成：{result['error']}", file=sys.stderr)
        return 1
    finally:
        kill_all()
        write_json(args.json, result)
        if args.keep:
            print(f"临时目录保留在 {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
