"""SQLAlchemy models, one module per aggregate. Import them from here."""

from forum.models.post import Comment, Post, PostRevision, Tag, post_tags
from forum.models.user import ApiToken, User

__all__ = ["ApiToken", "Comment", "Post", "PostRevision", "Tag", "User", "post_tags"]
