"""A deterministic corpus of realistic notices for the benchmark.

``python -m bench.corpus --out DIR --n 1000 --seed 1`` writes N ``.txt`` notices and
``DIR/manifest.json``. Problems and measures are recombined from the seeds and the test
notices; organisations, regions, inspectors, dates, layouts, punctuation width, encodings and
line ends vary. A controlled set of invented rare terms is injected, and the manifest says
exactly which file and problem number holds each, so recall can be checked. The same seed
gives the same bytes; notice ``i`` does not depend on N (only the rare-term placement does).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.names import CN_ORD, cn, make_org, org_texts
from bench.pool import Pool, harvest, rare_terms

GENERATOR_VERSION = 1
N_RARE = 50
RARE_SCHEDULE = (1, 2, 3, 5, 8, 13, 21, 34)
LAYOUTS = {
    "seed000": 15,
    "seed004": 20,
    "quoted": 15,
    "top": 10,
    "labelled": 10,
    "short": 10,
    "paren": 10,
    "circled": 10,
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_HALF = str.maketrans("，：；（）", ",:;()")
_RARE_MEASURE = ("，推广“{t}”工作法", "，引入{t}管理系统", "，开展{t}专项检查", "，建立{t}台账")
_RARE_TITLE = ("，{t}项目推进缓慢", "，“{t}”制度执行走样")


@dataclass
class Item:
    title: str
    measures: list[str]
    subs: list[tuple[str, list[str]]] = field(default_factory=list)
    status: str = ""
    result: str = ""


@dataclass
class Rendered:
    name: str
    data: bytes
    layout: str
    encoding: str
    problems: int
    organisation: str


# -- problems --------------------------------------------------------------------------


def _vary_numbers(text: str, rng: random.Random) -> str:
    """Change small figures so recombined measures do not repeat verbatim."""
    return re.sub(
        r"(?<![\d.])\d{1,3}(?![\d.])",
        lambda m: str(rng.randint(1, max(3, 2 * int(m.group(0))))),
        text,
    )


def _item(pool: Pool, rng: random.Random, labelled: bool) -> Item:
    p = rng.choice(pool.problems)
    title = p.title
    if rng.random() < 0.2:
        other = rng.choice(pool.problems).title
        if len(other) <= 20 and other != title:
            title = f"{title}，{other}"
    k = rng.randint(2, 3) if labelled else rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
    own = list(p.measures)
    rng.shuffle(own)
    measures = own[: max(1, k - 1)]
    while len(measures) < k:
        m = rng.choice(pool.measures)
        if m not in measures:
            measures.append(m)
    measures = [_vary_numbers(m, rng) for m in measures]
    status = rng.choice(("完成", "完成", "阶段性完成", "持续整改"))
    result = rng.choice(
        (
            f"已完成整改，建立完善制度{rng.randint(1, 9)}项。",
            f"相关工作已按计划推进，累计开展检查{rng.randint(2, 40)}次。",
            "已制定长效机制，持续跟踪落实。",
        )
    )
    return Item(title, measures, status=status, result=result)


def _with_subs(pool: Pool, rng: random.Random, item: Item) -> Item:
    subs = []
    for _ in range(rng.randint(2, 3)):
        p = rng.choice(pool.problems)
        ms = [_vary_numbers(m, rng) for m in p.measures[:3]]
        subs.append((p.title, ms))
    return Item(item.title, [], subs=subs, status=item.status, result=item.result)


def inject(item: Item, term: str, rng: random.Random) -> None:
    """Put ``term`` into the statement or one measure of ``item`` (only there)."""
    if rng.random() < 0.3 or not (item.measures or item.subs):
        item.title += rng.choice(_RARE_TITLE).format(t=term)
    elif item.measures:
        j = rng.randrange(len(item.measures))
        item.measures[j] += rng.choice(_RARE_MEASURE).format(t=term)
    else:
        title, ms = item.subs[0]
        ms[0] += rng.choice(_RARE_MEASURE).format(t=term)


# -- rendering -------------------------------------------------------------------------


def _measures(ms: list[str], rng: random.Random, style: str) -> str:
    if style == "circled":
        return "；".join(f"{CIRCLED[i]}{m}" for i, m in enumerate(ms)) + "。"
    if style == "paren":
        return "；".join(f"({i + 1}){m}" for i, m in enumerate(ms)) + "。"
    if len(ms) == 1 and rng.random() < 0.5:
        return ms[0] + "。"
    sep = "；" if rng.random() < 0.6 else "。"
    return sep.join(f"{CN_ORD[i]}是{m}" for i, m in enumerate(ms)) + "。"


def _item_lines(layout: str, k: int, it: Item, rng: random.Random) -> list[str]:
    t = it.title
    if it.subs:
        lines = [f"{k}.针对{t}问题。"]
        for title, ms in it.subs:
            lines.append(f"关于{title}问题。" + _measures(ms, rng, "cn"))
        return lines
    if layout == "seed000" or layout == "paren":
        return [f"（{k}）针对{t}问题。" + _measures(it.measures, rng, "cn")]
    if layout == "seed004":
        style = "paren" if rng.random() < 0.15 else "cn"
        return [f"{k}.针对{t}的问题。" + _measures(it.measures, rng, style)]
    if layout == "quoted":
        return [f"（{k}）关于{t}的问题。" + _measures(it.measures, rng, "cn")]
    if layout == "top":
        return [f"（{cn(k)}）针对{t}问题。" + _measures(it.measures, rng, "cn")]
    if layout == "labelled":
        return [
            f"{k}、针对“{t}”问题。",
            f"问题：{t}。",
            "整改措施：" + _measures(it.measures, rng, "circled"),
            f"整改情况：{it.result}",
            f"整改状态：{it.status}",
        ]
    if layout == "short":
        return [f"{k}.{t}。" + _measures(it.measures, rng, "cn")]
    return [f"{k}、针对“{t}”问题。" + _measures(it.measures, rng, "circled")]  # circled


def _problem_lines(
    layout: str, cats: list[tuple[str, list[Item]]], pool: Pool, rng: random.Random
) -> list[str]:
    lines: list[str] = []
    k = 0
    for ci, (cat, items) in enumerate(cats):
        if layout == "seed000":
            lines.append(f"（{cn(ci + 1)}）{cat}方面")
            chunks = [items[i : i + 3] for i in range(0, len(items), 3)]
            for si, chunk in enumerate(chunks):
                lines.append(f"{si + 1}.{rng.choice(pool.problems).title[:24]}")
                for it in chunk:
                    k += 1
                    lines.extend(_item_lines(layout, k, it, rng))
            continue
        if layout == "top":
            lines.append(f"{cn(ci + 1)}、关于“{cat}”问题的整改情况")
            for i, it in enumerate(items):
                lines.extend(_item_lines(layout, i + 1, it, rng))
            continue
        if layout == "seed004":
            lines.append(f"（{cn(ci + 1)}）关于{cat}方面问题的整改落实情况")
        elif layout == "quoted":
            lines.append(f"（{cn(ci + 1)}）在“{cat}”方面")
        elif layout in ("labelled", "circled"):
            lines.append(f"（{cn(ci + 1)}）关于{cat}方面")
        else:
            lines.append(f"（{cn(ci + 1)}）{cat}方面")
        for i, it in enumerate(items):
            if layout == "quoted" and i % 2 == 0:
                sub = rng.choice(pool.problems).title[:20]
                lines.append(f"{i // 2 + 1}．关于“{sub}”问题的整改")
            k += 1
            lines.extend(_item_lines(layout, k, it, rng))
    return lines


def _date(y: int, m: int, d: int, style: int) -> str:
    if style == 1:
        return f"{y}-{m:02d}-{d:02d}"
    if style == 2:
        return f"{y}年{m:02d}月{d:02d}日"
    if style == 3:
        digits = "〇一二三四五六七八九"
        return "".join(digits[int(c)] for c in str(y)) + f"年{cn(m)}月{cn(d)}日"
    return f"{y}年{m}月{d}日"


def problem_count(seed: int, i: int) -> int:
    """How many problems notice ``i`` has (drawn apart, so placement needs no rendering)."""
    return random.Random(f"{seed}:{i}:count").randint(8, 20)


def notice(pool: Pool, seed: int, i: int, rare: dict[int, str] | None = None) -> Rendered:
    """Notice ``i`` of the corpus for ``seed``; ``rare`` maps problem numbers to terms."""
    rng = random.Random(f"{seed}:{i}")
    layout = rng.choices(list(LAYOUTS), weights=list(LAYOUTS.values()))[0]
    org = make_org(pool, rng)
    n = problem_count(seed, i)
    n_cats = min(n, rng.randint(2, 5))
    cats = rng.sample(pool.categories, n_cats)
    items = [_item(pool, rng, layout == "labelled") for _ in range(n)]
    if layout == "seed004":
        items = [_with_subs(pool, rng, it) if rng.random() < 0.06 else it for it in items]
    place_rng = random.Random(f"{seed}:{i}:rare")
    for k, term in sorted((rare or {}).items()):
        inject(items[k - 1], term, place_rng)
    cuts = sorted(rng.sample(range(1, n), n_cats - 1))
    bounds = [0, *cuts, n]
    grouped = [(cats[j], items[bounds[j] : bounds[j + 1]]) for j in range(n_cats)]

    texts = org_texts(org, rng, n, n_cats)
    lines = list(texts.title_lines)
    if lines and rng.random() < 0.5:
        lines.append("")
    lines.append(texts.header)
    problem_lines = _problem_lines(layout, grouped, pool, rng)
    if layout == "top":
        lines.extend(problem_lines)
        lines.append(f"{cn(n_cats + 1)}、{texts.next_heading}")
    else:
        lines.append(texts.org_heading)
        lines.extend(texts.org_paragraphs)
        lines.append(texts.problem_heading)
        lines.extend(problem_lines)
        lines.append(f"三、{texts.next_heading}")
    lines.append(texts.next_paragraph)
    lines.extend(texts.closing)
    if rng.random() < 0.5:
        lines.append("")
    lines.append(texts.signature)
    y, m, d = texts.published
    lines.append(_date(y, m, d, rng.choice((0, 0, 0, 1, 2, 3))))

    width = rng.choices(("full", "half", "mixed"), weights=(55, 30, 15))[0]
    if width == "half":
        lines = [ln.translate(_HALF) for ln in lines]
    elif width == "mixed":
        lines = [ln.translate(_HALF) if rng.random() < 0.5 else ln for ln in lines]
    text = "\n".join(lines) + "\n"
    encoding = _encoding_of(i)
    if encoding.endswith("crlf"):
        text = text.replace("\n", "\r\n")
    data = text.encode("gb18030" if encoding == "gb18030" else "utf-8")
    if encoding == "utf-8-bom-crlf":
        data = b"\xef\xbb\xbf" + data
    return Rendered(f"{i:05d}_{layout}.txt", data, layout, encoding, n, org.full)


def _encoding_of(i: int) -> str:
    if i % 10 == 3:
        return "gb18030"
    if i % 20 == 7:
        return "utf-8-bom-crlf"
    if i % 20 == 11:
        return "utf-8-crlf"
    return "utf-8"


# -- the corpus ------------------------------------------------------------------------


def place_terms(seed: int, n: int, terms: list[str]) -> dict[int, dict[int, str]]:
    """Which problem of which notice holds each term: at most one term per problem; a tiny
    corpus gets only as many terms as half its problems."""
    rng = random.Random(f"{seed}:place")
    slots = [(i, k) for i in range(n) for k in range(1, problem_count(seed, i) + 1)]
    terms = terms[: max(1, len(slots) // 2)]
    wanted = [RARE_SCHEDULE[j % len(RARE_SCHEDULE)] for j in range(len(terms))]
    scale = min(1.0, max(len(terms), len(slots) // 4) / sum(wanted))
    counts = [max(1, int(w * scale)) for w in wanted]
    chosen = iter(rng.sample(slots, sum(counts)))
    out: dict[int, dict[int, str]] = {}
    for term, c in zip(terms, counts, strict=True):
        for _ in range(c):
            i, k = next(chosen)
            out.setdefault(i, {})[k] = term
    return out


def corpus_terms(pool: Pool, seed: int) -> list[str]:
    avoid = pool.text + Path(__file__).read_text(encoding="utf-8")
    avoid += (Path(__file__).parent / "names.py").read_text(encoding="utf-8")
    return rare_terms(N_RARE, random.Random(f"{seed}:terms"), avoid)


def generate(out: Path, n: int, seed: int = 1, progress: bool = False) -> dict:
    """Write notices 0..n-1 and ``manifest.json`` into ``out``; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    pool = harvest()
    terms = corpus_terms(pool, seed)
    placement = place_terms(seed, n, terms)
    files = []
    occurrences: dict[str, list[dict]] = {}
    t0 = time.perf_counter()
    for i in range(n):
        r = notice(pool, seed, i, placement.get(i))
        (out / r.name).write_bytes(r.data)
        files.append(
            {
                "file": r.name,
                "problems": r.problems,
                "layout": r.layout,
                "encoding": r.encoding,
                "organisation": r.organisation,
                "bytes": len(r.data),
            }
        )
        for k, term in sorted(placement.get(i, {}).items()):
            occurrences.setdefault(term, []).append({"file": r.name, "problem": k})
        if progress and (i + 1) % 500 == 0:
            print(f"  生成 {i + 1}/{n} 份（{time.perf_counter() - t0:.0f} 秒）", file=sys.stderr)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "n": n,
        "problems": sum(f["problems"] for f in files),
        "rare_terms": [
            {"term": t, "occurrences": occurrences[t]} for t in terms if t in occurrences
        ],
        "files": files,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def extra_notice(out: Path, n: int, seed: int = 1) -> Path:
    """Notice number ``n`` (one past the corpus, no rare terms): the incremental add."""
    out.mkdir(parents=True, exist_ok=True)
    r = notice(harvest(), seed, n)
    path = out / r.name
    path.write_bytes(r.data)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__)
    ap.add_argument("--out", type=Path, required=True, help="folder to write into")
    ap.add_argument("--n", type=int, default=1000, help="number of notices (default 1000)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    m = generate(args.out, args.n, args.seed, progress=True)
    print(
        f"{args.n} 份通报、{m['problems']} 个问题、{len(m['rare_terms'])} 个罕见词"
        f" → {args.out}（{time.perf_counter() - t0:.1f} 秒）"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
