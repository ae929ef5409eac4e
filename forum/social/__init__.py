"""The Twitter (X API v2) mirror: client, threading rules, the polling loop, reply-back.

Tweets become forum threads through the posting services, so the rules of
the community (and the live feed) apply to them as to any post.
"""
