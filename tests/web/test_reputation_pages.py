"""Votes, acceptance, privileges and the reputation panel as a person sees them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from forum.models import Vote
from forum.services import posting, reputation, voting
from tests.web.conftest import text_of

BODY = "An answer long enough to pass the thirty character minimum."


def test_vote_form_by_member_with_15_raises_score_on_page(logged_in, make_user, answer, question):
    client = logged_in(make_user(reputation=15))
    response = client.post(f"/posts/{answer.id}/vote", data={"value": "1"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert f'<span class="score" data-post-id="{answer.id}" aria-label="score 1">1</span>' in page
    assert 'aria-pressed="true"' in page


def test_vote_form_asking_for_json_answers_score_and_my_vote(logged_in, make_user, answer):
    client = logged_in(make_user(reputation=15))
    response = client.post(
        f"/posts/{answer.id}/vote", data={"value": "1"}, headers={"Accept": "application/json"}
    )
    assert response.json == {"score": 1, "my_vote": 1}
    undo = client.post(
        f"/posts/{answer.id}/vote", data={"value": "0"}, headers={"Accept": "application/json"}
    )
    assert undo.json == {"score": 0, "my_vote": 0}


def test_vote_form_without_privilege_says_why_and_counts_nothing(logged_in, make_user, answer, session):
    client = logged_in(make_user(reputation=1))
    response = client.post(f"/posts/{answer.id}/vote", data={"value": "1"}, follow_redirects=True)
    assert "You need 15 reputation to vote up; you have 1." in text_of(response.text)
    assert session.scalar(select(func.count()).select_from(Vote)) == 0


def test_question_page_for_new_member_shows_disabled_buttons_with_reason(
    logged_in, make_user, answer, question
):
    client = logged_in(make_user(reputation=1))
    page = client.get(f"/questions/{question.id}", follow_redirects=True).text
    assert 'aria-disabled="true" data-refusal="You need 15 reputation to vote up; you have 1."' in page
    assert "You need 15 reputation to vote up; you have 1." in text_of(page)  # for screen readers too


def test_question_page_for_logged_out_visitor_links_votes_to_log_in(client, answer, question):
    page = client.get(f"/questions/{question.id}", follow_redirects=True).text
    assert 'title="Log in to vote"' in page


def test_accept_form_by_asker_marks_answer_accepted_by_the_asker(logged_in, member, answer, question):
    client = logged_in(member)
    response = client.post(
        f"/questions/{question.id}/accept", data={"answer_id": str(answer.id)}, follow_redirects=True
    )
    text = text_of(response.text)
    assert "Answer accepted." in text
    assert "Accepted by the asker" in text
    assert "Unaccept" in text


def test_accept_form_by_moderator_shows_who_marked_it(logged_in, moderator, answer, question):
    client = logged_in(moderator)
    response = client.post(
        f"/questions/{question.id}/accept", data={"answer_id": str(answer.id)}, follow_redirects=True
    )
    assert "Marked as the solution by moderator mo_moderator" in text_of(response.text)


def test_accept_form_by_stranger_is_refused_with_reason(logged_in, make_user, answer, question, session):
    client = logged_in(make_user(reputation=5000))
    response = client.post(
        f"/questions/{question.id}/accept", data={"answer_id": str(answer.id)}, follow_redirects=True
    )
    assert "Only the person who asked, or a moderator, may accept an answer." in text_of(response.text)
    session.expire_all()
    assert question.accepted_answer_id is None


def test_accepted_answer_moves_first_on_question_page(
    logged_in, member, make_user, answer, question, session
):
    later = posting.post_answer(session, make_user(), question, BODY + " The later, accepted one.")
    session.commit()
    client = logged_in(member)
    page = client.post(
        f"/questions/{question.id}/accept", data={"answer_id": str(later.id)}, follow_redirects=True
    ).text
    assert page.index(f'id="answer-{later.id}"') < page.index(f'id="answer-{answer.id}"')


def test_privileges_page_marks_what_the_viewer_has(logged_in, make_user):
    client = logged_in(make_user(reputation=60))
    text = text_of(client.get("/help/privileges").text)
    assert "You have 60 reputation" in text
    assert "comment on any post ✓ yours" in text
    assert "vote down 65 more to go" in text


def test_profile_shows_ledger_with_post_titles_and_chart(logged_in, make_user, answer, other_member):
    client = logged_in(make_user(reputation=15))
    client.post(f"/posts/{answer.id}/vote", data={"value": "1"})
    page = client.get(f"/users/{other_member.id}").text
    text = text_of(page)
    assert "+10 upvote on How do I reset my router password?" in text
    assert '<figure class="line-chart" role="img" aria-label="Reputation over time: from 1' in page
    assert "Next: vote up at 15 (4 to go)" in text


def test_profile_ledger_for_a_visitor_hides_the_members_cast_downvotes(
    session, app, logged_in, make_user, answer
):
    voter = make_user(reputation=200, username="dana")
    voting.cast_vote(session, voter, answer.id, -1)
    session.commit()
    seen_by_visitor = text_of(app.test_client().get(f"/users/{voter.id}").text)
    seen_by_member = text_of(logged_in(make_user()).get(f"/users/{voter.id}").text)
    for text in (seen_by_visitor, seen_by_member):
        assert "How do I reset my router password?" not in text
        assert "downvote" not in text and "-1" not in text


def test_profile_ledger_for_its_owner_shows_own_downvotes_in_the_second_person(
    session, logged_in, make_user, answer
):
    voter = make_user(reputation=200, username="dana")
    voting.cast_vote(session, voter, answer.id, -1)
    session.commit()
    text = text_of(logged_in(voter).get(f"/users/{voter.id}").text)
    assert "-1 you downvoted on How do I reset my router password?" in text


def test_profile_ledger_of_the_downvoted_author_shows_the_downvote_without_the_voter(
    session, app, make_user, answer, other_member
):
    voter = make_user(reputation=200, username="dana")
    voting.cast_vote(session, voter, answer.id, -1)
    session.commit()
    text = text_of(app.test_client().get(f"/users/{other_member.id}").text)
    assert "-2 downvote on How do I reset my router password?" in text
    assert "dana" not in text


def test_api_ledger_of_another_member_leaves_out_cast_downvotes_and_their_undoing(
    session, api, api_as, make_user, answer
):
    voter = make_user(reputation=200, username="dana")
    voting.cast_vote(session, voter, answer.id, -1)
    voting.undo_vote(session, voter, answer.id)
    session.commit()
    own = api_as(voter).get(f"/users/{voter.id}/reputation").json
    assert [e["reason"] for e in own["items"][:2]] == ["vote_undone", "downvoted_answer"]
    for client in (api, api_as(make_user())):
        body = client.get(f"/users/{voter.id}/reputation").json
        assert [e["reason"] for e in body["items"]] == ["granted_for_test"]
        assert body["total"] == 1


def test_profile_ledger_groups_a_days_upvotes_on_one_post_into_one_line(
    session, app, make_user, answer, other_member
):
    for _ in range(4):
        voting.cast_vote(session, make_user(reputation=15), answer.id, 1)
    session.commit()
    page = app.test_client().get(f"/users/{other_member.id}").text
    assert "+40 4 upvotes on How do I reset my router password?" in text_of(page)
    assert page.count('class="delta up"') == 1


def test_profile_ledger_keeps_different_days_on_separate_lines(session, app, make_user, answer, other_member):
    events = [reputation.record(session, other_member.id, 10, "answer_upvoted", answer.id) for _ in range(3)]
    events[0].created_at -= timedelta(days=1)
    session.commit()
    text = text_of(app.test_client().get(f"/users/{other_member.id}").text)
    assert "+20 2 upvotes on How do I reset my router password?" in text
    assert "+10 upvote on How do I reset my router password?" in text
