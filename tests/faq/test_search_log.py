"""The search log: every search from the page and the API is kept with its visitor key, and the
hits opened from it, once per search and post; old searches are pruned."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from forum import clock
from forum.models import SearchClick, SearchLog
from tests.api.helpers import assert_error
from tests.web.test_query_counts import counted


def result_links(page) -> dict[int, str]:
    """post id -> the result link of that post on a search page."""
    return {int(post): link for link, post in re.findall(r'href="(/search/\d+/open/(\d+))"', page.text)}


def logged(session) -> list[SearchLog]:
    session.expire_all()
    return list(session.scalars(select(SearchLog).order_by(SearchLog.id)))


def clicks(session, search_id: int) -> list[int]:
    return list(session.scalars(select(SearchClick.post_id).where(SearchClick.search_id == search_id)))


def test_search_page_by_two_visitors_logs_two_searches_with_different_keys(
    session, visitor, answered_question, index
):
    first, second = visitor(), visitor()
    assert first.get("/search?q=Reset+ROUTER").status_code == 200
    assert second.get("/search?q=reset   router").status_code == 200
    one, two = logged(session)
    assert one.query == two.query == "reset router"
    assert one.terms == two.terms
    assert one.result_count == two.result_count == 2
    assert one.language == "en"
    assert one.visitor != two.visitor
    assert "127.0.0.1" not in (one.visitor, two.visitor)


def test_search_page_link_records_the_opened_hit_once_and_leads_to_the_post(
    session, visitor, answered_question, index
):
    reader = visitor()
    links = result_links(reader.get("/search?q=reset+router"))
    assert answered_question.id in links
    opened = reader.get(links[answered_question.id])
    assert opened.status_code == 302
    assert f"/questions/{answered_question.id}/" in opened.headers["Location"]
    reader.get(links[answered_question.id])
    (record,) = logged(session)
    assert clicks(session, record.id) == [answered_question.id]


def test_search_link_opened_by_another_visitor_leads_to_the_post_without_a_click(
    session, visitor, answered_question, index
):
    links = result_links(visitor().get("/search?q=reset+router"))
    stranger = visitor().get(links[answered_question.id])
    assert stranger.status_code == 302
    (record,) = logged(session)
    assert clicks(session, record.id) == []


def test_search_page_is_never_kept_for_another_visitor(app, session, visitor, answered_question, index):
    first = visitor().get("/search?q=router")
    second = visitor().get("/search?q=router")
    assert set(result_links(first).values()).isdisjoint(result_links(second).values())
    assert "ETag" not in second.headers
    assert len(logged(session)) == 2


def test_search_page_for_a_second_visitor_is_the_kept_copy_with_their_own_search(
    app, session, visitor, answered_question, index
):
    first = visitor().get("/search?q=router")
    with counted(app) as statements:
        second = visitor().get("/search?q=router")
    assert not [s for s in statements if "FROM posts" in s]  # nothing searched or rendered again
    assert result_links(second).keys() == result_links(first).keys()
    mine = logged(session)[-1]
    assert all(f"/search/{mine.id}/open/" in link for link in result_links(second).values())


def test_search_page_sorted_and_paged_keeps_one_search(session, visitor, answered_question, index):
    reader = visitor()
    reader.get("/search?q=router")
    (record,) = logged(session)
    resorted = reader.get(f"/search?q=router&sort=newest&sid={record.id}")
    assert f"/search/{record.id}/open/" in resorted.text
    assert len(logged(session)) == 1
    # Another visitor's copy of that address starts a search of their own.
    visitor().get(f"/search?q=router&sort=newest&sid={record.id}")
    assert len(logged(session)) == 2


def test_api_search_returns_a_search_id_and_records_clicks_once(
    session, api_as, member, answered_question, index
):
    client = api_as(member)
    found = client.get("/search?q=reset+router").get_json()
    search_id = found["search_id"]
    assert isinstance(search_id, int)
    for _ in range(2):
        response = client.post(f"/search/{search_id}/clicks", json={"post_id": answered_question.id})
        assert response.status_code == 200
        assert response.get_json() == {"search_id": search_id, "opened": [answered_question.id]}
    assert clicks(session, search_id) == [answered_question.id]


def test_api_click_on_another_users_search_is_404(
    session, api_as, member, other_member, answered_question, index
):
    search_id = api_as(member).get("/search?q=router").get_json()["search_id"]
    response = api_as(other_member).post(
        f"/search/{search_id}/clicks", json={"post_id": answered_question.id}
    )
    assert_error(response, 404, "not_found")
    assert clicks(session, search_id) == []


def test_api_click_with_bad_post_id_is_400_and_unknown_post_is_404(api_as, member, answered_question, index):
    client = api_as(member)
    search_id = client.get("/search?q=router").get_json()["search_id"]
    assert_error(client.post(f"/search/{search_id}/clicks", json={"post_id": "one"}), 400, "invalid")
    assert_error(client.post(f"/search/{search_id}/clicks", json={}), 400, "invalid")
    assert_error(client.post(f"/search/{search_id}/clicks", json={"post_id": 999}), 404, "not_found")
    assert_error(client.post("/search/999/clicks", json={"post_id": answered_question.id}), 404, "not_found")


def test_anonymous_api_search_with_the_visitor_cookie_may_record_its_click(
    session, visitor, answered_question, index
):
    browser = visitor()
    search_id = browser.get("/api/v1/search?q=router").get_json()["search_id"]
    response = browser.post(f"/api/v1/search/{search_id}/clicks", json={"post_id": answered_question.id})
    assert response.status_code == 200
    assert clicks(session, search_id) == [answered_question.id]


def test_empty_search_is_not_logged(session, visitor, api, index):
    visitor().get("/search")
    assert api.get("/search?q=").get_json()["search_id"] is None
    assert logged(session) == []


def test_searches_prune_forgets_searches_past_the_retention(
    app, runner, session, visitor, answered_question, index
):
    reader = visitor()
    with clock.travel(timedelta(days=-100)):
        links = result_links(reader.get("/search?q=router"))
        reader.get(links[answered_question.id])
    reader.get("/search?q=password")
    result = runner.invoke(args=["forum", "searches", "prune"])
    assert result.exit_code == 0, result.output
    assert "pruned 1 searches older than 90 days" in result.output
    assert [record.query for record in logged(session)] == ["password"]
    assert session.scalar(select(func.count()).select_from(SearchClick)) == 0
