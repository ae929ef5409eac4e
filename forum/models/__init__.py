"""SQLAlchemy models, one module per aggregate. Import them from here."""

from forum.models.post import Comment, Post, PostRevision, Tag, post_tags
from forum.models.reputation import ReputationEvent, Vote
from forum.models.search import SearchOutbox
from forum.models.social import ExternalIdentity, MirrorCursor, MirroredTweet, MirrorError, ReplyOutbox
from forum.models.user import ApiToken, User

__all__ = [
    "ApiToken", "Comment", "Post", "PostRevision", "ReputationEvent", "Tag", "User", "Vote", "post_tags",
    "SearchOutbox",
    "ExternalIdentity", "MirrorCursor", "MirrorError", "MirroredTweet", "ReplyOutbox",
]
