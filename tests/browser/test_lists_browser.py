"""The question list in real Chromium, on a phone and a desktop, with the demo's questions."""

from __future__ import annotations

import pytest

CHIPS = """() => Array.from(document.querySelectorAll('.question-row')).map(row =>
  Array.from(row.querySelectorAll('.row-stats .stat')).map(chip => {
    const box = chip.getBoundingClientRect();
    const line = parseFloat(getComputedStyle(chip).lineHeight);
    return {top: box.top, width: box.width, height: box.height, line: line, text: chip.innerText};
  }))"""


@pytest.mark.parametrize("width", [375, 1280])
def test_question_list_at_phone_and_desktop_width_keeps_each_count_chip_on_one_line(
    live_server, browser, width
):
    live_server.cli("forum", "demo", "load")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/questions?sort=votes")
    rows = page.evaluate(CHIPS)
    chips = [chip for row in rows for chip in row]
    assert len(rows) >= 10 and all(len(row) == 2 for row in rows)
    # One line each (padding and border aside), and every chip as wide as the others.
    assert all(chip["height"] < 1.5 * chip["line"] + 6 for chip in chips), chips
    assert len({round(chip["width"]) for chip in chips}) == 1, chips
    if width == 375:
        assert all(row[0]["top"] == row[1]["top"] for row in rows)  # side by side above the title
    assert any("✓" in chip["text"] for chip in chips)  # accepted questions are in the demo
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
