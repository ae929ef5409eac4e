"""Votes and accepted answers for the demo community, through the services.

Called by `forum.demo.load_demo_data` after the threads exist. Staff and
moderators vote first (they need no reputation), which lifts the members
who answered well past the privilege thresholds; members then vote where
their reputation allows. Most askers accept an answer; one solution is
marked by the moderator, one question is left for curation. The result is
a range of reputations, from 1 to a few hundred.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from forum import clock
from forum.models import Post, User
from forum.services import acceptance, voting
from forum.services.errors import DomainError
from forum.services.permissions import can

STAFF_VOTERS = ("staff_sam", "staff_kim", "mod", "admin")
MEMBER_VOTERS = ("maria_k", "tom.becker", "priya_n", "jonas-w", "chloe.m", "kwame_a", "eleni_p",
                 "dimitris.a", "petr.novak", "zuzana_h", "dariush_r", "shirin.m")
# Which answer (index) the asker accepts; None leaves the question open.
ACCEPTS = {
    "router-evening-drops": 0,
    "track-order": 0,
    "return-opened-laptop": 0,
    "tv-no-sound-arc": 0,
    "laptop-battery-sleep": 1,
    "mesh-backhaul": 0,
    "tv-hdr-washed-out": 0,
    "reset-phone-tradein": 1,
    "laptop-fan-noise": 1,
    "greek-router-speed": 0,
    "czech-tv-remote": 0,
    "slovak-refund": 0,
    "persian-laptop-keyboard": 0,
}
# Marked as the solution by the moderator (the asker never came back).
MODERATOR_MARKS = {"change-shipping-address": 0}
# A weak answer that staff vote down, so scores below zero show up too.
DOWNVOTED = {"smart-tv-slow-apps": 0}


def _try(action, *args) -> bool:
    """Run one demo action; a rule refusing it (a member short of reputation) just skips it."""
    try:
        action(*args)
        return True
    except DomainError:
        return False


def _votes_for(session: Session, post: Post, voters: list[User], count: int, value: int = 1) -> None:
    for voter in [v for v in voters if v.id != post.author_id][:count]:
        if can(voter, "vote_up" if value == 1 else "vote_down"):
            _try(voting.cast_vote, session, voter, post.id, value)


def add_votes_and_acceptance(session: Session, users: dict[str, User], questions: dict[str, Post],
                             answers: dict[str, list[Post]]) -> None:
    staff = [users[name] for name in STAFF_VOTERS]
    members = [users[name] for name in MEMBER_VOTERS]
    for index, (key, question) in enumerate(sorted(questions.items(), key=lambda kv: kv[1].id)):
        age = clock.now() - question.created_at - timedelta(hours=6)
        with clock.travel(-max(age, timedelta(0))):
            _votes_for(session, question, staff, index % 3)
            for position, answer in enumerate(answers[key]):
                if DOWNVOTED.get(key) == position:
                    continue
                bonus = 2 if position == ACCEPTS.get(key) else 0
                _votes_for(session, answer, staff, 1 + (index + position) % 3 + bonus)
            if key in DOWNVOTED:
                _votes_for(session, answers[key][DOWNVOTED[key]], staff[:2], 2, value=-1)
            session.flush()
        with clock.travel(-max(age - timedelta(hours=12), timedelta(0))):
            for position, answer in enumerate(answers[key]):
                _votes_for(session, answer, members[index % 5:] + members[:index % 5], (index + position) % 4)
            _votes_for(session, question, members[(index + 3) % 7:], index % 2)
            if key in ACCEPTS and len(answers[key]) > ACCEPTS[key]:
                chosen = answers[key][ACCEPTS[key]]
                _try(acceptance.accept_answer, session, question.author, question.id, chosen.id)
            if key in MODERATOR_MARKS and len(answers[key]) > MODERATOR_MARKS[key]:
                chosen = answers[key][MODERATOR_MARKS[key]]
                _try(acceptance.accept_answer, session, users["mod"], question.id, chosen.id)
            session.flush()
