"""The desks on a phone (375 px wide) in real Chromium, on the demo community: no page
scrolls sideways, the flag queue's checkboxes are big enough to tap, the dashboard's chart
words are readable, and the desk bar marks the page you are on."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, log_in, start_server

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DEMO_PASSWORD = "password123"  # every demo account's (README)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("desks"))
    try:
        server.cli("forum", "demo", "load")
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture
def admin_phone(demo_server, new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, demo_server.url, "admin", DEMO_PASSWORD)
    return page


@pytest.mark.parametrize("path", ["/staff/dashboard", "/moderation/flags", "/admin/mirror"])
def test_desk_page_on_a_phone_does_not_scroll_sideways(demo_server, admin_phone, path):
    admin_phone.goto(demo_server.url + path)
    expect(admin_phone.locator("main h1")).to_be_visible()
    widths = admin_phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[1] == PHONE["width"] and widths[0] <= widths[1], widths


def test_flag_queue_on_a_phone_has_checkboxes_of_at_least_24_px(demo_server, admin_phone):
    admin_phone.goto(demo_server.url + "/moderation/flags")
    boxes = admin_phone.locator("input.flag-select")
    expect(boxes.first).to_be_visible()
    sizes = [box.bounding_box() for box in boxes.all()]
    assert sizes and all(size["width"] >= 24 and size["height"] >= 24 for size in sizes), sizes


def test_dashboard_chart_words_on_a_phone_render_at_least_11_px(demo_server, admin_phone):
    admin_phone.goto(demo_server.url + "/staff/dashboard")
    expect(admin_phone.locator(".bar-chart").first).to_be_visible()
    heights = admin_phone.evaluate(
        """() => [...document.querySelectorAll('.bar-chart li, .chart-y span, .chart-x span, svg text')]
              .map(e => [e.textContent.trim(), parseFloat(getComputedStyle(e).fontSize),
                         e.getBoundingClientRect().height])"""
    )
    assert len(heights) >= 8  # legends, value axes and dates of both charts
    assert all(size >= 11 and height >= 11 for _, size, height in heights), heights


def test_mirror_page_marks_its_tab_current_in_the_desk_bar(demo_server, admin_phone):
    admin_phone.goto(demo_server.url + "/admin/mirror")
    bar = admin_phone.get_by_role("navigation", name="Desks")
    current = bar.locator('a[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Twitter mirror")
    look = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    assert current.evaluate(look) != bar.get_by_role("link", name="Dashboard").evaluate(look)
