// sitroom's incident map: Leaflet over country outlines, markers clustered, coloured by
// type and sized by toll. Article text only ever enters the page as textContent.
(function () {
  "use strict";
  var el = document.getElementById("leaflet-map");
  if (!el || !window.L) { return; }
  var COLOURS = {
    "Battles": "#c0392b", "Explosions/Remote violence": "#e67e22", "Violence against civilians": "#8e44ad",
    "Protests": "#2980b9", "Riots": "#16a085", "Strategic developments": "#7f8c8d"
  };
  // maxZoom: clustering needs it, and there is no tile layer to give one by default
  var map = L.map(el, { worldCopyJump: true, maxZoom: 18 }).setView([30, 20], 2);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }  // only when configured

  fetch(el.getAttribute("data-outlines")).then(function (r) { return r.json(); }).then(function (topo) {
    var countries = topojson.feature(topo, topo.objects.countries);
    L.geoJSON(countries, { style: { color: "#8a9aa9", weight: 0.7, fillColor: "#eef2f5", fillOpacity: 1 },
                           interactive: false }).addTo(map).bringToBack();
  }).catch(function () { /* no outlines: markers still show */ });

  function popup(p) {
    var div = document.createElement("div");
    var a = document.createElement("a");
    a.href = "/incidents/" + encodeURIComponent(p.id);
    a.textContent = p.label;
    div.appendChild(a);
    var meta = document.createElement("div");
    meta.textContent = [p.date_start, p.place, p.grade].filter(Boolean).join(" · ") +
      (p.killed_best != null ? " · killed " + p.killed_best : "") + (p.date_start ? "" : " · date unknown");
    div.appendChild(meta);
    return div;
  }

  fetch(el.getAttribute("data-src")).then(function (r) { return r.json(); }).then(function (fc) {
    var cluster = L.markerClusterGroup({ maxClusterRadius: 30 });
    var layer = L.geoJSON(fc, {
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        return L.circleMarker(latlng, {
          radius: 6 + Math.min(18, Math.sqrt(p.killed_best || 0)),
          color: "#333", weight: 1, fillColor: COLOURS[p.event_type] || "#555", fillOpacity: 0.75,
          className: "incident-marker"
        });
      },
      onEachFeature: function (f, lyr) { lyr.bindPopup(popup(f.properties)); }
    });
    cluster.addLayer(layer);
    map.addLayer(cluster);
    if (fc.features.length) { map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 7 }); }
    el.setAttribute("data-count", String(fc.features.length));
  }).catch(function (e) { el.setAttribute("data-error", String(e)); });
})();
