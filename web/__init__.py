"""The web app: search, side-by-side comparison, notices, statistics, and a JSON twin of
every page. Anonymous readers only read; logged-in editors and admins upload, reparse and
remove notices (``web.auth`` checks every write on the server).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from archive.store import data_dir
from indexer.filters import FILTERS


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory (flaskr style): ``test_config`` overrides the defaults."""
    app = Flask(__name__)
    app.config.from_mapping(
        DATA_DIR=data_dir(os.environ.get("NOTICES_DATA")),
        POLL_INTERVAL=1.0,
        JSON_AS_ASCII=False,
        MAX_COMPARE=8,
    )
    if test_config:
        app.config.update(test_config)
    app.config["DATA_DIR"] = Path(app.config["DATA_DIR"])
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.jinja_env.globals["FILTERS"] = FILTERS  # the filter vocabulary, for syntax hints

    from web import (
        api,
        audit,
        auth,
        documents,
        errors,
        feeds,
        figures,
        limits,
        manage,
        pages,
        resources,
        review,
        security,
        similar_text,
        upload,
    )

    resources.init_app(app)
    auth.init_app(app)
    limits.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(similar_text.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(figures.bp)
    upload.init_app(app)
    return app
