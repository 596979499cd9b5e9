"""The archive the web test modules share (``tests/conftest.py`` builds one per module):
the seeds, the sample notices, two hostile notices and a town whose name a village's name
contains; and ``Truth``, what that archive holds read straight from the store, so tests
expect what the notices say, never what the app answers.
"""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path

from archive.model import Notice, Problem
from archive.store import Archive

REPO = Path(__file__).resolve().parents[1]
SEED_000 = REPO / "seeds" / "000_15f829d25a69815d.txt"
SOURCES = sorted((REPO / "seeds").glob("*.txt")) + sorted(
    (REPO / "tests" / "data" / "notices").glob("*.txt")
)
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# A signature line is at most 40 characters, so each hostile notice carries one payload in
# its organisation and both in a problem title and in measures.
HOSTILE = {
    "xss_script.txt": f"淮北市{SCRIPT}协会",
    "xss_img.html": f"淮北市{IMG}协会",
}
# A town whose name is contained in the name of one of its villages (sample h): choosing
# the town must not bring in the village.
TOWN = (
    "town.txt",
    """中共岳西县温泉镇委员会关于县委巡察反馈意见整改情况的通报
根据县委统一部署,2023年3月6日至4月28日,县委第二巡察组对温泉镇党委开展了常规巡察。\
5月19日,县委第二巡察组向温泉镇党委反馈了巡察意见。现将整改情况予以公布。
一、整改工作开展情况
镇党委成立巡察整改工作领导小组,制定整改方案,逐项明确责任人和完成时限。
二、巡察反馈问题整改情况
(一)村级监管方面
1.针对指导村务公开不到位问题。一是制定全镇村务公开指导目录;二是每季度抽查各村公开栏。
2.针对村干部违规领取误工补贴问题。一是对各村2020年以来发放的误工补贴开展专项清理;\
二是制定村干部误工补贴发放办法。
(二)机关作风方面
3.针对公务接待审批不严问题。一是严格执行公务接待审批单、公函和接待清单制度;\
二是每季度公示公务接待费用。
三、下一步工作打算
镇党委将持续巩固整改成果。
联系电话:0556-8720000。
中共岳西县温泉镇委员会
2023年9月1日
""",
)
OWN_NOTICES = len(HOSTILE) + 1


def hostile_text(signature: str, day: int) -> str:
    """A small notice in the seed layout whose organisation, title and measures carry HTML."""
    return f"""根据市委统一部署,2022年3月1日至4月1日,市委第九巡察组对市网络协会开展了巡察。\
2022年5月6日,市委第九巡察组向市网络协会反馈了巡察意见。现将巡察整改情况予以公布。
一、巡察整改工作开展情况
(一)加强领导。成立巡察整改工作领导小组,明确专人负责日常整改工作。
二、巡察反馈问题整改情况
(一)网站管理方面
(1)针对网站栏目{SCRIPT}{IMG}公务接待信息公开不及时问题。一是删除{SCRIPT}{IMG}等非法内容;\
二是建立网站内容三审制度。
(2)针对公务用车管理不严问题。一是建立公务用车使用登记制度;二是每月核查用车记录;\
三是清理{IMG}{SCRIPT}插件。
三、下一步工作打算
持续巩固整改成果。
联系电话:0561—311000{day}。
{signature}
2022年8月{day}日
"""


def build_archive(root: Path) -> Path:
    """Ingest every source, the hostile notices (one .txt, one HTML page) and the town."""
    src = root / "hostile"
    src.mkdir(parents=True)
    files = list(SOURCES)
    for day, (name, signature) in enumerate(HOSTILE.items(), start=1):
        text = hostile_text(signature, day)
        path = src / name
        if name.endswith(".html"):
            paras = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.strip().split("\n"))
            path.write_text(
                '<!doctype html><html><head><meta charset="utf-8">'
                "<title>淮北市协会关于巡察整改情况的通报</title>"
                f'{SCRIPT}</head><body><div class="article">\n{paras}\n</div></body></html>\n',
                encoding="utf-8",
            )
        else:
            path.write_text(text, encoding="utf-8")
        files.append(path)
    town = src / TOWN[0]
    town.write_text(TOWN[1], encoding="utf-8")
    files.append(town)
    data = root / "data"
    with Archive(data) as a:
        for f in files:
            assert a.ingest_path(f).status == "added", f
    return data


def literal(text: str) -> str:
    """'Literally contains' as users expect it: letters, digits and CJK, width-folded."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if c.isalnum())


def notice_year(n: Notice) -> int | None:
    for value in (n.feedback_date, n.inspection_end, n.published_date):
        if value:
            return int(value[:4])
    return None


class Truth:
    """What the archive holds, read straight from the store."""

    def __init__(self, data: Path) -> None:
        with Archive(data) as a:
            stored = list(a.iter_notices())
        self.notices: dict[str, Notice] = {s.id: s.notice for s in stored}
        self.sources: dict[str, str] = {s.id: s.source for s in stored}
        self.problems: dict[str, tuple[str, Problem]] = {
            f"{s.id}-{p.n}": (s.id, p) for s in stored for p in s.notice.problems
        }

    def containing(self, *terms: str) -> set[str]:
        needles = [literal(t) for t in terms]
        return {
            pid
            for pid, (_, p) in self.problems.items()
            if any(n in literal(p.text) for n in needles)
        }

    def org_of(self, problem_id: str) -> str:
        return self.notices[self.problems[problem_id][0]].organisation or ""
