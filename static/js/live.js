/* The live feed in the browser: one Socket.IO connection to /live per page.
 *
 * - the question page (section#answers[data-question-id]) watches its question
 *   and inserts new answers and comments, updates scores, moves the accepted
 *   answer first, and says when the question is closed, locked or deleted;
 * - the question list (#question-list) offers "N new questions — show";
 * - the feed page (#feed-list) slides new questions in and lists activity.
 *
 * New things are inserted as HTML fragments rendered by the server
 * (/fragments/...), the same templates a reload would use. After every
 * (re)connect the page asks /api/v1/feed for what it missed, starting just
 * before the last event it saw; event ids make repeats harmless.
 */
(function () {
  "use strict";

  var script = document.querySelector("script[data-live-after]");
  if (!script || typeof window.io !== "function") return;

  var OVERLAP = 20;          // events emitted out of order just before a drop are re-read
  var MAX_CATCHUP_PAGES = 10;
  var FEED_POLL_MS = 8000;    // see the interval at the end
  // The page shows the state as of this event; nothing at or before it is replayed.
  var floor = parseInt(script.getAttribute("data-live-after"), 10) || 0;
  var lastId = floor;
  var seen = {};
  var scoreEventIds = {};  // post id -> the event that set the score shown
  var handlers = [];

  var answersSection = document.querySelector("section#answers[data-question-id]");
  var questionId = answersSection ? parseInt(answersSection.getAttribute("data-question-id"), 10) : null;
  var questionList = document.getElementById("question-list");
  var feedList = document.getElementById("feed-list");
  var activityList = document.getElementById("feed-activity");
  var statusLine = document.getElementById("live-status");

  // ---- helpers ----

  // Texts come translated from the page (app.js, loaded first); English is the fallback.
  function t(key, values, english) {
    return window.Forum && window.Forum.t ? window.Forum.t(key, values, english) : english;
  }

  function fragment(path) {
    return fetch(path, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(path + " answered " + response.status);
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        return template.content.firstElementChild;
      });
  }

  function refreshTimes(element) {
    if (window.Forum && typeof window.Forum.refreshTimes === "function") window.Forum.refreshTimes(element);
  }

  function arrive(element) {
    element.classList.add("live-enter");
    refreshTimes(element);
    window.setTimeout(function () { element.classList.remove("live-enter"); }, 2500);
  }

  function setStatus(state, text) {
    document.documentElement.setAttribute("data-live", state);  // for styles and tests
    if (!statusLine) return;
    statusLine.setAttribute("data-state", state);
    statusLine.textContent = text;
  }

  function notice(text) {
    var main = document.getElementById("main") || document.body;
    var box = document.getElementById("live-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "live-notice";
      box.className = "live-notice";
      box.setAttribute("role", "status");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = text + " ";
    var reload = document.createElement("button");
    reload.type = "button";
    reload.className = "button button-small";
    reload.textContent = t("reload", null, "Reload");
    reload.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(reload);
  }

  // ---- the question page ----

  function answerArticles() {
    return Array.prototype.slice.call(answersSection.querySelectorAll("article.answer"));
  }

  function scoreOf(article) {
    var score = article.querySelector(".score");
    return score ? parseInt(score.textContent, 10) || 0 : 0;
  }

  function placeAfterAccepted(article) {
    // Accepted first, then by score: put it before the first lower-scored answer.
    var others = answerArticles().filter(function (a) { return a !== article && !a.classList.contains("accepted"); });
    var before = null;
    for (var i = 0; i < others.length; i++) {
      if (scoreOf(others[i]) < scoreOf(article)) { before = others[i]; break; }
    }
    if (before) before.parentNode.insertBefore(article, before);
    else appendAnswer(article);
  }

  function appendAnswer(article) {
    var existing = answerArticles().filter(function (a) { return a !== article; });
    var last = existing[existing.length - 1];
    if (last) last.parentNode.insertBefore(article, last.nextSibling);
    else {
      var list = answersSection.querySelector("[data-answer-list]") || answersSection;
      var form = list.querySelector("form, .answer-form");
      list.insertBefore(article, form && form.parentNode === list ? form : null);
    }
  }

  function replaceAnswer(answerId) {
    return fragment("/fragments/answers/" + answerId).then(function (fresh) {
      var old = document.getElementById("answer-" + answerId);
      if (old) old.parentNode.replaceChild(fresh, old);
      refreshTimes(fresh);
      return fresh;
    });
  }

  function updateAnswerCount() {
    var count = answerArticles().length;
    var counter = answersSection.querySelector(".answer-count");
    if (counter) counter.textContent = count.toLocaleString(document.documentElement.lang || "en");
    var heading = answersSection.querySelector(".answers-heading");
    var noun = answersSection.querySelector(".answer-noun");
    if (heading && noun) {
      noun.textContent = window.Forum && window.Forum.plural
        ? window.Forum.plural("answer_noun", count, null, heading.dataset.one, heading.dataset.many)
        : (count === 1 ? heading.dataset.one : heading.dataset.many);
    }
    var empty = document.getElementById("answers-empty");
    if (empty) empty.hidden = count > 0;
  }

  var questionHandlers = {
    "answer.created": function (msg) {
      if (document.getElementById("answer-" + msg.post.id)) return;
      fragment("/fragments/answers/" + msg.post.id).then(function (article) {
        if (document.getElementById("answer-" + msg.post.id)) return;
        appendAnswer(article);
        arrive(article);
        updateAnswerCount();
      });
    },
    "comment.created": function (msg) {
      var list = document.getElementById("comments-" + msg.post_id);
      if (!list || document.getElementById("comment-" + msg.comment.id)) return;
      fragment("/fragments/comments/" + msg.comment.id).then(function (item) {
        if (document.getElementById("comment-" + msg.comment.id)) return;
        list.appendChild(item);
        arrive(item);
      });
    },
    "comment.deleted": function (msg) {
      var item = document.getElementById("comment-" + msg.comment_id);
      if (item) item.parentNode.removeChild(item);
    },
    "post.voted": function (msg) {
      if ((scoreEventIds[msg.post_id] || 0) > msg.id) return;  // an older score arriving late
      scoreEventIds[msg.post_id] = msg.id;
      var scores = document.querySelectorAll('.score[data-post-id="' + msg.post_id + '"]');
      Array.prototype.forEach.call(scores, function (score) { score.textContent = String(msg.score); });
    },
    "answer.accepted": function (msg) {
      var previous = msg.previous_answer_id;
      if (previous && document.getElementById("answer-" + previous)) {
        replaceAnswer(previous).then(placeAfterAccepted);
      }
      var place = document.getElementById("answer-" + msg.answer_id) ? replaceAnswer(msg.answer_id)
        : fragment("/fragments/answers/" + msg.answer_id);
      place.then(function (article) {
        var first = answerArticles().filter(function (a) { return a !== article; })[0];
        if (first) first.parentNode.insertBefore(article, first);
        else appendAnswer(article);
        arrive(article);
      });
    },
    "answer.unaccepted": function (msg) {
      if (msg.answer_id && document.getElementById("answer-" + msg.answer_id)) {
        replaceAnswer(msg.answer_id).then(placeAfterAccepted);
      }
    },
    "post.edited": function (msg) {
      if (msg.kind === "answer" && document.getElementById("answer-" + msg.post_id)) {
        replaceAnswer(msg.post_id).then(arrive);
      } else if (msg.kind === "question") {
        notice(t("question_edited", null, "This question was edited."));
      }
    },
    "post.deleted": function (msg) {
      if (msg.kind === "answer") {
        var article = document.getElementById("answer-" + msg.post_id);
        if (article) article.parentNode.removeChild(article);
        updateAnswerCount();
      } else {
        notice(t("question_deleted", null, "This question was deleted."));
      }
    },
    "post.undeleted": function (msg) {
      if (msg.kind === "answer") questionHandlers["answer.created"](msg);
    },
    "question.closed": function () { notice(t("question_closed", null, "This question has been closed.")); },
    "question.reopened": function () { notice(t("question_reopened", null, "This question has been reopened.")); },
    "post.locked": function () { notice(t("thread_locked", null, "This thread has been locked.")); },
    "post.unlocked": function () { notice(t("thread_unlocked", null, "This thread has been unlocked.")); }
  };

  if (answersSection && questionId) {
    handlers.push(function (msg) {
      var handle = questionHandlers[msg.type];
      if (handle && msg.question_id === questionId) handle(msg);
    });
  }

  // ---- the question list: "N new questions — show" ----

  function listTakesNewQuestions() {
    var params = new URLSearchParams(window.location.search);
    var page = parseInt(params.get("page") || "1", 10);
    var sort = params.get("sort") || "newest";
    var state = params.get("state") || "any";
    return page === 1 && ["newest", "active", "unanswered"].indexOf(sort) >= 0 &&
      ["any", "unaccepted"].indexOf(state) >= 0;
  }

  function wantedTags() {
    var raw = new URLSearchParams(window.location.search).get("tagged") || "";
    return raw.replace(/,/g, ";").split(";").map(function (t) { return t.trim().toLowerCase(); })
      .filter(function (t) { return t; });
  }

  if (questionList && !feedList && listTakesNewQuestions()) {
    var pending = [];
    var bar = document.createElement("div");
    bar.className = "new-questions-bar";
    bar.hidden = true;
    var showButton = document.createElement("button");
    showButton.type = "button";
    showButton.className = "button new-questions-button";
    bar.appendChild(showButton);
    questionList.parentNode.insertBefore(bar, questionList);

    showButton.addEventListener("click", function () {
      var ids = pending.slice().reverse();  // newest first, like the list
      pending = [];
      bar.hidden = true;
      Promise.all(ids.map(function (id) {
        return fragment("/fragments/questions/" + id).catch(function () { return null; });
      })).then(function (rows) {
        var first = questionList.firstElementChild;
        rows.forEach(function (row) {
          if (!row || document.getElementById(row.id)) return;
          questionList.insertBefore(row, first);
          arrive(row);
        });
        var empty = document.querySelector(".empty-state");
        if (empty && questionList.children.length) empty.hidden = true;
      });
    });

    handlers.push(function (msg) {
      if (msg.type === "post.deleted" && msg.kind === "question") {
        pending = pending.filter(function (id) { return id !== msg.post_id; });
      } else if (msg.type === "question.created") {
        var tags = msg.post.tags || [];
        var source = new URLSearchParams(window.location.search).get("source") || "any";
        var matches = wantedTags().every(function (t) { return tags.indexOf(t) >= 0; }) &&
          (source === "any" || msg.post.source === source);
        if (!matches || pending.indexOf(msg.post.id) >= 0 ||
            document.getElementById("question-row-" + msg.post.id)) return;
        pending.push(msg.post.id);
      } else {
        return;
      }
      var n = pending.length;
      bar.hidden = n === 0;
      showButton.textContent = window.Forum.plural("new_questions", n, null,
        "%(num)s new question — show", "%(num)s new questions — show");
    });
  }

  // ---- the feed page ----

  function activity(msg) {
    var item = document.createElement("li");
    item.className = "activity-item activity-" + msg.type.replace(".", "-");
    var link = document.createElement("a");
    var title = (msg.question && msg.question.title) ||
      t("activity_question", { id: msg.question_id }, "question %(id)s");
    link.href = "/questions/" + msg.question_id + (msg.answer_id || (msg.post && msg.post.kind === "answer")
      ? "#answer-" + (msg.answer_id || msg.post.id) : "");
    link.textContent = title;
    link.dir = "auto";
    var isolated = document.createElement("bdi");  // a right-to-left title keeps the time in its place
    isolated.dir = "auto";
    isolated.appendChild(link);
    var who = msg.post && msg.post.author ? msg.post.author.username : null;
    // The sentence is translated whole; the title's link goes where %(title)s stands.
    var words = {
      "answer.created": who ? t("activity_answered", null, "%(who)s answered %(title)s")
        : t("activity_answered_someone", null, "Someone answered %(title)s"),
      "answer.accepted": t("activity_accepted", null, "An answer was accepted on %(title)s"),
      "answer.unaccepted": t("activity_unaccepted", null, "An answer was unaccepted on %(title)s")
    }[msg.type];
    if (!words) return null;
    // The title and the name are what people wrote: each is isolated (and set apart from the
    // interface's words), wherever the translation puts it.
    var person = document.createElement("bdi");
    person.dir = "auto";
    person.className = "activity-who";
    person.textContent = who || "";
    var parts = { title: isolated, who: person };
    words.split(/(%\((?:title|who)\)s)/).forEach(function (piece) {
      var name = /^%\((title|who)\)s$/.exec(piece);
      if (name) item.appendChild(parts[name[1]]);
      else if (piece) item.appendChild(document.createTextNode(piece));
    });
    var time = document.createElement("time");
    time.setAttribute("datetime", msg.at);
    time.textContent = "just now";
    item.appendChild(document.createTextNode(" "));
    item.appendChild(time);
    return item;
  }

  function addActivity(msg, animate) {
    var item = activity(msg);
    if (!item) return;
    activityList.insertBefore(item, activityList.firstChild);
    while (activityList.children.length > 30) activityList.removeChild(activityList.lastChild);
    var empty = document.getElementById("feed-activity-empty");
    if (empty) empty.hidden = true;
    if (animate) arrive(item); else refreshTimes(item);
  }

  // What changes a question's card: its counts (answers, score) and its accepted state.
  var CARD_CHANGES = ["answer.created", "answer.accepted", "answer.unaccepted", "post.deleted",
    "post.undeleted", "post.voted", "question.closed", "question.reopened"];
  var cardRequests = {};

  function refreshCard(questionId) {
    var card = document.getElementById("feed-item-" + questionId);
    if (!card || cardRequests[questionId]) return;
    // Events often come in bursts (an answer, then its accept): one fetch for the burst.
    cardRequests[questionId] = window.setTimeout(function () {
      delete cardRequests[questionId];
      fragment("/fragments/feed/" + questionId).then(function (fresh) {
        var old = document.getElementById("feed-item-" + questionId);
        if (!old) return;
        old.parentNode.replaceChild(fresh, old);
        refreshTimes(fresh);
      }).catch(function () {});
    }, 300);
  }

  if (feedList) {
    handlers.push(function (msg) {
      if (msg.type === "question.created") {
        if (document.getElementById("feed-item-" + msg.post.id)) return;
        fragment("/fragments/feed/" + msg.post.id).then(function (item) {
          if (document.getElementById(item.id)) return;
          feedList.insertBefore(item, feedList.firstChild);
          var empty = document.getElementById("feed-empty");
          if (empty) empty.hidden = true;
          arrive(item);
        }).catch(function () {});
      } else if (msg.type === "post.deleted" && msg.kind === "question") {
        var gone = document.getElementById("feed-item-" + msg.post_id);
        if (gone) gone.parentNode.removeChild(gone);
      } else {
        if (CARD_CHANGES.indexOf(msg.type) >= 0) refreshCard(msg.question_id);
        if (activityList) addActivity(msg, true);
      }
    });
    if (activityList) {
      fetch("/api/v1/feed?limit=100", { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (page) { (page.items || []).forEach(function (msg) { addActivity(msg, false); }); })
        .catch(function () {});
    }
  }

  if (!handlers.length) return;

  // ---- the connection ----

  function dispatch(msg) {
    if (!msg || typeof msg.id !== "number" || msg.id <= floor || seen[msg.id]) return;
    seen[msg.id] = true;
    if (msg.id > lastId) lastId = msg.id;
    handlers.forEach(function (handle) {
      try { handle(msg); } catch (error) { window.console && console.error(error); }
    });
  }

  function catchUp(after, pages) {
    return fetch("/api/v1/feed?after=" + after, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("feed answered " + response.status);
        return response.json();
      })
      .then(function (page) {
        page.items.forEach(dispatch);
        if (page.has_more && pages > 1) return catchUp(page.last_id, pages - 1);
        if (page.has_more) notice(t("missed_a_lot", null, "A lot happened while this page was offline."));
        return null;
      });
  }

  var socket = window.io("/live", { transports: ["websocket"] });
  var eventTypes = [
    "question.created", "answer.created", "comment.created", "comment.deleted", "post.voted",
    "answer.accepted", "answer.unaccepted", "question.closed", "question.reopened", "post.edited",
    "post.deleted", "post.undeleted", "post.locked", "post.unlocked"
  ];
  eventTypes.forEach(function (type) { socket.on(type, dispatch); });

  socket.on("connect", function () {
    polling = false;
    setStatus("live", t("live", null, "Live"));
    if (questionId) socket.emit("watch", { question_id: questionId });
    catchUp(Math.max(floor, lastId - OVERLAP), MAX_CATCHUP_PAGES).catch(function () {});
  });
  // Refused because this address holds too many sockets (a large office behind one NAT):
  // keep the page current from the stored feed instead, and try the socket again later.
  var polling = false;
  var RETRY_SOCKET_MS = 60000;
  socket.on("connect_error", function (error) {
    if (!error || !error.data || error.data.code !== "too_many_sockets") return;
    polling = true;
    setStatus("polling", t("polling", null, "Checking for news every few seconds"));
    catchUp(Math.max(floor, lastId), MAX_CATCHUP_PAGES).catch(function () {});
    window.setTimeout(function () { socket.connect(); }, RETRY_SOCKET_MS);
  });
  socket.on("disconnect", function (reason) {
    if (reason === "io server disconnect") {  // closed by the server (a log-out): it will not come back
      setStatus("closed", t("not_live", null, "Not live"));
      notice(t("logged_out", null, "Live updates stopped because you logged out."));
    } else {
      setStatus("offline", t("reconnecting", null, "Reconnecting…"));
    }
  });

  // Events committed by another process reach these sockets only through a shared Redis
  // queue. Without one (a single machine running the mirror beside the server) the stored
  // feed is how they arrive, so a connected page also looks there every few seconds, and
  // so does a page whose socket was refused.
  window.setInterval(function () {
    if (socket.connected || polling) catchUp(Math.max(floor, lastId), 1).catch(function () {});
  }, FEED_POLL_MS);

  window.ForumLive = { socket: socket, lastEventId: function () { return lastId; } };
})();
