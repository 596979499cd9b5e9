"""Region inference from names, addresses and phone area codes, and the gazetteer data."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.model import Region
from archive.region import (
    GAZETTEER_PATH,
    area_code,
    expand_abbreviation,
    infer_region,
    load_gazetteer,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

AH_HB = Region("安徽省", "淮北市", None)
GD_SZ_LH = Region("广东省", "深圳市", "罗湖区")
EMPTY = Region()


def test_seed_000_huaibei_red_cross() -> None:
    text = (SEEDS / "000_15f829d25a69815d.txt").read_text(encoding="utf-8")
    region = infer_region(
        names=["淮北市红十字会"],
        addresses=["淮北市人民路238号粮食大厦11楼"],
        phones=["0561—3119587"],
        text=text,
    )
    assert region == AH_HB


def test_seed_004_luohu_disabled_persons_federation() -> None:
    text = (SEEDS / "004_b1ce438446146357.txt").read_text(encoding="utf-8")
    region = infer_region(
        names=["中共深圳市罗湖区残疾人联合会党组"],
        addresses=["深圳市罗湖区沿河北路2021号统建楼六楼"],
        phones=["0755-22185606"],
        text=text,
    )
    assert region == GD_SZ_LH


def test_seed_000_body_mentions_of_a_county_do_not_deepen_the_city() -> None:
    # The body says 濉溪县红十字会已建立了党组; the unit is the city's red cross.
    text = (SEEDS / "000_15f829d25a69815d.txt").read_text(encoding="utf-8")
    assert "濉溪县" in text
    assert infer_region(names=["淮北市红十字会"], text=text) == AH_HB


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # short and full forms
        (["淮北市红十字会"], AH_HB),
        (["淮北"], AH_HB),
        (["安徽省淮北市"], AH_HB),
        (["淮北师范大学"], AH_HB),
        (["国家税务总局淮北市税务局"], AH_HB),
        (["淮北市驻合肥办事处"], AH_HB),  # the first place is the owner
        (["中共濉溪县委"], Region("安徽省", "淮北市", "濉溪县")),
        (["罗湖区"], GD_SZ_LH),
        (["深圳市罗湖区"], GD_SZ_LH),
        (["中共深圳市罗湖区委第三巡察组"], GD_SZ_LH),
        (["安徽省红十字会"], Region("安徽省", None, None)),
        (["安徽"], Region("安徽省", None, None)),
        # municipalities
        (["北京市红十字会"], Region("北京市", "北京市", None)),
        (["北京大学"], Region("北京市", "北京市", None)),
        (["上海市浦东新区财政局"], Region("上海市", "上海市", "浦东新区")),
        (["天津市滨海新区"], Region("天津市", "天津市", "滨海新区")),
        (["重庆市渝中区"], Region("重庆市", "重庆市", "渝中区")),
        (["重庆市石柱土家族自治县委"], Region("重庆市", "重庆市", "石柱土家族自治县")),
        (["石柱县委"], Region("重庆市", "重庆市", "石柱土家族自治县")),
        # autonomous regions and prefectures
        (["广西壮族自治区审计厅"], Region("广西壮族自治区", None, None)),
        (["广西南宁市"], Region("广西壮族自治区", "南宁市", None)),
        (["内蒙古自治区林业和草原局"], Region("内蒙古自治区", None, None)),
        (["宁夏"], Region("宁夏回族自治区", None, None)),
        (["新疆生产建设兵团"], Region("新疆维吾尔自治区", None, None)),
        (["西藏自治区拉萨市城关区"], Region("西藏自治区", "拉萨市", "城关区")),
        (["延边州委"], Region("吉林省", "延边朝鲜族自治州", None)),
        (["黔南布依族苗族自治州"], Region("贵州省", "黔南布依族苗族自治州", None)),
        (["海南州纪委"], Region("青海省", "海南藏族自治州", None)),
        (["海南大学"], Region("海南省", None, None)),
        (["兴安盟"], Region("内蒙古自治区", "兴安盟", None)),
        (["大兴安岭地区"], Region("黑龙江省", "大兴安岭地区", None)),
        # county-level cities
        (["义乌市审计局"], Region("浙江省", "金华市", "义乌市")),
        (["浙江省义乌市"], Region("浙江省", "金华市", "义乌市")),
        (["昆山市"], Region("江苏省", "苏州市", "昆山市")),
        (["大理市"], Region("云南省", "大理白族自治州", "大理市")),
        (["大理州"], Region("云南省", "大理白族自治州", None)),
        # county-level places administered by the province
        (["仙桃市财政局"], Region("湖北省", None, "仙桃市")),
        (["神农架林区"], Region("湖北省", None, "神农架林区")),
        (["济源市"], Region("河南省", None, "济源市")),
        # same name at two levels
        (["吉林市财政局"], Region("吉林省", "吉林市", None)),
        (["吉林省吉林市"], Region("吉林省", "吉林市", None)),
        (["吉林大学"], Region("吉林省", None, None)),
        (["朝阳市"], Region("辽宁省", "朝阳市", None)),
        # two-character names only where they stand alone
        (["中共萧县县委"], Region("安徽省", "宿州市", "萧县")),
        (["中共和县县委"], Region("安徽省", "马鞍山市", "和县")),
        (["阳泉市城区人民政府"], Region("山西省", "阳泉市", "城区")),
        (["市委和县委"], EMPTY),
        (["主城区管理处"], EMPTY),
        # 中山 is Sun Yat-sen more often than the city
        (["中山大学"], EMPTY),
        (["中山市纪委"], Region("广东省", "中山市", None)),
        # development zones kept as districts
        (["苏州工业园区纪工委"], Region("江苏省", "苏州市", "苏州工业园区")),
    ],
)
def test_names(names: list[str], expected: Region) -> None:
    assert infer_region(names=names) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # ambiguous district names stay open without a disambiguator …
        ({"names": ["朝阳区民政局"]}, EMPTY),
        ({"names": ["鼓楼区委"]}, EMPTY),
        ({"names": ["城关区委"]}, EMPTY),
        ({"names": ["新华区审计局"]}, EMPTY),
        ({"names": ["江苏省鼓楼区"]}, Region("江苏省", None, None)),  # 南京 and 徐州
        # … and resolve with a city, a province or a phone code
        ({"names": ["北京市朝阳区"]}, Region("北京市", "北京市", "朝阳区")),
        ({"names": ["长春市朝阳区"]}, Region("吉林省", "长春市", "朝阳区")),
        (
            {"names": ["朝阳区民政局"], "phones": ["010-12345678"]},
            Region("北京市", "北京市", "朝阳区"),
        ),
        (
            {"names": ["朝阳区民政局"], "phones": ["0431-1234567"]},
            Region("吉林省", "长春市", "朝阳区"),
        ),
        ({"names": ["江苏省南京市鼓楼区"]}, Region("江苏省", "南京市", "鼓楼区")),
        (
            {"names": ["鼓楼区委"], "phones": ["0591-87654321"]},
            Region("福建省", "福州市", "鼓楼区"),
        ),
        ({"names": ["城关区委"], "phones": ["0931-8888888"]}, Region("甘肃省", "兰州市", "城关区")),
        (
            {"names": ["城关区委"], "phones": ["0891-6666666"]},
            Region("西藏自治区", "拉萨市", "城关区"),
        ),
        (
            {"names": ["新华区审计局"], "addresses": ["石家庄市新华区中华北大街1号"]},
            Region("河北省", "石家庄市", "新华区"),
        ),
        ({"names": ["白云区"], "phones": ["020-1"]}, Region("广东省", "广州市", "白云区")),
        ({"names": ["白云区"], "phones": ["0851-1"]}, Region("贵州省", "贵阳市", "白云区")),
        # the body breaks a tie between rival readings
        (
            {"names": ["鼓楼区委"], "text": "福州市委部署……福州市"},
            Region("福建省", "福州市", "鼓楼区"),
        ),
    ],
)
def test_ambiguous_districts(kwargs: dict, expected: Region) -> None:
    assert infer_region(**kwargs) == expected


@pytest.mark.parametrize(
    ("phones", "expected"),
    [
        (["0561—3119587"], AH_HB),
        (["0755-22185606"], Region("广东省", "深圳市", None)),
        (["(0551)62999999"], Region("安徽省", "合肥市", None)),
        (["（0551）62999999"], Region("安徽省", "合肥市", None)),
        (["０５６１－３１１９５８７"], AH_HB),
        (["05613119587"], AH_HB),
        (["010-65197114"], Region("北京市", "北京市", None)),
        (["+86 10 6519 7114"], Region("北京市", "北京市", None)),
        (["+86-755-22185606"], Region("广东省", "深圳市", None)),
        (["021-12345678"], Region("上海市", "上海市", None)),
        (["0991-1234567"], Region("新疆维吾尔自治区", "乌鲁木齐市", None)),
        (["0431-1234567"], Region("吉林省", "长春市", None)),
        (["0555-1234567"], Region("安徽省", "马鞍山市", None)),
        (["0457-1234567"], Region("黑龙江省", "大兴安岭地区", None)),
        # codes shared by several cities give the province only
        (["029-88888888"], Region("陕西省", None, None)),
        (["024-12345678"], Region("辽宁省", None, None)),
        (["0898-66666666"], Region("海南省", None, None)),
        (["0728-3333333"], Region("湖北省", None, None)),
        # mobile, service and unknown numbers give nothing
        (["13812345678"], EMPTY),
        (["12345"], EMPTY),
        (["400-800-1234"], EMPTY),
        (["0000-1234567"], EMPTY),
        # the first known code wins
        (["电话:0561—3119587;传真:0755-22185606"], AH_HB),
    ],
)
def test_phone_only(phones: list[str], expected: Region) -> None:
    assert infer_region(phones=phones) == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("0561—3119587", "0561"),
        ("0755-22185606", "0755"),
        ("(0551)62999999", "0551"),
        ("010 65197114", "010"),
        ("+86 10 65197114", "010"),
        ("0086-551-62999999", "0551"),
        ("13805612345", None),
        ("2021-03-31", None),
        ("", None),
    ],
)
def test_area_code(phone: str, expected: str | None) -> None:
    assert area_code(phone) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # the name wins over a phone, an address or the body
        ({"names": ["淮北市红十字会"], "phones": ["0755-22185606"]}, AH_HB),
        ({"names": ["淮北市红十字会"], "addresses": ["深圳市罗湖区沿河北路2021号"]}, AH_HB),
        ({"names": ["淮北市红十字会"], "text": "深圳市深圳市深圳市广东省"}, AH_HB),
        # an address beats a phone
        (
            {"addresses": ["合肥市蜀山区长江西路1号"], "phones": ["0561-3119587"]},
            Region("安徽省", "合肥市", "蜀山区"),
        ),
        # a city-level name is not made district-level by its street address …
        (
            {"names": ["深圳市残联"], "addresses": ["深圳市罗湖区沿河北路2021号"]},
            Region("广东省", "深圳市", None),
        ),
        # … nor a province-level name city-level by its phone
        ({"names": ["安徽省红十字会"], "phones": ["0551-62999999"]}, Region("安徽省", None, None)),
        # a placeless name: the address gives the place, the name's level caps it
        ({"names": ["市红十字会"], "addresses": ["安徽省淮北市相山区人民路1号"]}, AH_HB),
        (
            {"names": ["区残联党组"], "addresses": ["深圳市罗湖区沿河北路2021号统建楼六楼"]},
            GD_SZ_LH,
        ),
        (
            {"names": ["省民政厅"], "addresses": ["合肥市包河区中山路1号"]},
            Region("安徽省", None, None),
        ),
        (
            {"names": ["市审计局"], "addresses": ["浙江省义乌市稠州北路1号"]},
            Region("浙江省", "金华市", "义乌市"),
        ),
        # addresses do not read short forms: 北京路 in 广州 is a street
        ({"addresses": ["广州市越秀区北京路1号"]}, Region("广东省", "广州市", "越秀区")),
        ({"addresses": ["北京路1号"]}, EMPTY),
    ],
)
def test_conflicting_evidence(kwargs: dict, expected: Region) -> None:
    assert infer_region(**kwargs) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("根据安徽省委统一部署……淮北市……淮北市", AH_HB),
        ("全省上下……安徽省", Region("安徽省", None, None)),
        ("合肥市与淮北市", Region("安徽省", None, None)),
        ("深圳市与淮北市", EMPTY),
        # short forms and county names in the body are ignored
        ("建设现代化美好淮北,考察安徽重要讲话", EMPTY),
        ("濉溪县红十字会已建立了党组", EMPTY),
        ("沿海城市", EMPTY),
    ],
)
def test_body_text_as_last_resort(text: str, expected: Region) -> None:
    assert infer_region(names=["我局"], text=text) == expected


@pytest.mark.parametrize(
    "names",
    [
        ["中华人民共和国商务部"],
        ["国家统计局"],
        ["中共中央宣传部"],
        ["中央纪委国家监委驻商务部纪检监察组"],
        ["国务院国有资产监督管理委员会"],
        ["最高人民法院"],
        ["商务部党组"],
        ["海关总署"],
    ],
)
def test_central_units_have_no_region(names: list[str]) -> None:
    region = infer_region(
        names=names,
        addresses=["北京市东城区东长安街2号"],
        phones=["010-65197114"],
        text="北京市",
    )
    assert region == EMPTY


def test_local_branch_of_a_central_body_has_its_place() -> None:
    assert infer_region(names=["中国人民银行淮北市中心支行"]) == AH_HB


def test_local_department_is_not_central() -> None:
    assert infer_region(names=["组织部"], phones=["0561-3119587"]) == AH_HB


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"names": [], "addresses": [], "phones": [], "text": ""},
        {"names": [""], "addresses": ["  "], "phones": [""], "text": "\n"},
        {"names": ["我局"], "text": "现将巡察整改情况予以公布。"},
    ],
)
def test_empty_input(kwargs: dict) -> None:
    assert infer_region(**kwargs) == EMPTY


@pytest.mark.parametrize(
    "kwargs",
    [
        {"names": [None, 5, b"\xe6\xb7\xae"], "phones": [None], "text": None},
        {"names": "淮北市红十字会"},
        {"names": 42, "addresses": 3.5, "phones": object(), "text": 7},
        {"names": ["\x00\ufffd\U0001f600"], "phones": ["0" * 500], "text": "市" * 5000},
        {"phones": ["+86", "()", "—", "0"]},
    ],
)
def test_garbage_input_never_raises(kwargs: dict) -> None:
    assert isinstance(infer_region(**kwargs), Region)


def test_single_string_is_taken_as_one_name() -> None:
    assert infer_region(names="淮北市红十字会") == AH_HB  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(st.text(max_size=30), max_size=3),
    addresses=st.lists(st.text(max_size=30), max_size=2),
    phones=st.lists(st.text(alphabet="0123456789-—()+ 86", max_size=20), max_size=2),
    text=st.text(max_size=200),
)
def test_random_input_never_raises(
    names: list[str], addresses: list[str], phones: list[str], text: str
) -> None:
    region = infer_region(names=names, addresses=addresses, phones=phones, text=text)
    assert isinstance(region, Region)
    if region.district:
        assert region.province
    if region.city:
        assert region.province


@pytest.mark.parametrize(
    ("name", "region", "expected"),
    [
        ("市红十字会", AH_HB, "淮北市红十字会"),
        ("区残联", GD_SZ_LH, "深圳市罗湖区残联"),
        ("中共区残联党组", GD_SZ_LH, "中共深圳市罗湖区残联党组"),
        ("区委第三巡察组", GD_SZ_LH, "深圳市罗湖区委第三巡察组"),
        ("县委办", Region("安徽省", "淮北市", "濉溪县"), "濉溪县委办"),
        ("旗委", Region("内蒙古自治区", "呼伦贝尔市", "陈巴尔虎旗"), "陈巴尔虎旗委"),
        ("省财政厅", Region("安徽省", None, None), "安徽省财政厅"),
        ("自治区审计厅", Region("广西壮族自治区", None, None), "广西壮族自治区审计厅"),
        ("市委", Region("北京市", "北京市", None), "北京市委"),
        ("区委", Region("北京市", "北京市", "朝阳区"), "北京市朝阳区委"),
        ("市红十字会", Region("浙江省", "金华市", "义乌市"), "义乌市红十字会"),
        ("州委", Region("吉林省", "延边朝鲜族自治州", None), "延边朝鲜族自治州委"),
        # unchanged: already placed, no level marker, level not reached, a word
        ("县委", Region("吉林省", "长春市", "朝阳区"), "县委"),
        ("淮北市红十字会", AH_HB, "淮北市红十字会"),
        ("深圳市罗湖区残疾人联合会", GD_SZ_LH, "深圳市罗湖区残疾人联合会"),
        ("我局", AH_HB, "我局"),
        ("红十字会", AH_HB, "红十字会"),
        ("区委", AH_HB, "区委"),
        ("县委办", EMPTY, "县委办"),
        ("市场监管局", AH_HB, "市场监管局"),
        ("市", AH_HB, "市"),
        ("", AH_HB, ""),
    ],
)
def test_expand_abbreviation(name: str, region: Region, expected: str) -> None:
    assert expand_abbreviation(name, region) == expected


# --- the data file --------------------------------------------------------------------

COLUMNS = ["level", "province", "city", "name", "aliases", "area_codes"]


def _rows(path: Path = GAZETTEER_PATH) -> list[dict[str, str]]:
    lines = [
        ln.rstrip("\n")
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    header = lines[0].split("\t")
    assert header == COLUMNS
    rows = []
    for ln in lines[1:]:
        cells = ln.split("\t")
        assert len(cells) == len(header), ln
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def test_data_header_names_source_and_licence() -> None:
    comments = [
        ln for ln in GAZETTEER_PATH.read_text(encoding="utf-8").splitlines() if ln.startswith("#")
    ]
    joined = "\n".join(comments)
    assert "cpca" in joined and "MIT" in joined and "Apache" in joined


def test_data_levels_are_known() -> None:
    assert {r["level"] for r in _rows()} == {"省级", "地级", "县级"}


def test_data_no_duplicate_rows() -> None:
    keys = Counter((r["province"], r["city"], r["name"]) for r in _rows())
    assert [k for k, c in keys.items() if c > 1] == []


def test_data_every_city_has_a_province_and_every_district_a_known_parent() -> None:
    rows = _rows()
    provinces = {r["name"] for r in rows if r["level"] == "省级"}
    cities = {(r["province"], r["name"]) for r in rows if r["level"] == "地级"}
    for r in rows:
        if r["level"] == "省级":
            assert r["province"] == r["name"] and not r["city"]
        elif r["level"] == "地级":
            assert r["province"] in provinces, r
            assert r["city"] == r["name"], r
        else:
            assert r["province"] in provinces, r
            assert not r["city"] or (r["province"], r["city"]) in cities, r


def test_data_every_city_has_area_codes_of_three_or_four_digits() -> None:
    rows = _rows()
    pattern = re.compile(r"0\d{2,3}")
    for r in rows:
        codes = [c for c in r["area_codes"].split(",") if c]
        for code in codes:
            assert pattern.fullmatch(code), r
        if r["level"] == "地级":
            assert codes, r
        if r["level"] == "省级":
            assert not codes, r


def test_data_covers_the_country() -> None:
    rows = _rows()
    provinces = {r["name"] for r in rows if r["level"] == "省级"}
    assert len(provinces) == 34
    assert {"安徽省", "广东省", "北京市", "广西壮族自治区", "香港特别行政区", "台湾省"} <= provinces
    cities = [r for r in rows if r["level"] == "地级"]
    assert len(cities) >= 333
    assert len([r for r in rows if r["level"] == "县级"]) >= 2800
    by_name = {(r["province"], r["name"]): r for r in rows}
    assert by_name[("安徽省", "淮北市")]["area_codes"].split(",")[0] == "0561"
    assert by_name[("广东省", "深圳市")]["area_codes"].split(",")[0] == "0755"
    assert by_name[("北京市", "北京市")]["area_codes"] == "010"
    huaibei = {r["name"] for r in rows if r["city"] == "淮北市" and r["level"] == "县级"}
    assert huaibei == {"杜集区", "相山区", "烈山区", "濉溪县"}


def test_data_aliases_never_shadow_a_full_name() -> None:
    rows = _rows()
    full = {r["name"] for r in rows}
    aliases = [a for r in rows for a in r["aliases"].split(",") if a]
    assert [a for a in aliases if a in full] == []
    assert len(aliases) == len(set(aliases))


def test_loader_reads_an_edited_file(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.tsv"
    path.write_text(
        "# a comment\n"
        "name\tlevel\tprovince\tcity\tarea_codes\taliases\n"
        "# another comment\n"
        "安徽省\t省级\t安徽省\t\t\t安徽\n"
        "\n"
        "淮北市\t地级\t安徽省\t淮北市\t0561\t淮北\n"
        "濉溪县\t县级\t安徽省\t淮北市\t\t\n"
        "坏行\t未知\t安徽省\t\t\t\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer(path)
    assert [(p.level, p.name) for p in gaz.places] == [(0, "安徽省"), (1, "淮北市"), (2, "濉溪县")]
    assert [p.name for p in gaz.by_area_code["0561"]] == ["淮北市"]
    assert gaz.places[2].path == ("安徽省", "淮北市", "濉溪县")
    assert {term for entries in gaz.index.values() for term, _, _ in entries} == {
        "安徽省",
        "安徽",
        "淮北市",
        "淮北",
        "濉溪县",
    }
