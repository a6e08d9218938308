// Progressive enhancement: tabs, copy buttons, layout switch. Without JavaScript every content item is
// shown in order, the scan pages as plain images, and the citation formats as links.
(function () {
  document.documentElement.classList.add("js");
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".tabs [role=tab]"));
  function select(tab) {
    tabs.forEach(function (t) {
      var panel = document.getElementById(t.getAttribute("aria-controls"));
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      if (panel) panel.hidden = !on;
    });
  }
  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function (e) { e.preventDefault(); select(tab); });
    tab.addEventListener("keydown", function (e) {
      var next = e.key === "ArrowRight" ? tabs[(i + 1) % tabs.length]
        : e.key === "ArrowLeft" ? tabs[(i - 1 + tabs.length) % tabs.length]
        : e.key === "Home" ? tabs[0] : e.key === "End" ? tabs[tabs.length - 1] : null;
      if (next) { e.preventDefault(); select(next); next.focus(); }
    });
  });
  // Arriving with highlights: open the first tab that has a hit.
  var firstHit = document.querySelector(".content-item mark.hit");
  var start = tabs[0];
  if (firstHit) {
    var panel = firstHit.closest("[role=tabpanel]");
    tabs.forEach(function (t) { if (panel && t.getAttribute("aria-controls") === panel.id) start = t; });
  }
  if (start) select(start);
  window.readingroomSelectTab = function (panelId) {
    tabs.forEach(function (t) { if (t.getAttribute("aria-controls") === panelId) select(t); });
  };

  if (navigator.clipboard) {
    Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        var text = document.getElementById(copy.dataset.copy).textContent.trim();
        var label = copy.textContent;
        navigator.clipboard.writeText(text).then(function () {
          copy.textContent = "Copied";
          setTimeout(function () { copy.textContent = label; }, 2500);
        });
      });
    });
  }

  // The CSL renderings (Chicago, APA, MLA) are fetched when the reader opens "Cite this record".
  var cite = document.getElementById("cite");
  if (cite && window.fetch) {
    cite.addEventListener("toggle", function () {
      if (!cite.open) return;
      Array.prototype.forEach.call(cite.querySelectorAll("[data-src]"), function (p) {
        var src = p.getAttribute("data-src");
        p.removeAttribute("data-src");
        p.setAttribute("aria-busy", "true");
        fetch(src).then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
          .then(function (text) { p.textContent = text.trim(); p.removeAttribute("aria-busy"); })
          .catch(function () { p.removeAttribute("aria-busy"); });
      });
    });
  }

  var switcher = document.querySelector(".layout-switch");
  var reading = document.querySelector(".reading");
  if (switcher && reading) {
    switcher.hidden = false;
    Array.prototype.forEach.call(switcher.querySelectorAll("button"), function (b) {
      b.addEventListener("click", function () {
        reading.className = "reading layout-" + b.dataset.layout;
        Array.prototype.forEach.call(switcher.querySelectorAll("button"), function (o) {
          o.setAttribute("aria-pressed", o === b ? "true" : "false");
        });
        window.dispatchEvent(new Event("resize"));
      });
    });
  }
})();
