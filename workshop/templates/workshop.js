// The workshop's only script. Pages work without it: a running run's page
// refreshes itself through a <noscript> meta refresh. With it, progress
// lines appear as they come and the page reloads once when the run ends;
// an editor can be put back to the buggy code.
"use strict";
(function () {
  var run = document.getElementById("run");
  if (run && run.dataset.state === "running") {
    var progress = document.getElementById("progress");
    var poll = function () {
      fetch("/runs/" + encodeURIComponent(run.dataset.id) + "/progress", { cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (text) {
          var nl = text.indexOf("\n");
          var state = text.slice(0, nl);
          progress.textContent = text.slice(nl + 1);
          if (state === "done") {
            location.reload();
          } else {
            setTimeout(poll, 400);
          }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
  // Load the report's frame, and mark it once it has loaded (for tests).
  // The script sets its source so that the load cannot come before the
  // listener; without scripts, a <noscript> frame has it from the start.
  var frame = document.querySelector("iframe.report[data-src]");
  if (frame) {
    frame.addEventListener("load", function () { frame.dataset.loaded = "yes"; });
    frame.src = frame.dataset.src;
  }
  document.querySelectorAll("form.editor").forEach(function (form) {
    var area = form.querySelector("textarea");
    var reset = form.querySelector("button.reset");
    if (!reset || area.dataset.original === undefined) {
      return;
    }
    reset.hidden = false;
    reset.addEventListener("click", function () { area.value = area.dataset.original; });
  });
})();
