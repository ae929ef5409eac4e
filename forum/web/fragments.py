"""A thread page in kept pieces: what reads the same to everyone, and each post as a viewer sees it.

Whole pages are kept only for anonymous readers (forum/pagecache.py). A
signed-in reader's page has their votes, their controls and their forms on
it, but most of it does not depend on who reads it. So a thread is kept in
two layers, in the same cache and under the same page generation as whole
pages (any change to posts, comments, votes, acceptance, moderation or
authors moves it, and every older copy is out of reach at once):

- the shared parts of each post, by post id: body, badges, accepted note,
  author card and comments (templates/questions/_post_shared.html);
- each post as a viewer sees it, by post id and viewer state: the shared
  parts with that viewer's votes, accept button, controls and comment form
  (templates/questions/_post.html). The viewer state is everything those
  depend on (role, reputation, own post or thread, their vote, the
  self-accept delay), so readers in the same state share one copy, and a
  change of state is a different key.

A signed-in page then costs one cache read for its posts and renders only
what is missing, and loads nothing the shared parts show (authors, comments,
verifications) unless some part has to be rendered again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import NamedTuple

from flask import g, render_template
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from forum import clock
from forum.extensions import db
from forum.models import Post
from forum.pagecache import cache, request_memo, versioned
from forum.services import listing
from forum.services.permissions import privilege_reputation, self_accept_opens_at, thresholds
from forum.web.reputation import my_vote

# Sanitized HTML never holds an HTML comment (forum/markup.py strips them) and escaped text
# cannot make one, so this marker only ever comes from the template.
MARKER = "<!--part-->"
TEMPLATE = "questions/_post_shared.html"
_POST = "questions/_post.html"
# Stands for the viewer's CSRF token in kept personal parts; a token is URL-safe base64 and dots.
CSRF_PLACEHOLDER = "<<csrf-token>>"


class SharedParts(NamedTuple):
    """What templates/questions/_post_shared.html renders, in its order."""

    classes: Markup  # the article's classes beyond "post answer": "accepted staff-answer"
    accepted: Markup  # "Accepted by the asker", or the moderator who marked it
    body: Markup  # the post itself, and a question's tags
    share: Markup  # the permalink, first in the action row
    history: Markup  # the link to every version, once it has been edited
    verified: Markup  # "Verified by staff"
    author: Markup  # the author card, with when it was asked or answered, and edited
    comments: Markup  # the list of live comments


def _key(post_id: int) -> str | None:
    return versioned(f"post-parts:{post_id}")


def _render(post: Post) -> SharedParts:
    pieces = render_template(TEMPLATE, post=post, question=post.thread).split(MARKER)
    return SharedParts(*(Markup(piece.strip()) for piece in pieces))


def _known() -> dict[int, SharedParts]:  # this request's
    return request_memo().setdefault("shared_parts", {})


def prefetch(posts: Sequence[Post]) -> None:
    """Find the shared parts of `posts` in one cache read; render and keep the ones missing,
    after loading what they show for all of them at once."""
    known = _known()
    wanted = [post for post in posts if post.id not in known]
    keys = [_key(post.id) for post in wanted]
    found = cache.get_many(*keys) if wanted and None not in keys else [None] * len(wanted)
    missing = []
    for post, parts in zip(wanted, found, strict=True):
        if parts is None:
            missing.append(post)
        else:
            known[post.id] = SharedParts(*(Markup(piece) for piece in parts))
    if not missing:
        return
    listing.load_shown(db.session, missing)
    fresh = {}
    for post in missing:
        known[post.id] = _render(post)
        if (key := _key(post.id)) is not None:
            fresh[key] = tuple(str(piece) for piece in known[post.id])
    if fresh:
        cache.set_many(fresh)


def parts_of(post: Post) -> SharedParts:
    """The shared parts of `post` for a template: prefetched, kept, or rendered now."""
    known = _known()
    if post.id not in known:
        prefetch([post])
    return known[post.id]


# --- each post as a viewer sees it ---------------------------------------------------------


def viewer_state(post: Post, question: Post) -> str:
    """Everything about the viewer that their view of `post` depends on, and nothing else:
    readers in the same state see the same controls, so they share one copy.

    The role and reputation (and the part of it that unlocks privileges) decide every
    privilege and its refusal message, with the thresholds an admin may change; whether
    the viewer wrote the post or the question decides own-post rules; their vote on the
    post shows pressed; the self-accept delay passes with time, not with a change.
    """
    if not current_user.is_authenticated:
        return "anonymous"
    user_id = current_user.id
    owns_post, owns_thread = post.author_id == user_id, question.author_id == user_id
    waiting = owns_post and owns_thread and post.is_answer and clock.now() < self_accept_opens_at(question)
    return f"{_viewer()}.{owns_post:d}{owns_thread:d}{waiting:d}.{my_vote(post)}"


def _viewer() -> str:
    """The part of the viewer state that is the same for every post, worked out once a request."""
    memo = request_memo()
    if "viewer" not in memo:
        user = current_user._get_current_object()
        levels = ",".join(f"{name}={need}" for name, need in sorted(thresholds().items()))
        memo["viewer"] = f"{user.role}.{user.reputation}.{privilege_reputation(user)}.{levels}"
    return memo["viewer"]


def _viewer_key(post: Post, question: Post) -> str | None:
    state = hashlib.blake2b(viewer_state(post, question).encode(), digest_size=16).hexdigest()
    return versioned(f"post:{post.id}:{state}")


def posts_html(question: Post, posts: Sequence[Post], forms: object | None = None) -> dict[int, Markup]:
    """Each of `posts` (of `question`'s thread) as the viewer sees it, by post id: one cache read
    for all, and templates/questions/_post.html for those missing, built from the shared parts.

    A comment form the viewer just sent back with errors is theirs alone, and never kept.
    What is kept carries a placeholder where the viewer's CSRF token goes; each page puts its
    own token back."""
    sent_back = getattr(forms, "comments", {}) if forms is not None else {}
    keys = {post.id: None if post.id in sent_back else _viewer_key(post, question) for post in posts}
    wanted = [key for key in keys.values() if key is not None]
    kept = dict(zip(wanted, cache.get_many(*wanted), strict=True)) if wanted else {}
    token = None
    shown: dict[int, Markup] = {}
    missing = [post for post in posts if kept.get(keys[post.id] or "") is None]
    prefetch(missing)
    fresh = {}
    for post in posts:
        key = keys[post.id]
        html = kept.get(key) if key is not None else None
        if html is None:
            html = render_template(_POST, post=post, question=question, forms=forms)
            used = g.get("csrf_token")
            if key is not None:
                fresh[key] = html.replace(used, CSRF_PLACEHOLDER) if used else html
        elif CSRF_PLACEHOLDER in html:
            token = token or generate_csrf()
            html = html.replace(CSRF_PLACEHOLDER, token)
        shown[post.id] = Markup(html)
    if fresh:
        cache.set_many(fresh)
    return shown


def post_html(post: Post, question: Post) -> Markup:
    """One post as the viewer sees it (a live update's single answer)."""
    return posts_html(question, [post])[post.id]
