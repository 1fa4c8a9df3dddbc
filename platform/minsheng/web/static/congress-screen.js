// The big screen: replace the picture with each "screen" event of the stream (HTML rendered and escaped
// on the server). EventSource reconnects by itself; the notice shows while it does.
(function () {
  "use strict";
  var target = document.getElementById("screen");
  var notice = document.getElementById("screen-link");
  if (!target || !window.EventSource) { return; }
  var source = new EventSource(target.getAttribute("data-events"));
  source.addEventListener("screen", function (event) {
    target.innerHTML = event.data;
    notice.hidden = true;
    notice.setAttribute("data-state", "live");
  });
  source.addEventListener("open", function () { notice.hidden = true; });
  source.addEventListener("error", function () { notice.hidden = false; });
})();
