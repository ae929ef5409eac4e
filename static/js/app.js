/* Small progressive enhancements for every page; the site works without them.
 *
 * - keeps "3 min ago" texts in <time datetime> elements fresh, every minute,
 *   with the same steps as the server's `timeago` filter (forum/web/helpers.py);
 * - submits a filter form when a [data-autosubmit] select changes;
 * - copies text for [data-copy] buttons (the API token shown once).
 *
 * Other scripts may call window.Forum.refreshTimes(element) after inserting HTML.
 */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s") + " ago";
  }

  function relativeTime(moment, now) {
    var seconds = Math.floor(((now || new Date()) - moment) / 1000);
    if (seconds < 45) return "just now";
    var minutes = Math.max(1, Math.floor(seconds / 60));
    if (minutes < 60) return minutes + " min ago";
    var hours = Math.floor(seconds / 3600);
    if (hours < 24) return plural(hours, "hour");
    var days = Math.floor(seconds / 86400);
    if (days < 30) return plural(days, "day");
    return moment.getUTCDate() + " " + MONTHS[moment.getUTCMonth()] + " " + moment.getUTCFullYear();
  }

  function refreshTimes(root) {
    var now = new Date();
    var times = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var moment = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(moment.getTime())) {
        var text = relativeTime(moment, now);
        if (times[i].textContent !== text) times[i].textContent = text;
      }
    }
  }

  function autosubmit(event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      if (target.form.requestSubmit) target.form.requestSubmit();
      else target.form.submit();
    }
  }

  function copyText(event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  }

  window.Forum = window.Forum || {};
  window.Forum.relativeTime = relativeTime;
  window.Forum.refreshTimes = refreshTimes;

  document.addEventListener("change", autosubmit);
  document.addEventListener("click", copyText);
  refreshTimes(document);
  setInterval(function () { refreshTimes(document); }, 60 * 1000);
})();
