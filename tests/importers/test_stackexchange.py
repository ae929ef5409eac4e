"""`flask forum import stackexchange`: the quantumcomputing dump in ../shared comes in whole,
once, without drift, and bad dumps end with a message instead of a traceback."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum import markup
from forum.importers import stackexchange
from forum.models import Comment, LiveEvent, Post, ReputationEvent, User

ROOT = Path(__file__).parents[2]
SHARED = ROOT / ".." / "shared"
DUMP = SHARED / "data" / "stackexchange" / "quantumcomputing"
PAYLOADS_FILE = SHARED / "data" / "xss" / "payloads.jsonl"
CHECKER_FILE = SHARED / "tools" / "html_safety.py"

needs_dump = pytest.mark.skipif(not DUMP.is_dir(), reason=f"no Stack Exchange dump at {DUMP.resolve()}")


def rows(name: str, directory: Path = DUMP) -> list[dict[str, str]]:
    return [dict(e.attrib) for e in ElementTree.parse(directory / name).getroot() if e.tag == "row"]


@pytest.fixture(scope="module")
def expected() -> dict[str, int]:
    """What the XML itself says should arrive."""
    posts = rows("Posts.xml")
    questions = {p["Id"]: p for p in posts if p["PostTypeId"] == "1" and p.get("Title")}
    answers = {p["Id"] for p in posts if p["PostTypeId"] == "2" and p.get("ParentId") in questions}
    duplicates = {
        link["PostId"]
        for link in rows("PostLinks.xml")
        if link["LinkTypeId"] == "3" and link["PostId"] in questions and link["RelatedPostId"] in questions
    }
    return {
        "questions": len(questions),
        "answers": len(answers),
        "accepted": sum(1 for q in questions.values() if q.get("AcceptedAnswerId") in answers),
        "comments": sum(
            1 for c in rows("Comments.xml") if c["PostId"] in questions or c["PostId"] in answers
        ),
        "duplicates": len(duplicates),
        "tag_wikis": sum(1 for p in posts if p["PostTypeId"] in ("4", "5")),
    }


def imported_counts(session, site: str = "quantumcomputing") -> dict[str, int]:
    def count(*where) -> int:
        return session.scalar(
            select(func.count()).select_from(Post).where(Post.imported_site == site, *where)
        )

    return {
        "questions": count(Post.kind == "question"),
        "answers": count(Post.kind == "answer"),
        "accepted": count(Post.accepted_answer_id.is_not(None)),
        "duplicates": count(Post.duplicate_of_id.is_not(None)),
        "comments": session.scalar(
            select(func.count()).select_from(Comment).where(Comment.imported_site == site)
        ),
    }


def snapshot(session, site: str) -> set[tuple]:
    """Each imported post as the reader sees it, by its original id."""
    post_ids = dict(
        session.execute(select(Post.id, Post.imported_id).where(Post.imported_site == site)).all()
    )
    return {
        (p.imported_id, p.kind, p.title, p.body, p.score, p.answer_count, p.author.username.split("-")[0],
         post_ids.get(p.question_id), post_ids.get(p.accepted_answer_id), post_ids.get(p.duplicate_of_id))
        for p in session.scalars(select(Post).where(Post.imported_site == site))
    }  # fmt: skip


def run_import(session, directory: Path = DUMP, **options) -> stackexchange.ImportReport:
    return stackexchange.import_dump(session, directory, catch_up_search=False, **options)


def write_dump(directory: Path, posts: str, **files: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Posts.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<posts>\n{posts}\n</posts>\n'
    )
    for name, text in files.items():
        (directory / f"{name}.xml").write_text(text)
    return directory


ODD_POSTS = """
  <row Id="1" PostTypeId="1" AcceptedAnswerId="3" CreationDate="2018-03-12T18:00:00" Score="4"
       Body="&lt;p&gt;How do qubits decohere in a transmon? &lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;"
       OwnerUserId="7" OwnerDisplayName="Ada Lovelace" Title="How do transmon qubits decohere so quickly?"
       Tags="|qubit|decoherence|" AnswerCount="1" />
  <row Id="2" PostTypeId="1" CreationDate="2018-03-12T18:05:00.000" Score="1"
       Body="&lt;p&gt;no title&lt;/p&gt;" />
  <row Id="3" PostTypeId="2" ParentId="1" CreationDate="2018-03-12T19:00:00.123" Score="2"
       Body="&lt;p&gt;Through &lt;a href=&quot;javascript:alert(1)&quot;&gt;noise&lt;/a&gt;.&lt;/p&gt;" />
  <row Id="4" PostTypeId="2" ParentId="99" CreationDate="2018-03-12T19:00:00.000" Score="0"
       Body="&lt;p&gt;x&lt;/p&gt;" />
  <row Id="5" PostTypeId="7" CreationDate="2018-03-12T19:00:00.000"
       Body="&lt;p&gt;privilege wiki&lt;/p&gt;" />
  <row PostTypeId="1" CreationDate="2018-03-12T19:00:00.000" Title="A question that has lost its id"
       Body="" />
"""


# --- the real dump ------------------------------------------------------------------------------


@needs_dump
def test_import_dump_counts_match_the_xml_and_publish_nothing(session, expected):
    report = run_import(session)
    assert imported_counts(session) == {k: expected[k] for k in imported_counts(session)}
    assert report.skipped["tag wiki posts"] == expected["tag_wikis"]
    assert report.created["users"] == len(rows("Users.xml"))
    assert session.scalar(select(func.count()).select_from(LiveEvent)) == 0
    unclaimed = session.scalars(select(User).where(User.password_hash.is_not(None)))
    assert list(unclaimed) == []


@needs_dump
def test_import_dump_bodies_render_as_markdown_with_code_links_lists_quotes_and_images(session):
    run_import(session)
    source = {p["Id"]: p["Body"] for p in rows("Posts.xml") if p["PostTypeId"] in ("1", "2")}

    def imported(marker: str) -> Post:
        se_id = next(i for i, body in source.items() if marker in body)
        return session.scalar(select(Post).where(Post.imported_id == int(se_id)))

    code = imported("<pre><code>")
    assert "```" in code.body and "<pre><code>" in code.body_html
    link = imported('<a href="https://')
    assert "](https://" in link.body and '<a href="https://' in link.body_html
    listed = imported("<ol>")
    assert "1. " in listed.body and "<ol>" in listed.body_html
    quoted = imported("<blockquote>")
    assert quoted.body.lstrip().startswith(">") or "\n>" in quoted.body
    assert "<blockquote>" in quoted.body_html
    pictured = imported("<img ")
    assert "<img" not in pictured.body_html and "](<http" in pictured.body


@needs_dump
def test_import_dump_then_recompute_commands_report_no_drift(session, runner):
    run_import(session)
    reputation = runner.invoke(args=["forum", "reputation", "recompute"])
    assert reputation.exit_code == 0 and "drift: 0 users" in reputation.output
    counts = runner.invoke(args=["forum", "counts", "recompute"])
    assert counts.exit_code == 0 and "drift: 0 counters" in counts.output
    assert session.scalar(select(func.max(User.reputation))) > 1000


@needs_dump
def test_import_dump_twice_adds_nothing(session):
    run_import(session)
    before = (imported_counts(session), session.scalar(select(func.count()).select_from(ReputationEvent)))
    again = run_import(session)
    after = (imported_counts(session), session.scalar(select(func.count()).select_from(ReputationEvent)))
    assert after == before
    assert again.posts == 0 and again.created["users"] == 0 and again.created["comments"] == 0
    assert again.existing["questions"] == before[0]["questions"]


@needs_dump
def test_import_dump_killed_halfway_resumes_to_an_uninterrupted_run(app, session, tmp_path, runner):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        pytest.skip("the kill is watched through the SQLite file")
    env = {name: value for name, value in os.environ.items() if not name.startswith("FORUM_")}
    env.update(FORUM_ENV="testing", FORUM_DATABASE_URL=url, FORUM_INDEX_DIR=str(tmp_path / "index"))
    session.remove()
    child = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "forum", "import", "stackexchange", str(DUMP)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and child.poll() is None:
            with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=5) as watch:
                if watch.execute("SELECT count(*) FROM posts").fetchone()[0] >= 600:
                    break
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    halfway = imported_counts(session)
    assert 0 < halfway["questions"] + halfway["answers"] < 1672

    run_import(session)
    run_import(session, site="qc-uninterrupted")
    assert imported_counts(session) == imported_counts(session, "qc-uninterrupted")
    assert snapshot(session, "quantumcomputing") == snapshot(session, "qc-uninterrupted")
    assert runner.invoke(args=["forum", "reputation", "recompute"]).exit_code == 0
    assert runner.invoke(args=["forum", "counts", "recompute"]).exit_code == 0


@needs_dump
def test_import_posts_only_copy_takes_owners_and_scores_from_posts(session, tmp_path, runner, expected):
    shutil.copy(DUMP / "Posts.xml", tmp_path / "Posts.xml")
    report = run_import(session, tmp_path, site="quantumcomputing")
    counts = imported_counts(session)
    assert {k: counts[k] for k in ("questions", "answers", "accepted")} == {
        k: expected[k] for k in ("questions", "answers", "accepted")
    }
    assert counts["comments"] == 0 and counts["duplicates"] == 0
    owners = {p.get("OwnerUserId", "-1") for p in rows("Posts.xml") if p["PostTypeId"] in ("1", "2")}
    assert report.created["users"] == len(owners)
    scores = {int(p["Id"]): int(p["Score"]) for p in rows("Posts.xml") if p["PostTypeId"] in ("1", "2")}
    assert dict(session.execute(select(Post.imported_id, Post.score)).tuples().all()) == {
        se_id: scores[se_id] for se_id in dict(session.execute(select(Post.imported_id, Post.id)).all())
    }
    assert runner.invoke(args=["forum", "reputation", "recompute"]).exit_code == 0
    assert runner.invoke(args=["forum", "counts", "recompute"]).exit_code == 0


# --- small dumps --------------------------------------------------------------------------------


def test_import_odd_rows_are_skipped_and_counted_and_the_rest_arrive_safely(session, tmp_path):
    report = run_import(session, write_dump(tmp_path / "odd", ODD_POSTS), site="odd")
    assert report.skipped == {
        "questions without a title": 1,
        "answers whose question is not imported": 1,
        "posts of another type (7)": 1,
        "post without an id": 1,
    }
    question = session.scalar(select(Post).where(Post.imported_site == "odd", Post.imported_id == 1))
    assert question.tag_names == ["decoherence", "qubit"]
    assert question.created_at.isoformat() == "2018-03-12T18:00:00"
    assert question.author.username == "Ada_Lovelace" and question.author.password_hash is None
    answer = question.accepted_answer
    assert answer is not None and answer.imported_id == 3 and question.answer_count == 1
    assert "<script" not in question.body_html and "<a" not in answer.body_html  # the link stays text


def test_import_page_and_api_credit_the_original_site_and_search_finds_it(session, tmp_path, runner, client):
    directory = write_dump(tmp_path / "odd", ODD_POSTS)
    result = runner.invoke(
        args=["forum", "import", "stackexchange", str(directory), "--site-url", "https://qc.example.org/"]
    )
    assert result.exit_code == 0, result.output
    assert "2 posts" in result.output and "skipped 1 questions without a title" in result.output
    question = session.scalar(select(Post).where(Post.imported_id == 1))
    page = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert "originally posted on" in page and 'href="https://qc.example.org/q/1"' in page
    assert "Ada Lovelace" in page
    api = client.get(f"/api/v1/questions/{question.id}").get_json()
    assert api["imported_from"]["site"] == "odd" and api["imported_from"]["id"] == 1
    assert api["answers"][0]["imported_from"]["url"] == "https://qc.example.org/a/3"
    found = client.get("/api/v1/search?q=transmon").get_json()
    assert [hit["id"] for hit in found["items"]] == [question.id]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d.mkdir(), "holds no Posts.xml"),
        (lambda d: write_dump(d, "").joinpath("Posts.xml").write_text("<html><body/></html>"), "not a Stack"),
        (lambda d: write_dump(d, ODD_POSTS, Users="<users><row Id='1'"), "Users.xml is not well-formed"),
        (lambda d: write_dump(d, ODD_POSTS + '<row Id="9" PostTypeId="1"'), "Posts.xml is not well-formed"),
    ],
    ids=["missing-posts", "not-a-dump", "broken-users", "broken-posts"],
)
def test_import_bad_dump_ends_with_a_message_and_no_half_post(session, tmp_path, runner, make, message):
    directory = tmp_path / "bad"
    make(directory)
    result = runner.invoke(args=["forum", "import", "stackexchange", str(directory)])
    assert result.exit_code == 1 and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for post in session.scalars(select(Post)):
        assert post.revisions and post.body_html
    assert runner.invoke(args=["forum", "counts", "recompute"]).exit_code == 0


@pytest.mark.skipif(not (PAYLOADS_FILE.is_file() and CHECKER_FILE.is_file()), reason="no shared XSS corpus")
def test_import_body_conversion_of_every_xss_payload_renders_safe_html():
    spec = importlib.util.spec_from_file_location("html_safety", CHECKER_FILE)
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    with PAYLOADS_FILE.open(encoding="utf-8") as lines:
        payloads = [json.loads(line) for line in lines if line.strip()]
    problems = {
        p["id"]: found
        for p in payloads
        if (found := checker.check(markup.render(stackexchange.to_markdown(p["payload"]))))
    }
    assert problems == {}


@needs_dump
def test_import_dump_through_a_process_pool_writes_what_the_in_process_import_writes(session):
    run_import(session, workers=2)
    run_import(session, site="qc-in-process", workers=0)
    assert snapshot(session, "quantumcomputing") == snapshot(session, "qc-in-process")

    def rendered(site: str) -> dict[int | None, str]:
        query = select(Post.imported_id, Post.body_html).where(Post.imported_site == site)
        return dict(session.execute(query).tuples().all())

    pooled = rendered("quantumcomputing")
    assert pooled == rendered("qc-in-process") and len(pooled) > 1000
