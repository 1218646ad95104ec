/*
 * The learner's view: "Check my progress" asks the server, which evaluates the rule from the
 * course's own grades and completion; the browser only shows what comes back.
 */
function BadgeXBlockView(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var text = window.BadgeXBlockText;
  var gettext = text.gettext;
  var live = root.querySelector('[data-role="live"]');

  function announce(message) {
    if (!live) {
      return;
    }
    live.textContent = "";
    // A fresh text node after a tick so screen readers announce repeated messages too.
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function stateBox() {
    return root.querySelector('[data-role="state"]');
  }

  function check(button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    announce(gettext("Checking your progress…"));
    text.post(runtime.handlerUrl(element, "check_now"), {}).then(function (result) {
      if (!result.ok) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        announce((result.data && result.data.error) || gettext("Your progress could not be checked. Try again later."));
        return;
      }
      var box = stateBox();
      var card = root.querySelector(".openedx-badge");
      var changed = card && card.getAttribute("data-state") !== result.data.state;
      box.innerHTML = result.data.html;
      if (card) {
        card.setAttribute("data-state", result.data.state);
        card.className = card.className.replace(/openedx-badge--\S+/, "openedx-badge--" + result.data.state);
      }
      var again = box.querySelector('[data-role="check"]');
      var heading = box.querySelector("h3");
      if (again && !changed) {
        again.focus();
      } else if (heading) {
        heading.focus();
      }
      announce(result.data.announcement || gettext("Progress updated."));
    }).catch(function () {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      announce(gettext("Your progress could not be checked. Try again later."));
    });
  }

  function copy(button) {
    var value = button.getAttribute("data-copy");
    var done = function () { announce(gettext("Link copied.")); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).then(done, function () {
        announce(gettext("Copy the link from the verification page's address bar."));
      });
    } else {
      announce(gettext("Copy the link from the verification page's address bar."));
    }
  }

  root.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-role]") : null;
    if (!target || !root.contains(target)) {
      return;
    }
    var role = target.getAttribute("data-role");
    if (role === "check") {
      check(target);
    } else if (role === "copy") {
      copy(target);
    }
  });

  var signIn = root.querySelector('[data-role="sign-in"]');
  if (signIn && signIn.href.indexOf("next=") === -1) {
    signIn.href += (signIn.href.indexOf("?") === -1 ? "?" : "&") + "next=" +
      encodeURIComponent(window.location.pathname + window.location.search);
  }
  return {state: args && args.state};
}
