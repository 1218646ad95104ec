/*
 * The badge block's JavaScript translations. Open edX compiles the block's catalogue into
 * window.BadgeXBlockI18N (the block's i18n_js_namespace) and loads it with the block; where
 * no catalogue is loaded (the workbench, a language without one) strings stay in English.
 */
(function (global) {
  "use strict";
  if (global.BadgeXBlockText) {
    return;
  }
  global.BadgeXBlockText = {
    gettext: function (text) {
      var catalogue = global.BadgeXBlockI18N;
      if (catalogue && typeof catalogue.gettext === "function") {
        return catalogue.gettext(text);
      }
      return text;
    },
    ngettext: function (singular, plural, count) {
      var catalogue = global.BadgeXBlockI18N;
      if (catalogue && typeof catalogue.ngettext === "function") {
        return catalogue.ngettext(singular, plural, count);
      }
      return count === 1 ? singular : plural;
    },
    // "{name}" placeholders, as the Python side formats them, so translators see one style.
    interpolate: function (format, values) {
      return format.replace(/\{(\w+)\}/g, function (match, key) {
        return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
      });
    },
    csrfToken: function () {
      var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      return match ? decodeURIComponent(match[1]) : "";
    },
    // POST JSON to a handler; resolves to {ok, status, data} so callers show the server's messages.
    post: function (url, payload) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": global.BadgeXBlockText.csrfToken(),
                  "X-Requested-With": "XMLHttpRequest"},
        body: JSON.stringify(payload || {})
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {ok: response.ok, status: response.status, data: data};
        });
      });
    }
  };
}(window));
