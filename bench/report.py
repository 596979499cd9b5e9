"""BENCHMARKS.md from the result files: targets, throughput, latency, recall, machine.

``python -m bench.report`` regenerates it from ``bench/results/*.json`` (the newest file per
corpus size). The "Profiles" section between its markers is kept as it is, so profiles
pasted there survive every regeneration.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PROFILES_START = "<!-- profiles:start -->"
PROFILES_END = "<!-- profiles:end -->"
TARGET_N = 10_000


def load_results(results: Path) -> list[dict[str, Any]]:
    """The newest result per corpus size, smallest size first."""
    newest: dict[int, dict[str, Any]] = {}
    for path in sorted(results.glob("*.json")):
        try:
            r = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        r["_file"] = path.name
        n = int(r.get("n", 0))
        if n not in newest or r.get("started", "") >= newest[n].get("started", ""):
            newest[n] = r
    return [newest[n] for n in sorted(newest)]


def _f(x: Any, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}"
    return f"{x:,.{digits}f}"


def _x(ratio: float | None) -> str:
    """A ratio with enough digits to read whatever its size."""
    if ratio is None:
        return "—"
    if ratio < 0.1:
        return f"{ratio:.3f}×"
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"


def _ratio(a: Any, b: Any) -> float | None:
    try:
        return a / b if a and b else None
    except TypeError:
        return None


def recall_rows(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name → truth and found per system (product, naive_and, naive_phrase, fts5)."""
    rows: dict[str, dict[str, Any]] = {}
    peers = r.get("peers", {}).get("recall", {})
    product = r.get("recall_product", {}).get("per_query", {})
    for name, row in peers.items():
        rows[name] = dict(row)
        if name in product:
            rows[name]["product"] = product[name]["found"]
            rows[name]["count_only"] = product[name].get("count_only", False)
            rows[name]["product_extra"] = product[name].get("extra", 0)
    return rows


def recall_totals(r: dict[str, Any], rare: bool) -> dict[str, float | None]:
    """Micro-averaged recall per system over the mix (``rare=False``) or the rare terms."""
    terms = set(r.get("rare_terms_list", []))
    rows = recall_rows(r)
    names = [n for n in rows if (n in terms) == rare]
    out: dict[str, float | None] = {}
    for system in ("product", "naive_and", "naive_phrase", "fts5"):
        truth = sum(rows[n]["truth"] for n in names if system in rows[n])
        found = sum(rows[n][system] for n in names if system in rows[n])
        out[system] = found / truth if truth else None
    return out


def targets(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(what, target, measured, met) for the issue's targets, evaluated on run ``r``."""
    ing, idx = r.get("ingest", {}), r.get("index", {})
    naive = r.get("peers", {}).get("build", {}).get("naive", {})
    http4 = r.get("http", {}).get("4", {}).get("search", {})
    sim = r.get("inprocess", {}).get("similar", {})
    mem = r.get("http", {}).get("memory_mb", {})
    every = r.get("http", {}).get("memory_all", {})
    rec_mix = recall_totals(r, rare=False)
    rec_rare = recall_totals(r, rare=True)
    total_min = (ing.get("seconds", 0) + idx.get("seconds", 0)) / 60
    speed = _ratio(idx.get("notices_per_s"), naive.get("notices_per_s"))
    product_recall = min(x for x in (rec_mix["product"], rec_rare["product"], 1.0) if x is not None)

    def le(v: Any, limit: float) -> bool | None:
        return None if v is None else v <= limit

    others = ", ".join(
        f"{label} {_f(rec_mix.get(k), 3)} / {_f(rec_rare.get(k), 3)}"
        for k, label in (("naive_and", "naive"), ("naive_phrase", "naive phrase"), ("fts5", "FTS5"))
    )
    return [
        ("Ingest + index", "≤ 10 min", f"{total_min:.1f} min", le(total_min, 10)),
        (
            "Index throughput vs naive",
            "≥ 2×",
            _x(speed),
            None if speed is None else speed >= 2,
        ),
        (
            "HTTP search p50, 4 clients",
            "≤ 30 ms",
            f"{_f(http4.get('p50'))} ms",
            le(http4.get("p50"), 30),
        ),
        (
            "HTTP search p95, 4 clients",
            "≤ 150 ms",
            f"{_f(http4.get('p95'))} ms",
            le(http4.get("p95"), 150),
        ),
        ("Similar p95 (in-process)", "≤ 50 ms", f"{_f(sim.get('p95'))} ms", le(sim.get("p95"), 50)),
        (
            "Largest server process RSS (VmHWM)",
            "≤ 400 MB",
            f"{_f(mem.get('VmHWM'))} MB",
            le(mem.get("VmHWM"), 400),
        ),
        (
            "All server processes (sum of PSS: shared pages counted once)",
            "≤ 1 GB",
            f"{_f(every.get('pss_sum'))} MB ({len(every.get('processes', {}))} processes)",
            le(every.get("pss_sum"), 1024) if every else None,
        ),
        (
            "Literal recall (mix / rare terms)",
            "1.0",
            f"{_f(rec_mix['product'], 3)} / {_f(rec_rare['product'], 3)} ({others})",
            product_recall >= 1.0,
        ),
    ]


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _sections(runs: list[dict[str, Any]]) -> list[str]:
    main = next((r for r in runs if r["n"] == TARGET_N), runs[-1])
    lines: list[str] = []
    lines += [f"## Targets ({_f(TARGET_N)} notices)", ""]
    if main["n"] != TARGET_N:
        lines += [
            f"No {_f(TARGET_N)}-notice run recorded yet: the targets below are evaluated on the "
            f"{_f(main['n'])}-notice run, so they only indicate the trend.",
            "",
        ]
    if main.get("code", {}).get("changed_during_run"):
        lines += [
            "**The product's code or data files changed during this run**: its figures mix old "
            "and new code. Run it again.",
            "",
        ]
    lines += _table(
        ["what", "target", f"measured (n = {_f(main['n'])})", "met"],
        [[a, b, c, _mark(d)] for a, b, c, d in targets(main)],
    )
    lines += ["", "## Ingest and index", ""]
    rows = []
    for r in runs:
        ing, idx, inc = r.get("ingest", {}), r.get("index", {}), r.get("incremental", {})
        rows.append(
            [
                _f(r["n"]),
                _f(r.get("corpus", {}).get("problems")),
                f"{_f(ing.get('seconds'))} s · {_f(ing.get('notices_per_s'))}/s · "
                f"{_f(ing.get('chars_per_s', 0) / 1000, 0)} k chars/s"
                + (" (reused)" if ing.get("reused") else ""),
                _f(ing.get("rejected")),
                f"{_f(idx.get('seconds'))} s · {_f(idx.get('notices_per_s'))}/s · "
                f"{_f(idx.get('chars_per_s', 0) / 1000, 0)} k chars/s",
                f"{_f(idx.get('index_mb'))} MB",
                f"{_f(ing.get('max_rss_mb'), 0)} / {_f(idx.get('max_rss_mb'), 0)} MB",
                f"{_f(inc.get('ingest_s'), 2)} + {_f(inc.get('sync_s'), 2)} s"
                + (
                    " (a full rebuild: the fingerprint changed)"
                    if inc.get("sync_mode") == "build"
                    else ""
                ),
                f"{_f(inc.get('remove_s'), 2)} + {_f(inc.get('remove_sync_s'), 2)} s",
            ]
        )
    lines += _table(
        [
            "notices",
            "problems",
            "archive ingest",
            "rejected",
            "index build (full rebuild)",
            "index size",
            "peak RSS ingest / build",
            "add 1 (ingest + sync)",
            "remove 1 (+ sync)",
        ],
        rows,
    )
    lines += ["", "Indexing throughput beside the peers (same problems, same run):", ""]
    rows = []
    for r in runs:
        b = r.get("peers", {}).get("build", {})
        idx = r.get("index", {})
        for name, label in (("naive", "naive jieba + Whoosh"), ("fts5", "FTS5 trigram")):
            if name in b:
                ratio = _ratio(idx.get("notices_per_s"), b[name].get("notices_per_s"))
                rows.append(
                    [
                        _f(r["n"]),
                        label,
                        f"{_f(b[name]['seconds'])} s",
                        _f(b[name].get("notices_per_s")),
                        _f(b[name].get("size_mb")) + " MB",
                        _x(ratio),
                    ]
                )
    lines += _table(
        ["notices", "peer", "build", "notices/s", "size", "product ÷ peer (notices/s)"], rows
    )
    lines += _latency(main)
    lines += _http(runs)
    lines += _recall(main)
    lines += _machine(runs)
    return lines


def _latency(r: dict[str, Any]) -> list[str]:
    inp = r.get("inprocess", {})
    lat = r.get("peers", {}).get("latency", {})
    lines = ["", f"## Search latency in-process (n = {_f(r['n'])}, ms)", ""]
    lines += [
        "`NoticeIndex.search` (page of 20 with the total and all facets), "
        f"{r.get('settings', {}).get('reps', '?')} repetitions after one cold call; the peers "
        "answer the literal words of the same query (naive: top 20 and the total; FTS5 and "
        "scan: every matching id). Filtered and browse queries have no peer equivalent: the peers "
        "run their words only. Ratios are of p50s (above 1×: the product is slower).",
        "",
    ]
    rows = []
    for name, q in inp.get("queries", {}).items():
        naive = lat.get("naive_and", {}).get(name, {}).get("p50")
        fts = lat.get("fts5", {}).get(name, {}).get("p50")
        scan = lat.get("scan", {}).get(name, {}).get("p50")
        rows.append(
            [
                f"`{name}`",
                q["category"],
                _f(q["total"]),
                _f(q.get("first_ms")),
                _f(q.get("p50")),
                _f(q.get("p95")),
                _f(q.get("p99")),
                _f(naive),
                _f(fts),
                _f(scan),
                _x(_ratio(q.get("p50"), naive)),
                _x(_ratio(q.get("p50"), fts)),
            ]
        )
    lines += _table(
        [
            "query",
            "kind",
            "hits",
            "cold",
            "p50",
            "p95",
            "p99",
            "naive p50",
            "FTS5 p50",
            "scan p50",
            "product ÷ naive",
            "product ÷ FTS5",
        ],
        rows,
    )
    sim = inp.get("similar", {})
    rare_p = r.get("recall_product", {}).get("rare_ms", {})
    rare = r.get("peers", {}).get("rare_latency", {})
    lines += [
        "",
        f"Similar problems (`similar`, limit 10, {_f(sim.get('n'))} random problems): "
        f"p50 {_f(sim.get('p50'))}, p95 {_f(sim.get('p95'))}, p99 {_f(sim.get('p99'))} ms.",
        "",
        f"Rare-term queries (p50 over the terms): product {_f(rare_p.get('p50'))} ms, "
        + ", ".join(f"{k} {_f(v.get('p50'))} ms" for k, v in rare.items())
        + ".",
    ]
    return lines


def _http(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["", "## Over HTTP (`python -m web`, default workers, 127.0.0.1)", ""]
    lines += [
        "Runs from 2026-12 use the server's default worker processes (2 on this machine); "
        "earlier runs one waitress process. "
        "Mixed requests: `/api/search` with the query mix, `/search` HTML pages, "
        "`/api/problems/<id>` (with similar problems). Latencies in ms.",
        "",
    ]
    rows = []
    for r in runs:
        h = r.get("http", {})
        for c in ("1", "4"):
            x = h.get(c)
            if not x:
                continue
            cells = [_f(r["n"]), c, _f(x["requests"]), _f(x["errors"]), _f(x["rps"])]
            for g in ("search", "search_api", "search_html", "problem_api"):
                s = x.get(g, {})
                cells.append(f"{_f(s.get('p50'))} / {_f(s.get('p95'))} / {_f(s.get('p99'))}")
            rows.append(cells)
    lines += _table(
        [
            "notices",
            "clients",
            "requests",
            "errors",
            "req/s",
            "search p50/p95/p99",
            "api/search",
            "/search html",
            "api/problems",
        ],
        rows,
    )
    lines += [""]
    for r in runs:
        m = r.get("http", {}).get("memory_mb", {})
        lines.append(
            f"- n = {_f(r['n'])}: largest server process after the run: "
            f"VmHWM {_f(m.get('VmHWM'))} MB, "
            f"VmRSS {_f(m.get('VmRSS'))} MB (anonymous {_f(m.get('RssAnon'))} MB, file pages "
            f"such as mmapped index segments {_f(m.get('RssFile'))} MB); ready in "
            f"{_f(r.get('http', {}).get('ready_s'))} s."
        )
    return lines


def _recall(r: dict[str, Any]) -> list[str]:
    lines = ["", f"## Recall against the linear scan (n = {_f(r['n'])})", ""]
    lines += [
        "The scan (`in` over width-folded, lower-cased problem text) is the truth. Product: "
        "`NoticeIndex.export` of the query. Recall is the share of the true matches found; "
        "(+N) counts results without a literal match (for the product: thesaurus "
        "alternatives). Naive: QueryParser AND-of-words and phrase mode. FTS5: quoted MATCH, LIKE "
        "under 3 characters.",
        "",
    ]
    rows = []
    terms = set(r.get("rare_terms_list", []))
    for name, row in recall_rows(r).items():
        if name in terms:
            continue
        t = row["truth"]

        def frac(key: str, row: dict = row, t: int = t) -> str:
            if key not in row or not t:
                return "—"
            extra = row.get(f"{key}_extra")
            return f"{row[key] / t:.3f}" + (f" (+{extra})" if extra else "")

        rows.append(
            [
                f"`{name}`",
                _f(t),
                frac("product") + (" (count)" if row.get("count_only") else ""),
                frac("naive_and"),
                frac("naive_phrase"),
                frac("fts5"),
            ]
        )
    mix, rare = recall_totals(r, False), recall_totals(r, True)
    for label, tot in (("all mix queries", mix), ("rare terms", rare)):
        rows.append(
            [f"**{label}**", "", _f(tot["product"], 3), _f(tot["naive_and"], 3)]
            + [_f(tot["naive_phrase"], 3), _f(tot["fts5"], 3)]
        )
    lines += _table(["query", "true matches", "product", "naive AND", "naive phrase", "FTS5"], rows)
    mc = r.get("manifest_check", {})
    c = r.get("corpus", {})
    lines += [
        "",
        f"{_f(c.get('rare_terms'))} invented rare terms in {_f(c.get('rare_occurrences'))} "
        f"problems; the scan finds {_f(mc.get('exact'))} of {_f(mc.get('terms'))} terms exactly "
        "in the problems the generator's manifest names.",
    ]
    return lines


def _machine(runs: list[dict[str, Any]]) -> list[str]:
    lines = ["", "## Runs and machine", ""]
    rows = []
    for r in runs:
        m = r.get("machine", {})
        v = m.get("versions", {})
        rows.append(
            [
                _f(r["n"]),
                r.get("started", "")[:16].replace("T", " "),
                m.get("commit", ""),
                f"{m.get('nproc')} ({m.get('cpus_usable')} usable)",
                m.get("cpu", ""),
                _f(m.get("memory_gb")) + " GB",
                m.get("python", ""),
                f"whoosh {v.get('whoosh-reloaded')}, jieba {v.get('jieba')}, "
                f"waitress {v.get('waitress')}, sqlite {v.get('sqlite')}",
                f"{_f(r.get('seconds'), 0)} s",
                "changed during the run"
                if r.get("code", {}).get("changed_during_run")
                else r.get("code", {}).get("start", "—"),
                f"`bench/results/{r.get('_file', '')}`",
            ]
        )
    lines += _table(
        [
            "notices",
            "started (UTC)",
            "commit",
            "nproc",
            "cpu",
            "memory",
            "python",
            "versions",
            "run",
            "code hash",
            "file",
        ],
        rows,
    )
    return lines


def load_section(results: Path) -> list[str]:
    """The newest ``python -m bench.load`` result per data folder (bench/results/load/)."""
    newest: dict[str, dict[str, Any]] = {}
    for path in sorted((results / "load").glob("*.json")):
        try:
            r = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        r["_file"] = f"load/{path.name}"
        newest[r.get("data", path.name)] = r
    if not newest:
        return []
    lines = [
        "",
        "## Load (`python -m bench.load`)",
        "",
        "A real `python -m web` (uncached) on an existing archive; clients walk a mixed list of "
        "requests: `/api/search` and `/search` with the query mix, `/api/problems/<id>` and "
        "`/notices/<id>` of real hits, `/stats` and `/search.csv` now and then. Latencies in ms.",
        "",
    ]
    rows = []
    for r in newest.values():
        lat = r.get("latency_ms", {})
        every = lat.get("all", {})
        mem = r.get("server_memory_mb", {})
        groups = ", ".join(
            f"{g} {_f(v.get('p50'))}/{_f(v.get('p99'))}"
            for g, v in lat.items()
            if g != "all" and v.get("n")
        )
        rows.append(
            [
                f"`{Path(r.get('data', '')).parent.name or r.get('data', '')}`",
                _f(r.get("clients"), 0),
                _f(r.get("seconds")),
                _f(r.get("requests"), 0),
                _f(r.get("rps")),
                _f(r.get("errors"), 0),
                f"{_f(every.get('p50'))} / {_f(every.get('p95'))} / {_f(every.get('p99'))}",
                groups,
                _f(mem.get("VmHWM")),
                f"`{r['_file']}`",
            ]
        )
    lines += _table(
        [
            "archive",
            "clients",
            "seconds",
            "requests",
            "req/s",
            "errors",
            "p50 / p95 / p99",
            "per group p50/p99",
            "server VmHWM MB",
            "file",
        ],
        rows,
    )
    return lines


def render(runs: list[dict[str, Any]], profiles: str, load: list[str] | None = None) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench.run` (see `bench/README.md`); regenerate with "
        "`python -m bench.report`. Do not edit by hand except between the profile markers "
        "below. The machine is shared and noisy: compare medians and ratios measured in the "
        "same run, not absolute numbers across runs.",
        "",
    ]
    if runs:
        lines += _sections(runs)
    else:
        lines += ["No results yet: run `python -m bench.run --n 1000`."]
    lines += load or []
    lines += [
        "",
        "## Profiles",
        "",
        PROFILES_START,
        profiles.strip("\n") or "(paste profiles here: `python -m cProfile -s cumtime …`)",
        PROFILES_END,
        "",
    ]
    return "\n".join(lines)


def _kept_profiles(md: Path) -> str:
    if not md.exists():
        return ""
    text = md.read_text(encoding="utf-8")
    a, b = text.find(PROFILES_START), text.find(PROFILES_END)
    if a < 0 or b < a:
        return ""
    return text[a + len(PROFILES_START) : b]


def write(results: Path, md: Path) -> Path:
    text = render(load_results(results), _kept_profiles(md), load_section(results))
    md.write_text(text, encoding="utf-8")
    return md


def console_summary(r: dict[str, Any]) -> str:
    lines = [f"n = {r['n']}: {r.get('seconds')} s in all"]
    for what, target, measured, ok in targets(r):
        lines.append(f"  {_mark(ok)} {what}: {measured} (target {target})")
    return "\n".join(lines)


def main() -> int:
    path = write(REPO / "bench" / "results", REPO / "BENCHMARKS.md")
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
