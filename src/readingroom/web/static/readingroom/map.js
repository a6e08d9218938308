/* Maps of places (includes/place_map.html): country outlines drawn from the vendored Natural Earth
   TopoJSON (no tiles, nothing fetched from elsewhere), clustered markers sized by record count, a popup
   listing a place's first records, and a decade slider that keeps the places with records in that decade. */
(function () {
  "use strict";
  if (!window.L || !window.topojson) { return; }

  var POPUP_RECORDS = 5;  // as web/place_map.POPUP_RECORDS; the place page lists them all
  function fill(template, n) { return template.replace("%(n)s", String(n)); }

  function sizeFor(records) { return Math.round(22 + Math.min(34, 7 * Math.sqrt(records))); }

  function countIcon(records, extraClass) {
    var size = sizeFor(records);
    return L.divIcon({
      html: "<span>" + records + "</span>", className: "place-marker " + (extraClass || ""),
      iconSize: [size, size]
    });
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href; a.textContent = text; a.setAttribute("translate", "no");
    return a;
  }

  function popupFor(props, labels, marker) {
    var box = document.createElement("div");
    box.className = "place-popup";
    var h = document.createElement("h2");
    h.appendChild(link(props.url, props.name));
    box.appendChild(h);
    var count = document.createElement("p");
    count.textContent = fill(labels.records, props.records);
    box.appendChild(count);
    var list = document.createElement("ul");
    box.appendChild(list);
    var more = document.createElement("p");
    box.appendChild(more);
    function listRecords(records) {
      var seen = {};
      records.forEach(function (r) {
        if (seen[r.id] || Object.keys(seen).length >= POPUP_RECORDS) { return; }
        seen[r.id] = true;  // a record naming the place in two roles is listed once
        var li = document.createElement("li");
        li.appendChild(link(r.url, r.title));
        if (r.date) { var d = document.createElement("span"); d.className = "date"; d.textContent = " " + r.date; li.appendChild(d); }
        list.appendChild(li);
      });
      more.appendChild(link(props.url, props.records > Object.keys(seen).length ? labels.all_records : labels.place_page));
      if (marker.getPopup()) { marker.getPopup().update(); }  // its size follows the list
    }
    if (props.first_records) {  // a small map (a theme's) carries them
      listRecords(props.first_records);
    } else {  // the archive's map asks the place's own JSON (its records by date) when the popup opens
      fetch(props.url.replace(/\/$/, "") + ".json", { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { records: [] }; })
        .then(function (place) { listRecords(place.records || []); })
        .catch(function () { listRecords([]); });
    }
    return box;
  }

  function setUp(section) {
    var places = JSON.parse(document.getElementById(section.dataset.map).textContent);
    var labels = JSON.parse(document.getElementById(section.dataset.labels).textContent);
    var id = section.dataset.map;
    section.hidden = false;
    var map = L.map(id + "-canvas", { worldCopyJump: true, minZoom: 1, maxZoom: 10 }).setView([30, 10], 2);
    map.attributionControl.setPrefix("");
    map.attributionControl.addAttribution("Natural Earth · GeoNames");
    map.getContainer().setAttribute("aria-label", section.getAttribute("aria-label"));

    fetch(section.dataset.outlines).then(function (r) { return r.json(); }).then(function (world) {
      L.geoJSON(topojson.feature(world, world.objects.countries), {
        interactive: false, style: { color: "#8c8270", weight: 0.6, fillColor: "#efe9da", fillOpacity: 1 }
      }).addTo(map).bringToBack();
    });

    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40,
      iconCreateFunction: function (cluster) {
        var total = 0;
        cluster.getAllChildMarkers().forEach(function (m) { total += m.shownRecords; });
        return countIcon(total, "place-cluster");
      }
    });
    map.addLayer(clusters);

    var markers = places.features.map(function (f) {
      var props = f.properties;
      var marker = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
        icon: countIcon(props.records), title: props.name, alt: props.name, keyboard: true
      });
      marker.place = props;
      marker.shownRecords = props.records;
      // Leaflet calls this on every update of the popup: its box is made (and its records asked) once.
      marker.bindPopup(function () { return marker.box || (marker.box = popupFor(props, labels, marker)); });
      return marker;
    });

    var slider = document.getElementById(id + "-decade");
    var shown = document.getElementById(id + "-decade-shown");
    var all = document.getElementById(id + "-all");
    var counter = document.getElementById(id + "-shown");
    var decades = labels.decades;
    slider.max = String(Math.max(decades.length - 1, 0));
    slider.disabled = decades.length === 0;

    function show() {
      var decade = all.checked || !decades.length ? null : decades[Number(slider.value)];
      shown.textContent = decade ? decade[1] : all.parentNode.textContent.trim();
      slider.setAttribute("aria-valuetext", shown.textContent);
      clusters.clearLayers();
      var visible = [];
      markers.forEach(function (m) {
        var n = decade ? (m.place.decades[decade[0]] || 0) : m.place.records;
        if (n > 0) {
          m.shownRecords = n;
          m.setIcon(countIcon(n));
          visible.push(m);
        }
      });
      clusters.addLayers(visible);
      counter.textContent = fill(labels.shown, visible.length);
      section.dataset.shown = String(visible.length);
      return visible;
    }

    slider.addEventListener("input", function () { all.checked = false; show(); });
    all.addEventListener("change", show);
    var first = show();
    if (first.length) {
      map.fitBounds(L.featureGroup(first).getBounds().pad(0.3), { maxZoom: 5 });
    }
    section.dataset.ready = "true";
  }

  document.querySelectorAll("section.place-map[data-map]").forEach(setUp);
})();
