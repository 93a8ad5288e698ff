// lockscope report: conveniences only. The page reads the same without
// this script: folding is <details>, navigation is plain links.
(function () {
  "use strict";
  var findings = document.getElementById("findings");
  var toolbar = document.getElementById("toolbar");
  if (!findings || !toolbar) {
    return;
  }
  toolbar.hidden = false;

  function all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }

  function setOpen(open) {
    all("details", findings).forEach(function (d) {
      d.open = open;
    });
  }

  toolbar.addEventListener("click", function (ev) {
    var action = ev.target && ev.target.getAttribute("data-action");
    if (action === "expand") {
      setOpen(true);
    } else if (action === "collapse") {
      setOpen(false);
    }
  });

  var filter = document.getElementById("kind-filter");
  filter.addEventListener("change", function () {
    all("details.group", findings).forEach(function (g) {
      g.hidden = filter.value !== "" && g.getAttribute("data-kind") !== filter.value;
      if (!g.hidden && filter.value !== "") {
        g.open = true;
      }
    });
  });

  // A link to a finding inside a closed group opens the group.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") {
        p.open = true;
      }
    }
    if (el) {
      el.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) {
    reveal();
  }

  // Printing shows everything; the folds come back afterwards.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = all("details").filter(function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
