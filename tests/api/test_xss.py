"""Every payload of the shared XSS corpus, posted as a question and as an answer,
comes out as HTML that the shared checker finds nothing wrong with.

All 961 go through the posting services in one app (fast); a sample also goes
through the HTTP API, as question, answer and comment.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from forum import markup
from forum.services import posting

SHARED = Path(__file__).parents[2] / ".." / "shared"
PAYLOADS_FILE = SHARED / "data" / "xss" / "payloads.jsonl"
CHECKER_FILE = SHARED / "tools" / "html_safety.py"
# Short payloads are padded after a blank line to reach the 30-character body minimum.
PADDING = "\n\nThis line pads the payload to the minimum length."
HTTP_SAMPLE_EVERY = 16

pytestmark = pytest.mark.skipif(
    not (PAYLOADS_FILE.is_file() and CHECKER_FILE.is_file()),
    reason=f"the shared XSS corpus and checker are not at {SHARED.resolve()} (a checkout without ../shared)",
)


def _load_checker():
    spec = importlib.util.spec_from_file_location("html_safety", CHECKER_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check


@pytest.fixture(scope="module")
def payloads() -> list[dict]:
    with PAYLOADS_FILE.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def check():
    return _load_checker()


def as_body(payload: str) -> str:
    return payload if len(payload.strip()) >= 30 else payload + PADDING


def problems_of(check, rendered: dict[str, str]) -> dict[str, list]:
    return {key: found for key, html in rendered.items() if (found := check(html))}


def test_corpus_is_complete(payloads):
    assert len(payloads) == 961
    assert len({p["id"] for p in payloads}) == 961


def test_every_payload_renders_safe_on_its_own(payloads, check):
    assert problems_of(check, {p["id"]: markup.render(p["payload"]) for p in payloads}) == {}


def test_every_payload_as_question_and_answer_is_stored_safe(session, member, other_member, payloads, check):
    thread = posting.ask_question(session, member, "Where the payload answers go", "x" * 40, ["xss"])
    rendered: dict[str, str] = {}
    for number, item in enumerate(payloads):
        body = as_body(item["payload"])
        question = posting.ask_question(session, member, f"Payload question number {number}", body, ["xss"])
        answer = posting.post_answer(session, other_member, thread, body)
        rendered[f"{item['id']} question"] = question.body_html
        rendered[f"{item['id']} answer"] = answer.body_html
    session.commit()
    assert thread.answer_count == len(payloads)
    assert problems_of(check, rendered) == {}


def test_payload_sample_through_the_api_is_safe(api_as, api, member, other_member, payloads, check):
    alice, bob = api_as(member), api_as(other_member)
    rendered: dict[str, str] = {}
    for item in payloads[::HTTP_SAMPLE_EVERY]:
        body = as_body(item["payload"])
        asked = alice.post(
            "/questions", json={"title": f"Payload {item['id']}"[:150], "body": body, "tags": ["xss"]}
        )
        assert asked.status_code == 201, (item["id"], asked.get_json())
        question_id = asked.get_json()["id"]
        answered = bob.post(f"/questions/{question_id}/answers", json={"body": body})
        assert answered.status_code == 201, (item["id"], answered.get_json())
        rendered[f"{item['id']} question"] = asked.get_json()["body_html"]
        rendered[f"{item['id']} answer"] = answered.get_json()["body_html"]
        if 15 <= len(item["payload"].strip()) <= 600:
            commented = alice.post(f"/posts/{question_id}/comments", json={"body": item["payload"]})
            assert commented.status_code == 201, (item["id"], commented.get_json())
            rendered[f"{item['id']} comment"] = commented.get_json()["body_html"]
        shown = api.get(f"/questions/{question_id}").get_json()
        rendered[f"{item['id']} shown"] = shown["body_html"] + shown["answers"][0]["body_html"]
    assert len(rendered) > 3 * len(payloads) // HTTP_SAMPLE_EVERY
    assert problems_of(check, rendered) == {}
