"""Help texts and hints built from the configured reputation rules, not their defaults."""

from __future__ import annotations

from tests.web.conftest import text_of


def test_privileges_page_with_configured_points_names_them(app, client):
    points = {"question_upvoted": 5, "answer_upvoted": 7, "answer_accepted": 20}
    app.config["REPUTATION_POINTS"] = {**app.config["REPUTATION_POINTS"], **points}
    page = text_of(client.get("/help/privileges").text)
    assert "upvote your questions (+5) and answers (+7) and when your answer is accepted (+20)" in page
    assert "+10" not in page and "+15" not in page


def test_privileges_page_with_configured_vote_window_names_it(app, client):
    app.config["VOTE_WINDOW_SECONDS"] = 10 * 60
    page = text_of(client.get("/help/privileges").text)
    assert "change or undo a vote within 10 minutes, or later if the post is edited" in page


def test_profile_without_reputation_changes_with_configured_upvote_says_its_worth(app, client, member):
    app.config["REPUTATION_POINTS"] = {**app.config["REPUTATION_POINTS"], "answer_upvoted": 25}
    page = text_of(client.get(f"/users/{member.id}").text)
    assert "each upvote on it earns 25." in page


def test_show_question_closed_for_needs_detail_says_why_in_words(client, session, question):
    question.closed_at, question.closed_reason = question.created_at, "needs_detail"
    session.commit()
    page = text_of(client.get(f"/questions/{question.id}", follow_redirects=True).text)
    assert "because it needs more detail or clarity" in page
