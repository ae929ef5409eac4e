"""The posting services: input rules at their exact limits, revisions, counts,
closed and locked threads, and who may comment or edit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import clock
from forum.models import Comment, Post, PostRevision, Tag
from forum.services import posting
from forum.services.errors import Conflict, Invalid, NotAllowed, NotFound

BODY = "b" * 30
TAGS = ["router"]


def ask(session, user, title="t" * 15, body=BODY, tags=TAGS):
    question = posting.ask_question(session, user, title, body, tags)
    session.commit()
    return question


def refused_fields(call) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        call()
    return caught.value.fields


def post_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Post))


@pytest.mark.parametrize("length", [15, 150])
def test_ask_title_at_limit_is_accepted(session, member, length):
    assert ask(session, member, title="t" * length).title == "t" * length


@pytest.mark.parametrize("length", [14, 151])
def test_ask_title_past_limit_is_refused(session, member, length):
    fields = refused_fields(lambda: posting.ask_question(session, member, "t" * length, BODY, TAGS))
    assert "title" in fields
    session.rollback()
    assert post_count(session) == 0


def test_ask_title_padded_with_spaces_is_measured_without_them(session, member):
    fields = refused_fields(lambda: posting.ask_question(session, member, "a" + " " * 20 + "b", BODY, TAGS))
    assert "title" in fields


@pytest.mark.parametrize("length", [30, 30000])
def test_ask_body_at_limit_is_accepted(session, member, length):
    assert len(ask(session, member, body="b" * length).body) == length


@pytest.mark.parametrize("length", [29, 30001])
def test_ask_body_past_limit_is_refused(session, member, length):
    fields = refused_fields(lambda: posting.ask_question(session, member, "t" * 15, "b" * length, TAGS))
    assert "body" in fields


@pytest.mark.parametrize("value", [None, "", "   \n  ", 42, ["a list"], {"a": "dict"}])
def test_ask_body_empty_or_not_text_is_refused(session, member, value):
    assert "body" in refused_fields(lambda: posting.ask_question(session, member, "t" * 15, value, TAGS))


def test_ask_every_bad_field_is_reported_at_once(session, member):
    fields = refused_fields(lambda: posting.ask_question(session, member, "", "", []))
    assert set(fields) == {"title", "body", "tags"}


@pytest.mark.parametrize("count", [1, 5])
def test_ask_tag_count_at_limit_is_accepted(session, member, count):
    tags = [f"tag{i}" for i in range(count)]
    assert ask(session, member, tags=tags).tag_names == sorted(tags)


@pytest.mark.parametrize("count", [0, 6])
def test_ask_tag_count_past_limit_is_refused(session, member, count):
    tags = [f"tag{i}" for i in range(count)]
    assert "tags" in refused_fields(lambda: posting.ask_question(session, member, "t" * 15, BODY, tags))


def test_ask_tag_of_35_characters_is_accepted(session, member):
    assert ask(session, member, tags=["x" * 35]).tag_names == ["x" * 35]


def test_ask_tag_of_36_characters_is_refused(session, member):
    assert "tags" in refused_fields(lambda: posting.ask_question(session, member, "t" * 15, BODY, ["x" * 36]))


@pytest.mark.parametrize("tag", ["c++", "c#", "node.js", "wi-fi", "802.11ax"])
def test_ask_tag_with_allowed_punctuation_is_accepted(session, member, tag):
    assert ask(session, member, tags=[tag]).tag_names == [tag]


@pytest.mark.parametrize("tag", ["wi_fi", "tag/slash", "<script>", "ελληνικά", "a\x00b", "semi:colon"])
def test_ask_tag_with_bad_characters_is_refused(session, member, tag):
    assert "tags" in refused_fields(lambda: posting.ask_question(session, member, "t" * 15, BODY, [tag]))


@pytest.mark.parametrize("tags", [{"router": 1}, [1, 2], "x", 7])
def test_ask_tags_of_wrong_type_are_refused_unless_a_string(session, member, tags):
    if tags == "x":
        assert ask(session, member, tags=tags).tag_names == ["x"]
    else:
        assert "tags" in refused_fields(lambda: posting.ask_question(session, member, "t" * 15, BODY, tags))


def test_ask_tags_are_lowercased_deduplicated_and_counted(session, member, other_member):
    ask(session, member, tags=["WiFi", "wifi", "Router"])
    ask(session, other_member, tags="wifi, mesh")
    counts = dict(session.execute(select(Tag.name, Tag.question_count)).all())
    assert counts == {"wifi": 2, "router": 1, "mesh": 1}


def test_ask_records_first_revision(session, member):
    question = ask(session, member)
    [revision] = question.revisions
    assert (revision.number, revision.editor_id, revision.title, revision.body) == (
        1,
        member.id,
        question.title,
        question.body,
    )


def test_ask_nul_character_is_stored_as_replacement(session, member):
    question = ask(session, member, body="before\x00after and enough text to pass")
    assert "\x00" not in question.body and "\ufffd" in question.body


def test_answer_counts_and_records_revision(session, question, other_member, member):
    first = posting.post_answer(session, other_member, question, BODY)
    posting.post_answer(session, member, question, BODY + " second")
    session.commit()
    assert question.answer_count == 2
    assert [r.number for r in first.revisions] == [1]
    assert first.revisions[0].body == BODY


def test_answer_moves_question_activity(session, question, other_member):
    with clock.travel(timedelta(hours=1)):
        answer = posting.post_answer(session, other_member, question, BODY)
    assert question.last_activity_at == answer.created_at > question.created_at


@pytest.mark.parametrize("length", [29, 30001])
def test_answer_body_past_limit_is_refused(session, question, other_member, length):
    assert "body" in refused_fields(
        lambda: posting.post_answer(session, other_member, question, "b" * length)
    )
    session.rollback()
    assert question.answer_count == 0


def test_answer_on_closed_question_is_refused(session, question, other_member):
    question.closed_at = clock.now()
    session.commit()
    with pytest.raises(Conflict):
        posting.post_answer(session, other_member, question, BODY)
    session.rollback()
    assert question.answer_count == 0


def test_answer_on_locked_question_is_refused(session, question, other_member):
    question.locked = True
    session.commit()
    with pytest.raises(Conflict):
        posting.post_answer(session, other_member, question, BODY)


def test_answer_to_an_answer_is_refused(session, answered_question, member):
    answer = answered_question.answers[0]
    with pytest.raises(NotFound):
        posting.post_answer(session, member, answer, BODY)


def test_get_post_unknown_or_wrong_kind_is_not_found(session, answered_question):
    answer = answered_question.answers[0]
    for post_id, kind in ((999999, None), (answer.id, "question"), ("1", None), (2**63, None)):
        with pytest.raises(NotFound):
            posting.get_post(session, post_id, kind)


@pytest.mark.parametrize("length", [15, 600])
def test_comment_at_limit_is_accepted(session, question, member, length):
    comment = posting.add_comment(session, member, question, "c" * length)
    assert len(comment.body) == length


@pytest.mark.parametrize("length", [14, 601])
def test_comment_past_limit_is_refused(session, question, member, length):
    assert "body" in refused_fields(lambda: posting.add_comment(session, member, question, "c" * length))


def test_comment_on_own_question_at_one_reputation_is_allowed(session, question, member):
    assert posting.add_comment(session, member, question, "c" * 20).author_id == member.id


def test_comment_on_answer_to_own_question_at_one_reputation_is_allowed(session, answered_question, member):
    answer = answered_question.answers[0]
    assert posting.add_comment(session, member, answer, "c" * 20).post_id == answer.id


def test_comment_on_own_answer_at_one_reputation_is_allowed(session, answered_question, other_member):
    answer = answered_question.answers[0]
    assert posting.add_comment(session, other_member, answer, "c" * 20).post_id == answer.id


def test_comment_elsewhere_at_one_reputation_is_refused(session, question, other_member):
    with pytest.raises(NotAllowed) as caught:
        posting.add_comment(session, other_member, question, "c" * 20)
    assert (caught.value.privilege, caught.value.needed, caught.value.have) == ("comment_everywhere", 50, 1)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_comment_elsewhere_at_49_reputation_is_refused(session, question, make_user):
    with pytest.raises(NotAllowed):
        posting.add_comment(session, make_user(reputation=49), question, "c" * 20)


def test_comment_elsewhere_at_50_reputation_is_allowed(session, question, make_user):
    assert posting.add_comment(session, make_user(reputation=50), question, "c" * 20).id


def test_comment_elsewhere_by_staff_is_allowed(session, question, staff):
    assert posting.add_comment(session, staff, question, "c" * 20).id


def test_comment_on_locked_post_is_refused(session, question, member):
    question.locked = True
    with pytest.raises(Conflict):
        posting.add_comment(session, member, question, "c" * 20)


def test_edit_records_a_revision_with_the_new_text(session, question, member):
    posting.edit_post(session, member, question, body=BODY + " with more detail", summary="details")
    session.commit()
    revisions = session.scalars(
        select(PostRevision).where(PostRevision.post_id == question.id).order_by(PostRevision.number)
    ).all()
    assert [(r.number, r.summary) for r in revisions] == [(1, "asked"), (2, "details")]
    assert revisions[0].body == "This is a body that is long enough to pass the thirty character rule."
    assert revisions[1].body == question.body == BODY + " with more detail"


def test_edit_retags_and_keeps_tag_counts(session, question, member):
    posting.edit_post(session, member, question, tags=["router", "mesh"])
    session.commit()
    counts = dict(session.execute(select(Tag.name, Tag.question_count)).all())
    assert counts == {"router": 1, "wifi": 0, "mesh": 1}
    assert question.revisions[-1].tags == "mesh router"


def test_edit_that_changes_nothing_is_refused(session, question, member):
    with pytest.raises(Invalid):
        posting.edit_post(session, member, question, title=question.title)
    assert len(question.revisions) == 1


def test_edit_answer_title_is_refused(session, answered_question, other_member):
    answer = answered_question.answers[0]
    assert "title" in refused_fields(lambda: posting.edit_post(session, other_member, answer, title="t" * 20))


@pytest.mark.parametrize("length", [14, 151])
def test_edit_title_past_limit_is_refused(session, question, member, length):
    original = question.title
    assert "title" in refused_fields(lambda: posting.edit_post(session, member, question, title="t" * length))
    session.rollback()
    assert question.title == original


def test_edit_someone_elses_post_is_refused(session, question, other_member):
    with pytest.raises(NotAllowed) as caught:
        posting.edit_post(session, other_member, question, body=BODY + " hijacked")
    assert caught.value.privilege == "edit_any"


def test_edit_someone_elses_post_with_2000_reputation_is_allowed(session, question, make_user):
    editor = make_user(reputation=2000)
    posting.edit_post(session, editor, question, body=BODY + " improved")
    assert question.revisions[-1].editor_id == editor.id


def test_edit_locked_post_by_author_is_refused(session, question, member, moderator):
    question.locked = True
    with pytest.raises(Conflict):
        posting.edit_post(session, member, question, body=BODY + " more")
    posting.edit_post(session, moderator, question, body=BODY + " by the moderator")
    assert question.body.endswith("by the moderator")
