// Ask page: while the title is typed, list existing questions that look similar.
// Debounced, calls GET /api/v1/search/similar, and fills #similar-questions
// (an aria-live region) with links built from text only, never from HTML. An FAQ entry whose
// title closely matches comes first from the server (`faq` true) and is labelled "From the FAQ".
// The links go
// through /questions/ask/open/<id>, which records the open (a deflected ask when no
// question follows within 30 minutes) and redirects to the question.
(function () {
  "use strict";
  var box = document.getElementById("similar-questions");
  if (!box) { return; }
  var form = box.closest("form");
  var input = document.getElementById("title") || (form && form.querySelector("input[name=title]"));
  if (!input) { return; }

  var DELAY_MS = 350;
  var MIN_CHARS = 8;
  var timer = null;
  var pending = null;
  var lastAsked = "";

  function clear() {
    while (box.firstChild) { box.removeChild(box.firstChild); }
  }

  function render(items) {
    clear();
    if (!items.length) { return; }
    var heading = document.createElement("p");
    heading.className = "similar-heading";
    heading.textContent = window.Forum.t("similar_heading", null, "Similar questions — yours may already be answered:");
    var list = document.createElement("ul");
    list.className = "similar-list";
    items.forEach(function (item) {
      var li = document.createElement("li");
      if (item.faq) {
        li.className = "similar-faq";
        var label = document.createElement("span");
        label.className = "badge badge-faq";
        label.textContent = window.Forum.t("similar_faq", null, "From the FAQ");
        li.appendChild(label);
        li.appendChild(document.createTextNode(" "));
      }
      var link = document.createElement("a");
      // Through the forum, which notes the open for the deflected-asks figure, then redirects.
      link.href = "/questions/ask/open/" + encodeURIComponent(item.question_id);
      link.textContent = item.title;
      link.target = "_blank";
      link.rel = "noopener";
      li.appendChild(link);
      var count = document.createElement("span");
      count.className = "similar-count";
      count.textContent = " · " + window.Forum.plural("answers", item.answer_count, null, "%(num)s answer", "%(num)s answers");
      li.appendChild(count);
      list.appendChild(li);
    });
    box.appendChild(heading);
    box.appendChild(list);
  }

  function ask(title) {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var url = "/api/v1/search/similar?title=" + encodeURIComponent(title);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", signal: pending.signal })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) { render(data.items || []); })
      .catch(function (error) { if (error.name !== "AbortError") { clear(); } });
  }

  input.addEventListener("input", function () {
    var title = input.value.trim();
    window.clearTimeout(timer);
    if (title.length < MIN_CHARS) {
      if (pending) { pending.abort(); }
      lastAsked = "";
      clear();
      return;
    }
    timer = window.setTimeout(function () {
      if (title === lastAsked) { return; }
      lastAsked = title;
      ask(title);
    }, DELAY_MS);
  });
})();
