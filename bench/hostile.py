"""Bounded time on hostile input: ``archive parse`` and ``archive ingest`` of large, odd files.

``python -m bench.hostile --mb 5 --seed 1`` writes inputs of about 5 MiB each (random CJK
text full of notice markers, one giant line, deeply repeated headings, random bytes, a real
notice padded with noise, HTML of nested tags, a .docx and a .pdf), and the same kinds cut to
just under the loader's character limit, where the parser itself has to run. Each goes through
``python -m archive parse FILE`` and ``python -m archive ingest --data D FILE`` in a
subprocess. Each must end within 10 s with a parsed notice (exit 0) or a clean rejection (exit
1 or 2, one line of Chinese on stderr, no traceback, no internal error); a rejected file must
leave the archive byte-identical. Exit code 0 when every input passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.crash import REPO, Run, exit_on_sigterm, kill_all, run_cli, write_json

LIMIT_SECONDS = 10.0
KILL_SECONDS = 30.0  # a command still running then is stopped and counted as a failure
SEED_NOTICE = REPO / "seeds" / "000_15f829d25a69815d.txt"
MARKERS = (
    "一、",
    "二、",
    "（一）",
    "（二）",
    "1.",
    "2.",
    "（1）",
    "①",
    "针对",
    "问题",
    "一是",
    "二是",
    "三是",
    "关于",
    "问题：",
    "整改措施：",
    "整改状态：完成",
    "的问题。",
)
NUMERALS = "一二三四五六七八九十"


def cjk(rng: random.Random, n: int) -> str:
    """``n`` random characters of the common CJK block."""
    return "".join(chr(c) for c in rng.choices(range(0x4E00, 0x9FA6), k=n))


def marked_text(rng: random.Random, chars: int, newlines: bool = True) -> str:
    """Random CJK with notice markers strewn in, about ``chars`` characters."""
    parts: list[str] = []
    size = 0
    while size < chars:
        piece = rng.choice(MARKERS) + cjk(rng, rng.randint(5, 120)) + rng.choice(MARKERS)
        if rng.random() < 0.3:
            piece += "一是" + cjk(rng, 20) + "；二是" + cjk(rng, 20) + "。"
        parts.append(piece)
        size += len(piece) + 1
    return ("\n" if newlines else "").join(parts)[:chars]


def headings_text(rng: random.Random, chars: int, max_lines: int | None = None) -> str:
    """Heading after heading at every level, nothing in between: a parser's worst outline
    (at most ``chars`` characters and ``max_lines`` lines)."""
    lines: list[str] = []
    size = 0
    while size < chars and (max_lines is None or len(lines) < max_lines):
        k = NUMERALS[rng.randrange(10)]
        for line in (
            f"{k}、关于巡察反馈问题整改落实情况",
            f"（{k}）关于{cjk(rng, 4)}方面",
            f"{rng.randint(1, 99)}.针对{cjk(rng, 6)}的问题。",
            f"（{rng.randint(1, 99)}）{cjk(rng, 3)}",
            "问题：",
            "整改措施：",
        ):
            lines.append(line)
            size += len(line) + 1
    return "\n".join(lines[:max_lines])[:chars]


def seed_text() -> str:
    return SEED_NOTICE.read_text(encoding="utf-8")


def make_docx(text: str) -> bytes:
    from docx import Document

    doc = Document()
    lines = text.split("\n")
    for i in range(0, len(lines), 40):  # long paragraphs: python-docx is slow per paragraph
        doc.add_paragraph("".join(lines[i : i + 40]))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def make_pdf(text: str, per_page: int = 40, width: int = 38) -> bytes:
    """A text PDF with a built-in CJK font (nothing to download); one line per row."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    rows = [ln[i : i + width] for ln in text.split("\n") for i in range(0, max(1, len(ln)), width)]
    for start in range(0, len(rows), per_page):
        c.setFont("STSong-Light", 11)
        y = 800
        for row in rows[start : start + per_page]:
            c.drawString(40, y, row)
            y -= 19
        c.showPage()
    c.save()
    return buf.getvalue()


def inputs(
    size: int, limit_chars: int, seed: int, limit_lines: int | None = None
) -> list[tuple[str, Callable[[], bytes]]]:
    """(file name, maker) of every hostile input; ``size`` bytes, or ``limit_chars`` (and
    ``limit_lines``) for the variants that must get past the loader's limits into the parser."""
    near = int(limit_chars * 0.95)
    near_lines = int(limit_lines * 0.95) if limit_lines else None

    def rng(tag: str) -> random.Random:
        return random.Random(f"hostile:{seed}:{tag}")

    cjk_chars = size // 3  # UTF-8: three bytes per character
    notice = seed_text()

    def nested_html(nbytes: int = size) -> bytes:
        depth = max(1, (nbytes - len(notice.encode())) // 11)
        body = "<div>" * depth + "<p>" + notice.replace("\n", "</p><p>") + "</p>" + "</div>" * depth
        return f"<html><body>{body}</body></html>".encode()

    def flat_html() -> bytes:
        r = rng("flat")
        cells = "".join(f"<span><b>{cjk(r, 2)}</b></span>" for _ in range(size // 30))
        return f"<html><body><p>{notice}</p>{cells}</body></html>".encode()

    return [
        ("markers.txt", lambda: marked_text(rng("m"), cjk_chars).encode()),
        ("markers-near-limit.txt", lambda: marked_text(rng("m"), near).encode()),
        ("giant-line.txt", lambda: marked_text(rng("g"), cjk_chars, newlines=False).encode()),
        ("giant-line-near-limit.txt", lambda: marked_text(rng("g"), near, False).encode()),
        ("headings.txt", lambda: headings_text(rng("h"), cjk_chars).encode()),
        ("headings-near-limit.txt", lambda: headings_text(rng("h"), near, near_lines).encode()),
        ("random-bytes.txt", lambda: rng("b").randbytes(size)),
        ("random-high-bytes.txt", lambda: bytes(rng("hb").choices(range(0x80, 0x100), k=size))),
        ("padded-notice.txt", lambda: (notice + marked_text(rng("p"), cjk_chars)).encode()),
        (
            "padded-notice-near-limit.txt",
            lambda: (notice + marked_text(rng("p"), near - len(notice))).encode(),
        ),
        ("nested-tags.html", nested_html),
        ("nested-tags-64k.html", lambda: nested_html(64 * 1024)),
        ("flat-tags.html", flat_html),
        ("noise.docx", lambda: make_docx(notice + "\n" + marked_text(rng("d"), cjk_chars))),
        (
            "noise-near-limit.docx",
            lambda: make_docx(notice + "\n" + marked_text(rng("d"), near - len(notice))),
        ),
        ("noise.pdf", lambda: make_pdf(notice + "\n" + marked_text(rng("f"), cjk_chars * 4 // 5))),
    ]


def archive_hash(data: Path) -> str:
    """SHA-256 of the archive's files (the database and any WAL left behind)."""
    h = hashlib.sha256()
    for name in ("archive.sqlite3", "archive.sqlite3-wal"):
        p = data / name
        h.update(name.encode())
        h.update(p.read_bytes() if p.exists() else b"<absent>")
    return h.hexdigest()


def clean_failure(run: Run) -> str | None:
    """Why a non-zero exit is not a clean rejection (None: it is)."""
    err = run.stderr.strip()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if "Traceback" in err:
        return "stderr 中有 traceback"
    if len(lines) != 1:
        return f"stderr 有 {len(lines)} 行，应为 1 行"
    if not any("\u4e00" <= c <= "\u9fff" for c in lines[0]):
        return "拒收原因不是中文"
    if "内部错误" in lines[0] or "解析出错" in lines[0]:
        return "程序内部出错（不是正常拒收）"
    return None


def judge(run: Run, ok_codes: tuple[int, ...], reject_codes: tuple[int, ...]) -> list[str]:
    problems = []
    if run.timed_out:
        problems.append("超时被终止")
    elif run.seconds > LIMIT_SECONDS:
        problems.append(f"用时 {run.seconds:.1f} 秒，超过 {LIMIT_SECONDS:g} 秒")
    if run.returncode in reject_codes:
        why = clean_failure(run)
        if why:
            problems.append(why)
    elif run.returncode not in ok_codes and not run.timed_out:
        problems.append(f"退出码 {run.returncode}")
    return problems


def check_one(path: Path, data: Path) -> dict[str, Any]:
    parse = run_cli(["-m", "archive", "parse", str(path)], timeout=KILL_SECONDS)
    errors = [f"parse: {e}" for e in judge(parse, (0,), (1, 2))]
    if parse.returncode == 0:
        try:
            json.loads(parse.stdout)
        except ValueError:
            errors.append("parse: 输出不是 JSON")
    before = archive_hash(data)
    ingest = run_cli(
        ["-m", "archive", "ingest", "--data", str(data), str(path)], timeout=KILL_SECONDS
    )
    errors += [f"ingest: {e}" for e in judge(ingest, (0,), (1,))]
    after = archive_hash(data)
    if ingest.returncode != 0 and before != after:
        errors.append("ingest: 拒收后档案库文件发生了变化")
    if (parse.returncode == 0) != (ingest.returncode == 0) and not (
        parse.timed_out or ingest.timed_out
    ):
        errors.append(f"parse 与 ingest 结论不一致（{parse.returncode} / {ingest.returncode}）")
    reason = (parse.stderr.strip().splitlines() or [""])[-1]
    reason = reason.split(f"{path}: ", 1)[-1][:160]
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "parse_rc": parse.returncode,
        "parse_seconds": round(parse.seconds, 2),
        "ingest_rc": ingest.returncode,
        "ingest_seconds": round(ingest.seconds, 2),
        "verdict": "parsed" if parse.returncode == 0 else "rejected",
        "reason": reason,
        "archive_changed": before != after,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__)
    ap.add_argument("--mb", type=float, default=5.0, help="size of each input in MiB (default 5)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None, metavar="FILE", help="write the result")
    ap.add_argument("--only", default="", help="only inputs whose name contains this")
    args = ap.parse_args(argv)
    exit_on_sigterm()
    from archive.loaders import MAX_CHARS, MAX_LINES

    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    result: dict[str, Any] = {"ok": False, "seed": args.seed, "mb": args.mb}
    try:
        data = tmp / "data"
        seeded = run_cli(["-m", "archive", "ingest", "--data", str(data), str(REPO / "seeds")])
        if seeded.returncode != 0:
            raise RuntimeError(f"导入种子通报失败：{seeded.stderr.strip()[:200]}")
        rows = []
        for name, make in inputs(int(args.mb * 1024 * 1024), MAX_CHARS, args.seed, MAX_LINES):
            if args.only not in name:
                continue
            path = tmp / "in" / name
            path.parent.mkdir(exist_ok=True)
            g0 = time.perf_counter()
            path.write_bytes(make())
            made = time.perf_counter() - g0
            row = check_one(path, data)
            row["make_seconds"] = round(made, 2)
            rows.append(row)
            path.unlink()
            mark = "通过" if not row["errors"] else "失败：" + "；".join(row["errors"])
            what = "解析成功" if row["verdict"] == "parsed" else f"拒收（{row['reason'][:50]}）"
            mib = row["bytes"] / 1048576
            print(
                f"{name:<30} {mib:5.2f} MiB  parse {row['parse_seconds']:5.2f} 秒"
                f"  ingest {row['ingest_seconds']:5.2f} 秒  {what}  {mark}",
                flush=True,
            )
        failed = [r["file"] for r in rows if r["errors"]]
        slowest = max((max(r["parse_seconds"], r["ingest_seconds"]) for r in rows), default=0.0)
        result.update(
            ok=not failed,
            seconds=round(time.perf_counter() - t0, 1),
            limit_seconds=LIMIT_SECONDS,
            slowest_seconds=slowest,
            failed=failed,
            inputs=rows,
        )
        print(
            f"恶意输入：{len(rows)} 个文件，{len(rows) - len(failed)} 个通过，"
            f"最慢 {slowest:.2f} 秒（上限 {LIMIT_SECONDS:g} 秒）"
            + (f"；失败：{'、'.join(failed)}" if failed else "")
        )
        return 0 if not failed else 1
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        print(f"恶意输入检查无法完成：{result['error']}", file=sys.stderr)
        return 1
    finally:
        kill_all()
        write_json(args.json, result)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
