"""The OpenAPI description at /api/v1/openapi.json matches the real routes."""

from __future__ import annotations

import json
import re
import sys

from forum.api import api_bp, inputs
from forum.services.validation import TAG_RE

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def routed_operations(app) -> set[tuple[str, str]]:
    """(path, method) of every API route, in OpenAPI's `{name}` form, relative to /api/v1."""
    prefix = api_bp.url_prefix
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{api_bp.name}."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(prefix))
        operations |= {(path, method.lower()) for method in rule.methods if method.lower() in HTTP_METHODS}
    return operations


def described_operations(spec: dict) -> set[tuple[str, str]]:
    return {
        (path, method) for path, item in spec["paths"].items() for method in item if method in HTTP_METHODS
    }


def test_openapi_describes_exactly_the_routes(api, app):
    spec = api.get("/openapi.json").get_json()
    routes, described = routed_operations(app), described_operations(spec)
    assert routes, "no API routes found"
    assert described - routes == set(), "described but not routed"
    assert routes - described == set(), "routed but not described"


def test_openapi_document_has_the_required_parts(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    for path, item in spec["paths"].items():
        assert path.startswith("/")
        for method, operation in item.items():
            assert method in HTTP_METHODS, (path, method)
            assert operation["responses"], (path, method)
            for status in operation["responses"]:
                assert re.fullmatch(r"[1-5](\d\d|XX)|default", status), (path, method, status)


def test_openapi_path_parameters_are_declared(api):
    spec = api.get("/openapi.json").get_json()
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (path, method)


def test_openapi_references_resolve(api):
    spec = api.get("/openapi.json").get_json()
    references = set(re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(spec)))
    for reference in references:
        node = spec
        for part in reference.split("/"):
            assert part in node, reference
            node = node[part]


def test_patterns_spell_out_pythons_whitespace_and_the_characters_of_a_tag():
    whitespace = re.compile(f"[{inputs.WHITESPACE}]")
    tag_character = re.compile(f"[{inputs.TAG_CHARS_ANY_CASE}]")
    characters = [chr(code) for code in range(sys.maxunicode + 1)]
    assert {c for c in characters if whitespace.fullmatch(c)} == {c for c in characters if c.isspace()}
    assert {c for c in characters if tag_character.fullmatch(c)} == {
        c for c in characters if TAG_RE.fullmatch(c.lower())
    }
