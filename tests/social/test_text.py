"""Tweet text to forum text: unescaping, t.co links, Markdown safety, titles."""

from __future__ import annotations

from forum import markup
from forum.services.validation import COMMENT_MAX, TITLE_MAX, TITLE_MIN
from forum.social.text import asks_something, comment_body, post_body, question_title, reply_text


def tweet(text: str, urls: list[tuple[str, str]] | None = None, tweet_id: str = "42") -> dict:
    entities = {"urls": [{"url": s, "expanded_url": e} for s, e in urls]} if urls else {}
    return {"id": tweet_id, "text": text, "entities": entities}


def test_post_body_with_html_escaped_text_shows_the_characters_once():
    body = post_body(tweet("Fish &amp; chips &lt;3 &quot;ok&quot;"), "ann")
    assert 'Fish & chips <3 "ok"' in markup.plain_text(body)
    assert "&amp;amp;" not in markup.render(body)


def test_post_body_with_tco_link_links_the_expanded_url():
    html = markup.render(
        post_body(
            tweet("see https://t.co/xyz.", [("https://t.co/xyz", "https://help.example/a_b?x=1&y=2")]), "ann"
        )
    )
    assert 'href="https://help.example/a_b?x=1&amp;y=2"' in html
    assert "t.co" not in html


def test_post_body_with_markdown_characters_renders_them_literally():
    text = "# not a heading\n*not bold* _nor this_ [no](link) <b>x</b>\n1. not a list\n- nor this"
    html = markup.render(post_body(tweet(text), "ann"))
    for literal in (
        "# not a heading",
        "*not bold*",
        "_nor this_",
        "[no](link)",
        "&lt;b&gt;x&lt;/b&gt;",
        "1. not a list",
        "- nor this",
    ):
        assert literal in html
    assert "<h1>" not in html and "<em>" not in html and "<li>" not in html and "<b>" not in html
    assert html.count("<br") == 3


def test_post_body_links_back_to_the_tweet():
    html = markup.render(post_body(tweet("Hello there", tweet_id="99"), "ann"))
    assert 'href="https://x.com/ann/status/99"' in html


def test_question_title_takes_the_first_sentence_without_leading_mentions():
    title = question_title(tweet("@AcmeHelp @bob My router keeps rebooting. Help please!"), "ann")
    assert title == "My router keeps rebooting."


def test_question_title_of_lowercase_tweet_is_in_sentence_case():
    title = question_title(tweet("@AcmeHelp my AX3000 router reboots every night. Any idea?"), "ann")
    assert title == "My AX3000 router reboots every night."


def test_question_title_of_a_shouted_tweet_is_lowered_to_sentence_case():
    title = question_title(tweet("@AcmeHelp MY ORDER NEVER ARRIVED AND NOBODY ANSWERS!"), "ann")
    assert title == "My order never arrived and nobody answers!"


def test_question_title_starting_with_a_name_keeps_its_case():
    assert (
        question_title(tweet("iPhone app logs me out every hour"), "ann")
        == "iPhone app logs me out every hour"
    )


def test_question_title_keeps_markdown_characters_as_plain_text():
    title = question_title(tweet("@AcmeHelp order #55123 says *delivered* &lt;sigh&gt; but no box"), "ann")
    assert title == "Order #55123 says *delivered* <sigh> but no box"


def test_asks_something_reads_question_marks_of_any_script_but_not_in_links():
    assert asks_something(tweet("Does this work on the AX1800?"))
    assert asks_something(tweet("آیا این روی مودم من کار می‌کند؟"))
    assert not asks_something(tweet("Fixed it for me too https://help.example/a?b=1"))


def test_comment_body_of_a_quote_drops_the_link_to_the_quoted_tweet():
    quoted = "https://x.com/AcmeHelp/status/1234"
    body = comment_body(
        tweet("Fixed it for me too https://t.co/q", [("https://t.co/q", quoted)]), "ann", 1234
    )
    assert quoted not in body and markup.plain_text(body).startswith("Fixed it for me too — on X")


def test_question_title_under_fifteen_characters_is_padded_from_the_text():
    title = question_title(tweet("@AcmeHelp Help! The app crashes on start every time"), "ann")
    assert title.startswith("Help! The app")
    assert len(title) >= TITLE_MIN


def test_question_title_of_a_tiny_tweet_names_the_author():
    title = question_title(tweet("@AcmeHelp hi"), "ann")
    assert len(title) >= TITLE_MIN and "@ann" in title


def test_question_title_of_a_long_sentence_is_cut_at_a_word():
    words = " ".join(["wordy"] * 60)
    title = question_title(tweet(words), "ann")
    assert len(title) <= TITLE_MAX
    assert title.endswith("…") and title[:-1].endswith("wordy")


def test_comment_body_of_short_or_long_tweets_fits_the_comment_limits():
    short = comment_body(tweet("@AcmeHelp ok"), "ann")
    long = comment_body(tweet("word " * 200), "ann")
    assert 15 <= len(short) <= COMMENT_MAX
    assert len(long) <= COMMENT_MAX and "x.com/ann/status/42" in long


def test_reply_text_fits_a_tweet_counting_the_link_as_23():
    text = reply_text("ann", "long answer " * 60, "http://127.0.0.1:5000/questions/1#answer-2")
    link_free = text.replace("http://127.0.0.1:5000/questions/1#answer-2", "")
    assert text.startswith("@ann ") and len(link_free) + 23 <= 280


def test_post_body_with_markdown_in_the_handle_shows_it_and_links_only_to_x():
    html = markup.render(post_body(tweet("Hello there", tweet_id="99"), "a_b](https://evil.example) *x*"))
    assert "@a_b](https://evil.example) *x* on X</a>" in html
    assert 'href="https://evil.example' not in html and "<em>" not in html
    assert 'href="https://x.com/a_b%5D%28https%3A%2F%2Fevil.example%29%20%2Ax%2A/status/99"' in html


def test_comment_body_without_words_shows_the_handle_literally():
    html = markup.render(comment_body(tweet(""), "<b>_ann_</b>"))
    assert "@&lt;b&gt;_ann_&lt;/b&gt; — " in html and "<b>" not in html and "<em>" not in html
