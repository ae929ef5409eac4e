"""Every page and desk, at 375 px and 1280 px, signed out and as each role, in real Chromium:

- axe-core (from npm, node_modules/axe-core, injected here and never served to users)
  finds no serious or critical violation of WCAG 2.0/2.1/2.2 A and AA;
- no page scrolls sideways (`scrollWidth` against the viewport);
- every tap target is at least 24 by 24 px, or far enough from the next one (WCAG 2.2's
  2.5.8, which axe checks as `target-size`, with its inline-link exception).

One served forum with the demo data for the module. Each (role, width) visits its pages
once; the three tests read what that visit found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import start_server

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "password123"  # README: the demo accounts' password
WIDTHS = (375, 1280)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PUBLIC = [
    "/", "/questions?sort=active", "/questions/1", "/tags", "/search?q=router",
    "/search?q=zzqx+nothing+here", "/feed", "/users/5", "/help/privileges", "/login", "/signup",
    "/posts/1/revisions", "/no-such-page", "/faq",
]  # fmt: skip
MEMBER = ["/questions/ask", "/account"]
STAFF = ["/staff/queue", "/staff/dashboard", "/staff/needs"]
MODERATOR = ["/moderation/flags", "/moderation/audit", "/moderation/curation"]
ADMIN = ["/admin/users", "/admin/mirror", "/admin"]
ROLES = {
    "anonymous": (None, PUBLIC),
    "member": ("maria_k", PUBLIC + MEMBER),
    "staff": ("staff_sam", PUBLIC + MEMBER + STAFF),
    "moderator": ("mod", PUBLIC + MEMBER + STAFF + MODERATOR),
    "admin": ("admin", PUBLIC + MEMBER + STAFF + MODERATOR + ADMIN),
}

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = document.documentElement.scrollWidth;
  const name = el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className) : "");
  const culprits = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && getComputedStyle(el).position !== "fixed")
    .slice(0, 5).map(name);
  return {width, wide, culprits};
}"""
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def described(path: str, violation: dict) -> str:
    nodes = violation["nodes"]
    where = "; ".join(node["target"][0] if node["target"] else "?" for node in nodes[:3])
    return f"{path}: {violation['id']} ({violation['impact']}) x{len(nodes)}: {where}"


def sign_in_demo(page, base: str, user: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", user)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.locator(".user-chip-name").wait_for()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run `make assets` (npm ci)")
    server = start_server(tmp_path_factory.mktemp("a11y"))
    server.cli("forum", "demo", "load")
    server.cli("forum", "search", "rebuild")
    yield server
    server.process.terminate()
    server.process.wait(10)


@pytest.fixture(scope="module")
def survey(demo_server, browser):
    """survey(role, width) -> {"axe": [...], "overflow": [...], "targets": [...]}, visited once."""
    found: dict[tuple[str, int], dict[str, list[str]]] = {}

    def visit(role: str, width: int) -> dict[str, list[str]]:
        if (role, width) in found:
            return found[(role, width)]
        user, paths = ROLES[role]
        # bypass_csp: the page allows only its own scripts, and axe is injected for the test.
        context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
        context.set_default_timeout(15000)
        page = context.new_page()
        base = demo_server.url
        if user:
            sign_in_demo(page, base, user)
        report: dict[str, list[str]] = {"axe": [], "overflow": [], "targets": []}
        for path in paths:
            page.goto(base + path)
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate(AXE_RUN, WCAG)["violations"]:
                if violation["id"] == "target-size":
                    report["targets"].append(described(path, violation))
                elif violation["impact"] in ("serious", "critical"):
                    report["axe"].append(described(path, violation))
            sideways = page.evaluate(OVERFLOW)
            if sideways["wide"] > sideways["width"]:
                wide, width = sideways["wide"], sideways["width"]
                report["overflow"].append(f"{path}: {wide} px in {width}: {sideways['culprits']}")
        context.close()
        found[(role, width)] = report
        return report

    return visit


CASES = [(role, width) for role in ROLES for width in WIDTHS]


@pytest.mark.parametrize("role, width", CASES)
def test_every_page_for_each_role_and_width_has_no_serious_axe_violation(survey, role, width):
    assert survey(role, width)["axe"] == []


@pytest.mark.parametrize("role, width", CASES)
def test_every_page_for_each_role_and_width_does_not_scroll_sideways(survey, role, width):
    assert survey(role, width)["overflow"] == []


@pytest.mark.parametrize("role, width", CASES)
def test_every_page_for_each_role_and_width_has_tap_targets_of_24_px(survey, role, width):
    assert survey(role, width)["targets"] == []
