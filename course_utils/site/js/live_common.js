// Shared helpers of the live site explorers, and what starts them (course_utils/site/live.py).
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

  // Black or white, whichever contrasts more with an RGB background (WCAG's luminance): at
  // least 4.6:1 on any colour.
  function contrastText(rgb) {
    var lum = rgb.map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var y = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return (y + 0.05) / 0.05 >= 1.05 / (y + 0.05) ? "#000" : "#fff";
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
          td.style.color = contrastText(rgb);
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

  // Start one explorer (its element or its id): drop its fallback line, run its kind's script
  // on its data. Kinds register themselves in `kinds` (their scripts come after this one).
  function start(target) {
    var root = typeof target === "string" ? document.getElementById(target) : target;
    if (!root || root.getAttribute("data-ready")) { return; }
    var kind = root.getAttribute("data-kind");
    if (!kinds[kind]) { throw new Error("no script defines the explorer kind " + kind); }
    if (!document.getElementById("live-explorer-style")) {
      document.head.appendChild(element("style", {id: "live-explorer-style", text: STYLE}));
    }
    var data = JSON.parse(root.querySelector("script.live-explorer-data").textContent);
    var fallback = root.querySelector(".live-explorer-fallback");
    if (fallback) { root.removeChild(fallback); }
    kinds[kind](root, data);
    root.setAttribute("data-ready", "true");
  }

  // Start every live explorer of the page; one that fails says so and leaves the others be.
  function startAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".live-explorer"), function (root) {
      try { start(root); } catch (err) { console.error("live explorer " + root.id + ":", err); }
    });
  }

  window.CourseLive = {kinds: kinds, start: start, startAll: startAll, decodeImage: decodeImage,
                       decodeLut: decodeLut, correlate: correlate, percentile: percentile,
                       range: range, paint: paint, format: format, element: element,
                       slider: slider, menu: menu, table: table};
  // The page loads this script and then the kinds' (deferred, in order: course_utils/site/
  // explorer_pages.py); every explorer starts once they all have run. `load` catches a page
  // that added them after it was parsed; a started explorer is never started twice.
  if (document.readyState === "complete") {
    startAll();
  } else {
    document.addEventListener("DOMContentLoaded", startAll);
    window.addEventListener("load", startAll);
  }
})();

// ---- Explorer UI helpers: keyboard, text alternatives, errors, the reader's files ----------
// Used by the explorer scripts (kernel_explorer.js ...); kept apart from the bootstrap above.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (!L || L.guardKind) { return; }
  var E = L.element;
  // Focus rings, the keyboard cursor, error lines, and a dark card in the theme's dark mode
  // (html[data-theme=dark], pydata-sphinx-theme): light text on a dark surface, dark controls.
  var STYLE = ".live-explorer :focus-visible{outline:3px solid #1a73e8;outline-offset:2px}" +
    ".live-explorer-stage{position:relative;display:inline-block;line-height:0}" +
    ".live-explorer-cursor{position:absolute;pointer-events:none;box-sizing:border-box;" +
    "border:2px solid #ff9900;outline:1px solid #000;display:none}" +
    ".live-explorer-error{color:#b2182b;font-weight:bold;margin:0.3em 0}" +
    "html[data-theme=dark] .live-explorer{background:#1e2328;color:#e6e9ec;color-scheme:dark;" +
    "padding:0.5em;border-radius:0.25rem}" +
    "html[data-theme=dark] .live-explorer canvas{border-color:#6b7280}" +
    "html[data-theme=dark] .live-explorer-table td{border-color:#4b5563}" +
    "html[data-theme=dark] .live-explorer-error{color:#ff9e9e}";

  function addStyle() {
    if (!document.getElementById("live-explorer-ui-style")) {
      document.head.appendChild(E("style", {id: "live-explorer-ui-style", text: STYLE}));
    }
  }

  function text(err) { return String(err && err.message || err); }

  // Says inside the explorer, at its top, why it stopped or what failed (role=alert); the
  // explorer's data-error holds the message.
  function fail(root, err, lead) {
    var box = root.querySelector(".live-explorer-error");
    if (!box) {
      box = E("p", {"class": "live-explorer-error", role: "alert"});
      root.insertBefore(box, root.firstChild);
    }
    box.textContent = (lead || "This explorer stopped") + ": " + text(err);
    root.setAttribute("data-error", text(err));
    if (window.console) { window.console.warn(err); }
  }

  // Takes the error line away once the explorer works again.
  function recover(root) {
    var box = root.querySelector(".live-explorer-error");
    if (box) { box.parentNode.removeChild(box); }
    root.removeAttribute("data-error");
  }

  // An explorer kind whose set-up error is shown inside the explorer instead of lost.
  function guardKind(build) {
    return function (root, data) {
      addStyle();
      try { build(root, data); } catch (err) { fail(root, err, "This explorer could not start"); }
    };
  }

  // fn, with a throw or a rejected promise shown inside the explorer.
  function guard(root, fn) {
    return function () {
      try {
        var out = fn.apply(this, arguments);
        if (out && typeof out.then === "function") {
          return out.then(null, function (err) { fail(root, err, "This explorer could not update"); });
        }
        return out;
      } catch (err) { fail(root, err, "This explorer could not update"); }
    };
  }

  // A canvas's text alternative: an image named by what it shows.
  function describe(canvas, label) {
    if (canvas.getAttribute("role") !== "application") { canvas.setAttribute("role", "img"); }
    canvas.setAttribute("aria-label", label);
    return canvas;
  }

  // A node whose changes screen readers announce (politely, whole).
  function announce(node) {
    node.setAttribute("aria-live", "polite");
    node.setAttribute("aria-atomic", "true");
    return node;
  }

  // A keyboard cursor over a canvas's pixels. The canvas becomes focusable (role application,
  // named by label); arrow keys move the cursor one pixel (with Shift ten), Home and End to
  // the row's ends; onMove(row, col) gets each position, and a box marks it over the canvas.
  // size() gives {height, width} in pixels. Returns {stage (the canvas in its frame), move}.
  function pixelCursor(canvas, label, size, onMove) {
    var box = E("div", {"class": "live-explorer-cursor", "aria-hidden": "true"});
    var stage = E("div", {"class": "live-explorer-stage"}, [canvas, box]), at = {row: 0, col: 0};
    canvas.setAttribute("tabindex", "0");
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-label", label);
    function place(row, col) {
      var s = size(), ch = canvas.clientHeight / s.height, cw = canvas.clientWidth / s.width;
      at.row = Math.min(Math.max(row, 0), s.height - 1);
      at.col = Math.min(Math.max(col, 0), s.width - 1);
      var h = Math.max(ch, 6), w = Math.max(cw, 6);
      box.style.display = "block";
      box.style.top = canvas.offsetTop + canvas.clientTop + (at.row + 0.5) * ch - h / 2 + "px";
      box.style.left = canvas.offsetLeft + canvas.clientLeft + (at.col + 0.5) * cw - w / 2 + "px";
      box.style.height = h + "px";
      box.style.width = w + "px";
    }
    function move(row, col) { place(row, col); onMove(at.row, at.col); }
    canvas.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 10 : 1, r = at.row, c = at.col;
      var keys = {ArrowUp: [-step, 0], ArrowDown: [step, 0], ArrowLeft: [0, -step],
                  ArrowRight: [0, step]};
      if (keys[event.key]) { r += keys[event.key][0]; c += keys[event.key][1]; } else if (
        event.key === "Home") { c = 0; } else if (event.key === "End") { c = size().width - 1; } else {
        return;
      }
      event.preventDefault();
      move(r, c);
    });
    return {stage: stage, move: move, place: place, at: at};
  }

  // The reader's image file, decoded by the browser, at most maxPixels pixels (shrunk keeping
  // its aspect), transparent pixels laid over white (each pixel becomes alpha * colour +
  // (1 - alpha) * white, 8 bits, as course_utils.gradcam.composite_alpha). Resolves to
  // {name, width, height, naturalWidth, naturalHeight, rgba (opaque), canvas}.
  function readImage(file, maxPixels) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file), picture = new Image();
      picture.onload = function () {
        URL.revokeObjectURL(url);
        var w0 = picture.naturalWidth, h0 = picture.naturalHeight;
        if (!(w0 > 0 && h0 > 0)) { reject(new Error("the image has no size")); return; }
        var shrink = Math.min(1, Math.sqrt(maxPixels / (w0 * h0)));
        var w = Math.max(1, Math.floor(w0 * shrink)), h = Math.max(1, Math.floor(h0 * shrink));
        var canvas = E("canvas", {width: w, height: h}), pen = canvas.getContext("2d");
        pen.fillStyle = "#fff";
        pen.fillRect(0, 0, w, h);
        pen.imageSmoothingQuality = "high";
        pen.drawImage(picture, 0, 0, w, h);
        resolve({name: file.name, width: w, height: h, naturalWidth: w0, naturalHeight: h0,
                 rgba: pen.getImageData(0, 0, w, h).data, canvas: canvas});
      };
      picture.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error("it is not an image this browser can read"));
      };
      picture.src = url;
    });
  }

  // The site's _static/ folder (a URL ending in /), or null on a page that is not the site's:
  // Sphinx writes the page's way to the site root on <html> (data-content_root).
  function staticRoot() {
    var root = document.documentElement.getAttribute("data-content_root");
    return root === null ? null : new URL(root + "_static/", document.baseURI).href;
  }

  // A classic script added to the page (works from file://, where fetch does not); resolves
  // once it has run, rejects when it cannot be loaded.
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = E("script", {src: src});
      tag.onload = function () { resolve(); };
      tag.onerror = function () { reject(new Error("could not load " + tag.src)); };
      document.head.appendChild(tag);
    });
  }

  // 65536 -> "65,536".
  function count(n) { return Number(n).toLocaleString("en-US"); }

  L.guardKind = guardKind;
  L.guard = guard;
  L.fail = fail;
  L.recover = recover;
  L.describe = describe;
  L.announce = announce;
  L.pixelCursor = pixelCursor;
  L.readImage = readImage;
  L.count = count;
  L.staticRoot = staticRoot;
  L.loadScript = loadScript;
})();
