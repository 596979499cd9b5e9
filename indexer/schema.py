"""The index schema: one document per notice and one per problem.

Every field a result page shows is stored, so a page needs no archive query.
"""

from __future__ import annotations

from whoosh import scoring
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer import figuresums, filters
from indexer.analysis import ANALYSIS_VERSION, literal_analyzer, word_analyzer

SCHEMA_VERSION = "7"

# Facets shown to users, in display order: (field, Chinese label); declared with their
# filters in ``indexer.filters``.
FACETS: list[tuple[str, str]] = [(f.field, f.label) for f in filters.FACETS]


def make_schema() -> Schema:
    lit = literal_analyzer()
    words = word_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),  # "notice" | "problem"
        notice_id=ID(stored=True, sortable=True),
        n=NUMERIC(stored=True, sortable=True),
        number=STORED,
        title=STORED,  # the problem's title, or the notice's title
        notice_title=STORED,
        source=STORED,
        category=STORED,
        subcategory=STORED,
        measures=STORED,
        subproblems=STORED,
        status=STORED,
        text=STORED,
        inspector=STORED,
        feedback_date=STORED,
        published_date=STORED,
        # Recall: the literal stream of the whole text.
        lit=TEXT(analyzer=lit, phrase=True),
        # Ranking: jieba words, title above body.
        title_words=TEXT(analyzer=words, phrase=True, field_boost=3.0),
        words=TEXT(analyzer=words, phrase=True),
        # Filters given as free text (org:红十字, region:淮北, inspector:第二巡察组).
        org_lit=TEXT(analyzer=lit, phrase=True),
        region_lit=TEXT(analyzer=lit, phrase=True),
        inspector_lit=TEXT(analyzer=lit, phrase=True),
        # Facets.
        organisation=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        city=ID(stored=True, sortable=True),
        district=ID(stored=True, sortable=True),
        year=NUMERIC(stored=True, sortable=True),
        pubyear=NUMERIC(stored=True, sortable=True),  # the published date's year
        inspector_level=ID(stored=True, sortable=True),
        inspection_kind=KEYWORD(stored=True, commas=True),
        types=KEYWORD(stored=True, commas=True),
        date=ID(stored=True, sortable=True),  # for sorting by date: published, else feedback
        # Cited documents (indexer.citing): the stored list, the titles ``doc:`` reads, and
        # kind|verb|normalised-title keys the /documents listing counts.
        citations=STORED,
        doc_lit=TEXT(analyzer=lit, phrase=True),
        doc_keys=KEYWORD(commas=True, lowercase=False),
        # Similar problems: discrete features scored by idf (see features.py).
        sim=KEYWORD(scorable=True, lowercase=False),
        figures=STORED,
        figvals=figuresums.values_field(),  # accountability and money figures
    )


def weighting() -> scoring.WeightingModel:
    """BM25F for text; idf alone for the similarity features."""
    return scoring.MultiWeighting(scoring.BM25F(), sim=scoring.TF_IDF())


def schema_fingerprint() -> str:
    return f"schema{SCHEMA_VERSION}-analysis{ANALYSIS_VERSION}"
