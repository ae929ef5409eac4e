"""SQLAlchemy models, one module per aggregate. Import them from here."""

from forum.models.cache import CacheGeneration
from forum.models.deflection import AskAttempt
from forum.models.faq import (
    FaqCuration,
    FaqEntry,
    HelpedVote,
    NeedQuestion,
    QuestionView,
    SearchClick,
    SearchLog,
)
from forum.models.live import LiveEvent
from forum.models.moderation import (
    AuditEntry,
    Claim,
    Escalation,
    Flag,
    PostDeletion,
    SiteSetting,
    StaffVerification,
)
from forum.models.post import Comment, Post, PostRevision, Tag, post_tags
from forum.models.reputation import ReputationEvent, Vote
from forum.models.search import SearchOutbox
from forum.models.social import ExternalIdentity, MirrorCursor, MirroredTweet, MirrorError, ReplyOutbox
from forum.models.user import ApiToken, User

__all__ = [
    "AskAttempt",
    "CacheGeneration",
    "AuditEntry",
    "Claim",
    "Escalation",
    "Flag",
    "PostDeletion",
    "SiteSetting",
    "StaffVerification",
    "ApiToken",
    "Comment",
    "ExternalIdentity",
    "LiveEvent",
    "MirrorCursor",
    "MirrorError",
    "MirroredTweet",
    "Post",
    "PostRevision",
    "ReplyOutbox",
    "ReputationEvent",
    "Tag",
    "User",
    "Vote",
    "post_tags",
    "SearchOutbox",
    "FaqCuration",
    "FaqEntry",
    "HelpedVote",
    "NeedQuestion",
    "QuestionView",
    "SearchClick",
    "SearchLog",
]
