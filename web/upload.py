"""Upload notices from the browser (editors and admins): files (.txt .html .htm .docx .pdf,
or a .zip of them) or pasted text. The upload becomes a job (``web.jobs``) run by its own
process; its page shows each file's result (新增 / 未变 / 拒收 with the reason) as it comes.

The loaders apply the CLI's size, type and bomb limits to each file; a zip is opened here
with limits of its own (members, total size, compression ratio), read member by member
with bounded reads, and never unpacked to disk. Nothing uploaded is ever served back except
through the notice's download, which sends it as an attachment.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from archive.loaders import MAX_BINARY_BYTES, MAX_TEXT_BYTES, SUFFIXES
from web import jobs
from web.auth import accounts, current_user, require
from web.errors import BadParameter

bp = Blueprint("upload", __name__)

MiB = 1024 * 1024
MAX_REQUEST = 256 * MiB  # one upload request, all files together
MAX_FILES = 500  # files of one upload, zip members included
MAX_ZIP_TOTAL = 256 * MiB  # all members of a zip, uncompressed
MAX_ZIP_RATIO = 100  # uncompressed/compressed for a member over 1 MiB
PASTED_NAME = "粘贴的文本.txt"
MAX_PASTED = MAX_TEXT_BYTES

Entry = tuple[str, bytes | None, str | None]  # name, bytes (None: refused), reason


def _member_limit(name: str) -> int:
    return MAX_TEXT_BYTES if name.lower().endswith((".txt", ".html", ".htm")) else MAX_BINARY_BYTES


def _from_zip(name: str, data: bytes) -> list[Entry]:
    """The supported members of a zip, each within the loaders' limits; the zip itself is
    refused when it is too large or compressed like a bomb."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in zf.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError):
        return [(name, None, "压缩包已损坏，无法打开")]
    if len(members) > MAX_FILES:
        return [(name, None, f"压缩包内文件过多（{len(members)} 个，上限 {MAX_FILES} 个）")]
    if sum(m.file_size for m in members) > MAX_ZIP_TOTAL:
        return [(name, None, f"压缩包解压后超过 {MAX_ZIP_TOTAL // MiB} MiB")]
    out: list[Entry] = []
    for m in members:
        label = f"{name}/{m.filename}"
        base = PurePosixPath(m.filename).name
        if PurePosixPath(base).suffix.lower() not in SUFFIXES:
            out.append((label, None, "不支持的文件类型（只收 .txt .html .htm .docx .pdf）"))
            continue
        if m.file_size > MiB and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
            out.append((label, None, f"压缩比异常（超过 {MAX_ZIP_RATIO} 倍），疑似压缩炸弹"))
            continue
        limit = _member_limit(base)
        if m.file_size > limit:
            out.append((label, None, f"文件过大（上限 {limit // MiB} MiB）"))
            continue
        try:
            with zf.open(m) as f:
                raw = f.read(limit + 1)  # the header may lie about the size
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            out.append((label, None, "压缩包内的文件无法读取（损坏或加密）"))
            continue
        if len(raw) > limit:
            out.append((label, None, f"文件过大（上限 {limit // MiB} MiB）"))
            continue
        out.append((base, raw, None))
    return out


def collect() -> list[Entry]:
    """The files of this request (zips opened) and the pasted text, in order."""
    entries: list[Entry] = []
    for storage in request.files.getlist("files"):
        name = PurePosixPath((storage.filename or "").replace("\\", "/")).name
        if not name:
            continue
        data = storage.read(MAX_REQUEST + 1)
        if name.lower().endswith(".zip"):
            entries.extend(_from_zip(name, data))
        elif PurePosixPath(name).suffix.lower() not in SUFFIXES:
            entries.append((name, None, "不支持的文件类型（只收 .txt .html .htm .docx .pdf .zip）"))
        else:
            entries.append((name, data, None))
    pasted = request.form.get("text", "")
    if pasted.strip():
        entries.append((PASTED_NAME, pasted.encode("utf-8")[: MAX_PASTED + 1], None))
    if len(entries) > MAX_FILES:
        raise BadParameter(f"一次最多上传 {MAX_FILES} 个文件（本次 {len(entries)} 个）")
    return entries


def _start(entries: list[Entry]) -> str:
    if not entries:
        raise BadParameter("没有收到文件或文本：请选择文件或粘贴通报全文")
    user = current_user()
    review = bool(current_app.config.get("REVIEW")) and not user.at_least("admin")  # type: ignore[union-attr]
    job_id = jobs.create(accounts(), user.name, entries, review=review)  # type: ignore[union-attr]
    jobs.start(current_app.config["DATA_DIR"], job_id)
    return job_id


def _job_or_404(job_id: str) -> jobs.Job:
    """The job if it is this user's (or the user is an admin); a job whose process died
    (a killed worker, a restart) is started again for its remaining files."""
    job = jobs.load(accounts(), job_id) if job_id.isalnum() else None
    user = current_user()
    if job is None or user is None or (job.user != user.name and not user.at_least("admin")):
        abort(404)  # another editor's job is not theirs to see (nor to know it exists)
    if jobs.stalled(accounts(), job):
        jobs.start(current_app.config["DATA_DIR"], job.id)
    return job


def job_json(job: jobs.Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "user": job.user,
        "created_at": job.created_at,
        "status": job.status,
        "review": job.review,
        "total": job.total,
        "done": job.done,
        "counts": job.counts(),
        "files": [
            {
                "n": f.n,
                "name": f.name,
                "status": f.status,
                "label": f.label,
                "reason": f.reason,
                "notice_id": f.notice_id,
                "organisation": f.organisation,
                "problems": f.problems,
                "url": url_for("pages.notice", notice_id=f.notice_id) if f.notice_id else None,
            }
            for f in job.files
        ],
    }


@bp.get("/upload")
@require("editor")
def form():
    mine = jobs.recent(accounts(), current_user().name)  # type: ignore[union-attr]
    return render_template("upload.html", max_files=MAX_FILES, recent=mine)


@bp.post("/upload")
@require("editor")
def submit():
    job_id = _start(collect())
    return redirect(url_for("upload.job", job_id=job_id), code=303)


@bp.get("/upload/jobs/<job_id>")
@require("editor")
def job(job_id: str):
    return render_template("upload_job.html", job=_job_or_404(job_id))


@bp.post("/api/upload")
@require("editor")
def api_submit():
    job_id = _start(collect())
    resp = jsonify({"ok": True, "job": job_id, "url": url_for("upload.api_job", job_id=job_id)})
    resp.status_code = 202
    return resp


@bp.get("/api/upload/jobs/<job_id>")
@require("editor")
def api_job(job_id: str):
    return jsonify({"ok": True, **job_json(_job_or_404(job_id))})


def init_app(app: Any) -> None:
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_REQUEST)
    app.config.setdefault("MAX_FORM_MEMORY_SIZE", MAX_PASTED * 4)
    app.register_blueprint(bp)
