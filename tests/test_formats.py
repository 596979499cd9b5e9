"""One notice, every format: same text after loading, same record after parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive.loaders import load_path
from archive.normalize import canonical
from tests.variants import FORMAT, VARIANT_KINDS, as_paragraphs, write_variant

REPO_ROOT = Path(__file__).parents[1]
SEEDS = sorted((REPO_ROOT / "seeds").glob("*.txt"))

# A short notice written for these tests: mixed full- and half-width marks,
# an e-mail address, a phone number with an em dash, a signature and a date.
OWN = """中共某某县档案馆支部委员会关于巡察整改情况的通报
根据县委统一部署，2023年3月6日至4月20日，县委第二巡察组对县档案馆党支部开展了常规巡察。5月12日，巡察组向县档案馆党支部反馈了巡察意见。按照党务公开原则和巡察工作有关要求，现将巡察整改情况予以公布。
一、整改工作组织情况
党支部召开专题会议研究部署整改工作，成立由支部书记任组长的整改工作领导小组，制定整改方案，列出问题清单、任务清单和责任清单，逐项明确整改时限。
二、反馈问题整改落实情况
（一）关于落实全面从严治党主体责任方面
1.针对支部书记“第一责任人”职责履行不到位问题。一是修订完善党支部议事规则，明确重大事项集体研究决定；二是支部书记每季度听取一次班子成员落实“一岗双责”情况汇报。
2.针对档案库房安全管理不规范问题。一是更换库房门禁和温湿度监测设备；二是建立库房出入登记制度，每月开展一次安全检查。
（二）关于执行财经纪律方面
3.针对公务接待报销凭证不全问题。对2021年以来的接待费用逐笔复核，补齐公函和接待清单，修订《公务接待管理办法》。
三、下一步工作打算
党支部将持续巩固整改成果，对已完成事项适时开展“回头看”，对需要长期坚持的事项建立长效机制，防止问题反弹。
欢迎广大干部群众对巡察整改落实情况进行监督。联系电话：0557—6012345；电子邮箱：dagxuncha@example.cn。
中共某某县档案馆支部委员会
2023年8月18日
"""

SOURCES = {seed.stem[:3]: seed.read_text(encoding="utf-8") for seed in SEEDS}
SOURCES["own"] = OWN
# The format names a warning may mention when it is about the format itself.
FORMAT_WORDS = ("txt", "html", "htm", "docx", "pdf", "网页", "编码", "换行", "分页", "页码")

CASES = [(src, kind) for src in SOURCES for kind in VARIANT_KINDS]


def test_both_seeds_present() -> None:
    assert len(SEEDS) == 2


@pytest.mark.parametrize(("src", "kind"), CASES, ids=[f"{s}-{k}" for s, k in CASES])
def test_variant_loads_to_same_canonical_text(tmp_path: Path, src: str, kind: str) -> None:
    paragraphs = as_paragraphs(SOURCES[src])
    path = write_variant(kind, paragraphs, tmp_path)
    loaded = load_path(path)
    assert loaded.format == FORMAT[kind]
    assert canonical(loaded.text) == canonical("".join(paragraphs))


def _comparable(notice: Any) -> dict[str, Any]:
    d = notice.to_dict()
    d.pop("source", None)
    d["warnings"] = [
        w for w in d.get("warnings") or [] if not any(f in w.lower() for f in FORMAT_WORDS)
    ]
    return d


@pytest.mark.parametrize("src", list(SOURCES))
def test_every_variant_parses_to_the_same_notice(tmp_path: Path, src: str) -> None:
    """parse_file on each copy equals parsing the source text with that copy's metadata.

    Copies without metadata (txt, docx, pdf) must therefore all give the same
    record; web pages may add title/publisher/date from their disclosure block.
    """
    import archive
    from archive.parser import parse_text

    paragraphs = as_paragraphs(SOURCES[src])
    plain = _comparable(parse_text("\n".join(paragraphs), source="source.txt"))
    assert plain["problems"], "the source itself should parse to problems"
    for kind in VARIANT_KINDS:
        path = write_variant(kind, paragraphs, tmp_path)
        meta = load_path(path).meta
        expected = (
            _comparable(parse_text("\n".join(paragraphs), source="source.txt", meta=meta))
            if meta
            else plain
        )
        assert _comparable(archive.parse_file(path)) == expected, kind
