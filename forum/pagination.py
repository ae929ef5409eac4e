"""One place for pagination: parsing page/page_size and slicing a query."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from forum.services.errors import Invalid

# No list is that long; a larger page number is a mistake, not a request for an empty page.
MAX_PAGE = 100000


@dataclass
class Page:
    items: list[Any]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def parse_page_args(
    args: Any, default_size: int | None = None, max_size: int | None = None
) -> tuple[int, int]:
    """page and page_size from query arguments; Invalid for anything not a sane integer.

    Lists of heavy items (revisions carry whole bodies) pass a smaller default and maximum
    than the configured PAGE_SIZE and MAX_PAGE_SIZE.
    """
    errors: dict[str, str] = {}
    default_size = default_size or current_app.config["PAGE_SIZE"]
    max_size = max_size or current_app.config["MAX_PAGE_SIZE"]
    values = {}
    for name, default, high in (("page", 1, MAX_PAGE), ("page_size", default_size, max_size)):
        raw = args.get(name)
        if raw in (None, ""):
            values[name] = default
            continue
        try:
            number = int(raw)
        except (TypeError, ValueError):
            errors[name] = _("must be a whole number")
            continue
        if not 1 <= number <= high:
            errors[name] = _("must be between 1 and %(max)d", max=high)
            continue
        values[name] = number
    if errors:
        raise Invalid(errors)
    return values["page"], values["page_size"]


def paginate(session: Session, query: Select, page: int, page_size: int) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(page_size).offset((page - 1) * page_size)))
    return Page(items=items, page=page, page_size=page_size, total=total)


def list_page(items: list, page: int, page_size: int, shape: Callable[[Any], dict]) -> dict:
    """One page of a list already in memory, in the API's shape for pages."""
    shown = items[(page - 1) * page_size : page * page_size]
    return {
        "items": [shape(item) for item in shown],
        "page": page,
        "page_size": page_size,
        "total": len(items),
    }
