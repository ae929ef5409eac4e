/* Small progressive enhancements for every page; the site works without them.
 *
 * - keeps "3 minutes ago" texts in <time datetime> elements fresh, every minute,
 *   with the same steps as the server's `timeago` filter (forum/web/helpers.py),
 *   in the page's language (<html lang>) through Intl.RelativeTimeFormat;
 * - submits a filter form when a [data-autosubmit] select changes;
 * - copies text for [data-copy] buttons (the API token shown once).
 *
 * Other scripts may call window.Forum.refreshTimes(element) after inserting HTML, and take
 * the texts they show from window.Forum.t and window.Forum.plural (below).
 */
(function () {
  "use strict";

  var LANG = document.documentElement.lang || "en";
  var relative = null;
  try {
    relative = new Intl.RelativeTimeFormat(LANG, { numeric: "auto" });
  } catch (error) {
    relative = null; // a browser without Intl.RelativeTimeFormat keeps the server's words
  }

  // The server's steps: under 45 s the page keeps its own words ("just now", translated by
  // the server: CLDR has no such phrase), then minutes, hours, days, weeks (from 7 days, rounded
  // as Babel rounds), then the date (Gregorian, as Babel writes it). numeric "auto" lets the
  // browser say "yesterday" or "last week" where the server says "1 day ago".
  // Returns null when the text should stay as it is.
  function relativeTime(moment, now) {
    var seconds = Math.floor(((now || new Date()) - moment) / 1000);
    if (seconds < 45 || !relative) return null;
    var minutes = Math.max(1, Math.floor(seconds / 60));
    if (minutes < 60) return relative.format(-minutes, "minute");
    var hours = Math.floor(seconds / 3600);
    if (hours < 24) return relative.format(-hours, "hour");
    var days = Math.floor(seconds / 86400);
    if (days < 7) return relative.format(-days, "day");
    if (days < 30) return relative.format(-Math.max(1, Math.round(days / 7)), "week");
    return moment.toLocaleDateString(LANG, {
      year: "numeric", month: "short", day: "numeric", timeZone: "UTC", calendar: "gregory"
    });
  }

  function refreshTimes(root) {
    var now = new Date();
    var times = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) {
      var moment = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(moment.getTime())) {
        var text = relativeTime(moment, now);
        if (text !== null && times[i].textContent !== text) times[i].textContent = text;
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
      button.textContent = t("copied", null, "Copied");
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  }

  // ---- the texts scripts show, in the page's language ----
  // base.html renders them, translated, into <script type="application/json" id="forum-strings">.
  // A text's placeholders are written %(name)s; a plural is stored once per CLDR category
  // (key_one, key_few, key_many, key_other) and chosen with Intl.PluralRules.
  var strings = null;

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function allStrings() {
    if (strings === null) {
      var block = document.getElementById("forum-strings");
      try {
        strings = block ? JSON.parse(block.textContent) || {} : {};
      } catch (error) {
        strings = {};
      }
    }
    return strings;
  }

  // Fills %(name)s (or %(name)d) from values in one pass, so a value is never read as a
  // placeholder; a placeholder without a value stays as it is.
  function format(text, values) {
    return String(text).replace(/%\((\w+)\)[sd]/g, function (whole, name) {
      return values && has(values, name) ? String(values[name]) : whole;
    });
  }

  // The text for `key`, filled from `values`; `english` when the page has no such text.
  function t(key, values, english) {
    var all = allStrings();
    return format(has(all, key) ? all[key] : (english === undefined ? key : english), values);
  }

  function formatNumber(n) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "en").format(n);
    } catch (error) {
      return String(n);
    }
  }

  // The form of `key` for the count n, with %(num)s as the page's language writes n;
  // englishOne and englishOther when the page has no such text.
  function plural(key, n, values, englishOne, englishOther) {
    var category = "other";
    try {
      category = new Intl.PluralRules(document.documentElement.lang || "en").select(n);
    } catch (error) {
      category = n === 1 ? "one" : "other";
    }
    var all = allStrings();
    var filled = { num: formatNumber(n) };
    for (var name in values || {}) if (has(values, name)) filled[name] = values[name];
    if (has(all, key + "_" + category)) return format(all[key + "_" + category], filled);
    if (has(all, key + "_other")) return format(all[key + "_other"], filled);
    return format(n === 1 ? englishOne : englishOther, filled);
  }

  window.Forum = window.Forum || {};
  window.Forum.t = t;
  window.Forum.plural = plural;
  window.Forum.format = format;
  window.Forum.relativeTime = relativeTime;
  window.Forum.refreshTimes = refreshTimes;

  document.addEventListener("change", autosubmit);
  document.addEventListener("click", copyText);
  refreshTimes(document);
  setInterval(function () { refreshTimes(document); }, 60 * 1000);
})();
