// Votes without a page reload: the vote forms still work without script;
// with it, the form is sent by fetch and the score and pressed state update
// in place. The server answers with JSON when asked for it.
//
// A button is never disabled (that would drop keyboard focus to <body>):
// while its vote is on the way it is aria-disabled and ignores presses, and a
// vote the viewer may not cast (data-refusal) says why next to the buttons.
(function () {
  "use strict";

  // Texts come translated from the page (app.js, loaded first); English is the fallback.
  function t(key, values, english) {
    return window.Forum && window.Forum.t ? window.Forum.t(key, values, english) : english;
  }

  function setState(box, myVote, score) {
    box.querySelectorAll(".score").forEach(function (el) {
      el.textContent = score;
      el.setAttribute("aria-label", t("score_label", { score: score }, "score %(score)s"));
    });
    box.querySelectorAll(".vote-form").forEach(function (form) {
      var button = form.querySelector("button");
      var value = button.classList.contains("vote-up") ? 1 : -1;
      var pressed = myVote === value;
      button.classList.toggle("pressed", pressed);
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
      var action = value === 1 ? t("vote_up", null, "Vote up") : t("vote_down", null, "Vote down");
      button.setAttribute("aria-label", pressed
        ? t("vote_yours", { action: action }, "%(action)s (your vote; press to undo)") : action);
      form.querySelector("input[name=value]").value = pressed ? 0 : value;
    });
  }

  function say(box, text, isError) {
    var status = box.querySelector(".vote-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("visually-hidden", !isError);
    status.classList.toggle("vote-error", !!isError);
  }

  function setBusy(button, busy) {
    if (busy) {
      button.dataset.busy = "1";
      button.setAttribute("aria-disabled", "true");
    } else {
      delete button.dataset.busy;
      if (!button.dataset.refusal) button.removeAttribute("aria-disabled");
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("vote-form")) return;
    event.preventDefault();
    var box = form.closest(".vote");
    var button = form.querySelector("button");
    if (button.dataset.refusal) {
      say(box, button.dataset.refusal, true);
      return;
    }
    if (button.dataset.busy) return;
    setBusy(button, true);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok) {
          setState(box, result.body.my_vote, result.body.score);
          say(box, t("score_now", { score: result.body.score }, "Score is now %(score)s"), false);
        } else {
          say(box, result.body.error ? result.body.error.message
            : t("vote_not_counted", null, "Your vote was not counted."), true);
        }
      })
      .catch(function () {
        say(box, t("vote_not_sent", null, "Your vote could not be sent; check your connection."), true);
      })
      .finally(function () { setBusy(button, false); });
  });
})();
