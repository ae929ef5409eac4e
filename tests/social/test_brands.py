"""Brand answers by X user id: a handle shown in a payload never makes an account the brand."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from forum import clock
from forum.models import ExternalIdentity, MirroredTweet, MirrorError
from forum.social import identities
from tests.social.test_admin_page import log_in
from tests.social.test_polling import conversation, mirrored, poll

ACME_HELP = "1000000001"  # the fake's own account, @AcmeHelp
OTHER_ACCOUNT = "666000666"
LIVE_DEMO = Path(__file__).resolve().parents[2] / "forum" / "social" / "demo_live_pages.jsonl"


def errors(session, kind: str) -> list[str]:
    session.expire_all()
    return [e.message for e in session.scalars(select(MirrorError).where(MirrorError.kind == kind))]


def brand_lookups(fake) -> list[str]:
    return [params["usernames"] for method, path, params in fake.requests if path == "/2/users/by"]


def question_with_two_acme_replies(fake) -> tuple[dict, dict, dict]:
    """A customer's question, a reply from @AcmeHelp, and one from another account showing @AcmeHelp."""
    question = fake.tweet("dana_r", "@AcmeHelp my router reboots every night. Why?")
    fake.add_user(OTHER_ACCOUNT, "AcmeHelp")
    genuine = fake.tweet("AcmeHelp", "@dana_r Please update the firmware to 1.2.6.", reply_to=question)
    other = fake.tweet(
        "AcmeHelp",
        "@dana_r DM us your account password and we will fix it.",
        reply_to=question,
        as_user=OTHER_ACCOUNT,
    )
    return question, genuine, other


def test_poll_reply_from_another_account_showing_the_brand_handle_is_not_a_staff_answer(app, session, fake_x):
    _, genuine, other = question_with_two_acme_replies(fake_x)
    poll(app, session)
    answer = mirrored(session, other).post
    assert answer.kind == "answer" and answer.author.role == "member"
    assert mirrored(session, other).identity.is_brand is False
    assert mirrored(session, genuine).post.author.role == "staff"


def test_poll_resolves_the_brand_handle_once_and_remembers_its_id(app, session, client, admin, fake_x):
    conversation(fake_x)
    poll(app, session)
    conversation(fake_x, "eve_e")
    poll(app, session)
    assert brand_lookups(fake_x) == ["AcmeHelp"]
    log_in(client, admin)
    page = client.get("/admin/mirror").get_data(as_text=True)
    assert f'<code data-testid="brand-id">{ACME_HELP}</code>' in page
    assert "brand:" not in page  # the remembered id is not shown as a source


def test_poll_after_the_brand_handle_changes_hands_keeps_the_account_first_resolved(app, session, fake_x):
    question, answer, _ = conversation(fake_x)
    poll(app, session)
    # The brand renames its account and someone else registers the free handle.
    fake_x.users[ACME_HELP]["username"] = "AcmeCare"
    fake_x.add_user(OTHER_ACCOUNT, "AcmeHelp")
    late = fake_x.tweet("AcmeHelp", "@dana_r reply with your card number to get a refund", reply_to=question)
    poll(app, session)
    assert mirrored(session, late).post.author.role == "member"
    assert mirrored(session, answer).post.author.role == "staff"
    assert brand_lookups(fake_x) == ["AcmeHelp"]


def test_poll_with_brand_user_ids_set_skips_the_lookup_and_trusts_only_those_ids(app, session, fake_x):
    app.config["X_BRAND_USER_IDS"] = ACME_HELP
    _, genuine, other = question_with_two_acme_replies(fake_x)
    poll(app, session)
    assert brand_lookups(fake_x) == []
    assert mirrored(session, genuine).post.author.role == "staff"
    assert mirrored(session, other).post.author.role == "member"


def test_poll_with_a_brand_handle_x_does_not_know_records_an_error_and_asks_again_later(app, session, fake_x):
    app.config["X_BRAND_HANDLES"] = "AcmeHelp,NoSuchBrand"
    conversation(fake_x)
    poll(app, session)
    poll(app, session)
    assert brand_lookups(fake_x) == ["AcmeHelp,NoSuchBrand"]
    assert errors(session, "brand") == [
        "brand handle @NoSuchBrand was not found on X; its replies are not staff answers"
    ]
    with clock.travel(timedelta(hours=2)):
        poll(app, session)
    assert brand_lookups(fake_x)[-1] == "NoSuchBrand"


def test_poll_reply_from_an_account_once_made_staff_by_its_handle_is_a_member_answer(app, session, fake_x):
    # What matching brands by handle left behind: another account recorded as the brand.
    identities.identity_for(session, identities.PROVIDER_TWITTER, OTHER_ACCOUNT, "AcmeHelp", brand=True)
    session.commit()
    _, _, other = question_with_two_acme_replies(fake_x)
    poll(app, session)
    assert mirrored(session, other).post.author.role == "member"
    identity = session.scalar(select(ExternalIdentity).where(ExternalIdentity.external_id == OTHER_ACCOUNT))
    assert identity.is_brand is False


def write_recording(path: Path, tweets: list[dict], users: list[tuple[str, str]]) -> Path:
    page = {
        "data": sorted(tweets, key=lambda t: int(t["id"]), reverse=True),
        "includes": {"users": [{"id": i, "name": name, "username": name} for i, name in users]},
        "meta": {"result_count": len(tweets)},
    }
    path.write_text(json.dumps(page) + "\n", encoding="utf-8")
    return path


def recorded_thread(tmp_path: Path) -> Path:
    """A question and two replies from accounts both shown as @AcmeHelp in one recording."""
    root = {
        "id": "2028600000000000001",
        "author_id": "1000000021",
        "conversation_id": "2028600000000000001",
        "text": "@AcmeHelp my kettle will not switch off. What can I do?",
    }
    replies = [
        {
            "id": f"202860000000000000{n}",
            "author_id": author,
            "conversation_id": root["id"],
            "referenced_tweets": [{"type": "replied_to", "id": root["id"]}],
            "text": text,
        }
        for n, author, text in (
            (2, ACME_HELP, "@kim_k Descale it; the sensor sticks when it scales up."),
            (3, OTHER_ACCOUNT, "@kim_k Send us your card details for a refund."),
        )
    ]
    users = [("1000000021", "kim_k"), (ACME_HELP, "AcmeHelp"), (OTHER_ACCOUNT, "AcmeHelp")]
    return write_recording(tmp_path / "recorded.jsonl", [root, *replies], users)


def authors_roles(session) -> dict[int, str]:
    session.expire_all()
    return {
        m.tweet_id: m.post.author.role
        for m in session.scalars(select(MirroredTweet).where(MirroredTweet.kind == "answer"))
    }


def test_replay_recording_showing_the_brand_handle_for_two_accounts_makes_no_staff_answer(
    runner, session, tmp_path
):
    result = runner.invoke(args=["forum", "mirror", "run", "--source", str(recorded_thread(tmp_path))])
    assert result.exit_code == 0, result.output
    assert set(authors_roles(session).values()) == {"member"}
    assert errors(session, "brand") == [
        "the recording shows @AcmeHelp for 2 X accounts; none of them is "
        "taken for the brand (set FORUM_X_BRAND_USER_IDS)"
    ]


def test_replay_recording_with_brand_user_ids_makes_only_those_accounts_staff(app, runner, session, tmp_path):
    app.config["X_BRAND_USER_IDS"] = ACME_HELP
    result = runner.invoke(args=["forum", "mirror", "run", "--source", str(recorded_thread(tmp_path))])
    assert result.exit_code == 0, result.output
    assert authors_roles(session) == {2028600000000000002: "staff", 2028600000000000003: "member"}


def test_replay_live_demo_with_the_brand_handle_makes_acme_replies_staff_answers(runner, session):
    # What `make run` does: FORUM_X_BRAND_HANDLES=AcmeHelp and the live demo recording.
    result = runner.invoke(args=["forum", "mirror", "run", "--once", "--source", str(LIVE_DEMO)])
    assert result.exit_code == 0, result.output
    assert authors_roles(session) == {
        2028500000000000002: "member",
        2028500000000000003: "staff",
        2028500000000000006: "staff",
    }


def test_mirror_run_with_a_brand_user_id_that_is_not_an_id_refuses_to_start(app, runner, session):
    app.config["X_BRAND_USER_IDS"] = "AcmeHelp"
    result = runner.invoke(args=["forum", "mirror", "run", "--once"])
    assert result.exit_code != 0
    assert "FORUM_X_BRAND_USER_IDS: 'AcmeHelp' is not an X user id" in result.output
