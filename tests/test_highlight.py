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


def test_the_excerpt_is_plain_text_with_the_offsets_of_the_marks():
    from indexer.highlight import excerpt

    text = "前言。" + "字" * 200 + "。发现<公务接待>超标准问题，公务\n接待记录不全。" + "尾" * 200
    plain, spans = excerpt(text, ["公务接待"])
    assert "<mark>" not in plain and "\n" not in plain
    assert [plain[a:b] for a, b in spans] == ["公务接待", "公务 接待"]
    assert plain.startswith("…") and plain.endswith("…")
    html = snippet(text, ["公务接待"])
    assert html.count("<mark>") == 2 and "&lt;<mark>公务接待</mark>&gt;" in html
