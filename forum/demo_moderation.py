"""Moderation and staff-desk demo data, on top of the demo community (forum/demo.py).

Adds a spammer whose posts are flagged (one hidden by six flags, one still
in the queue), flags of every kind, a question closed as a duplicate, other
audited moderator actions (a lock, a deletion as spam, a curated solution, a
staff verification) and a staff queue with overdue and Twitter questions,
one of them claimed. Everything goes through the services, with the clock
moved back; loading twice does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum import clock
from forum.models import Post, User
from forum.services import accounts, flags, moderation, posting, staff

MARKER_USERNAME = "cheap_deals"
PASSWORD = "password123"
FLAGGERS = ("maria_k", "tom.becker", "priya_n", "jonas-w", "kwame_a", "staff_sam", "staff_kim")

SPAM = ("Best prices on replacement remotes and chargers!!! Visit cheap-deals dot example "
        "and use code FORUM50 for 50% off everything today only.")
NOT_AN_ANSWER = "I have exactly the same problem with my router since last week, did anyone find a fix?"

# Questions waiting for staff: (author, hours ago, source, title, body, tags)
WAITING = [
    ("chloe.m", 5, "web", "Soundbar remote stopped pairing after the latest update",
     "Since the update last night the soundbar ignores its remote completely. New batteries did "
     "not help and the TV remote still controls the volume.", ["soundbar", "remote"]),
    ("kwame_a", 3, "twitter", "Order 58213 says delivered but nothing arrived at the shop",
     "@BrandSupport the tracking page says my order was delivered at 10:14 but nobody here received "
     "anything. Who do I talk to?", ["twitter", "order-tracking"]),
    ("priya_n", 0.4, "twitter", "Is the new mesh kit compatible with my older router model?",
     "@BrandSupport thinking of buying the new mesh kit: will it work with the AX1800 I bought two "
     "years ago, or do I have to replace it?", ["twitter", "mesh"]),
    ("shirin.m", 0.2, "web", "Laptop will not wake from sleep when the lid is opened",
     "Opening the lid does nothing; I have to hold the power button to restart and lose my work. "
     "Happens two or three times a week.", ["laptop", "sleep"]),
]

DUPLICATE = ("petr.novak", "Wi-Fi disconnects every night at the same time",
             "Every night around eight the wireless connection drops for a minute and comes back. "
             "Cable connections are fine. What can cause this?", ["wifi", "router"])


def _user(session: Session, name: str) -> User | None:
    return accounts.find_user_by_name(session, name)


def _question(session: Session, title: str) -> Post | None:
    return session.scalar(select(Post).where(Post.kind == "question", Post.title == title))


def load_moderation_demo(session: Session, echo: Callable[[str], object] = print) -> bool:
    """Add the moderation demo once the demo community exists; False when already there or no community."""
    mod, sam, kim = _user(session, "mod"), _user(session, "staff_sam"), _user(session, "staff_kim")
    if _user(session, MARKER_USERNAME) is not None or None in (mod, sam, kim):
        return False
    flaggers = [u for u in (_user(session, n) for n in FLAGGERS) if u is not None]
    router = _question(session, "Router drops Wi-Fi every evening around 8 pm")
    fan = _question(session, "Laptop fan is loud under light load since the last update")
    tv = _question(session, "Smart TV apps take almost a minute to open")
    with clock.travel(-timedelta(days=3)):
        spammer = accounts.register_user(session, MARKER_USERNAME, "deals@example.com", PASSWORD)

    # A spam answer hidden by six flags (waiting for review), and one still visible with two flags.
    targets = [q for q in (router, fan, tv) if q is not None]
    hidden = visible = None
    if targets:
        with clock.travel(-timedelta(days=2)):
            hidden = posting.post_answer(session, spammer, targets[0], SPAM)
        with clock.travel(-timedelta(days=1, hours=20)):
            for flagger in flaggers[:6]:
                flags.raise_flag(session, flagger, hidden.id, "spam")
    if len(targets) > 1:
        with clock.travel(-timedelta(hours=20)):
            visible = posting.post_answer(session, spammer, targets[1], SPAM)
        with clock.travel(-timedelta(hours=18)):
            flags.raise_flag(session, flaggers[0], visible.id, "spam")
            flags.raise_flag(session, flaggers[1], visible.id, "offensive")
    if router is not None:
        with clock.travel(-timedelta(days=1)):
            chatterer = _user(session, "zuzana_h") or spammer
            chatter = posting.post_answer(session, chatterer, router, NOT_AN_ANSWER)
        with clock.travel(-timedelta(hours=22)):
            flags.raise_flag(session, flaggers[2], chatter.id, "not_an_answer")
    if tv is not None:
        with clock.travel(-timedelta(hours=6)):
            flags.raise_flag(session, flaggers[3], tv.id, "needs_attention",
                             "The customer has asked three times now; could staff have a look?")

    # A question closed as a duplicate of the evening Wi-Fi thread, linked both ways.
    if router is not None and _user(session, DUPLICATE[0]) is not None:
        with clock.travel(-timedelta(days=4)):
            dup = posting.ask_question(session, _user(session, DUPLICATE[0]), *DUPLICATE[1:])
        with clock.travel(-timedelta(days=3, hours=20)):
            moderation.close_question(session, mod, dup.id, "duplicate", router.id,
                                      "Same symptoms; the answers there fix it.")

    # More audited actions: a deletion as spam, a lock, a curated solution, a staff verification.
    if targets:
        with clock.travel(-timedelta(days=1)):
            extra = posting.post_answer(session, spammer, targets[-1], SPAM)
            moderation.delete_post(session, mod, extra.id, "spam", "Advertising, same account as before.")
    if fan is not None:
        with clock.travel(-timedelta(hours=30)):
            moderation.set_locked(session, mod, fan.id, True, "Heated argument in the comments; cooling off.")
            moderation.set_locked(session, mod, fan.id, False, "Calm again.")
    for question in session.scalars(moderation.curation_query().limit(1)):
        best = max((a for a in question.answers if not a.is_deleted), key=lambda a: a.score)
        moderation.curate_accept(session, mod, question.id, best.id, "The top-voted answer solves it.")
    community_answer = session.scalar(
        select(Post).join(User, User.id == Post.author_id)
        .where(Post.kind == "answer", Post.deleted_at.is_(None), User.role == "member", Post.score > 0)
        .order_by(Post.score.desc(), Post.id)
    )
    if community_answer is not None:
        staff.verify_answer(session, sam, community_answer.id)

    # The staff queue: overdue and fresh questions, Twitter ones among them, one claimed.
    waiting = []
    for author, hours, source, title, body, tags in WAITING:
        asker = _user(session, author)
        if asker is None:
            continue
        with clock.travel(-timedelta(hours=hours)):
            waiting.append(posting.ask_question(session, asker, title, body, tags, source=source))
    if waiting:
        staff.claim_question(session, kim, waiting[1 if len(waiting) > 1 else 0].id)
    staff.escalate_overdue(session)
    session.commit()
    echo("added moderation demo: flags (one post hidden by six flags), a closed duplicate, audited "
         f"moderator actions and {len(waiting)} questions waiting for staff")
    return True
