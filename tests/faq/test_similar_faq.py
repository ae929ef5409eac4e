"""The ask page's similar-questions box puts an FAQ entry whose title closely matches the one
being typed first, marked `faq` (the box labels it "From the FAQ"); a hidden entry is not put
first, and a retitled one shows the FAQ's title. Through GET /api/v1/search/similar."""

from __future__ import annotations

from forum import search
from tests.conftest import LONG_BODY
from tests.faq.test_faq import faq_ids, open_hit, refresh, solved

TYPED = "Printer offline after the Windows update, printer offline"
FAQ_TITLE = "Printer shows offline after the update"


def similar(browser, title: str) -> list[dict]:
    response = browser.get("/api/v1/search/similar", query_string={"title": title})
    assert response.status_code == 200, response.text
    return response.get_json()["items"]


def test_the_faq_entry_comes_first_in_the_similar_box_with_its_flag(
    session, runner, visitor, api_as, staff, member, other_member, index
):
    from forum.services import posting

    entry = solved(session, member, other_member, FAQ_TITLE, ["printer"])
    # Asked since, never opened from a search: not in the FAQ, and its title is nearer the typed one.
    nearer = posting.ask_question(
        session,
        other_member,
        "Printer offline after Windows update: printer offline again",
        LONG_BODY,
        ["printer"],
    )
    session.commit()
    open_hit(visitor(), "printer shows offline", entry.id)
    refresh(runner)
    assert faq_ids(visitor()) == [entry.id]
    ranked = [hit.question_id for hit in search.similar_questions(session, TYPED)]
    assert ranked.index(nearer.id) < ranked.index(entry.id)  # the search alone puts the other first

    items = similar(visitor(), TYPED)
    assert [item["question_id"] for item in items[:2]] == [entry.id, nearer.id]
    assert [item["faq"] for item in items[:2]] == [True, False]
    assert items[0]["title"] == FAQ_TITLE and items[0]["url"] == f"/questions/{entry.id}"

    # An unrelated title finds no FAQ entry to put first.
    assert all(not item["faq"] for item in similar(visitor(), "Printer cartridge leaks ink everywhere"))

    staff_api = api_as(staff)
    retitled = "Printer offline after a Windows update: what to do"
    assert staff_api.patch(f"/staff/faq/{entry.id}", json={"title": retitled}).status_code == 200
    first = similar(visitor(), TYPED)[0]
    assert first["question_id"] == entry.id and first["faq"] is True
    assert first["title"] == retitled and first["title_html"] == retitled

    assert staff_api.patch(f"/staff/faq/{entry.id}", json={"hidden": True}).status_code == 200
    items = similar(visitor(), TYPED)
    assert items[0]["question_id"] == nearer.id and not any(item["faq"] for item in items)
    assert entry.id in [item["question_id"] for item in items]  # still a similar question, unmarked


def test_the_box_labels_the_faq_entry_in_the_readers_language(client):
    """The label's words reach the page's script in the reader's language."""
    client.set_cookie("lang", "el")
    page = client.get("/faq")
    assert '"similar_faq": "From the FAQ"' not in page.text
    assert '"similar_faq":' in page.text
