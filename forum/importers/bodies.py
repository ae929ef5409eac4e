"""Stack Exchange post bodies: HTML to Markdown, and that Markdown rendered by forum/markup.py.

This is nearly all of an import's CPU: about 0.09 ms a post for the HTML to
Markdown step (html-to-markdown, a Rust converter), 0.45 ms for markdown-it and
0.03 ms for nh3 here. So a big import hands bodies to a pool of processes, a
batch at a time (`BodyConverter`). The module imports only the converters, so a
pool process starts quickly.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, cast

import html_to_markdown

from forum import markup


class _ImagesAsLinks:
    """html-to-markdown visitor: an image becomes a link to it (nothing is hot-linked)."""

    def visit_image(self, ctx: Any, src: str, alt: str, title: str) -> dict[str, str]:
        alt = " ".join((alt or "").split()) or "image"
        src = "".join((src or "").split())
        alt = alt.replace("\\", "\\\\").replace("[", r"\[").replace("]", r"\]")
        if not src or "<" in src or ">" in src:
            return {"type": "custom", "output": alt}
        return {"type": "custom", "output": f"[{alt}](<{src}>)"}


# Markdown characters in the HTML's text are escaped, so "*not emphasis*" or "1) not a list" stay
# text; LaTeX's backslashes survive too. Nothing is read from the page but its body.
_OPTIONS = html_to_markdown.ConversionOptions(
    heading_style="atx", bullets="-", code_language="",
    escape_asterisks=True, escape_underscores=True, escape_misc=False,
    extract_metadata=False,
)  # fmt: skip
# The library's visitor protocol names every hook; it calls only those an object has.
_IMAGES = cast("html_to_markdown.api.HtmlVisitor", _ImagesAsLinks())
# `html_to_markdown.convert` turns the options into the Rust extension's own object on every call,
# which took a third of the conversion's time; it is done once here (the version is pinned).
_NATIVE_OPTIONS = html_to_markdown.api._to_rust_conversion_options(_OPTIONS, _visitor_override=_IMAGES)


def to_markdown(body_html: str) -> str:
    """A dump post's HTML body as Markdown, so it can be edited like any post.

    HTML the converter gives up on is kept as it is: Markdown shows raw HTML as text.
    """
    try:
        result = html_to_markdown.api._rust.convert(html=body_html, options=_NATIVE_OPTIONS, visitor=_IMAGES)
    except html_to_markdown.ConversionError:
        return body_html.strip()
    return (result.content or "").strip()


def convert(bodies: Sequence[str]) -> list[tuple[str, str]]:
    """(Markdown, its sanitized HTML from markup.render) for each HTML body, in order."""
    out = []
    for body_html in bodies:
        body = to_markdown(body_html)
        out.append((body, markup.render(body)))
    return out


def _start_worker(parent: int) -> None:
    """In a pool process: yield the CPU to the importer, and end when it is gone.

    The importer's own process (reading the XML, writing rows, and on PostgreSQL waiting for the
    server) is the pipeline's one serial path: niced workers convert with what CPU it leaves. A
    killed importer (-9 cannot say so) is noticed by the parent id changing.
    """
    with contextlib.suppress(OSError):  # not allowed here: run at the importer's priority
        os.nice(WORKER_NICENESS)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class BodyConverter:
    """Converts batches of bodies, in `workers` processes or (0) in this one.

    `submit` returns at once; `Future.result()` gives the batch's converted
    bodies. Only a few batches are in flight at a time (the caller waits on
    the oldest), so memory stays flat however big the dump.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        if workers > 0:
            # fork: a pool process starts at once with the converters loaded, and runs nothing of the
            # caller's main module again; it never touches the importer's database connection.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = ProcessPoolExecutor(
                workers, mp_context=context,
                initializer=_start_worker, initargs=(os.getpid(),),
            )  # fmt: skip

    @property
    def in_flight(self) -> int:
        """How many batches to keep submitted ahead of the one being written."""
        return 2 * self.workers

    def submit(self, bodies: Sequence[str]) -> Future[list[tuple[str, str]]]:
        if self.pool is not None:
            return self.pool.submit(convert, list(bodies))
        done: Future[list[tuple[str, str]]] = Future()
        done.set_result(convert(bodies))
        return done

    def close(self, cancel: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self.pool = None


def default_workers(posts_bytes: int) -> int:
    """Pool processes for a Posts.xml of this size: none for a small dump, where starting them costs
    more than they save, else one per CPU this process may use (the importer itself mostly waits)."""
    if posts_bytes < POOL_FROM_BYTES:
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return cpus if cpus > 1 else 0


WORKER_NICENESS = 5
# About 4,000 posts: below it the whole conversion takes a few seconds in this process.
POOL_FROM_BYTES = 8 * 1024 * 1024
