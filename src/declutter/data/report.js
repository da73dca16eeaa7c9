// Draws the declutter bench report from the JSON in #bench-data: inline SVG only, no libraries, no network.
// Elements carry stable ids/classes (svg.bar-chart, rect.bar, svg#scatter, circle.point, .worst-page) so
// tests can check in a headless browser that every chart was drawn; <html data-rendered="ok"> marks success.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, str, attrs) {
    var t = el("text", Object.assign({x: x, y: y}, attrs || {}), parent);
    t.textContent = str;
    return t;
  }
  function slug(s) { return String(s).replace(/[^A-Za-z0-9_-]+/g, "-"); }
  function fmt(v, digits) { return v === null || v === undefined ? "–" : Number(v).toFixed(digits); }

  function systemColors(rows) {
    var names = [], colors = {};
    rows.forEach(function (r) { var k = r.system + "/" + r.track; if (names.indexOf(k) < 0) names.push(k); });
    names.forEach(function (k, i) { colors[k] = PALETTE[i % PALETTE.length]; });
    return colors;
  }

  // One bar chart per (dataset, track): systems side by side, word F1 on the y axis.
  function barCharts(rows, colors, box) {
    var groups = {};
    rows.forEach(function (r) { (groups[r.dataset + " · " + r.track] = groups[r.dataset + " · " + r.track] || []).push(r); });
    Object.keys(groups).forEach(function (title) {
      var rs = groups[title], w = 60 + rs.length * 56, h = 240, top = 24, bottom = 70, left = 36;
      var svg = el("svg", {"class": "chart bar-chart", id: "bar-" + slug(title), width: w, height: h, role: "img"}, box);
      text(svg, left, 14, title, {"font-weight": "bold"});
      var plot = h - top - bottom;
      [0, 0.5, 1].forEach(function (v) {
        var y = top + plot * (1 - v);
        el("line", {x1: left, x2: w - 6, y1: y, y2: y, stroke: "#ddd"}, svg);
        text(svg, 4, y + 4, v.toFixed(1));
      });
      rs.forEach(function (r, i) {
        var v = r.word_f1 || 0, x = left + 8 + i * 56, bh = plot * v;
        var bar = el("rect", {"class": "bar", "data-system": r.system, x: x, y: top + plot - bh, width: 40,
                              height: bh, fill: colors[r.system + "/" + r.track]}, svg);
        el("title", {}, bar).textContent = r.system + ": word F1 " + fmt(r.word_f1, 3) +
          (r.skipped ? " (skipped: " + r.skipped + ")" : "") + (r.failed.length ? ", " + r.failed.length + " failed pages" : "");
        text(svg, x + 20, top + plot - bh - 3, fmt(r.word_f1, 2), {"text-anchor": "middle"});
        text(svg, x + 20, h - bottom + 14, r.system, {"text-anchor": "end", transform: "rotate(-40 " + (x + 20) + " " + (h - bottom + 14) + ")"});
      });
    });
  }

  // Quality vs speed: one point per (dataset, system, track); log-scaled pages/s on x.
  function scatter(rows, colors, box) {
    var pts = rows.filter(function (r) { return r.pages_per_s && r.word_f1 !== null; });
    var w = 640, h = 360, left = 50, right = 160, top = 16, bottom = 40;
    var svg = el("svg", {"class": "chart scatter-chart", id: "scatter", width: w, height: h, role: "img"}, box);
    var xs = pts.map(function (r) { return Math.log10(r.pages_per_s); });
    var lo = Math.floor(Math.min.apply(null, xs.concat([0]))), hi = Math.ceil(Math.max.apply(null, xs.concat([1])));
    if (hi === lo) hi = lo + 1;
    var pw = w - left - right, ph = h - top - bottom;
    function X(v) { return left + pw * (v - lo) / (hi - lo); }
    function Y(v) { return top + ph * (1 - v); }
    el("rect", {x: left, y: top, width: pw, height: ph, fill: "none", stroke: "#999"}, svg);
    for (var d = lo; d <= hi; d++) text(svg, X(d), h - bottom + 16, String(Math.pow(10, d)), {"text-anchor": "middle"});
    [0, 0.25, 0.5, 0.75, 1].forEach(function (v) { text(svg, left - 6, Y(v) + 4, v.toFixed(2), {"text-anchor": "end"}); });
    text(svg, left + pw / 2, h - 6, "pages per second (log)", {"text-anchor": "middle"});
    text(svg, 12, top + ph / 2, "word F1", {transform: "rotate(-90 12 " + (top + ph / 2) + ")", "text-anchor": "middle"});
    pts.forEach(function (r, i) {
      var c = el("circle", {"class": "point", "data-system": r.system, cx: X(xs[i]), cy: Y(r.word_f1), r: 5,
                            fill: colors[r.system + "/" + r.track], "fill-opacity": 0.8}, svg);
      el("title", {}, c).textContent = r.dataset + " · " + r.system + "/" + r.track + ": F1 " + fmt(r.word_f1, 3) +
        ", " + fmt(r.pages_per_s, 1) + " pages/s";
    });
    Object.keys(colors).forEach(function (k, i) {
      el("circle", {cx: w - right + 16, cy: top + 10 + i * 16, r: 5, fill: colors[k]}, svg);
      text(svg, w - right + 26, top + 14 + i * 16, k);
    });
  }

  // The worst pages: gold on the left, our lines on the right, marked kept/dropped and gold/not gold.
  function worstPages(worst, box) {
    worst.forEach(function (p, i) {
      var head = document.createElement("h3");
      head.textContent = (i + 1) + ". " + p.id + " (" + p.track + (p.page_type ? ", " + p.page_type : "") +
        ") word F1 " + fmt(p.word_f1, 3) + (p.error ? " — failed: " + p.error : "");
      box.appendChild(head);
      var grid = document.createElement("div");
      grid.className = "worst worst-page";
      grid.id = "worst-" + i;
      var gold = document.createElement("pre");
      gold.className = "gold";
      gold.textContent = p.gold;
      var ours = document.createElement("ol");
      ours.className = "ours";
      p.lines.forEach(function (l) {
        var li = document.createElement("li");
        li.className = (l.kept ? "keep-" : "drop-") + (l.gold ? "gold" : "boiler");
        li.textContent = l.text;
        ours.appendChild(li);
      });
      grid.appendChild(gold);
      grid.appendChild(ours);
      box.appendChild(grid);
    });
  }

  window.addEventListener("error", function (e) {
    document.documentElement.setAttribute("data-render-error", String(e.message));
  });
  var data = JSON.parse(document.getElementById("bench-data").textContent);
  var colors = systemColors(data.rows);
  barCharts(data.rows, colors, document.getElementById("bars"));
  scatter(data.rows, colors, document.getElementById("scatter-box"));
  worstPages(data.worst, document.getElementById("worst"));
  document.documentElement.setAttribute("data-rendered", "ok");
})();
