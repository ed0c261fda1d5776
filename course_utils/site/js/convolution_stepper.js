// The convolution stepper, live on the site (course_utils/explorers/stepper.py embeds its data).
// One window position of a valid-padding cross-correlation: patch, kernel, products, sum,
// and the output filled up to this position, as explorers.stepper.draw_convolution_step.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.convolution_stepper) { return; }
  var E = L.element;

  function symmetric(values) {
    var r = L.range(values.filter(isFinite));
    return Math.max(Math.abs(r[0]), Math.abs(r[1])) || 1;
  }

  L.kinds.convolution_stepper = L.guardKind(function (root, data) {
    var image = L.decodeImage(data.image), kernel = L.decodeImage(data.kernel);
    var gray = L.decodeLut(data.luts.gray), signed = L.decodeLut(data.luts.signed);
    var kh = kernel.height, kw = kernel.width, s = data.stride;
    var outH = Math.floor((image.height - kh) / s) + 1, outW = Math.floor((image.width - kw) / s) + 1;
    var steps = outH * outW, output = new Float64Array(steps), extent = L.range(image.data);
    for (var i = 0; i < outH; i++) {
      for (var j = 0; j < outW; j++) {
        var sum = 0;
        for (var a = 0; a < kh; a++) {
          for (var b = 0; b < kw; b++) {
            sum += kernel.data[a * kw + b] * image.data[(i * s + a) * image.width + j * s + b];
          }
        }
        output[i * outW + j] = sum;
      }
    }
    var title = L.announce(E("div", {"class": "live-explorer-title"}));
    var panels = E("div", {"class": "live-explorer-panels"});
    var result = {steps: steps, height: outH, width: outW, output: output};
    root.liveExplorer = result;
    var timer = null;
    // The slider holds the 0-based position (data-control "position"); it reads "step 19 of 36".
    var control = L.slider("position", "step", [0, steps - 1, 1], data.position, 0, L.guard(root, show));
    var shown = control.row.querySelector("output");
    var play = E("button", {type: "button", "class": "live-explorer-play", text: "play"});
    play.addEventListener("click", function () {
      if (timer) {
        clearInterval(timer);
        timer = null;
        play.textContent = "play";
        title.setAttribute("aria-live", "polite");
        return;
      }
      play.textContent = "pause";
      title.setAttribute("aria-live", "off");  // no announcement twice a second
      timer = setInterval(function () {
        var next = (Number(control.input.value) + 1) % steps;
        control.input.value = String(next);
        control.input.dispatchEvent(new Event("input"));
      }, 500);
    });
    root.appendChild(E("div", {"class": "live-explorer-controls"}, [play, control.row]));
    root.appendChild(title);
    root.appendChild(panels);

    function panel(caption, node) {
      return E("div", {"class": "live-explorer-panel"}, [E("span", {text: caption}), node]);
    }

    function show(position) {
      var row = Math.floor(position / outW), col = position % outW, top = row * s, left = col * s;
      var patch = new Float64Array(kh * kw), product = new Float64Array(kh * kw), total = 0;
      for (var a = 0; a < kh; a++) {
        for (var b = 0; b < kw; b++) {
          patch[a * kw + b] = image.data[(top + a) * image.width + left + b];
          product[a * kw + b] = kernel.data[a * kw + b] * patch[a * kw + b];
          total += product[a * kw + b];
        }
      }
      var filled = new Float64Array(steps);
      for (var k = 0; k < steps; k++) { filled[k] = k <= position ? output[k] : NaN; }
      panels.textContent = "";
      panels.appendChild(panel("input " + image.height + "x" + image.width + ", window at (" +
        top + ", " + left + ")", L.table(image.data, image.height, image.width, extent[0], extent[1],
        gray, function (r, c) { return r >= top && r < top + kh && c >= left && c < left + kw; })));
      panels.appendChild(panel("patch under the window", L.table(patch, kh, kw, extent[0], extent[1], gray)));
      var big = symmetric(kernel.data);
      panels.appendChild(panel("kernel", L.table(kernel.data, kh, kw, -big, big, signed)));
      var most = symmetric(product);
      panels.appendChild(panel("kernel * patch, sum = " + L.format(total),
                               L.table(product, kh, kw, -most, most, signed)));
      var limit = symmetric(output);
      panels.appendChild(panel("output " + outH + "x" + outW + ", output[" + row + ", " + col +
        "] = " + L.format(total), L.table(filled, outH, outW, -limit, limit, signed,
        function (r, c) { return r === row && c === col; })));
      title.textContent = "step " + (position + 1) + " of " + steps + ": sum of kernel * patch = output[" +
        row + ", " + col + "]";
      shown.textContent = (position + 1) + " of " + steps;
      control.input.setAttribute("aria-valuetext", "step " + (position + 1) + " of " + steps);
      result.position = position;
      L.recover(root);
      result.step = {row: row, col: col, top: top, left: left, patch: patch, product: product, total: total};
    }

    show(data.position);
  });
})();
