"""Placeholder: being written."""


def register(app) -> None:
    return None
