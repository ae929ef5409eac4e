"""Claiming a mirrored @handle: its posts, comments and reputation move to the member."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.models import Comment, ExternalIdentity, Post, User
from forum.services import reputation
from forum.services.errors import Conflict, NotFound
from forum.social import identities
from forum.social.demo import replay_demo
from tests.social.test_polling import poll


def identity(session, handle: str) -> ExternalIdentity:
    return session.scalar(select(ExternalIdentity).where(ExternalIdentity.handle == handle))


def test_claim_moves_posts_comments_and_reputation_to_the_member(session, member):
    replay_demo(session)
    dana = identity(session, "dana_rivers")
    placeholder_id = dana.user_id
    reputation.record(session, placeholder_id, 10, "question_upvoted")
    session.commit()
    identities.claim_identity(session, member, "twitter", "@Dana_Rivers")
    session.commit()
    assert session.scalars(select(Post).where(Post.author_id == placeholder_id)).all() == []
    assert session.scalars(select(Comment).where(Comment.author_id == placeholder_id)).all() == []
    assert len(session.scalars(select(Post).where(Post.author_id == member.id)).all()) == 1
    assert len(session.scalars(select(Comment).where(Comment.author_id == member.id)).all()) == 2
    assert session.get(User, member.id).reputation == 11
    assert session.get(User, placeholder_id).reputation == 1


def test_claimed_handle_tweets_later_appear_under_the_member(app, session, member, fake_x):
    question = fake_x.tweet("dana_r", "@AcmeHelp my router reboots every night, why?")
    poll(app, session)
    identities.claim_identity(session, member, "twitter", "dana_r")
    session.commit()
    fake_x.tweet("dana_r", "@AcmeHelp and now it also drops Wi-Fi at noon", reply_to=question)
    poll(app, session)
    thread = session.scalar(select(Post).where(Post.kind == "question"))
    assert thread.author_id == member.id
    assert [c.author_id for c in thread.comments] == [member.id]


def test_claim_of_a_claimed_or_brand_or_unknown_handle_is_refused(session, member, other_member):
    replay_demo(session)
    identities.claim_identity(session, member, "twitter", "li_wei")
    session.commit()
    with pytest.raises(Conflict):
        identities.claim_identity(session, other_member, "twitter", "li_wei")
    with pytest.raises(Conflict):
        identities.claim_identity(session, other_member, "twitter", "AcmeHelp")
    with pytest.raises(NotFound):
        identities.claim_identity(session, other_member, "twitter", "nobody_here")


def test_mirror_claim_command_reports_the_new_owner(runner, session, member):
    replay_demo(session)
    result = runner.invoke(args=["forum", "mirror", "claim", "@pat_o", "alice"])
    assert result.exit_code == 0 and "@pat_o now belongs to alice" in result.output
