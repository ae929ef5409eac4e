// The close form's duplicate picker: as words are typed (or as soon as the form opens, from
// the question's own title), list similar questions from GET /api/v1/search/similar as radio
// choices; picking one writes "#ID Title" into the field, which the server reads. Without
// script the field still takes a question's link or number. Links are built from text only.
(function () {
  "use strict";
  var DELAY_MS = 300;
  var MIN_CHARS = 3;

  function choices(picker, items) {
    var list = picker.querySelector(".duplicate-choices");
    var exclude = picker.dataset.exclude;
    while (list.firstChild) list.removeChild(list.firstChild);
    items.filter(function (item) { return String(item.question_id || item.id) !== exclude; })
      .forEach(function (item) {
        var id = item.question_id || item.id;
        var li = document.createElement("li");
        var label = document.createElement("label");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "duplicate_pick_" + exclude;
        radio.value = id;
        radio.addEventListener("change", function () {
          picker.querySelector("input[name=duplicate_of]").value = "#" + id + " " + item.title;
        });
        var text = document.createElement("span");
        text.dir = "auto";
        text.textContent = window.Forum.plural("picker_choice", item.answer_count, { title: item.title },
          "%(title)s (%(num)s answer)", "%(title)s (%(num)s answers)");
        label.appendChild(radio);
        label.appendChild(text);
        li.appendChild(label);
        list.appendChild(li);
      });
  }

  function look(picker, words) {
    if (picker._pending) picker._pending.abort();
    picker._pending = new AbortController();
    fetch("/api/v1/search/similar?title=" + encodeURIComponent(words.slice(0, 200)), {
      headers: { Accept: "application/json" }, credentials: "same-origin", signal: picker._pending.signal
    })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (data) { choices(picker, data.items || []); })
      .catch(function () {});
  }

  document.querySelectorAll(".duplicate-picker").forEach(function (picker) {
    var input = picker.querySelector("input[name=duplicate_of]");
    var dialog = picker.closest("details");
    var timer = null;
    if (dialog) {
      dialog.addEventListener("toggle", function () {
        if (dialog.open && !input.value) look(picker, input.dataset.seed || "");
      });
    }
    input.addEventListener("input", function () {
      var words = input.value.trim();
      window.clearTimeout(timer);
      if (words.length < MIN_CHARS || /^#?\d+\b|\/questions\/\d+/.test(words)) return;
      timer = window.setTimeout(function () { look(picker, words); }, DELAY_MS);
    });
  });
})();
