"""`forum search rebuild` writes the index itself (forum/search/bulk.py): what it writes must be
what Whoosh's own writer would, term for term, so searches cannot tell the two apart."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

import pytest
from whoosh import index as whoosh_index

from forum import search
from forum.extensions import db
from forum.search import bulk, schema, storage
from forum.search.analysis import index_term
from forum.services import acceptance, moderation, posting, voting
from tests.conftest import LONG_BODY

pytestmark = pytest.mark.whoosh_only


@pytest.fixture
def varied_forum(session, member, other_member, staff, make_user):
    """Posts that exercise every field: several languages, a word written with ZWNJ, code and
    tags, an accepted staff answer, votes both ways and a deleted question."""
    router = posting.ask_question(
        session,
        member,
        "Router drops Wi-Fi every night at 2 am",
        LONG_BODY + " c++ node.js",
        ["router", "wifi"],
    )
    greek = posting.ask_question(
        session, other_member, "Ο εκτυπωτής τυπώνει λευκές σελίδες",
        "Μετά την ενημέρωση ο εκτυπωτής τυπώνει λευκές σελίδες.", ["printer"],
    )  # fmt: skip
    persian = posting.ask_question(
        session, member, "مشکل صفحه\u200cکلید فارسی در لپ\u200cتاپ",
        "بعد از نصب ویندوز صفحه\u200cکلید فارسی کار نمی\u200cکند و فقط انگلیسی می\u200cنویسد.", ["fa"],
    )  # fmt: skip
    gone = posting.ask_question(session, other_member, "A question that was deleted", LONG_BODY, ["misc"])
    session.commit()
    answer = posting.post_answer(session, staff, router, "Staff here: update the firmware, then reset " * 30)
    other = posting.post_answer(session, other_member, router, "Turn it off and on again, the router I mean.")
    posting.post_answer(session, member, greek, "Δοκιμάστε να αλλάξετε το μελάνι του εκτυπωτή.")
    session.commit()
    acceptance.accept_answer(session, member, router.id, answer.id)
    voter = make_user("member", reputation=500)
    voting.cast_vote(session, voter, answer.id, 1)
    voting.cast_vote(session, voter, other.id, -1)
    voting.cast_vote(session, voter, persian.id, 1)
    session.commit()
    moderation.delete_post(session, other_member, gone.id)
    session.commit()
    return router


def _postings(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value(), matcher.block_max_length()))
        matcher.next()
    return found


def _everything(folder: str) -> dict:
    """Every term's postings, term statistics, stored fields, lengths and columns of an index."""
    reader = whoosh_index.open_dir(folder).reader()
    found: dict = {"count": reader.doc_count_all()}
    for fieldname in reader.indexed_field_names():
        for text in reader.lexicon(fieldname):
            info = reader.term_info(fieldname, text)
            found[(fieldname, text)] = (
                _postings(reader, fieldname, text),
                (
                    info.weight(),
                    info.doc_frequency(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                ),
            )
    for number in range(reader.doc_count_all()):
        found[("stored", number)] = reader.stored_fields(number)
        for fieldname in ("content", "title", "tags"):
            found[("length", number, fieldname)] = reader.doc_field_length(number, fieldname)
    for fieldname in ("score", "answer_count", "created_at"):
        found[("column", fieldname)] = list(reader.column_reader(fieldname))
    reader.close()
    return found


def test_rebuild_writes_what_whoosh_writer_would_for_every_field(app, session, varied_forum, tmp_path):
    theirs, ours = tmp_path / "whoosh", tmp_path / "bulk"
    for folder in (theirs, ours):
        os.makedirs(folder)
        whoosh_index.create_in(folder, schema.build_schema())
    with db.engine.connect() as connection:
        docs = [doc for _, batch in schema.documents(connection) for doc in batch]
    writer = whoosh_index.open_dir(theirs).writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    assert bulk.build(db.engine, whoosh_index.open_dir(ours)) == len(docs) == 6  # the deleted one left out
    expected, written = _everything(str(theirs)), _everything(str(ours))
    assert written.keys() == expected.keys()
    assert [key for key in expected if written[key] != expected[key]] == []
    # Phrases read the positions: the ZWNJ word joined, and the phrase across it.
    assert ("content", index_term("صفحهکلید").encode()) in written
    assert sorted(os.listdir(ours)) == sorted(name for name in os.listdir(ours) if not name.endswith(".tmp"))


def test_rebuild_reads_documents_like_the_outbox_writer(session, varied_forum):
    posts = {post.id: post for post in session.scalars(db.select(schema.Post))}
    with db.engine.connect() as connection:
        docs = [doc for _, batch in schema.documents(connection, batch=3) for doc in batch]
    assert docs == [schema.document_for(posts[int(doc["id"])]) for doc in docs]
    assert {int(doc["id"]) for doc in docs} == {i for i, post in posts.items() if schema.is_searchable(post)}


def test_rebuild_in_two_processes_finds_what_one_process_finds(monkeypatch, session, varied_forum, index):
    queries = [
        '"update the firmware"',
        "εκτυπωτης",
        "صفحهکلید",
        '"ویندوز صفحهکلید"',
        "router is:answer",
        "c++",
    ]
    alone = [[hit.id for hit in search.search(session, text).items] for text in queries]
    assert all(alone)
    monkeypatch.setattr(bulk, "PARALLEL_FROM_POSTS", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    progress: list[int] = []
    report = search.rebuild(session, progress=progress.append)
    assert report.documents == 6 and sum(progress) == 7  # every post read, the deleted one too
    assert [[hit.id for hit in search.search(session, text).items] for text in queries] == alone
    assert search.check(session).ok


def test_rebuild_of_more_posts_than_a_process_holds_writes_a_segment_per_range(
    monkeypatch, session, varied_forum, index
):
    before = [hit.id for hit in search.search(session, "router").items]
    monkeypatch.setattr(bulk, "PARALLEL_FROM_POSTS", 1)
    monkeypatch.setattr(bulk, "MAX_SEGMENT_POSTS", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert search.rebuild(session).documents == 6
    assert len(storage.open_index(index)._segments()) >= 3  # 7 posts in 4 ranges, 2 processes
    assert [hit.id for hit in search.search(session, "router").items] == before
    assert search.check(session).ok


def test_rebuild_whose_process_dies_fails_and_the_old_index_keeps_serving(
    monkeypatch, session, varied_forum, index
):
    before = [hit.id for hit in search.search(session, "router").items]
    real_build_range = bulk._build_range

    def dies_on_the_second_range(engine, ix, bounds, progress):
        if bounds[0]:  # as the kernel kills a process that runs out of memory
            os._exit(9)
        return real_build_range(engine, ix, bounds, progress)

    monkeypatch.setattr(bulk, "_build_range", dies_on_the_second_range)
    monkeypatch.setattr(bulk, "PARALLEL_FROM_POSTS", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with pytest.raises(BrokenProcessPool):
        search.rebuild(session)
    storage.forget_searchers()
    assert [hit.id for hit in search.search(session, "router").items] == before
    assert [name for name in os.listdir(index) if name.startswith("gen-")] == [
        os.path.basename(os.path.realpath(storage.current_path(index)))
    ]  # the unfinished generation is gone
