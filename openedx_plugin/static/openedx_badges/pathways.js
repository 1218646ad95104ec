/*
 * The pathway editor's badge finder: typing in a milestone's search box hides the badges whose
 * name or course does not contain the text. Without JavaScript the box stays hidden and every
 * badge is listed; nothing here changes what the form sends.
 */
(function () {
  "use strict";

  function filter(input) {
    var list = document.getElementById(input.getAttribute("data-obp-filter"));
    if (!list) { return; }
    var wanted = input.value.trim().toLocaleLowerCase();
    list.querySelectorAll("[data-obp-group]").forEach(function (group) {
      var course = (group.querySelector("legend") || {}).textContent || "";
      var courseMatches = course.toLocaleLowerCase().indexOf(wanted) !== -1;
      var shown = 0;
      group.querySelectorAll("[data-obp-row]").forEach(function (row) {
        var select = row.querySelector("select");
        var keep = !wanted || courseMatches || row.textContent.toLocaleLowerCase().indexOf(wanted) !== -1
          || (select && select.value !== "");  // a chosen badge never hides
        row.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      group.hidden = shown === 0;
    });
  }

  document.querySelectorAll("[data-obp-filter]").forEach(function (input) {
    input.closest(".obp-filter").hidden = false;
    input.addEventListener("input", function () { filter(input); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // searching never submits the form
    });
  });

  var summary = document.getElementById("obp-error-summary");
  if (summary) { summary.focus(); }
}());
