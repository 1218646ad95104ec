/*
 * Copy buttons of the wallet: copy the text of the field named by data-copy-target and
 * announce it in the polite live region next to the button. Messages come translated from
 * the page (data-copied-message), so this file holds no text of its own.
 * Without JavaScript the buttons stay hidden and the fields can be selected and copied by hand.
 */
(function () {
  "use strict";

  function announce(button, message) {
    var status = document.getElementById(button.getAttribute("data-status-target"));
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) { return; }
    var text = field.value;
    var done = function () { announce(button, button.getAttribute("data-copied-message")); };
    var fallback = function () {
      field.focus();
      field.select();
      try {
        if (document.execCommand("copy")) { done(); return; }
      } catch (ignored) { /* selected: the learner can copy by hand */ }
      announce(button, button.getAttribute("data-failed-message"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  // Tell the server a share happened (edx.badge.assertion.shared); what is shared stays in the browser.
  function report(element) {
    var target = document.getElementById("obw-share-report");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!target || !token || !window.fetch) { return; }
    var body = new URLSearchParams({channel: element.getAttribute("data-share-channel")});
    window.fetch(target.getAttribute("data-url"), {method: "POST", body: body, keepalive: true,
      credentials: "same-origin", headers: {"X-CSRFToken": token.value}}).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-share-channel]"), function (element) {
      element.addEventListener("click", function () { report(element); });
    });
    var buttons = document.querySelectorAll("[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  });
}());
