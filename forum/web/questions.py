"""Question pages: the list, a thread, asking, answering, commenting, editing, history.

Views translate: they read the form, call one service in forum/services,
and either redirect or re-render the form with the service's messages.
Refusals (privileges, closed threads) travel as domain errors to
forum/web/errors.py, which shows them in words.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import clock, visitors
from forum.extensions import db
from forum.models import Post, PostRevision
from forum.pagination import paginate, parse_page_args
from forum.ratelimits import editing_limit, posting_limit
from forum.services import deflection, listing, moderation, needs, posting
from forum.services.errors import Invalid
from forum.services.permissions import can, require
from forum.services.validation import TITLE_MAX
from forum.web import fragments, reputation
from forum.web.forms import AnswerForm, AskForm, CommentForm, EditAnswerForm, EditQuestionForm
from forum.web.helpers import login_redirect, post_url, question_url, show_invalid, slugify

bp = Blueprint("questions", __name__)


@bp.get("/questions")
@bp.get("/")  # registered first, so url_for gives "/"
def index():
    sort = request.args.get("sort", "newest")
    state = request.args.get("state", "any")
    source = request.args.get("source", "any")
    language = request.args.get("language", "any")
    tagged = listing.parse_tagged(request.args.get("tagged"))
    page_number, page_size = parse_page_args(request.args)
    query = listing.questions_query(sort, tagged, state, source, language)
    page = paginate(db.session, query, page_number, page_size)
    # Only what differs from the defaults goes into links, so URLs stay short.
    filters: dict[str, str | int | None] = {
        "sort": None if sort == "newest" else sort,
        "state": None if state == "any" else state,
        "source": None if source == "any" else source,
        "language": None if language == "any" else language,
        "tagged": ";".join(tagged) or None,
    }
    if page_size != current_app.config["PAGE_SIZE"]:
        filters["page_size"] = page_size
    return render_template(
        "questions/list.html",
        page=page, sort=sort, state=state, source=source, language=language, tagged=tagged,
        filters=filters, sort_labels=listing.SORTS.labels(), state_labels=listing.STATES.labels(),
        source_labels=listing.SOURCES.labels(), language_labels=listing.LANGUAGE_FILTER.labels(),
    )  # fmt: skip


@bp.route("/questions/ask", methods=["GET", "POST"])
@posting_limit
def ask():
    # "Ask this as a question" on a search without results carries its words as `title`.
    title = request.args.get("title", "")[:TITLE_MAX] if request.method == "GET" else ""
    if not current_user.is_authenticated:
        return login_redirect(url_for("questions.ask", title=title or None), _("Log in to ask a question."))
    form = AskForm()
    if title:
        form.title.data = title
    if form.validate_on_submit():
        try:
            question = posting.ask_question(
                db.session,
                current_user,
                form.title.data,
                form.body.data,
                form.tags.data,
                language=form.language.data,
            )
            needs.link_question(db.session, current_user, request.args.get("need"), question)  # "ask it"
            today = clock.now().date()
            keys = [visitors.visitor_key(None, day) for day in (today, today - timedelta(days=1))]
            deflection.record_ask(db.session, keys)  # the suggestions opened did not deflect this one
            db.session.commit()
        except Invalid as error:
            db.session.rollback()
            show_invalid(form, error)
        else:
            flash(_("Your question is posted."), "success")
            return redirect(question_url(question))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("questions/ask.html", form=form), status


@bp.get("/questions/ask/open/<int:post_id>")
def open_suggestion(post_id: int):
    """A similar question suggested on the ask page (static/js/similar.js): note the open, for
    the deflected-asks figure (services/deflection.py), then go to the question."""
    post = posting.get_post(db.session, post_id)
    deflection.record_open(db.session, visitors.visitor_key(), post.question_id or post.id)
    db.session.commit()
    return visitors.keep_cookie(redirect(post_url(post)))


@bp.get("/questions/<int:question_id>")
@bp.get("/questions/<int:question_id>/<slug>")
def show(question_id: int, slug: str | None = None):
    post = posting.get_post(db.session, question_id)
    if post.is_answer:
        return redirect(post_url(post))
    if slug != slugify(post.title):
        return redirect(question_url(post), 301 if slug else 302)
    return _render_thread(post)


def comment_form(post: Post) -> CommentForm:
    """An empty comment form for `post`; its fields are prefixed so several fit on a page."""
    return CommentForm(prefix=f"comment-{post.id}", formdata=None)


@dataclass
class ThreadForms:
    """The forms of a question page; the one just submitted keeps its input and errors.

    Each is made when the page first shows it: a reader who may not answer or comment gets
    no form, hence no CSRF token in their session, and the page stays the same for everyone
    (forum/pagecache.py keeps it).
    """

    submitted_answer: AnswerForm | None = None
    comments: dict[int, CommentForm] = field(default_factory=dict)

    @property
    def answer(self) -> AnswerForm:
        if self.submitted_answer is None:
            self.submitted_answer = AnswerForm(formdata=None)
        return self.submitted_answer

    def comment(self, post: Post) -> CommentForm:
        if post.id not in self.comments:
            self.comments[post.id] = comment_form(post)
        return self.comments[post.id]


def _render_thread(question: Post, forms: ThreadForms | None = None, status: int = 200):
    forms = forms or ThreadForms()
    answers = listing.answers_in_order(db.session, question, shown=False)
    reputation.load_my_votes(question, answers)
    duplicate_of = db.session.get(Post, question.duplicate_of_id) if question.duplicate_of_id else None
    moderating = can(current_user, "moderate")
    return render_template(
        "questions/show.html",
        question=question,
        answers=answers,
        posts_html=fragments.posts_html(question, [question, *answers], forms),
        deleted_answers=listing.deleted_answers(db.session, question) if moderating else [],
        forms=forms,
        close_reason=moderation.closed_because(question),
        duplicate_of=duplicate_of,
    ), status


@bp.post("/questions/<int:question_id>/answers")
@posting_limit
def answer(question_id: int):
    question = posting.get_post(db.session, question_id, "question")
    if not current_user.is_authenticated:
        return login_redirect(question_url(question), _("Log in to answer."))
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_thread(question, ThreadForms(submitted_answer=form), 400)
    try:
        new_answer = posting.post_answer(
            db.session, current_user, question, form.body.data, form.language.data
        )
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        show_invalid(form, error)
        return _render_thread(question, ThreadForms(submitted_answer=form), 400)
    flash(_("Your answer is posted."), "success")
    return redirect(post_url(new_answer))


@bp.post("/posts/<int:post_id>/comments")
@posting_limit
def comment(post_id: int):
    post = posting.get_post(db.session, post_id)
    if not current_user.is_authenticated:
        return login_redirect(post_url(post), _("Log in to comment."))
    form = CommentForm(prefix=f"comment-{post.id}")
    forms = ThreadForms(comments={post.id: form})
    if not form.validate_on_submit():
        return _render_thread(post.thread, forms, 400)
    try:
        new_comment = posting.add_comment(db.session, current_user, post, form.body.data)
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        show_invalid(form, error)
        return _render_thread(post.thread, forms, 400)
    thread = post.thread
    return redirect(question_url(thread, _anchor=f"comment-{new_comment.id}"))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@editing_limit
def edit(post_id: int):
    post = posting.get_post(db.session, post_id)
    if not current_user.is_authenticated:
        return login_redirect(url_for("questions.edit", post_id=post.id), _("Log in to edit."))
    require(current_user, "edit", post)
    form_class = EditQuestionForm if post.is_question else EditAnswerForm
    if request.method == "GET":
        form = form_class(formdata=None, title=post.title, body=post.body, tags=" ".join(post.tag_names))
    else:
        form = form_class()
    if form.validate_on_submit():
        changes = {"body": form.body.data, "summary": form.summary.data or ""}
        if post.is_question:
            changes.update(title=form.title.data, tags=form.tags.data)
        try:
            moderation.edit_post(db.session, current_user, post, **changes)
            db.session.commit()
        except Invalid as error:
            db.session.rollback()
            show_invalid(form, error)
        else:
            flash(_("Your edit is saved."), "success")
            return redirect(post_url(post))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("questions/edit.html", form=form, post=post), status


# A diff longer than this is shown as a link to the whole revision: past it a page of
# history grows to megabytes (a 3,300-line body rewritten 20 times made 22 MB).
DIFF_MAX_LINES = 2000
DIFF_MAX_CHARS = 200_000


@dataclass
class RevisionView:
    revision: PostRevision
    title_change: tuple[str, str] | None
    tags_change: tuple[str, str] | None
    # (kind, text): kind is add, del, same or gap; None when the diff is too large to show.
    body_lines: list[tuple[str, str]] | None


def _body_diff(old: str, new: str) -> list[tuple[str, str]] | None:
    """The changed lines of a body with two lines of context, or None past the bounds."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[tuple[str, str]] = []
    for group in difflib.SequenceMatcher(None, old_lines, new_lines).get_grouped_opcodes(2):
        lines.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(("same", line) for line in old_lines[i1:i2])
            else:
                lines.extend(("del", line) for line in old_lines[i1:i2])
                lines.extend(("add", line) for line in new_lines[j1:j2])
    if len(lines) > DIFF_MAX_LINES or sum(len(text) for _, text in lines) > DIFF_MAX_CHARS:
        return None
    return lines


def _revision_view(revision: PostRevision, previous: PostRevision | None) -> RevisionView:
    if previous is None:
        return RevisionView(revision, None, None, [])
    title = (previous.title or "", revision.title or "")
    tags = (previous.tags, revision.tags)
    return RevisionView(
        revision,
        title if title[0] != title[1] else None,
        tags if tags[0] != tags[1] else None,
        _body_diff(previous.body, revision.body),
    )


@bp.get("/posts/<int:post_id>/revisions")
def revisions(post_id: int):
    post = posting.get_post(db.session, post_id)
    size = posting.REVISIONS_PAGE_SIZE
    page_number, page_size = parse_page_args(request.args, size, size)
    page = paginate(db.session, posting.revisions_query(post), page_number, page_size)
    if not page.items:
        abort(404)
    # Newest first: each revision is compared with the next one down, the last with the one before it.
    previous = [*page.items[1:], posting.revision_before(db.session, page.items[-1])]
    views = [_revision_view(revision, before) for revision, before in zip(page.items, previous, strict=True)]
    pager_params = {"post_id": post.id, "page_size": page_size if page_size != size else None}
    return render_template(
        "questions/revisions.html", post=post, page=page, revisions=views, pager_params=pager_params
    )


@bp.get("/posts/<int:post_id>/revisions/<int:number>")
def revision(post_id: int, number: int):
    """One revision whole: where a diff too large to show sends the reader."""
    post = posting.get_post(db.session, post_id)
    return render_template(
        "questions/revision.html", post=post, revision=posting.get_revision(db.session, post, number)
    )
