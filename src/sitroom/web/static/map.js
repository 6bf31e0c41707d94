// sitroom's incident map: Leaflet over the bundled country outlines (tiles only when
// configured), markers clustered, coloured by type and sized by toll; how exact a place
// is shows in its symbol (a filled dot for a town or site, a hollow ring for a region or
// province, the country's own outline for a country); the incidents' places are labelled,
// labels that would overlap a more important one are hidden; a legend says all this.
// The page's time brush (view.js) narrows the map through the "sitroom:range" event.
// Article text only ever enters the page as textContent.
(function () {
  "use strict";
  var el = document.getElementById("leaflet-map");
  if (!el || !window.L) { return; }
  var COLOURS = {
    "Battles": "#c0392b", "Explosions/Remote violence": "#e67e22", "Violence against civilians": "#8e44ad",
    "Protests": "#2980b9", "Riots": "#16a085", "Strategic developments": "#7f8c8d"
  };
  var HOLLOW = { "region": true, "admin": true, "country": true };
  var codes = {};
  try { codes = JSON.parse(el.getAttribute("data-country-codes") || "{}"); } catch (e) { codes = {}; }

  // maxZoom: clustering needs it, and there is no tile layer to give one by default
  var map = L.map(el, { worldCopyJump: true, maxZoom: 18 }).setView([30, 20], 2);
  map.createPane("labels").style.zIndex = 650;
  map.getPane("labels").style.pointerEvents = "none";
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }  // only when configured

  var features = [], range = { since: null, until: null };
  var cluster = L.markerClusterGroup({ maxClusterRadius: 30 });
  var areas = L.layerGroup().addTo(map), labels = L.layerGroup().addTo(map);
  var countryShapes = null;
  map.addLayer(cluster);

  function colour(p) { return COLOURS[p.event_type] || "#555"; }

  function legend(types) {
    // beside the map, not on it: a legend never covers the data
    var div = document.getElementById("map-legend") || document.createElement("div");
    div.id = "map-legend";
    div.className = "legend";
    div.textContent = "";
    function line(cls, style, text) {
      var row = document.createElement("span"), i = document.createElement("i");
      i.className = cls;
      Object.keys(style).forEach(function (k) { i.style[k] = style[k]; });
      row.appendChild(i);
      row.appendChild(document.createTextNode(text));
      row.className = "legend-item";
      div.appendChild(row);
    }
    types.forEach(function (t) { line("filled", { background: COLOURS[t] || "#555" }, t); });
    line("filled", {}, "town or site (exact)");
    line("hollow", {}, "region or province (approximate)");
    line("area", {}, "whole country (its outline)");
    var size = document.createElement("span");
    size.className = "legend-item dim";
    size.textContent = "larger: more killed";
    div.appendChild(size);
    if (!div.parentNode) { el.parentNode.insertBefore(div, el.nextSibling); }
  }

  function popup(p) {
    var div = document.createElement("div");
    var a = document.createElement("a");
    a.href = "/incidents/" + encodeURIComponent(p.id);
    a.textContent = p.label;
    div.appendChild(a);
    var meta = document.createElement("div");
    meta.textContent = [p.date_start, p.place, p.grade].filter(Boolean).join(" · ") +
      (p.killed_best != null ? " · killed " + p.killed_best : "") + (p.date_start ? "" : " · date unknown") +
      (HOLLOW[p.geo_precision] ? " · located to the " + p.geo_precision : "");
    div.appendChild(meta);
    return div;
  }

  function inRange(p) {
    if (!range.since && !range.until) { return true; }
    if (!p.date_start) { return false; }  // undated: matches no date range, as the API's filter
    var end = p.date_end || p.date_start;
    return (!range.since || end >= range.since) && (!range.until || p.date_start <= range.until);
  }

  function shapeOf(p) {
    if (p.geo_precision !== "country" || !countryShapes || !codes[p.country]) { return null; }
    return countryShapes[codes[p.country]] || null;
  }

  function declutter() {
    // the most important label first (the most incidents, then the toll); a label whose box
    // meets a shown one's is hidden
    var items = [];
    labels.eachLayer(function (m) { if (m.getElement()) { items.push(m); } });
    items.sort(function (a, b) { return b.options.weight - a.options.weight; });
    var shown = [], view = el.getBoundingClientRect();
    items.forEach(function (m) {
      var node = m.getElement();
      node.classList.remove("hidden-label");
      var r = node.getBoundingClientRect();
      var out = r.right < view.left || r.left > view.right || r.bottom < view.top || r.top > view.bottom;
      var hit = out || shown.some(function (s) {
        return !(r.right + 2 <= s.left || s.right + 2 <= r.left || r.bottom + 1 <= s.top || s.bottom + 1 <= r.top);
      });
      if (hit) { node.classList.add("hidden-label"); } else { shown.push(r); }
    });
    el.setAttribute("data-labels", String(shown.length));
  }

  function draw() {
    cluster.clearLayers();
    areas.clearLayers();
    labels.clearLayers();
    var visible = features.filter(function (f) { return inRange(f.properties); });
    var markers = [], places = {};
    visible.forEach(function (f) {
      var p = f.properties, latlng = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
      var shape = shapeOf(p);
      if (shape) {
        var area = L.geoJSON(shape, { style: { color: colour(p), weight: 2, dashArray: "5 4", fillColor: colour(p),
                                              fillOpacity: 0.12, className: "area-outline" } });
        area.bindPopup(popup(p));
        areas.addLayer(area);
      } else {
        var hollow = !!HOLLOW[p.geo_precision];
        var m = L.circleMarker(latlng, {
          radius: 6 + Math.min(18, Math.sqrt(p.killed_best || 0)),
          color: hollow ? colour(p) : "#333", weight: hollow ? 3 : 1,
          fillColor: colour(p), fillOpacity: hollow ? 0 : 0.75,
          className: "incident-marker " + (hollow ? "precision-area" : "precision-point")
        });
        m.bindPopup(popup(p));
        markers.push(m);
      }
      var name = p.place || p.country;
      if (name) {
        var key = name + "|" + latlng.lat.toFixed(2) + "|" + latlng.lng.toFixed(2);
        var s = places[key] || (places[key] = { name: name, latlng: latlng, n: 0, killed: 0 });
        s.n += 1;
        s.killed += p.killed_best || 0;
      }
    });
    cluster.addLayers(markers);
    Object.keys(places).forEach(function (k) {
      var s = places[k], span = document.createElement("span");
      span.textContent = s.name;
      labels.addLayer(L.marker(s.latlng, {
        pane: "labels", interactive: false, keyboard: false, weight: s.n * 1000 + s.killed,
        icon: L.divIcon({ className: "place-label", html: span, iconSize: null, iconAnchor: [-9, 7] })
      }));
    });
    el.setAttribute("data-count", String(visible.length));
    setTimeout(declutter, 0);
  }

  map.on("zoomend moveend", function () { setTimeout(declutter, 0); });
  document.addEventListener("sitroom:range", function (e) {
    range = { since: e.detail.since || null, until: e.detail.until || null };
    draw();
  });

  var outlines = fetch(el.getAttribute("data-outlines")).then(function (r) { return r.json(); }).then(function (topo) {
    var countries = topojson.feature(topo, topo.objects.countries);
    countryShapes = {};
    countries.features.forEach(function (f) { countryShapes[String(f.id)] = f; });
    L.geoJSON(countries, { style: { color: "#8a9aa9", weight: 0.7, fillColor: "#eef2f5", fillOpacity: tiles ? 0 : 1 },
                           interactive: false }).addTo(map).bringToBack();
  }).catch(function () { /* no outlines: markers still show */ });

  var data = fetch(el.getAttribute("data-src")).then(function (r) { return r.json(); });
  Promise.all([data, outlines]).then(function (got) {
    var fc = got[0];
    features = fc.features;
    var types = Object.keys(COLOURS).filter(function (t) {
      return features.some(function (f) { return f.properties.event_type === t; });
    });
    legend(types);
    if (window.sitroomRange) { range = window.sitroomRange; }
    draw();
    if (features.length) {
      var bounds = L.latLngBounds(features.map(function (f) {
        return [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      }));
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7 });
    }
  }).catch(function (e) { el.setAttribute("data-error", String(e)); });
})();
