"""The cap on live sockets per client address: past it the connect is refused with a reason,
and the page keeps itself current by polling the stored feed instead."""

from __future__ import annotations

import pytest
import socketio

from forum.live import NAMESPACE
from forum.services import posting
from tests.conftest import LONG_BODY
from tests.live.test_pages_browser import VENDOR_CLIENT


@pytest.fixture
def app_overrides(app_overrides) -> dict:
    return {**app_overrides, "LIVE_MAX_SOCKETS_PER_ADDRESS": 2}


def refused_reason(url: str) -> dict | None:
    """Connect one more socket; the server's connect_error data, or None if it was let in."""
    reasons: list = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", reasons.append, namespace=NAMESPACE)
    try:
        client.connect(url, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        return reasons[0] if reasons else {"message": "refused without a reason"}
    client.disconnect()
    return None


def test_socket_past_the_cap_from_one_address_is_refused_with_reason(served, live_client):
    live_client()
    live_client()

    reason = refused_reason(served)

    assert reason is not None
    assert reason["data"] == {"code": "too_many_sockets"}
    assert "checks for news every few seconds instead" in reason["message"]


def test_socket_after_one_under_the_cap_closes_is_let_in(served, live_client):
    first = live_client()
    live_client()
    assert refused_reason(served) is not None

    first.close()

    assert refused_reason(served) is None


class TestRefusedPage:
    pytestmark = pytest.mark.browser

    @pytest.fixture
    def app_overrides(self, app_overrides) -> dict:
        return {**app_overrides, "LIVE_MAX_SOCKETS_PER_ADDRESS": 0}

    def test_feed_page_with_socket_refused_shows_new_question_by_polling(
        self, served, new_page, session, member
    ):
        if not VENDOR_CLIENT.exists():
            pytest.skip("static/vendor/socket.io.min.js is missing: run `make assets` (npm ci)")
        page = new_page()
        page.goto(f"{served}/feed")
        page.locator("html[data-live='polling']").wait_for(state="attached")
        assert page.locator("#live-status").inner_text() == "Checking for news every few seconds"

        question = posting.ask_question(
            session, member, "Asked while this page could only poll", LONG_BODY, ["router"]
        )
        session.commit()

        page.locator(f"#feed-list #feed-item-{question.id}").wait_for(timeout=15000)
