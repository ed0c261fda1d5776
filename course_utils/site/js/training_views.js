// The training explorer's views (training_explorer.js draws with them): the training curve,
// the first layer's kernels, feature maps, the test errors by class and FGSM's perturbation.
// Plain drawing on canvases and tables; every canvas gets a text alternative. Defined once per
// page as CourseLive.trainingViews.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.trainingViews) { return; }
  var E = L.element, D = L.digits;
  var LOSS = "#1f77b4", ACCURACY = "#c2410c", INK = "#222", GRID = "#d0d0d0";

  // Loss per batch (left axis) and test accuracy where measured (right axis, 0 to 1), against
  // the batch, on a white card (readable in either colour mode). steps: [{loss}], tests:
  // [[batch index, accuracy]], planned: the batches the run will train (the x axis's end).
  function curve(canvas, steps, tests, planned) {
    var w = canvas.width, h = canvas.height, pen = canvas.getContext("2d");
    var left = 44, right = 48, top = 12, bottom = 30, pw = w - left - right, ph = h - top - bottom;
    var n = steps.length, total = Math.max(planned, n, 1), peak = 2.5, i;
    for (i = 0; i < n; i++) { peak = Math.max(peak, steps[i].loss); }
    pen.fillStyle = "#fff";
    pen.fillRect(0, 0, w, h);
    pen.font = "11px sans-serif";
    pen.lineWidth = 1;
    pen.strokeStyle = GRID;
    pen.fillStyle = INK;
    pen.textBaseline = "middle";
    for (i = 0; i <= 4; i++) {  // horizontal grid, loss ticks left, accuracy ticks right
      var y = top + ph - ph * i / 4;
      pen.beginPath(); pen.moveTo(left, y); pen.lineTo(left + pw, y); pen.stroke();
      pen.textAlign = "right";
      pen.fillText((peak * i / 4).toFixed(1), left - 4, y);
      pen.textAlign = "left";
      pen.fillText((i / 4).toFixed(2), left + pw + 4, y);
    }
    pen.textAlign = "center";
    pen.textBaseline = "top";
    pen.fillText("batch (of " + L.count(total) + ")", left + pw / 2, top + ph + 14);
    pen.fillText("0", left, top + ph + 2);
    pen.fillText(L.count(total), left + pw, top + ph + 2);
    function x(batch) { return left + pw * batch / total; }
    pen.strokeStyle = LOSS;
    pen.lineWidth = 1.2;
    pen.beginPath();
    for (i = 0; i < n; i++) {
      var yl = top + ph - ph * steps[i].loss / peak;
      if (i === 0) { pen.moveTo(x(i + 1), yl); } else { pen.lineTo(x(i + 1), yl); }
    }
    pen.stroke();
    pen.strokeStyle = pen.fillStyle = ACCURACY;
    pen.lineWidth = 2;
    pen.beginPath();
    tests.forEach(function (point, k) {
      var ya = top + ph - ph * point[1];
      if (k === 0) { pen.moveTo(x(point[0]), ya); } else { pen.lineTo(x(point[0]), ya); }
    });
    pen.stroke();
    tests.forEach(function (point) {
      pen.beginPath(); pen.arc(x(point[0]), top + ph - ph * point[1], 2.5, 0, 2 * Math.PI); pen.fill();
    });
    pen.textBaseline = "top";
    pen.textAlign = "left";
    pen.fillStyle = LOSS;
    pen.fillText("training loss (left)", left + 6, top + 2);
    pen.fillStyle = ACCURACY;
    pen.fillText("test accuracy (right)", left + 130, top + 2);
    var last = n ? steps[n - 1].loss.toFixed(3) : "none yet";
    var acc = tests.length ? tests[tests.length - 1][1].toFixed(3) : "not measured yet";
    L.describe(canvas, "training curve: " + n + " batches trained; training loss of the last " +
               "batch " + last + "; test accuracy " + acc);
  }

  // The first layer's kernels, (k, k, 1, F) HWIO, each scaled from its smallest to its largest
  // weight (interpret.normalise_channels), grey, side by side.
  function kernels(canvas, weights, k, filters, gray) {
    var norm = D.normalise(weights, k, k, filters), grid = D.mosaic(norm.data, k, k, filters);
    L.paint(canvas, grid.data, grid.height, grid.width, 0, 1, gray);
    canvas.style.width = Math.min(grid.width * (k === 3 ? 20 : 12), 640) + "px";
    canvas.style.maxWidth = "100%";
    L.describe(canvas, "the first layer's " + filters + " kernels of " + k + "x" + k +
               ", each from its smallest weight (black) to its largest (white)");
  }

  // Feature maps (side, side, filters) after ReLU, scaled per channel, viridis, side by side.
  function maps(canvas, values, side, filters, viridis, what) {
    var norm = D.normalise(values, side, side, filters), grid = D.mosaic(norm.data, side, side, filters);
    L.paint(canvas, grid.data, grid.height, grid.width, 0, 1, viridis);
    canvas.style.width = Math.min(grid.width * 2, 860) + "px";
    canvas.style.maxWidth = "100%";
    L.describe(canvas, filters + " feature maps of " + side + "x" + side + " of " + what +
               ", " + norm.blank + " blank (yellow: strong, dark blue: weak)");
    return norm.blank;
  }

  // A 28x28 digit in [0, 1], grey, shown at `px` pixels a side.
  function digit(canvas, values, gray, label, px) {
    L.paint(canvas, values, 28, 28, 0, 1, gray);
    canvas.style.width = canvas.style.height = (px || 84) + "px";
    L.describe(canvas, label);
  }

  // FGSM's perturbation (attacked - original, within [-epsilon, epsilon]): blue up, red down.
  function perturbation(canvas, attacked, original, epsilon, rdbu) {
    var delta = new Float64Array(784);
    for (var p = 0; p < 784; p++) { delta[p] = attacked[p] - original[p]; }
    var span = epsilon > 0 ? epsilon : 1;
    L.paint(canvas, delta, 28, 28, -span, span, rdbu);
    canvas.style.width = canvas.style.height = "84px";
    L.describe(canvas, "the perturbation FGSM added at epsilon " + epsilon.toFixed(2) +
               ": blue pixels made lighter, red darker, white unchanged");
    return delta;
  }

  // The test digits misread, by class: a two-row table (digit, errors), narrow enough for a
  // phone; each class's total is in the caption when they are all the same, else in its cell.
  function errors(node, counts, totals) {
    node.textContent = "";
    var worst = 0, sum = 0, all = 0, same = totals.every(function (t) { return t === totals[0]; });
    for (var c = 0; c < counts.length; c++) {
      if (counts[c] > counts[worst]) { worst = c; }
      sum += counts[c];
      all += totals[c];
    }
    var cell = "width:auto;min-width:1.6em;padding:0 0.2em";
    var head = [E("th", {scope: "row", text: "digit"})], body = [E("th", {scope: "row",
                                                                     text: "misread"})];
    for (c = 0; c < counts.length; c++) {
      head.push(E("th", {scope: "col", text: String(c)}));
      body.push(E("td", {text: same ? String(counts[c]) : counts[c] + "/" + totals[c],
                         style: cell + (c === worst && counts[c] ? ";font-weight:bold" : "")}));
    }
    node.appendChild(E("table", {"class": "live-explorer-table live-training-errors"}, [
      E("caption", {text: "test digits misread, by class" + (same ? " (of " + totals[0] +
                          " each)" : "") + ": " + sum + " of " + all}),
      E("tbody", {}, [E("tr", {}, head), E("tr", {}, body)])]));
    return sum;
  }

  L.trainingViews = {curve: curve, kernels: kernels, maps: maps, digit: digit,
                     perturbation: perturbation, errors: errors};
})();
