"""Highlighting: escaped text, <mark> only, spans that agree with literal matching."""

from indexer.highlight import highlight, match_spans, snippet


def test_marks_across_punctuation_and_escapes_everything_else():
    text = "关于“三重一大”<script>alert(1)</script>制度,理论 学习"
    assert highlight(text, ["三重一大", "理论学习"]) == (
        "关于“<mark>三重一大</mark>”&lt;script&gt;alert(1)&lt;/script&gt;制度,"
        "<mark>理论 学习</mark>"
    )


def test_width_folded_matching_keeps_the_original_characters():
    assert highlight("ＡＢＣ公司", ["abc"]) == "<mark>ＡＢＣ</mark>公司"


def test_overlapping_terms_merge():
    assert match_spans("公务用车管理", ["公务用车", "用车管理"]) == [(0, 6)]


def test_matches_beyond_32k_characters_are_marked():
    text = "甲" * 40_000 + "公务接待"
    assert snippet(text, ["公务接待"]).endswith("<mark>公务接待</mark>")


def test_snippet_without_match_is_the_escaped_start():
    assert snippet("<b>" + "字" * 300, ["无"]).startswith("&lt;b&gt;字")
