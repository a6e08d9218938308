// The scan viewer: OpenSeadragon over our IIIF Image API, one page at a time, kept in step with the
// page-by-page OCR text, with the search's hits boxed on the image (boxes come from Page.words).
(function () {
  var dataNode = document.getElementById("viewer-data");
  var element = document.getElementById("viewer");
  if (!dataNode || !element || !window.OpenSeadragon) return;
  var data = JSON.parse(dataNode.textContent);
  var pages = data.pages;
  if (!pages.length) return;
  document.querySelector(".scan-pane").classList.add("enhanced");
  var staticPrefix = document.querySelector("script[src*='openseadragon.min.js']").src.replace(/openseadragon\.min\.js.*$/, "");
  var viewer = OpenSeadragon({
    element: element,
    prefixUrl: staticPrefix + "images/",
    tileSources: pages.map(function (p) { return p.info; }),
    sequenceMode: pages.length > 1,
    showNavigator: false,
    showNavigationControl: false,
    showSequenceControl: false,
    crossOriginPolicy: "Anonymous",
    gestureSettingsMouse: { clickToZoom: false },
    maxZoomPixelRatio: 3,
    // Readers who ask their system for less motion get instant zooms and pans.
    animationTime: window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 1.2,
    preserveViewport: false
  });
  window.readingroomViewer = viewer;
  var current = 0;
  var status = document.getElementById("viewer-page");
  element.setAttribute("role", "img");
  element.setAttribute("aria-label", "Zoomable scan of “" + element.dataset.title + "”, page 1 of " + pages.length);

  function drawHits() {
    viewer.clearOverlays();
    var page = pages[current];
    var item = viewer.world.getItemAt(0);
    if (!item || !page.hits) return;
    page.hits.forEach(function (box) {
      var el = document.createElement("div");
      el.className = "hit-box";
      el.setAttribute("aria-hidden", "true");
      viewer.addOverlay({ element: el, location: item.imageToViewportRectangle(box[0], box[1], box[2], box[3]) });
    });
  }

  function syncText(index) {
    var number = index + 1;
    status.textContent = String(number);
    element.setAttribute("aria-label", "Zoomable scan of “" + element.dataset.title + "”, page " + number + " of " + pages.length);
    Array.prototype.forEach.call(document.querySelectorAll(".scan-page-text"), function (s) {
      s.classList.toggle("current", s.dataset.page === String(number));
    });
  }

  viewer.addHandler("open", function () { drawHits(); syncText(current); });
  viewer.addHandler("page", function (e) { current = e.page; syncText(current); });

  function go(index) {
    if (index < 0 || index >= pages.length) return;
    current = index;
    if (pages.length > 1) viewer.goToPage(index); else drawHits();
    syncText(index);
  }
  var controls = document.querySelector(".viewer-controls");
  if (controls) controls.hidden = false;
  var prev = document.getElementById("viewer-prev"), next = document.getElementById("viewer-next");
  if (pages.length < 2) { prev.hidden = true; next.hidden = true; }
  prev.addEventListener("click", function () { go(current - 1); });
  next.addEventListener("click", function () { go(current + 1); });
  document.getElementById("viewer-zoom-in").addEventListener("click", function () { viewer.viewport.zoomBy(1.5); viewer.viewport.applyConstraints(); });
  document.getElementById("viewer-zoom-out").addEventListener("click", function () { viewer.viewport.zoomBy(1 / 1.5); viewer.viewport.applyConstraints(); });
  document.getElementById("viewer-home").addEventListener("click", function () { viewer.viewport.goHome(); });
  Array.prototype.forEach.call(document.querySelectorAll("button.show-page"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { go(parseInt(b.dataset.page, 10) - 1); element.scrollIntoView({ block: "nearest" }); });
  });
  // Start on the first page with a hit, so a reader arriving from a search sees it at once.
  for (var i = 0; i < pages.length; i++) {
    if (pages[i].hits && pages[i].hits.length) { if (i) go(i); break; }
  }
})();
