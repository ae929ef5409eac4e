"""/healthz and /readyz, as a load balancer asks them."""

from __future__ import annotations

import pytest

from forum.search import storage


def test_healthz_on_a_running_app_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_with_database_and_index_answers_ready(client, question):
    response = client.get("/readyz")

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready" and body["failed"] == []
    assert set(body["checks"]) == {"database", "search_index"}  # no Redis configured: not asked
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_without_search_index_answers_503_naming_it(client, app):
    storage.forget_searchers()

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["search_index"]
    assert "forum search rebuild" in body["checks"]["search_index"]["error"]
    assert body["checks"]["database"]["ok"] is True


class TestUnreachableRedis:
    @pytest.fixture
    def app_overrides(self):
        return {"REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens on port 1

    def test_readyz_with_unreachable_redis_answers_503_naming_redis(self, client, question):
        response = client.get("/readyz")

        assert response.status_code == 503
        body = response.get_json()
        assert body["status"] == "unavailable"
        assert body["failed"] == ["redis"]
        assert "Connection" in body["checks"]["redis"]["error"]
        assert body["checks"]["database"]["ok"] and body["checks"]["search_index"]["ok"]
