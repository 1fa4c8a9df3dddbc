// The phone ballot: while more candidates are marked yes than the ballot allows (多选作废), say so and
// keep the ballot from being sent. The server refuses such a ballot too; this only tells the deputy
// before anything is sent. The limit and the message come from the page (data-yes-limit, #yes-limit).
(function () {
  "use strict";
  var form = document.getElementById("ballot-marks");
  var warning = document.getElementById("yes-limit");
  if (!form || !warning) { return; }
  var limit = parseInt(form.getAttribute("data-yes-limit"), 10);
  var submit = form.querySelector("button[type=submit]");
  function check() {
    var yes = form.querySelectorAll("input[type=radio][value=yes]:checked").length;
    var over = yes > limit;
    warning.hidden = !over;
    submit.disabled = over;
    submit.setAttribute("aria-describedby", over ? "yes-limit" : "");
  }
  form.addEventListener("change", check);
  form.addEventListener("submit", function (event) {
    check();
    if (submit.disabled) { event.preventDefault(); }
  });
  check();
})();
