"""deploy/nginx in front of `gunicorn wsgi:app`: pages, live sockets and the real client's address.

Runs when nginx is installed (`make test` installs Debian's nginx as root,
as it does Chromium). nginx connects to gunicorn from 127.0.0.2 and each
test client from an address of its own, so the forum can only tell the
clients apart through the X-Forwarded-For that nginx adds.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.live.conftest import LiveClient
from tests.serving.conftest import ROOT, answer_reaches, free_port

LOCATIONS = ROOT / "deploy" / "nginx" / "forum-locations.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture
def nginx_in_front(gunicorn_server, tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed (make test installs Debian's nginx as root)")
    app_server = gunicorn_server(
        {
            "FORUM_TRUSTED_PROXIES": "1",
            "FORUM_RATELIMIT_ENABLED": "1",
            "FORUM_RATELIMIT_TOKENS": "2 per minute",
        }
    )
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    upstream forum_app {{ server {app_server.url.removeprefix("http://")}; keepalive 8; }}
    proxy_bind 127.0.0.2;
    server {{
        listen 127.0.0.1:{port};
        include {LOCATIONS};
    }}
}}
""")
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/healthz", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)


def post_from(address: str, url: str, path: str, body: dict, **headers) -> tuple[int, dict]:
    """POST JSON from a chosen local source address, as a different client would."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(address, 0))
    try:
        connection.request(
            "POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers}
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_page_and_readyz_through_nginx_answer(nginx_in_front, question):
    page = requests.get(f"{nginx_in_front}/questions/{question.id}", timeout=10)
    ready = requests.get(f"{nginx_in_front}/readyz", timeout=10)

    assert page.status_code == 200 and question.title in page.text
    assert ready.status_code == 200, ready.text


def test_live_socket_through_nginx_receives_answer_posted_through_nginx(nginx_in_front, question, staff):
    client = LiveClient(nginx_in_front)
    try:
        client.watch(question.id)
        status, token = post_from(
            "127.0.0.5",
            nginx_in_front,
            "/api/v1/tokens",
            {"username": staff.username, "password": "correct horse"},
        )
        assert status == 201

        answer_reaches(
            client,
            nginx_in_front,
            token["token"],
            question.id,
            "Posted through nginx, delivered through nginx.",
        )
    finally:
        client.close()


def test_rate_limit_behind_nginx_holds_back_one_client_and_not_another(nginx_in_front, member):
    wrong = {"username": member.username, "password": "a wrong guess"}
    for forged in ("198.51.100.1", "198.51.100.2"):
        status, _ = post_from(
            "127.0.0.3", nginx_in_front, "/api/v1/tokens", wrong, **{"X-Forwarded-For": forged}
        )
        assert status == 400

    held_back, body = post_from(
        "127.0.0.3", nginx_in_front, "/api/v1/tokens", wrong, **{"X-Forwarded-For": "198.51.100.3"}
    )
    other_client, _ = post_from(
        "127.0.0.4",
        nginx_in_front,
        "/api/v1/tokens",
        {"username": member.username, "password": "correct horse"},
    )

    assert held_back == 429 and body["error"]["code"] == "rate_limited"  # a forged header buys nothing
    assert other_client == 201
