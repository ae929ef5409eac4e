"""The demo community that `flask --app wsgi forum demo load` (and `make run`) creates.

The content is data next to this module: community.toml (the accounts and
threads), votes.toml (who votes, which answers are accepted) and
moderation.toml (flags, a duplicate, audited actions, the staff queue).
This module plays it through the services, with the clock moved back so the
threads spread over the past few weeks; nothing is written to the post
tables directly. Every demo account signs in with the password
`password123`: `admin` (admin), `mod` (moderator), `staff_sam` and
`staff_kim` (staff) and a dozen members.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Post, User
from forum.services import acceptance, accounts, flags, moderation, posting, staff, voting
from forum.services.errors import DomainError
from forum.services.permissions import can


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


class DemoUser(NamedTuple):
    username: str
    role: str
    days_ago: int  # since the account was created
    about: str


_COMMUNITY = _read("community.toml")
_VOTES = _read("votes.toml")
_MODERATION = _read("moderation.toml")

DEMO_PASSWORD: str = _COMMUNITY["password"]
USERS: list[DemoUser] = [DemoUser(**user) for user in _COMMUNITY["users"]]
THREADS: list[dict[str, Any]] = _COMMUNITY["threads"]
MODERATOR_RETAG: dict[str, Any] = _COMMUNITY["moderator_retag"]
# The demo is present when this account exists; loading again does nothing.
MARKER_USERNAME = "admin"
# The moderation demo is present when its spammer exists.
MODERATION_MARKER_USERNAME: str = _MODERATION["spammer"]["username"]


# --- the community: accounts and threads --------------------------------------------------


@dataclass
class DemoCommunity:
    """What the loader created, so later steps (votes, accepted answers) can build on it."""

    users: dict[str, User] = field(default_factory=dict)
    questions: dict[str, Post] = field(default_factory=dict)
    answers: dict[str, list[Post]] = field(default_factory=dict)


def demo_present(session: Session) -> bool:
    return accounts.find_user_by_name(session, MARKER_USERNAME) is not None


def _at(days_ago: float, hours: float = 0) -> timedelta:
    """How far to move the clock back for an event `hours` after a thread began."""
    return timedelta(days=days_ago) - timedelta(hours=hours)


def _thread_events(thread: dict) -> list[tuple[timedelta, int, Callable[[DemoCommunity, Session], None]]]:
    """The events of one thread as (clock offset back from now, order, action)."""
    key, days = thread["key"], thread["days_ago"]

    def ask(community: DemoCommunity, session: Session) -> None:
        community.questions[key] = posting.ask_question(
            session, community.users[thread["author"]], thread["title"], thread["body"], thread["tags"]
        )
        community.answers[key] = []

    events: list[tuple[timedelta, int, Callable[[DemoCommunity, Session], None]]] = [(_at(days), 0, ask)]
    for spec in thread["answers"]:

        def answer(community: DemoCommunity, session: Session, spec: dict = spec) -> None:
            community.answers[key].append(
                posting.post_answer(
                    session, community.users[spec["author"]], community.questions[key], spec["body"]
                )
            )

        events.append((_at(days, spec["hours"]), 1, answer))
    for spec in thread["comments"]:

        def comment(community: DemoCommunity, session: Session, spec: dict = spec) -> None:
            on = spec["on"]
            target = community.questions[key] if on == "question" else community.answers[key][on]
            posting.add_comment(session, community.users[spec["author"]], target, spec["body"])

        events.append((_at(days, spec["hours"]), 2, comment))
    edits = [thread["edit"]] if "edit" in thread else []
    if MODERATOR_RETAG["thread"] == key:
        edits.append(MODERATOR_RETAG)
    for spec in edits:

        def edit(community: DemoCommunity, session: Session, spec: dict = spec) -> None:
            posting.edit_post(
                session,
                community.users[spec["author"]],
                community.questions[key],
                body=spec.get("body"),
                tags=spec.get("tags"),
                summary=spec["summary"],
            )

        events.append((_at(days, spec["hours"]), 3, edit))
    return events


def build_community(session: Session) -> DemoCommunity:
    """Create the users and threads in time order, with the clock moved back to each moment."""
    community = DemoCommunity()
    for username, role, days_ago, about in USERS:
        with clock.travel(-timedelta(days=days_ago)):
            user = accounts.register_user(session, username, f"{username}@example.com", DEMO_PASSWORD, role)
        user.about = about
        community.users[username] = user
    events = [event for thread in THREADS for event in _thread_events(thread)]
    # Oldest first, so ids grow with time and each thread's activity ends last.
    for offset, _order, action in sorted(events, key=lambda e: (-e[0], e[1])):
        with clock.travel(-offset):
            action(community, session)
    session.flush()
    return community


# --- votes and accepted answers -----------------------------------------------------------


def _try(action: Callable[..., object], *args: object) -> bool:
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


def add_votes_and_acceptance(
    session: Session, users: dict[str, User], questions: dict[str, Post], answers: dict[str, list[Post]]
) -> None:
    """Votes from staff first, then from members where their reputation allows; then acceptance.

    The result is a range of reputations, from 1 to a few hundred; most
    askers accept an answer, the moderator marks one, one question is left
    for curation.
    """
    accepts, marks, downvoted = _VOTES["accepts"], _VOTES["moderator_marks"], _VOTES["downvoted"]
    staff_voters = [users[name] for name in _VOTES["staff_voters"]]
    members = [users[name] for name in _VOTES["member_voters"]]
    for index, (key, question) in enumerate(sorted(questions.items(), key=lambda kv: kv[1].id)):
        age = clock.now() - question.created_at - timedelta(hours=6)
        with clock.travel(-max(age, timedelta(0))):
            _votes_for(session, question, staff_voters, index % 3)
            for position, answer in enumerate(answers[key]):
                if downvoted.get(key) == position:
                    continue
                bonus = 2 if position == accepts.get(key) else 0
                _votes_for(session, answer, staff_voters, 1 + (index + position) % 3 + bonus)
            if key in downvoted:
                _votes_for(session, answers[key][downvoted[key]], staff_voters[:2], 2, value=-1)
            session.flush()
        with clock.travel(-max(age - timedelta(hours=12), timedelta(0))):
            for position, answer in enumerate(answers[key]):
                _votes_for(
                    session, answer, members[index % 5 :] + members[: index % 5], (index + position) % 4
                )
            _votes_for(session, question, members[(index + 3) % 7 :], index % 2)
            if key in accepts and len(answers[key]) > accepts[key]:
                chosen = answers[key][accepts[key]]
                _try(acceptance.accept_answer, session, question.author, question.id, chosen.id)
            if key in marks and len(answers[key]) > marks[key]:
                chosen = answers[key][marks[key]]
                _try(acceptance.accept_answer, session, users["mod"], question.id, chosen.id)
            session.flush()


def load_demo_data(session: Session, echo: Callable[[str], object] = print) -> bool:
    """Create the demo community once; False (and nothing changes) when it is already there."""
    if demo_present(session):
        return False
    community = build_community(session)
    add_votes_and_acceptance(session, community.users, community.questions, community.answers)
    session.commit()
    answers = sum(len(items) for items in community.answers.values())
    echo(
        f"created {len(community.users)} users, {len(community.questions)} questions and "
        f"{answers} answers; every demo account's password is {DEMO_PASSWORD!r}"
    )
    return True


# --- moderation and the staff desk --------------------------------------------------------


def _user(session: Session, name: str) -> User | None:
    return accounts.find_user_by_name(session, name)


def _question(session: Session, thread_key: str) -> Post | None:
    title = next(thread["title"] for thread in THREADS if thread["key"] == thread_key)
    return session.scalar(select(Post).where(Post.kind == "question", Post.title == title))


def load_moderation_demo(session: Session, echo: Callable[[str], object] = print) -> bool:
    """Add the moderation demo once the demo community exists; False when already there or no community.

    A spammer whose posts are flagged (one hidden by six flags, one still in
    the queue), flags of every kind, a question closed as a duplicate, other
    audited moderator actions (a lock, a deletion as spam, a curated
    solution, a staff verification) and a staff queue with overdue and
    Twitter questions, one of them claimed.
    """
    data, notes = _MODERATION, _MODERATION["notes"]
    mod, sam, kim = _user(session, "mod"), _user(session, "staff_sam"), _user(session, "staff_kim")
    if _user(session, MODERATION_MARKER_USERNAME) is not None or mod is None or sam is None or kim is None:
        return False
    flaggers = [u for u in (_user(session, n) for n in data["flaggers"]) if u is not None]
    router = _question(session, data["threads"]["evening_wifi"])
    fan = _question(session, data["threads"]["fan_noise"])
    tv = _question(session, data["threads"]["slow_tv_apps"])
    spam = data["spammer"]["spam"]
    with clock.travel(-timedelta(days=3)):
        spammer = accounts.register_user(
            session, MODERATION_MARKER_USERNAME, data["spammer"]["email"], DEMO_PASSWORD
        )

    # A spam answer hidden by six flags (waiting for review), and one still visible with two flags.
    targets = [q for q in (router, fan, tv) if q is not None]
    hidden = visible = None
    if targets:
        with clock.travel(-timedelta(days=2)):
            hidden = posting.post_answer(session, spammer, targets[0], spam)
        with clock.travel(-timedelta(days=1, hours=20)):
            for flagger in flaggers[:6]:
                flags.raise_flag(session, flagger, hidden.id, "spam")
    if len(targets) > 1:
        with clock.travel(-timedelta(hours=20)):
            visible = posting.post_answer(session, spammer, targets[1], spam)
        with clock.travel(-timedelta(hours=18)):
            flags.raise_flag(session, flaggers[0], visible.id, "spam")
            flags.raise_flag(session, flaggers[1], visible.id, "offensive")
    if router is not None:
        with clock.travel(-timedelta(days=1)):
            chatterer = _user(session, data["chatter"]["author"]) or spammer
            chatter = posting.post_answer(session, chatterer, router, data["chatter"]["body"])
        with clock.travel(-timedelta(hours=22)):
            flags.raise_flag(session, flaggers[2], chatter.id, "not_an_answer")
    if tv is not None:
        with clock.travel(-timedelta(hours=6)):
            flags.raise_flag(session, flaggers[3], tv.id, "needs_attention", data["attention_flag"]["text"])

    # A question closed as a duplicate of the evening Wi-Fi thread, linked both ways.
    duplicate = data["duplicate"]
    if router is not None and (dup_asker := _user(session, duplicate["author"])) is not None:
        with clock.travel(-timedelta(days=4)):
            dup = posting.ask_question(
                session, dup_asker, duplicate["title"], duplicate["body"], duplicate["tags"]
            )
        with clock.travel(-timedelta(days=3, hours=20)):
            moderation.close_question(session, mod, dup.id, "duplicate", router.id, duplicate["close_note"])

    # More audited actions: a deletion as spam, a lock, a curated solution, a staff verification.
    if targets:
        with clock.travel(-timedelta(days=1)):
            extra = posting.post_answer(session, spammer, targets[-1], spam)
            moderation.delete_post(session, mod, extra.id, "spam", notes["delete"])
    if fan is not None:
        with clock.travel(-timedelta(hours=30)):
            moderation.set_locked(session, mod, fan.id, True, notes["lock"])
            moderation.set_locked(session, mod, fan.id, False, notes["unlock"])
    for question in session.scalars(moderation.curation_query().limit(1)):
        best = max((a for a in question.answers if not a.is_deleted), key=lambda a: a.score)
        moderation.curate_accept(session, mod, question.id, best.id, notes["curate"])
    community_answer = session.scalar(
        select(Post)
        .join(User, User.id == Post.author_id)
        .where(Post.kind == "answer", Post.deleted_at.is_(None), User.role == "member", Post.score > 0)
        .order_by(Post.score.desc(), Post.id)
    )
    if community_answer is not None:
        staff.verify_answer(session, sam, community_answer.id)

    # The staff queue: overdue and fresh questions, Twitter ones among them, one claimed.
    waiting = []
    for spec in data["waiting"]:
        asker = _user(session, spec["author"])
        if asker is None:
            continue
        with clock.travel(-timedelta(hours=spec["hours_ago"])):
            waiting.append(
                posting.ask_question(
                    session, asker, spec["title"], spec["body"], spec["tags"], source=spec["source"]
                )
            )
    if waiting:
        staff.claim_question(session, kim, waiting[1 if len(waiting) > 1 else 0].id)
    staff.escalate_overdue(session)
    session.commit()
    echo(
        "added moderation demo: flags (one post hidden by six flags), a closed duplicate, audited "
        f"moderator actions and {len(waiting)} questions waiting for staff"
    )
    return True
