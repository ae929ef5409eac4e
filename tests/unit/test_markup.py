"""Markdown -> safe HTML: what survives, what is neutralised, and link rel."""

from __future__ import annotations

import pytest

from forum import markup


def test_render_keeps_emphasis_lists_and_code():
    html = markup.render("Some *emphasis* and `code`.\n\n- one\n- two\n\n```python\nprint(1 < 2)\n```")
    assert "<em>emphasis</em>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert '<code class="language-python">print(1 &lt; 2)\n</code>' in html


def test_render_link_gets_nofollow_rel():
    html = markup.render("[docs](https://example.com/help)")
    assert '<a href="https://example.com/help" rel="nofollow ugc noopener">docs</a>' in html


def test_clean_link_rel_from_input_is_replaced():
    html = markup.clean_html('<a href="https://example.com" rel="opener">x</a>')
    assert html == '<a href="https://example.com" rel="nofollow ugc noopener">x</a>'


def test_render_raw_html_is_shown_as_text():
    html = markup.render('<a href="https://example.com" rel="opener">x</a>')
    assert "<a " not in html and "&lt;a href=" in html


def test_clean_script_and_handlers_are_removed_and_other_text_kept():
    html = markup.clean_html('<p onclick="x()">a<script>alert(1)</script><blink>b</blink><!-- c --></p>')
    assert html == "<p>ab</p>"


@pytest.mark.parametrize(
    "url", ["/questions/1", "relative/path", "#anchor", "?q=1", "mailto:help@example.com"]
)
def test_render_safe_link_targets_are_kept(url):
    assert f'href="{url}"' in markup.render(f"[x]({url})")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "javascript:123",
        "vbscript:msgbox",
        "data:text/html,x",
        "host:8000",
        "java%0ascript:x",
        "file:///etc/passwd",
    ],
)
def test_render_dangerous_link_schemes_lose_their_href(url):
    assert "href" not in markup.render(f"[x]({url}) and <{url}>")


def test_render_image_with_data_url_loses_its_source():
    assert "src=" not in markup.render("![pic](data:image/png;base64,iVBORw0KGgo=)")


def test_render_image_with_https_is_kept():
    assert '<img src="https://example.com/a.png" alt="pic"' in markup.render(
        "![pic](https://example.com/a.png)"
    )


def test_render_raw_html_is_escaped_not_executed():
    html = markup.render('<script>alert(1)</script><img src=x onerror=alert(1)><p style="color:red">x</p>')
    assert "<script" not in html and "<img" not in html and "<p style" not in html
    assert "&lt;script&gt;" in html


def test_render_table_alignment_becomes_align_attribute():
    html = markup.render("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th align="left">a</th>' in html and '<td align="right">2</td>' in html
    assert "style" not in html


def test_safe_url_ignores_hidden_characters_in_the_scheme():
    assert not markup.safe_url("java\tscript:alert(1)")
    assert not markup.safe_url("\x01javascript:alert(1)")
    assert markup.safe_url("https://example.com/a:b")


def test_plain_text_strips_markup():
    text = markup.plain_text("# Title\n\nSome **bold** <b>html</b> & [link](http://x.y)")
    assert text == "Title Some bold <b>html</b> & link"


def test_plain_text_runs_inline_elements_on_into_the_punctuation_after_them():
    text = markup.plain_text("Open [Advanced](http://x.y). Then **Save**, and `reboot`!\n\n- one\n- two")
    assert text == "Open Advanced. Then Save, and reboot! one two"
