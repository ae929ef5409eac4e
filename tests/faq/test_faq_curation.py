"""Staff curate the FAQ: a pin puts an entry first, a hide takes it from readers, a new title
replaces the question's own. Each is audited and outlasts `faq refresh`; nobody else may do it,
and bad input changes nothing. Driven through the /faq forms and PATCH /api/v1/staff/faq/{id}."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum.models import AuditEntry, FaqCuration, Post
from forum.services import moderation
from tests.faq.test_faq import faq_ids, open_hit, refresh, solved
from tests.web.conftest import PASSWORD, text_of
from tests.web.test_csrf_pages import csrf_token_in

PRINTER = "Printer shows offline after the update"
SCANNER = "Scanner jams on the second page"


@pytest.fixture
def faq(session, runner, visitor, member, other_member, index):
    """Two FAQ entries: the printer (three visitors opened it) before the scanner (one)."""
    printer = solved(session, member, other_member, PRINTER, ["printer"])
    scanner = solved(session, member, other_member, SCANNER, ["scanner"])
    for _ in range(3):
        open_hit(visitor(), "printer offline", printer.id)
    open_hit(visitor(), "scanner jams", scanner.id)
    assert "faq: 2 entries" in refresh(runner)
    return {"printer": printer.id, "scanner": scanner.id}


def page_ids(browser) -> list[int]:
    page = browser.get("/faq")
    assert page.status_code == 200
    return [int(found) for found in re.findall(r'class="faq-entry[^"]*" data-question-id="(\d+)"', page.text)]


def curate(browser, question_id: int, action: str, **form):
    return browser.post(f"/staff/faq/{question_id}", data={"action": action, **form})


def audit_log(browser, action: str) -> str:
    page = browser.get("/moderation/audit", query_string={"action": action})
    assert page.status_code == 200
    return text_of(page.text)


def nothing_curated(session) -> bool:
    session.expire_all()
    curated = session.scalar(select(func.count()).select_from(FaqCuration))
    audited = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("faq_%"))
    )
    return curated == 0 and audited == 0


def test_pin_puts_an_entry_first_is_audited_and_survives_refresh(
    faq, runner, visitor, client, staff, moderator
):
    desk = visitor(staff)
    assert faq_ids(client) == [faq["printer"], faq["scanner"]]
    pinned = curate(desk, faq["scanner"], "pin")
    assert pinned.status_code == 302
    assert "Pinned: it comes first in the FAQ." in text_of(desk.get(pinned.location).text)

    reader = visitor()
    assert faq_ids(reader) == [faq["scanner"], faq["printer"]]
    assert page_ids(reader) == [faq["scanner"], faq["printer"]]  # its group first, and first in it
    items = reader.get("/api/v1/faq").get_json()["items"]
    assert [item["pinned"] for item in items] == [True, False]
    assert "pinned" in text_of(reader.get("/faq").text)

    for _ in range(3):  # demand shifts further towards the printer; the pin holds
        open_hit(visitor(), "printer offline", faq["printer"])
    refresh(runner)
    assert faq_ids(visitor()) == [faq["scanner"], faq["printer"]]

    assert curate(desk, faq["scanner"], "unpin").status_code == 302
    assert faq_ids(visitor()) == [faq["printer"], faq["scanner"]]

    log = audit_log(visitor(moderator), "faq_pin")
    assert "pinned in the FAQ" in log and staff.username in log
    assert "Pinned in the FAQ: no → yes" in log and SCANNER in log
    assert "Pinned in the FAQ: yes → no" in audit_log(visitor(moderator), "faq_unpin")


def test_hide_takes_an_entry_from_readers_is_audited_and_survives_refresh(
    faq, runner, visitor, api_as, staff, moderator
):
    staff_api = api_as(staff)
    hidden = staff_api.patch(f"/staff/faq/{faq['printer']}", json={"hidden": True})
    assert hidden.status_code == 200, hidden.text
    body = hidden.get_json()
    assert body["hidden"] is True and body["curation"]["hidden"] is True
    assert body["curation"]["updated_by"] == staff.id

    reader = visitor()
    assert faq_ids(reader) == [faq["scanner"]]
    assert PRINTER not in text_of(reader.get("/faq").text)
    assert page_ids(reader) == [faq["scanner"]]

    desk = visitor(staff)  # staff still see it, marked, with the way back
    entry = re.search(
        rf'<li class="faq-entry faq-hidden" data-question-id="{faq["printer"]}".*?</li>',
        desk.get("/faq").text,
        re.S,
    )
    assert entry is not None
    assert "hidden" in text_of(entry.group(0)) and "Show to readers" in text_of(entry.group(0))
    staff_items = staff_api.get("/faq").get_json()["items"]
    assert [(item["question_id"], item["hidden"]) for item in staff_items] == [
        (faq["printer"], True),
        (faq["scanner"], False),
    ]

    refresh(runner)
    assert faq_ids(visitor()) == [faq["scanner"]]

    shown = curate(desk, faq["printer"], "unhide")
    assert shown.status_code == 302
    assert "Shown in the FAQ again." in text_of(desk.get(shown.location).text)
    assert faq_ids(visitor()) == [faq["printer"], faq["scanner"]]

    audit = api_as(moderator).get("/audit", query_string={"post_id": faq["printer"]}).get_json()["items"]
    assert [entry["action"] for entry in audit] == ["faq_unhide", "faq_hide"]
    log = audit_log(visitor(moderator), "faq_hide")
    assert "hid from the FAQ" in log and "Hidden from the FAQ: no → yes" in log


def test_retitle_shows_the_new_title_on_the_page_and_the_api(faq, runner, visitor, api_as, staff, moderator):
    desk = visitor(staff)
    new_title = "Bring a printer back online after an update"
    retitled = curate(desk, faq["printer"], "retitle", title=f"  {new_title} ")
    assert retitled.status_code == 302
    assert "The FAQ shows the new title." in text_of(desk.get(retitled.location).text)

    reader = visitor()
    assert new_title in text_of(reader.get("/faq").text)
    assert PRINTER not in text_of(reader.get("/faq").text)
    (item,) = [i for i in reader.get("/api/v1/faq").get_json()["items"] if i["question_id"] == faq["printer"]]
    assert item["title"] == new_title
    assert f"The question's own title: {PRINTER}" in text_of(desk.get("/faq").text)

    refresh(runner)
    assert new_title in text_of(visitor().get("/faq").text)

    restored = api_as(staff).patch(f"/staff/faq/{faq['printer']}", json={"title": None})
    assert restored.status_code == 200 and restored.get_json()["title"] == PRINTER
    assert PRINTER in text_of(visitor().get("/faq").text)

    log = audit_log(visitor(moderator), "faq_retitle")
    assert "retitled in the FAQ" in log
    assert f"FAQ title: the question's own → {new_title}" in log
    assert f"FAQ title: {new_title} → the question's own" in log


def test_one_request_may_pin_hide_and_retitle_with_one_audit_entry_each(faq, api_as, staff, moderator):
    changed = api_as(staff).patch(
        f"/staff/faq/{faq['scanner']}",
        json={"pinned": True, "hidden": False, "title": "Paper jams on the second page"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.get_json()["pinned"] is True
    audit = api_as(moderator).get("/audit", query_string={"post_id": faq["scanner"]}).get_json()["items"]
    assert sorted(entry["action"] for entry in audit) == ["faq_pin", "faq_retitle"]  # hidden did not change
    again = api_as(staff).patch(f"/staff/faq/{faq['scanner']}", json={"pinned": True})
    assert again.status_code == 200
    assert (
        len(api_as(moderator).get("/audit", query_string={"post_id": faq["scanner"]}).get_json()["items"])
        == 2
    )


def test_members_and_anonymous_readers_may_not_curate(faq, session, visitor, api_as, member, other_member):
    for person in (member, other_member):
        browser = visitor(person)
        for action in ("pin", "hide", "retitle"):
            refused = curate(browser, faq["printer"], action, title="A title of a decent length")
            assert refused.status_code == 403
        assert "Pin first" not in browser.get("/faq").text
        refused = api_as(person).patch(f"/staff/faq/{faq['printer']}", json={"hidden": True})
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert visitor().patch(f"/api/v1/staff/faq/{faq['printer']}", json={"hidden": True}).status_code == 401
    anonymous = curate(visitor(), faq["printer"], "hide")
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    assert "Pin first" not in visitor().get("/faq").text
    assert nothing_curated(session)
    assert faq_ids(visitor()) == [faq["printer"], faq["scanner"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x" * 151}, "title"),
        ({"title": "Too short"}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 42}, "title"),
        ({"pinned": "yes"}, "pinned"),
        ({"pinned": 1}, "pinned"),
        ({"hidden": None}, "hidden"),
        ({"pinned": True, "hidden": "no"}, "hidden"),  # one bad part: nothing changes
        ({"colour": "red"}, "colour"),
        ({}, "body"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(faq, session, api_as, staff, client, body, field):
    refused = api_as(staff).patch(f"/staff/faq/{faq['printer']}", json=body)
    assert refused.status_code == 400, refused.text
    assert field in refused.get_json()["error"]["fields"]
    assert nothing_curated(session)
    assert [item["pinned"] for item in client.get("/api/v1/faq").get_json()["items"]] == [False, False]


def test_a_question_not_in_the_faq_is_a_404(faq, session, api_as, staff, question, visitor):
    staff_api = api_as(staff)
    for question_id in (question.id, 999999):  # unsolved: never in the FAQ; and no such question
        missing = staff_api.patch(f"/staff/faq/{question_id}", json={"pinned": True})
        assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    not_json = staff_api.patch(f"/staff/faq/{faq['printer']}", data="pinned=true")
    assert not_json.status_code == 400
    desk = visitor(staff)
    assert curate(desk, question.id, "pin").status_code == 302  # the form says so and goes back
    assert "is not in the FAQ" in text_of(desk.get("/faq").text)
    assert curate(desk, faq["printer"], "dance").status_code == 400
    too_long = curate(desk, faq["printer"], "retitle", title="y" * 151)
    assert too_long.status_code == 302
    assert "must be at most 150 characters" in text_of(desk.get("/faq").text)
    assert nothing_curated(session)


def test_the_faq_never_shows_a_closed_question_or_a_deleted_answer(
    faq, session, runner, visitor, api_as, staff, moderator
):
    printer, scanner = faq["printer"], faq["scanner"]
    staff_api = api_as(staff)
    assert staff_api.patch(f"/staff/faq/{printer}", json={"pinned": True}).status_code == 200
    closed = api_as(moderator).post(f"/questions/{printer}/close", json={"reason": "off_topic"})
    assert closed.status_code == 200, closed.text
    scanner_answer = session.get(Post, scanner).accepted_answer_id
    moderation.delete_post(session, moderator, scanner_answer, reason="spam")
    session.commit()
    for browser in (visitor(), visitor(staff)):  # not even staff's list, hidden entries and all
        assert faq_ids(browser) == [] and page_ids(browser) == []
    refresh(runner)
    assert faq_ids(visitor(staff)) == []
    assert staff_api.patch(f"/staff/faq/{printer}", json={"hidden": True}).status_code == 404


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_the_staff_forms_need_their_csrf_token(faq, session, visitor, staff):
    desk = visitor()
    token = csrf_token_in(desk.get("/login").text)
    signed_in = desk.post(
        "/login", data={"username": staff.username, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    assert curate(desk, faq["printer"], "pin").status_code == 400
    assert nothing_curated(session)
    token = csrf_token_in(desk.get("/faq").text)
    assert curate(desk, faq["printer"], "pin", csrf_token=token).status_code == 302
    assert faq_ids(visitor())[0] == faq["printer"]
