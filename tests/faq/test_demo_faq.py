"""The demo shows a FAQ and a few unmet needs."""

from __future__ import annotations

from sqlalchemy import select

from forum.models import User


def test_demo_load_shows_a_faq_and_a_few_needs(runner, session, api_as, client):
    loaded = runner.invoke(args=["forum", "demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    faq = client.get("/api/v1/faq").get_json()["items"]
    assert len(faq) >= 3
    # The reader's language (English here) first, then by demand.
    order = [(item["language"] != "en", -item["demand"]) for item in faq]
    assert order == sorted(order)
    staff = session.scalar(select(User).where(User.username == "staff_sam"))
    response = api_as(staff).get("/staff/needs")
    assert response.status_code == 200, response.text
    needs = response.get_json()["items"]
    assert needs[0]["examples"][0] == "fax machine pairing code"
    assert {"el", "cs"} <= {language for need in needs for language in need["languages"]}
    again = runner.invoke(args=["forum", "demo", "load"])
    assert "logged" not in again.output and len(client.get("/api/v1/faq").get_json()["items"]) == len(faq)
