"""Similar to a text: an officer pastes a draft finding and sees how other units' similar
problems were stated and rectified. ``/similar`` (page) and ``/api/similar`` (JSON twin);
a search whose text is too long for a query is offered this page instead of a bare 400."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from indexer.similar import MAX_TEXT, confident, similar_to_text
from web.errors import BadParameter
from web.resources import get_index

bp = Blueprint("similar_text", __name__)

LIMIT = 10


def _flag(name: str) -> bool:
    return request.args.get(name, "") not in ("", "0")


def too_long(text: str) -> str:
    return f"文字过长（{len(text)} 字）：相似问题查找最多 {MAX_TEXT} 字，请删去与问题无关的部分"


def similar_data(text: str, show_all: bool) -> dict[str, Any]:
    """What the page and its JSON twin show: the listed hits and how many were held back."""
    text = text.strip()
    hits = similar_to_text(get_index(), text, limit=LIMIT) if text else []
    shown = hits if show_all else confident(hits)
    return {
        "text": text,
        "all": show_all,
        "similar": [h.to_dict() for h in shown],
        "hidden": len(hits) - len(shown),
        "max_text": MAX_TEXT,
    }


@bp.get("/similar")
def page():
    text = request.args.get("text", "")
    if len(text.strip()) > MAX_TEXT:
        d = {"text": text, "similar": [], "hidden": 0, "all": False, "max_text": MAX_TEXT}
        return render_template("similar_text.html", d=d, error=too_long(text.strip())), 400
    return render_template("similar_text.html", d=similar_data(text, _flag("all")), error="")


@bp.get("/api/similar")
def api():
    text = request.args.get("text", "")
    if len(text.strip()) > MAX_TEXT:
        raise BadParameter(too_long(text.strip()))
    return jsonify({"ok": True, **similar_data(text, _flag("all"))})


def offer_for_long_query(q: str, limit: int):
    """The search page's answer to a query over ``limit`` characters: still a 400, but
    with the similar-to-text search offered, the text carried over."""
    d = {"text": q[:MAX_TEXT], "similar": [], "hidden": 0, "all": False, "max_text": MAX_TEXT}
    message = (
        f"检索词过长（{len(q)} 字），上限 {limit} 字。"
        "要查找与一段问题表述相似的问题，请用下面的相似问题查找"
    )
    if len(q) > MAX_TEXT:
        message += f"（最多 {MAX_TEXT} 字，已截取前 {MAX_TEXT} 字）"
    return render_template("similar_text.html", d=d, error=message, offered=True), 400
