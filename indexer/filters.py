"""The filter vocabulary: one declarative table read by every layer.

A filter (org, region, year, type, inspector, inspection) is written once here: its URL
parameter and query-language name, its Chinese label, its Chinese and English aliases in the
query language (``年份:2021`` is ``year:2021``), the index fields its values are matched
against and how, the facets that set it, and its limits. The query parser
(``indexer.querying``), the compiler (``indexer.compiling.filter_query``), the facet counts
(``indexer.schema.FACETS``), the web parameters (``web.params``), the labels and facet links
(``web.data``) and the templates all read this table, so adding or renaming a filter is one
edit. The module imports nothing of the project: every layer may import it.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a value selects documents (``indexer.compiling.filter_query`` implements each):
#   unit      - the organisation exactly, or its name containing the value literally; a URL
#               parameter naming a known unit matches only that unit (某镇 is not 某镇某村)
#   place     - a province, city or district exactly, or the region containing the value
#   year      - a year or a range of years (2021, 2020-2022, 2020至2022年)
#   type      - a problem type by code or label; an area (by code or label) selects every
#               type in it; else every type a part of whose label or trigger terms it is
#               (``taxonomy.find_types``)
#   inspector - an inspecting level (中央/省委/市委/区委/县委/其他) exactly, else the
#               inspecting group's name containing the value literally
#   exact     - the stored value exactly
#   text      - the field containing the value literally (its bigrams as a phrase)
MATCHES = ("unit", "place", "year", "type", "inspector", "exact", "text")
# The inspecting levels a notice is counted under (``indexer.documents.inspector_level``);
# an ``inspector`` value spelling one of them matches the level exactly.
INSPECTOR_LEVELS = ("中央", "省委", "市委", "区委", "县委", "其他")


@dataclass(frozen=True)
class Facet:
    """A column of value counts on the search page; choosing a value sets its filter."""

    field: str  # index field counted (a stored, sortable or comma-keyword field)
    label: str  # heading on the search page
    position: int  # order on the search page, smallest first
    shown: int = 30  # values listed on the search page (the JSON carries the same)
    multi: bool = False  # a comma-separated keyword field: a document counts for each value


@dataclass(frozen=True)
class Filter:
    """One filter: how users spell it, what it matches, which facets set it."""

    name: str  # URL parameter and query-language field name
    label: str  # Chinese label of an active filter (the chip "年份：2021")
    aliases: tuple[str, ...]  # further query-language names (年份:2021, organisation:…)
    match: str  # one of MATCHES
    fields: tuple[str, ...]  # index fields the match reads
    facets: tuple[Facet, ...] = ()
    max_length: int = 200  # characters accepted in a URL parameter (longer: a 400)
    examples: tuple[str, ...] = ()  # values shown in the search syntax hints

    def __post_init__(self) -> None:
        if self.match not in MATCHES:
            raise ValueError(f"filter {self.name}: unknown match {self.match!r}")


FILTERS: tuple[Filter, ...] = (
    Filter(
        name="org",
        label="单位",
        aliases=("单位", "organisation", "organization"),
        match="unit",
        fields=("organisation", "org_lit"),
        facets=(Facet("organisation", "单位", 1),),
        examples=("红十字",),
    ),
    Filter(
        name="region",
        label="地区",
        aliases=("地区",),
        match="place",
        fields=("province", "city", "district", "region_lit"),
        facets=(Facet("province", "省份", 2), Facet("city", "城市", 3)),
        examples=("淮北",),
    ),
    Filter(
        name="year",
        label="年份",
        aliases=("年份", "年"),
        match="year",
        fields=("year",),
        facets=(Facet("year", "年份", 4),),
        examples=("2021", "2020-2022"),
    ),
    Filter(
        name="type",
        label="问题类型",
        aliases=("类型",),
        match="type",
        fields=("types",),
        facets=(Facet("types", "问题类型", 8, multi=True),),
        examples=("公务用车",),
    ),
    Filter(
        name="inspector",
        label="巡察",
        aliases=("巡察组",),
        match="inspector",
        fields=("inspector_level", "inspector_lit"),
        facets=(Facet("inspector_level", "巡察层级", 6),),
        examples=("市委",),
    ),
    Filter(
        name="inspection",
        label="巡察类型",
        aliases=("巡察类型",),
        match="exact",
        fields=("inspection_kind",),
        facets=(Facet("inspection_kind", "巡察类型", 7, multi=True),),
    ),
    Filter(
        # The year the notice was published; ``year`` is the feedback year (see
        # ``indexer.documents.notice_year``), which often differs by one.
        name="pubyear",
        label="发布年份",
        aliases=("发布年份", "发布年"),
        match="year",
        fields=("pubyear",),
        facets=(Facet("pubyear", "发布年份", 5),),
    ),
    Filter(
        # The documents a problem cites (archive.citations): 《…公务接待管理办法》 as written
        # or normalised; doc:"实施细则" finds the problems whose measures cite one.
        name="doc",
        label="引用文件",
        aliases=("文件", "document"),
        match="text",
        fields=("doc_lit",),
        examples=("公务接待管理办法",),
    ),
)

NAMES: tuple[str, ...] = tuple(f.name for f in FILTERS)
# Every facet in page order.
FACETS: tuple[Facet, ...] = tuple(
    sorted((facet for f in FILTERS for facet in f.facets), key=lambda x: x.position)
)

_BY_NAME = {f.name: f for f in FILTERS}
_BY_ALIAS: dict[str, Filter] = {}
for _f in FILTERS:
    for _spelling in (_f.name, *_f.aliases):
        if _spelling.lower() in _BY_ALIAS:
            raise ValueError(f"filter alias {_spelling!r} is used twice")
        _BY_ALIAS[_spelling.lower()] = _f
_BY_FACET = {facet.field: f for f in FILTERS for facet in f.facets}


def by_name(name: str) -> Filter | None:
    """The filter a URL parameter names (exact spelling), or None."""
    return _BY_NAME.get(name)


def by_alias(spelling: str) -> Filter | None:
    """The filter a query-language field names: its name or an alias, in any letter case
    (``YEAR:2021``, ``年份:2021``, ``Organisation:…``), or None (the text is a word)."""
    return _BY_ALIAS.get(spelling.lower())


def by_facet(field: str) -> Filter | None:
    """The filter a facet value sets (``province`` and ``city`` set ``region``), or None."""
    return _BY_FACET.get(field)


def facet(field: str) -> Facet | None:
    """The facet counted over an index field, or None."""
    return next((x for x in FACETS if x.field == field), None)


# Facet fields holding several comma-separated values per document.
MULTI_FIELDS: tuple[str, ...] = tuple(f.field for f in FACETS if f.multi)
