// The incidents page's linked views: dragging across the timeline picks a period (a
// brush); the list, the map (map.js, through the "sitroom:range" event) and the download
// links then show that period only, and the address says it (since/until in the query,
// the same filters the server and the API read), so the view can be shared or reloaded.
(function () {
  "use strict";
  var svg = document.querySelector("#timeline svg.timeline");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#incidents tr.incident"));
  var count = document.getElementById("count");
  var clear = document.getElementById("brush-clear");
  var state = document.getElementById("brush-state");
  var total = (document.getElementById("timeline") || {}).getAttribute ?
    document.getElementById("timeline").getAttribute("data-total") : "";
  var DAY = 86400000;

  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function ms(day) { return Date.parse(day + "T00:00:00Z"); }

  function setParams(url, since, until) {
    var u = new URL(url, window.location.href);
    u.searchParams.delete("since");
    u.searchParams.delete("until");
    if (since) { u.searchParams.set("since", since); }
    if (until) { u.searchParams.set("until", until); }
    return u;
  }

  function apply(since, until) {
    var shown = 0;
    rows.forEach(function (tr) {
      var s = tr.getAttribute("data-start"), e = tr.getAttribute("data-end") || s;
      var ok = (!since && !until) || (s && (!since || e >= since) && (!until || s <= until));
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + total + " incident(s)"; }
    document.querySelectorAll("#timeline .tl-dot, #map .map-dot").forEach(function (c) {
      var s = c.getAttribute("data-start"), e = c.getAttribute("data-end") || s;
      var ok = (!since && !until) || (s && (!since || e >= since) && (!until || s <= until));
      c.setAttribute("opacity", ok ? "1" : "0.15");
    });
    // the address and the downloads say the view
    var here = setParams(window.location.href, since, until);
    window.history.replaceState(null, "", here.pathname + here.search);
    document.querySelectorAll("a.download").forEach(function (a) {
      var u = setParams(a.getAttribute("href"), since, until);
      a.setAttribute("href", u.pathname + u.search);
    });
    ["since", "until"].forEach(function (name) {
      var box = document.querySelector('form.filters input[name="' + name + '"]');
      if (box) { box.value = name === "since" ? (since || "") : (until || ""); }
    });
    if (clear) { clear.hidden = !(since || until); }
    if (state && state.firstChild) {
      state.firstChild.textContent = since || until ? "Showing " + (since || "…") + " to " + (until || "…") + ". " :
        "Drag across the timeline to show a period on the map and in the list. ";
    }
    window.sitroomRange = { since: since, until: until };
    document.dispatchEvent(new CustomEvent("sitroom:range", { detail: { since: since, until: until } }));
  }

  if (clear) {
    clear.addEventListener("click", function () {
      var band = svg && svg.querySelector("rect.brush");
      if (band) { band.remove(); }
      apply(null, null);
    });
  }
  if (!svg) { return; }

  var d0 = ms(svg.getAttribute("data-d0")), d1 = ms(svg.getAttribute("data-d1"));
  var x0 = parseFloat(svg.getAttribute("data-x0")), x1 = parseFloat(svg.getAttribute("data-x1"));
  var days = Math.round((d1 - d0) / DAY) + 1;
  var NS = "http://www.w3.org/2000/svg";

  function local(evt) {  // the pointer in the drawing's own units
    var pt = svg.createSVGPoint();
    pt.x = evt.clientX;
    pt.y = evt.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse()).x;
  }
  function dayAt(x) {  // the day under x (the axis gives each day an equal slot)
    var k = Math.floor((Math.min(x1, Math.max(x0, x)) - x0) / (x1 - x0) * days);
    return Math.min(days - 1, Math.max(0, k));
  }

  var start = null, band = null;
  svg.addEventListener("pointerdown", function (evt) {
    if (evt.button !== 0) { return; }
    start = local(evt);
    if (band) { band.remove(); }
    band = document.createElementNS(NS, "rect");
    band.setAttribute("class", "brush");
    band.setAttribute("y", "0");
    band.setAttribute("height", svg.viewBox.baseVal.height);
    band.setAttribute("x", start);
    band.setAttribute("width", "0");
    svg.appendChild(band);
    if (svg.setPointerCapture) { try { svg.setPointerCapture(evt.pointerId); } catch (e) { /* not captured */ } }
    evt.preventDefault();
  });
  svg.addEventListener("pointermove", function (evt) {
    if (start === null) { return; }
    var x = local(evt);
    band.setAttribute("x", Math.min(start, x));
    band.setAttribute("width", Math.abs(x - start));
  });
  function finish(evt) {
    if (start === null) { return; }
    var x = local(evt), a = Math.min(start, x), b = Math.max(start, x);
    start = null;
    if (b - a < 3) {  // a click: follow a dot's link, or clear
      band.remove();
      band = null;
      return;
    }
    var ka = dayAt(a), kb = dayAt(b);
    // snap the band to whole days
    band.setAttribute("x", x0 + ka / days * (x1 - x0));
    band.setAttribute("width", (kb - ka + 1) / days * (x1 - x0));
    apply(ka === 0 && a <= x0 ? null : iso(d0 + ka * DAY), kb === days - 1 && b >= x1 ? null : iso(d0 + kb * DAY));
  }
  svg.addEventListener("pointerup", finish);
  svg.addEventListener("pointercancel", function () { start = null; if (band) { band.remove(); band = null; } });
})();
