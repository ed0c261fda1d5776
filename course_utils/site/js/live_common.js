// Shared helpers of the live site explorers (course_utils/site/live.py embeds this file).
// Plain ES5, no library, nothing fetched: pages work opened from disk. Defined once per page.
(function () {
  "use strict";
  if (window.CourseLive) { return; }

  var kinds = {};

  // A 2-D grey image from the page's data: {shape, values} exactly, or 8-bit {shape, lo, hi, q}.
  function decodeImage(spec) {
    var h = spec.shape[0], w = spec.shape[1], out = new Float64Array(h * w), i;
    if (spec.values) {
      for (i = 0; i < h * w; i++) { out[i] = spec.values[i]; }
    } else {
      var bytes = atob(spec.q), span = spec.hi - spec.lo;
      for (i = 0; i < h * w; i++) { out[i] = spec.lo + bytes.charCodeAt(i) * span / 255; }
    }
    return {height: h, width: w, data: out};
  }

  function decodeLut(text) {
    var bytes = atob(text), lut = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { lut[i] = bytes.charCodeAt(i); }
    return lut;
  }

  // "Same" cross-correlation with zeros outside, stride 1, the window's odd pixel after
  // (TensorFlow's padding="same", scipy.ndimage.correlate for odd kernels).
  function correlate(image, kernel, kh, kw) {
    var h = image.height, w = image.width, src = image.data;
    var out = new Float64Array(h * w), top = Math.floor((kh - 1) / 2);
    var left = Math.floor((kw - 1) / 2);
    for (var i = 0; i < h; i++) {
      for (var j = 0; j < w; j++) {
        var sum = 0;
        for (var a = 0; a < kh; a++) {
          var y = i + a - top;
          if (y < 0 || y >= h) { continue; }
          for (var b = 0; b < kw; b++) {
            var x = j + b - left;
            if (x >= 0 && x < w) { sum += kernel[a * kw + b] * src[y * w + x]; }
          }
        }
        out[i * w + j] = sum;
      }
    }
    return out;
  }

  // numpy.percentile's default (linear interpolation between the closest ranks).
  function percentile(values, p) {
    var sorted = Float64Array.from(values).sort(), pos = (sorted.length - 1) * p / 100;
    var below = Math.floor(pos), above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (pos - below);
  }

  function range(values) {
    var low = Infinity, high = -Infinity;
    for (var i = 0; i < values.length; i++) {
      if (values[i] < low) { low = values[i]; }
      if (values[i] > high) { high = values[i]; }
    }
    return [low, high];
  }

  // Paint values on a canvas through a 256-colour table, as matplotlib's imshow does:
  // colour floor(256 * t) for t = (v - vmin) / (vmax - vmin), clipped to the table.
  function paint(canvas, values, height, width, vmin, vmax, lut) {
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d"), picture = context.createImageData(width, height);
    var span = (vmax - vmin) || 1;
    for (var i = 0; i < height * width; i++) {
      var v = values[i];
      var k = isFinite(v) ? Math.min(255, Math.max(0, Math.floor((v - vmin) / span * 256))) : -1;
      picture.data[4 * i] = k < 0 ? 255 : lut[3 * k];
      picture.data[4 * i + 1] = k < 0 ? 255 : lut[3 * k + 1];
      picture.data[4 * i + 2] = k < 0 ? 255 : lut[3 * k + 2];
      picture.data[4 * i + 3] = 255;
    }
    context.putImageData(picture, 0, 0);
  }

  // plots.format_number: "3", "-0.25", never "-0".
  function format(value) {
    return Number.isInteger(value) ? value.toFixed(0) : value.toFixed(2);
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attributes[name]; } else {
        node.setAttribute(name, attributes[name]);
      }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // A labelled range input, class live-explorer-control, data-control NAME; calls back on input.
  function slider(name, label, spec, value, digits, onInput) {
    var input = element("input", {type: "range", "class": "live-explorer-control",
                                  "data-control": name, min: spec[0], max: spec[1],
                                  step: spec[2], value: value});
    var shown = element("output", {text: Number(value).toFixed(digits)});
    input.addEventListener("input", function () {
      shown.textContent = Number(input.value).toFixed(digits);
      onInput(Number(input.value));
    });
    return {input: input, row: element("label", {"class": "live-explorer-field"},
                                        [element("span", {text: label}), input, shown])};
  }

  function menu(name, label, options, value, onChange) {
    var select = element("select", {"class": "live-explorer-control", "data-control": name});
    options.forEach(function (option) {
      select.appendChild(element("option", {value: option, text: option}));
    });
    select.value = value;
    select.addEventListener("change", function () { onChange(select.value); });
    return {input: select, row: element("label", {"class": "live-explorer-field"},
                                         [element("span", {text: label}), select])};
  }

  // A table of numbers, each cell coloured through a colour table (text light on dark cells).
  function table(values, rows, cols, vmin, vmax, lut, outline) {
    var body = element("tbody"), span = (vmax - vmin) || 1;
    for (var r = 0; r < rows; r++) {
      var tr = element("tr");
      for (var c = 0; c < cols; c++) {
        var v = values[r * cols + c], td = element("td", {text: isFinite(v) ? format(v) : ""});
        if (isFinite(v)) {
          var k = Math.min(255, Math.max(0, Math.floor((v - vmin) / span * 256)));
          var rgb = [lut[3 * k], lut[3 * k + 1], lut[3 * k + 2]];
          td.style.background = "rgb(" + rgb.join(",") + ")";
          td.style.color = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 140 ? "#000" : "#fff";
        }
        if (outline && outline(r, c)) { td.className = "live-explorer-window"; }
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    return element("table", {"class": "live-explorer-table"}, [body]);
  }

  var STYLE = ".live-explorer{font-size:0.9em;margin:0.5em 0}" +
    ".live-explorer-controls{display:flex;flex-wrap:wrap;gap:0.3em 1.2em;align-items:center;" +
    "margin-bottom:0.4em}.live-explorer-field{display:inline-flex;gap:0.4em;align-items:center}" +
    ".live-explorer-panels{display:flex;flex-wrap:wrap;gap:0.8em;align-items:flex-start}" +
    ".live-explorer-panel{display:flex;flex-direction:column;align-items:center;gap:0.2em}" +
    ".live-explorer canvas{image-rendering:pixelated;border:1px solid #ccc}" +
    ".live-explorer-table{border-collapse:collapse;margin:0;font-size:0.8em}" +
    ".live-explorer-table td{width:2.6em;height:1.8em;text-align:center;padding:0;" +
    "border:1px solid #ddd}.live-explorer-table td.live-explorer-window{outline:2px solid " +
    "#ff9900;outline-offset:-2px}.live-explorer-weights input{width:3.6em}" +
    ".live-explorer-title{font-weight:bold;margin:0.2em 0}.live-explorer-note{opacity:0.75}";

  function start(id) {
    var root = document.getElementById(id);
    if (!root || root.getAttribute("data-ready")) { return; }
    if (!document.getElementById("live-explorer-style")) {
      document.head.appendChild(element("style", {id: "live-explorer-style", text: STYLE}));
    }
    var data = JSON.parse(root.querySelector("script.live-explorer-data").textContent);
    kinds[root.getAttribute("data-kind")](root, data);
    root.setAttribute("data-ready", "true");
  }

  window.CourseLive = {kinds: kinds, start: start, decodeImage: decodeImage,
                       decodeLut: decodeLut, correlate: correlate, percentile: percentile,
                       range: range, paint: paint, format: format, element: element,
                       slider: slider, menu: menu, table: table};
})();
