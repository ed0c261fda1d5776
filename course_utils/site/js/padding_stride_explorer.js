// The padding and stride explorer, live on the site (explorers/padding_stride.py embeds its
// ranges and first view). Output size, "same" padding and window positions as
// course_utils.kernels (output_size, same_padding, check_window); coverage as window_coverage.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.padding_stride_explorer) { return; }
  var E = L.element, WIDE = 460;

  // kernels.check_window's message for a window that cannot slide, else "".
  function problem(n, k, padding) {
    if (padding === "valid" && k > n) {
      return "a " + k + "-wide kernel does not fit in a " + n + "-wide input with " +
        "padding='valid'; use a smaller kernel or padding='same'";
    }
    return "";
  }

  function windows(n, k, padding, s) {
    var out = padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
    var total = padding === "same" ? Math.max((out - 1) * s + k - n, 0) : 0;
    var before = Math.floor(total / 2), starts = [], along = new Int32Array(n);
    for (var i = 0; i < out; i++) { starts.push(i * s - before); }
    starts.forEach(function (start) {
      for (var p = Math.max(start, 0); p < Math.min(start + k, n); p++) { along[p] += 1; }
    });
    var coverage = new Float64Array(n * n);
    for (var r = 0; r < n; r++) { for (var c = 0; c < n; c++) { coverage[r * n + c] = along[r] * along[c]; } }
    return {out: out, before: before, after: total - before, starts: starts, coverage: coverage};
  }

  function drawMosaic(canvas, n, k, w) {
    var side = n + w.before + w.after, gap = Math.max(1, side / 5), out = w.out;
    var mosaic = out * side + (out - 1) * gap, cell = Math.max(2, Math.floor(WIDE / mosaic));
    canvas.width = Math.ceil(mosaic * cell) + 2;
    canvas.height = canvas.width;
    var g = canvas.getContext("2d");
    g.fillStyle = "#ffffff";  // opaque: its black lines stay visible on a dark page
    g.fillRect(0, 0, canvas.width, canvas.height);
    for (var i = 0; i < out; i++) {
      for (var j = 0; j < out; j++) {
        var y0 = 1 + i * (side + gap) * cell, x0 = 1 + j * (side + gap) * cell;
        g.fillStyle = "#d9d9d9";
        g.fillRect(x0, y0, side * cell, side * cell);
        g.fillStyle = "#ffffff";
        g.fillRect(x0 + w.before * cell, y0 + w.before * cell, n * cell, n * cell);
        g.strokeStyle = "#888888";
        g.lineWidth = 0.5;
        for (var t = 0; t <= side; t++) {
          g.beginPath(); g.moveTo(x0, y0 + t * cell); g.lineTo(x0 + side * cell, y0 + t * cell); g.stroke();
          g.beginPath(); g.moveTo(x0 + t * cell, y0); g.lineTo(x0 + t * cell, y0 + side * cell); g.stroke();
        }
        g.strokeStyle = "#000000";
        g.lineWidth = 1;
        g.strokeRect(x0 + w.before * cell, y0 + w.before * cell, n * cell, n * cell);
        g.fillStyle = "rgba(255, 153, 0, 0.55)";
        g.strokeStyle = "#ff9900";
        g.lineWidth = 2;
        var wy = y0 + (w.before + w.starts[i]) * cell, wx = x0 + (w.before + w.starts[j]) * cell;
        g.fillRect(wx, wy, k * cell, k * cell);
        g.strokeRect(wx, wy, k * cell, k * cell);
      }
    }
  }

  L.kinds.padding_stride_explorer = L.guardKind(function (root, data) {
    var state = {n: data.n, k: data.k, padding: data.padding, stride: data.stride};
    var oranges = L.decodeLut(data.luts.oranges), result = {};
    root.liveExplorer = result;
    var controls = E("div", {"class": "live-explorer-controls"});
    [["input size", "n"], ["kernel size", "k"], ["stride", "stride"]].forEach(function (pair) {
      var control = L.slider(pair[0], pair[0], data.ranges[pair[0]], state[pair[1]], 0, function (v) {
        state[pair[1]] = v; guarded();
      });
      controls.appendChild(control.row);
    });
    controls.insertBefore(L.menu("padding", "padding", data.paddings, state.padding, function (v) {
      state.padding = v; guarded();
    }).row, controls.lastChild);
    var title = E("div", {"class": "live-explorer-title"});
    var status = L.announce(E("div", {"class": "live-padding-status"}));
    var canvas = E("canvas", {"class": "live-padding-windows"}), seen = E("div");
    var caption = E("span");
    root.appendChild(controls);
    root.appendChild(status);
    root.appendChild(title);
    root.appendChild(E("div", {"class": "live-explorer-panels"}, [
      E("div", {"class": "live-explorer-panel"}, [caption, canvas]),
      E("div", {"class": "live-explorer-panel"}, [E("span", {text: "windows that see each pixel"}), seen])]));

    var guarded = L.guard(root, update);

    function update() {
      var n = state.n, k = state.k, p = state.padding, s = state.stride, why = problem(n, k, p);
      var setting = n + "x" + n + " input, " + k + "x" + k + " window, padding='" + p + "', stride " + s;
      L.recover(root);
      result.problem = why;
      seen.textContent = "";
      if (why) {
        status.textContent = "No output: " + why;
        title.textContent = setting + ": no output";
        caption.textContent = why;
        canvas.width = 0;
        canvas.height = 0;
        L.describe(canvas, "no window positions: " + why);
        result.out = 0;
        result.coverage = null;
        root.setAttribute("data-output-size", "0");
        return;
      }
      var w = windows(n, k, p, s);
      status.textContent = "output: " + w.out + "x" + w.out;
      title.textContent = setting + " \u2192 " + w.out + "x" + w.out + " output";
      caption.textContent = w.out * w.out + " window positions (orange)" +
        (w.before + w.after ? ", grey: zero padding" : "");
      drawMosaic(canvas, n, k, w);
      L.describe(canvas, w.out * w.out + " window positions, one small picture each: a " + k +
        "x" + k + " window (orange) over the " + n + "x" + n + " input" +
        (w.before + w.after ? " padded with " + w.before + " zero row(s) before and " + w.after +
         " after (grey)" : ""));
      var most = Math.max(L.range(w.coverage)[1], 1);
      seen.appendChild(L.table(w.coverage, n, n, 0, most, oranges));
      if (n > 12) { Array.prototype.forEach.call(seen.querySelectorAll("td"), function (td) { td.textContent = ""; }); }
      result.out = w.out;
      result.before = w.before;
      result.after = w.after;
      result.coverage = w.coverage;
      root.setAttribute("data-output-size", String(w.out));
    }

    update();
  });
})();
