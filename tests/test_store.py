"""The SQLite store: ids, idempotence, transactions, the change log, persistence."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from archive.errors import ArchiveBusy, ArchiveError, NotFound, RejectedFile
from archive.loaders import Loaded
from archive.model import Contacts, Notice, Problem, Region, Section, Stat, SubProblem
from archive.store import DB_NAME, Archive, data_dir

# No whitespace and only half-width brackets and commas (fixed points of the width folding),
# so each content hash is plain SHA-256 of the UTF-8 bytes.
TEXT_A = (
    "中共某市某局党组关于巡察整改情况的通报。一、整改工作开展情况。"
    "(一)加强领导,压实责任。二、问题整改情况。"
)
TEXT_B = "中共某县某中心党支部关于巡察整改进展情况的通报。二、反馈问题整改情况。"

SEED_000 = "000_15f829d25a69815d.txt"
SEED_004 = "004_b1ce438446146357.txt"


def sha_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_loaded(text: str, name: str = "a.txt", fmt: str = "txt", encoding: str = "utf-8"):
    return Loaded(
        name=name,
        format=fmt,
        text=text,
        raw=text.encode(encoding),
        encoding=encoding,
        meta={},
    )


def make_notice(source: str = "a.txt", **overrides) -> Notice:
    notice = Notice(
        source=source,
        title="中共某市某局党组关于巡察整改情况的通报",
        organisation="某市某局",
        publisher="中共某市某局党组",
        region=Region(province="安徽省", city="淮北市", district=None),
        inspector="市委第二巡察组",
        inspection_kind="常规",
        round=3,
        inspection_start="2021-11-16",
        inspection_end="2021-12-16",
        feedback_date="2022-01-17",
        published_date="2022-05-20",
        contacts=Contacts(phones=["0561-3119587"], emails=["a@example.cn"], addresses=[]),
        stats=[Stat(label="建立完善制度", value=21, unit="项", text="建立完善制度21项")],
        sections=[Section(number="二、", heading="问题整改情况", kind="problems")],
        problems=[
            Problem(
                n=1,
                number="(1)",
                category="理论学习方面",
                subcategory=None,
                title="理论学习不扎实问题",
                text="针对理论学习不扎实问题。一是制定计划。二是加强学习。",
                measures=["制定计划。", "加强学习。"],
                status="完成",
            ),
            Problem(
                n=2,
                number="(2)",
                category="理论学习方面",
                subcategory="宣传",
                title="宣传缺少互动问题",
                text="针对宣传缺少互动问题。",
                measures=[],
                subproblems=[
                    SubProblem(title="关于宣传问题", text="一是完善机制。", measures=["完善机制。"])
                ],
            ),
        ],
        warnings=["未找到发布日期"],
    )
    for key, value in overrides.items():
        setattr(notice, key, value)
    return notice


def query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the database file directly, behind the store's back."""
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def table_count(archive: Archive, table: str) -> int:
    return query(archive.path, f"SELECT COUNT(*) FROM {table}")[0][0]


def test_first_open_creates_directory_schema_and_wal(data_dir: Path) -> None:
    assert not data_dir.exists()
    with Archive(data_dir) as archive:
        assert archive.path == data_dir / DB_NAME
        assert archive.revision() == 0
        assert archive.notice_ids() == []
        assert archive.changes_since(0) == []
    path = data_dir / DB_NAME
    assert query(path, "PRAGMA journal_mode") == [("wal",)]
    tables = {r[0] for r in query(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"notices", "problems", "meta", "changes"} <= tables
    assert query(path, "SELECT value FROM meta WHERE key='schema_version'") == [("1",)]


def test_ingest_hand_built_notice_round_trips(archive: Archive) -> None:
    notice = make_notice()
    result = archive.ingest(make_loaded(TEXT_A), notice)

    assert result.status == "added"
    assert result.notice_id == sha_id(TEXT_A)
    assert re.fullmatch(r"[0-9a-f]{16}", result.notice_id)
    stored = archive.notice(result.notice_id)
    assert stored.id == result.notice_id
    assert stored.content_hash == hashlib.sha256(TEXT_A.encode()).hexdigest()
    assert (stored.source, stored.format, stored.encoding) == ("a.txt", "txt", "utf-8")
    assert stored.text == TEXT_A
    assert stored.notice == notice
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", stored.ingested_at)

    notice_id, problem = archive.problem(f"{result.notice_id}-2")
    assert notice_id == result.notice_id
    assert problem == notice.problems[1]
    assert archive.source(result.notice_id) == ("a.txt", "txt", TEXT_A.encode("utf-8"))
    assert archive.revision() == 1
    assert archive.changes_since(0) == [(1, result.notice_id, "add")]
    assert archive.stats()["notices"] == 1
    assert archive.stats()["problems"] == 2


def test_searchable_columns_are_filled(archive: Archive) -> None:
    nid = archive.ingest(make_loaded(TEXT_A), make_notice()).notice_id
    [row] = query(
        archive.path,
        "SELECT organisation, province, city, inspector, round, year, problem_count"
        " FROM notices WHERE id = ?",
        (nid,),
    )
    problem_ids = [r[0] for r in query(archive.path, "SELECT id FROM problems ORDER BY n")]
    assert row == ("某市某局", "安徽省", "淮北市", "市委第二巡察组", 3, 2022, 2)
    assert problem_ids == [f"{nid}-1", f"{nid}-2"]


@pytest.mark.parametrize(
    ("feedback", "end", "published", "year"),
    [
        ("2022-01-17", "2021-12-16", "2022-05-20", 2022),
        (None, "2021-12-16", "2022-05-20", 2021),
        (None, None, "2023-03-05", 2023),
        (None, None, None, None),
    ],
)
def test_year_prefers_feedback_then_inspection_end_then_published(
    archive: Archive, feedback: str | None, end: str | None, published: str | None, year: int | None
) -> None:
    notice = make_notice(feedback_date=feedback, inspection_end=end, published_date=published)
    nid = archive.ingest(make_loaded(TEXT_A), notice).notice_id
    assert query(archive.path, "SELECT year FROM notices WHERE id = ?", (nid,)) == [(year,)]


def test_ids_are_stable_across_two_fresh_archives(tmp_path: Path) -> None:
    ids = []
    for name in ("one", "two"):
        with Archive(tmp_path / name) as archive:
            a = archive.ingest(make_loaded(TEXT_A), make_notice()).notice_id
            b = archive.ingest(make_loaded(TEXT_B, name="b.txt"), make_notice("b.txt")).notice_id
            ids.append((a, b, archive.problem(f"{b}-1")[0]))
    assert ids[0] == ids[1] == (sha_id(TEXT_A), sha_id(TEXT_B), sha_id(TEXT_B))


def test_reingest_is_unchanged_and_writes_nothing(archive: Archive) -> None:
    first = archive.ingest(make_loaded(TEXT_A), make_notice())
    again = archive.ingest(make_loaded(TEXT_A), make_notice())
    assert again.status == "unchanged"
    assert again.notice_id == first.notice_id
    assert archive.revision() == 1
    assert len(archive.changes_since(0)) == 1


def test_same_content_in_another_format_is_the_same_notice(archive: Archive) -> None:
    archive.ingest(make_loaded(TEXT_A), make_notice())
    # Another copy: GBK bytes, CRLF line ends, indents, full-width brackets and commas.
    variant = TEXT_A.replace("。", "。\r\n\u3000\u3000").replace("(", "（").replace(")", "）")
    variant = variant.replace(",", "，")
    assert variant != TEXT_A
    loaded = make_loaded(variant, name="a.html", fmt="html", encoding="gbk")
    result = archive.ingest(loaded, make_notice("a.html"))
    assert result.status == "unchanged"
    assert result.notice_id == sha_id(TEXT_A)
    assert archive.notice_ids() == [sha_id(TEXT_A)]
    assert archive.source(result.notice_id)[:2] == ("a.txt", "txt")  # the first copy is kept


def test_failed_write_rolls_back_everything(archive: Archive) -> None:
    archive.ingest(make_loaded(TEXT_A), make_notice())
    broken = make_notice("b.txt")
    broken.problems[1].n = 1  # two problems numbered 1: the second insert violates UNIQUE
    with pytest.raises(ArchiveError, match="回滚"):
        archive.ingest(make_loaded(TEXT_B, name="b.txt"), broken)

    assert archive.revision() == 1
    assert archive.notice_ids() == [sha_id(TEXT_A)]
    assert archive.changes_since(1) == []
    with pytest.raises(NotFound):
        archive.notice(sha_id(TEXT_B))
    assert table_count(archive, "problems") == 2  # only notice A's
    # Nothing half-written blocks a correct copy of the same content.
    fixed = archive.ingest(make_loaded(TEXT_B, name="b.txt"), make_notice("b.txt"))
    assert fixed.status == "added"
    assert archive.revision() == 2


def test_busy_writer_gives_a_clear_error(data_dir: Path) -> None:
    Archive(data_dir).close()
    blocker = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        with Archive(data_dir, timeout=0.2) as archive:
            with pytest.raises(ArchiveBusy, match="正忙"):
                archive.ingest(make_loaded(TEXT_A), make_notice())
            assert archive.revision() == 0
            blocker.execute("ROLLBACK")
            assert archive.ingest(make_loaded(TEXT_A), make_notice()).status == "added"
    finally:
        blocker.close()


def test_other_connection_sees_new_revision(data_dir: Path) -> None:
    with Archive(data_dir) as reader, Archive(data_dir) as writer:
        assert reader.revision() == 0
        nid = writer.ingest(make_loaded(TEXT_A), make_notice()).notice_id
        assert reader.revision() == 1
        assert reader.changes_since(0) == [(1, nid, "add")]


def test_changes_since_and_remove(archive: Archive) -> None:
    a = archive.ingest(make_loaded(TEXT_A), make_notice()).notice_id
    b = archive.ingest(make_loaded(TEXT_B, name="b.txt"), make_notice("b.txt")).notice_id
    archive.remove(a)

    assert archive.revision() == 3
    assert archive.changes_since(0) == [(1, a, "add"), (2, b, "add"), (3, a, "remove")]
    assert archive.changes_since(2) == [(3, a, "remove")]
    assert archive.changes_since(3) == []
    assert archive.notice_ids() == [b]
    assert [s.id for s in archive.iter_notices()] == [b]
    assert table_count(archive, "problems") == 2  # a's problems went with it
    with pytest.raises(NotFound):
        archive.problem(f"{a}-1")

    with pytest.raises(NotFound):
        archive.remove(a)
    assert archive.revision() == 3
    # Removed content can come back; it is a new change.
    assert archive.ingest(make_loaded(TEXT_A), make_notice()).status == "added"
    assert archive.changes_since(3) == [(4, a, "add")]


@pytest.mark.parametrize("call", ["notice", "source", "remove", "problem"])
def test_unknown_ids_raise_not_found(archive: Archive, call: str) -> None:
    archive.ingest(make_loaded(TEXT_A), make_notice())
    unknown = "0123456789abcdef" if call != "problem" else f"{sha_id(TEXT_A)}-3"
    with pytest.raises(NotFound):
        getattr(archive, call)(unknown)
    assert archive.revision() == 1


def test_reopen_persists(data_dir: Path) -> None:
    notice = make_notice()
    with Archive(data_dir) as archive:
        nid = archive.ingest(make_loaded(TEXT_A), notice).notice_id
    with Archive(data_dir) as archive:
        assert archive.revision() == 1
        assert archive.notice(nid).notice == notice
        assert archive.ingest(make_loaded(TEXT_A), notice).status == "unchanged"


def test_newer_schema_is_refused(data_dir: Path) -> None:
    Archive(data_dir).close()
    db = sqlite3.connect(data_dir / DB_NAME)
    with db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(ArchiveError, match="99.*升级"):
        Archive(data_dir)


def test_a_file_that_is_not_a_database_is_refused(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / DB_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(ArchiveError, match="档案库"):
        Archive(data_dir)


def test_another_programs_database_is_left_alone(data_dir: Path) -> None:
    data_dir.mkdir()
    db = sqlite3.connect(data_dir / DB_NAME)
    with db:
        db.execute("CREATE TABLE contacts (name TEXT)")
    db.close()
    with pytest.raises(ArchiveError, match="别的程序"):
        Archive(data_dir)
    assert query(data_dir / DB_NAME, "SELECT name FROM sqlite_master") == [("contacts",)]


def test_data_dir_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTICES_DATA", "/srv/notices")
    assert data_dir("elsewhere") == Path("elsewhere")
    assert data_dir(None) == Path("/srv/notices")
    monkeypatch.delenv("NOTICES_DATA")
    assert data_dir(None) == Path("data")


# -- with the real loaders and parser -------------------------------------------------


def test_ingest_path_on_the_seeds(archive: Archive, seeds_dir: Path) -> None:
    first = archive.ingest_path(seeds_dir / SEED_000)
    second = archive.ingest_path(seeds_dir / SEED_004)
    assert (first.status, second.status) == ("added", "added")
    assert first.notice_id != second.notice_id
    # Read from the files: seed 000 numbers its items (1)-(17), seed 004 numbers 1.-19.
    assert len(archive.notice(first.notice_id).notice.problems) == 17
    assert len(archive.notice(second.notice_id).notice.problems) == 19
    assert archive.source(first.notice_id)[2] == (seeds_dir / SEED_000).read_bytes()
    assert archive.ingest_path(seeds_dir / SEED_000).status == "unchanged"
    assert archive.revision() == 2


def test_seed_in_other_encodings_and_formats_is_one_notice(
    archive: Archive, seeds_dir: Path, tmp_path: Path
) -> None:
    text = (seeds_dir / SEED_000).read_text(encoding="utf-8")
    gbk = tmp_path / "copy_gbk.txt"
    gbk.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    bom = tmp_path / "copy_bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    html = tmp_path / "copy.html"
    paragraphs = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    html.write_text(
        f'<html><head><meta charset="utf-8"></head><body>{paragraphs}</body></html>',
        encoding="utf-8",
    )

    nid = archive.ingest_path(seeds_dir / SEED_000).notice_id
    for copy in (gbk, bom, html):
        result = archive.ingest_path(copy)
        assert (copy.name, result.status, result.notice_id) == (copy.name, "unchanged", nid)
    assert archive.notice_ids() == [nid]
    assert archive.revision() == 1


def test_rejected_path_leaves_archive_untouched(archive: Archive, tmp_path: Path) -> None:
    archive.ingest(make_loaded(TEXT_A), make_notice())
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(RejectedFile):
        archive.ingest_path(empty)
    assert archive.revision() == 1
    assert archive.notice_ids() == [sha_id(TEXT_A)]


def test_copied_data_dir_is_a_complete_archive(archive: Archive, tmp_path: Path) -> None:
    """Closing checkpoints the WAL: the single file is the whole archive (backups are copies)."""
    nid = archive.ingest(make_loaded(TEXT_A), make_notice()).notice_id
    archive.close()
    copy = tmp_path / "backup"
    copy.mkdir()
    shutil.copy2(archive.path, copy / DB_NAME)
    with Archive(copy) as restored:
        assert restored.notice_ids() == [nid]


# -- read-only opening, damage, replace_parsed ------------------------------------------


def test_readonly_archive_reads_and_refuses_writes(data_dir: Path) -> None:
    from archive.errors import ArchiveReadOnly

    with Archive(data_dir) as a:
        nid = a.ingest(make_loaded("通报正文一"), make_notice()).notice_id
    with Archive(data_dir, readonly=True) as ro:
        assert ro.readonly and ro.mode == "mode=ro"  # a writable folder needs no immutable
        assert ro.notice_ids() == [nid] and ro.revision() == 1
        with pytest.raises(ArchiveReadOnly) as info:
            ro.ingest(make_loaded("通报正文二"), make_notice())
        assert "需要可写的文件夹" in str(info.value)
        with pytest.raises(ArchiveReadOnly):
            ro.remove(nid)
    with Archive(data_dir) as a:
        assert a.notice_ids() == [nid] and a.revision() == 1


def test_readonly_open_never_creates_an_archive(data_dir: Path) -> None:
    with pytest.raises(ArchiveError) as info:
        Archive(data_dir, readonly=True)
    assert "还没有档案库" in str(info.value)
    assert not data_dir.exists()


def test_a_damaged_record_raises_archive_damaged_with_the_way_out(data_dir: Path) -> None:
    from archive.errors import ArchiveDamaged

    with Archive(data_dir) as a:
        nid = a.ingest(make_loaded("通报正文一"), make_notice()).notice_id
    db = sqlite3.connect(data_dir / DB_NAME)
    with db:
        db.execute("UPDATE notices SET data_json = '{\"problems\": [1' WHERE id = ?", (nid,))
    db.close()
    with Archive(data_dir) as a:
        assert a.damage() is None  # the file's structure is sound: quick_check cannot see it
        with pytest.raises(ArchiveDamaged) as info:
            a.notice(nid)
    assert f"python -m archive rebuild --data {data_dir} --into" in str(info.value)


def test_replace_parsed_keeps_the_id_and_logs_a_change(data_dir: Path) -> None:
    with Archive(data_dir) as a:
        first = a.ingest(make_loaded("旧的读法"), make_notice())
        other = a.ingest(make_loaded("另一份"), make_notice(source="b.txt"))
        renamed = make_notice(organisation="某市某局机关", problems=[])
        a.replace_parsed(first.notice_id, make_loaded("新的读法"), renamed)
        assert a.notice_ids() == [first.notice_id, other.notice_id]
        stored = a.notice(first.notice_id)
        assert stored.text == "新的读法" and stored.notice.organisation == "某市某局机关"
        assert stored.content_hash != first.notice_id  # the hash follows the text, not the id
        counts = {row.id: row.problem_count for row in a.summaries()}
        assert counts == {first.notice_id: 0, other.notice_id: 2}
        with pytest.raises(NotFound):
            a.problem(f"{first.notice_id}-1")
        assert a.changes_since(2) == [(3, first.notice_id, "add")]
        assert a.ingest(make_loaded("新的读法"), make_notice()).status == "unchanged"
        with pytest.raises(ArchiveError) as info:  # would make a second copy of ``other``
            a.replace_parsed(first.notice_id, make_loaded("另一份"), renamed)
        assert other.notice_id in str(info.value)
        with pytest.raises(NotFound):
            a.replace_parsed("0000000000000000", make_loaded("无"), renamed)
