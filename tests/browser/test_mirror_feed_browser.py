"""A tweet mirrored by a separate process shows up on an open feed page,
with no Redis between them: the page finds it in the stored feed."""

from __future__ import annotations

from playwright.sync_api import expect


def test_mirror_in_another_process_without_redis_reaches_open_feed_page(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/feed")
    expect(page.locator("#feed-list")).to_be_attached()
    # live.js marks <html data-live="live"> once the socket is connected. (wait_for_function would
    # evaluate a string in the page, which the forum's CSP, without 'unsafe-eval', may refuse.)
    expect(page.locator("html")).to_have_attribute("data-live", "live")

    live_server.cli("forum", "mirror", "run", "--once", "--source", "forum/social/demo_live_pages.jsonl")

    item = page.locator("#feed-list .feed-item", has_text="soundbar keeps switching")
    expect(item).to_be_visible(timeout=20000)
    assert item.get_attribute("data-source") == "twitter"
    expect(page.locator("#feed-list .feed-item", has_text="warranty")).to_be_visible(timeout=20000)
