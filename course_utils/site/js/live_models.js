// Shared helpers of the model explorers (digit_explorer.js, photo_explorer.js): ONNX Runtime Web
// from the site's own _static/onnxruntime/ (`make vendor`), loaded only when a reader opens a
// model explorer, never from a CDN. Browsers refuse WASM on pages opened from disk: there the
// explorer says in one line how to serve the site. Plain script, defined once per page.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.models) { return; }
  var E = L.element, runtime = null;
  var SERVE = "Opened from disk, this page cannot run the model (browsers refuse WebAssembly " +
    "from file://): serve the site, e.g. python -m http.server -d _build/html, and open " +
    "http://localhost:8000/.";
  var OFF_SITE = "This explorer runs on the built site: make book, then " +
    "python -m http.server -d _build/html.";

  var staticRoot = L.staticRoot;

  // Why the model cannot run on this page, in one line, or null when it can.
  function problem() {
    if (location.protocol === "file:") { return SERVE; }
    return staticRoot() === null ? OFF_SITE : null;
  }

  // ONNX Runtime Web, its script added to the page on the first call (one thread: a plain
  // server sends no cross-origin isolation headers).
  function loadRuntime() {
    if (!runtime) {
      var base = staticRoot() + "onnxruntime/";
      runtime = (window.ort ? Promise.resolve() : L.loadScript(base + "ort.wasm.min.js"))
        .then(function () {
          var ort = window.ort;
          ort.env.wasm.wasmPaths = base;
          ort.env.wasm.numThreads = 1;
          return ort;
        });
    }
    return runtime;
  }

  // An inference session for a model given as bytes or as a URL relative to _static/.
  function session(model) {
    return loadRuntime().then(function (ort) {
      var source = typeof model === "string" ? staticRoot() + model : model;
      return ort.InferenceSession.create(source, {executionProviders: ["wasm"]});
    });
  }

  // The bytes of a base64 string of gzip data (the browser's own DecompressionStream).
  function gunzip(text) {
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  // Run a session on one float32 input; resolves to its outputs' data, in the model's order.
  // Runs of one session wait for each other (a reader can ask faster than the model answers).
  function run(sess, input, shape) {
    var feeds = {};
    feeds[sess.inputNames[0]] = new window.ort.Tensor("float32", input, shape);
    var done = (sess.courseQueue || Promise.resolve()).then(function () {
      return sess.run(feeds);
    }).then(function (outputs) {
      return sess.outputNames.map(function (name) {
        return {data: outputs[name].data, dims: outputs[name].dims};
      });
    });
    sess.courseQueue = done.then(null, function () { return null; });
    return done;
  }

  // The explorer's first view: the one-line reason it cannot run here, or a button that opens
  // it (open() returns a promise); data-state says which: "unavailable", "closed", "loading",
  // "open" or "failed".
  function opener(root, label, open) {
    var message = problem();
    if (message) {
      root.setAttribute("data-state", "unavailable");
      root.appendChild(E("p", {"class": "live-explorer-note live-model-message", text: message}));
      return;
    }
    var button = E("button", {type: "button", "class": "live-model-open", text: label});
    var status = L.announce(E("span", {"class": "live-explorer-note live-model-status"}));
    root.setAttribute("data-state", "closed");
    button.addEventListener("click", function () {
      button.disabled = true;
      root.setAttribute("data-state", "loading");
      status.textContent = " loading the model...";
      open().then(function () {
        button.parentNode.removeChild(button);
        status.textContent = "";
        root.setAttribute("data-state", "open");
      }, function (err) {
        status.textContent = " The model could not run here: " + (err && err.message || err);
        root.setAttribute("data-state", "failed");
      });
    });
    root.appendChild(E("div", {"class": "live-explorer-controls"}, [button, status]));
  }

  // tf.image.resize(method="bilinear") of an (h, w, c) array: half-pixel centres, no
  // antialiasing (course_utils.gradcam.resize_for_model); also skimage's resize(order=1,
  // mode="edge") (gradcam.upscale_heatmap). Float32Array unless Type says otherwise.
  function resizeBilinear(src, h, w, c, outH, outW, Type) {
    function axis(n, m) {
      var lo = new Int32Array(m), hi = new Int32Array(m), t = new Float64Array(m);
      for (var o = 0; o < m; o++) {
        var x = (o + 0.5) * n / m - 0.5, f = Math.floor(x);
        lo[o] = Math.max(f, 0);
        hi[o] = Math.min(Math.ceil(x), n - 1);
        t[o] = x - f;
      }
      return {lo: lo, hi: hi, t: t};
    }
    var ys = axis(h, outH), xs = axis(w, outW), out = new (Type || Float32Array)(outH * outW * c);
    for (var i = 0; i < outH; i++) {
      for (var j = 0; j < outW; j++) {
        for (var k = 0; k < c; k++) {
          var tl = src[(ys.lo[i] * w + xs.lo[j]) * c + k], tr = src[(ys.lo[i] * w + xs.hi[j]) * c + k];
          var bl = src[(ys.hi[i] * w + xs.lo[j]) * c + k], br = src[(ys.hi[i] * w + xs.hi[j]) * c + k];
          var top = tl + (tr - tl) * xs.t[j], bottom = bl + (br - bl) * xs.t[j];
          out[(i * outW + j) * c + k] = top + (bottom - top) * ys.t[i];
        }
      }
    }
    return out;
  }

  L.models = {staticRoot: staticRoot, problem: problem, loadRuntime: loadRuntime,
              session: session, gunzip: gunzip, run: run, opener: opener,
              resizeBilinear: resizeBilinear};
})();
