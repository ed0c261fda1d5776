// Chapter 4's digits in the page, shared by its digit explorer (digit_explorer.js) and its
// training explorer (training_explorer.js): the drawing pad (mouse, touch or the keyboard's
// pen), the drawing prepared as MNIST's digits were (explorers.digits.prepare_drawing, step for
// step), feature maps scaled and laid out as the notebook draws them, and ten probabilities as
// bars. Defined once per page as CourseLive.digits.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.digits) { return; }
  var E = L.element;

  // (nOut x nIn): each output pixel the mean of the input pixels it covers.
  function areaWeights(nIn, nOut) {
    var step = nIn / nOut, weights = new Float64Array(nOut * nIn);
    for (var o = 0; o < nOut; o++) {
      var start = o * step, stop = (o + 1) * step;
      for (var k = Math.floor(start); k < Math.min(nIn, Math.ceil(stop)); k++) {
        weights[o * nIn + k] = (Math.min(stop, k + 1) - Math.max(start, k)) / step;
      }
    }
    return weights;
  }

  // The bounding box scaled into box x box (aspect kept), centre of mass on the centre.
  function prepare(ink, h, w, box, side) {
    var out = new Float64Array(side * side), r0 = h, r1 = -1, c0 = w, c1 = -1, i, j, k;
    for (i = 0; i < h; i++) {
      for (j = 0; j < w; j++) {
        if (ink[i * w + j] > 0) {
          r0 = Math.min(r0, i); r1 = Math.max(r1, i); c0 = Math.min(c0, j); c1 = Math.max(c1, j);
        }
      }
    }
    if (r1 < 0) { return {image: out, empty: true}; }
    var ch = r1 - r0 + 1, cw = c1 - c0 + 1, scale = box / Math.max(ch, cw);
    var nh = Math.max(1, Math.floor(ch * scale + 0.5));
    var nw = Math.max(1, Math.floor(cw * scale + 0.5));
    var wy = areaWeights(ch, nh), wx = areaWeights(cw, nw), rows = new Float64Array(nh * cw);
    var small = new Float64Array(nh * nw);
    for (i = 0; i < nh; i++) {
      for (j = 0; j < cw; j++) {
        var s = 0;
        for (k = 0; k < ch; k++) { s += wy[i * ch + k] * ink[(r0 + k) * w + c0 + j]; }
        rows[i * cw + j] = s;
      }
    }
    var mass = 0, my = 0, mx = 0;
    for (i = 0; i < nh; i++) {
      for (j = 0; j < nw; j++) {
        var t = 0;
        for (k = 0; k < cw; k++) { t += rows[i * cw + k] * wx[j * cw + k]; }
        small[i * nw + j] = t;
        mass += t; my += i * t; mx += j * t;
      }
    }
    var cy = my / mass, cx = mx / mass;
    var top = Math.min(Math.max(Math.floor(side / 2 - cy), 0), side - nh);
    var left = Math.min(Math.max(Math.floor(side / 2 - cx), 0), side - nw);
    for (i = 0; i < nh; i++) {
      for (j = 0; j < nw; j++) { out[(top + i) * side + left + j] = small[i * nw + j]; }
    }
    return {image: out, empty: false, crop: [ch, cw], scaled: [nh, nw], top: top, left: left};
  }

  // interpret.normalise_channels of an (h, w, c) map: per channel, min -> 0, 99th
  // percentile -> 1 (clipped), blank channels all zeros.
  function normalise(data, h, w, c) {
    var out = new Float64Array(h * w * c), blank = 0, n = h * w;
    for (var ch = 0; ch < c; ch++) {
      var v = new Float64Array(n);
      for (var p = 0; p < n; p++) { v[p] = data[p * c + ch]; }
      var r = L.range(v), low = r[0], peak = r[1];
      var isBlank = peak - low <= 1e-6 * (Math.max(Math.abs(low), Math.abs(peak)) + 1e-12);
      var high = L.percentile(v, 99);
      if (!(high > low)) { high = peak; }
      var span = isBlank ? 1 : high - low;
      blank += isBlank ? 1 : 0;
      for (p = 0; p < n; p++) {
        out[p * c + ch] = isBlank ? 0 : Math.min(1, Math.max(0, (v[p] - low) / span));
      }
    }
    return {data: out, blank: blank};
  }

  // interpret.activation_mosaic: channels row by row, 16 a row, 1-pixel NaN (white) gaps.
  function mosaic(norm, h, w, c) {
    var ncols = Math.max(1, Math.min(16, c)), nrows = Math.ceil(c / ncols);
    var mh = nrows * (h + 1) - 1, mw = ncols * (w + 1) - 1, out = new Float64Array(mh * mw);
    out.fill(NaN);
    for (var ch = 0; ch < c; ch++) {
      var top = Math.floor(ch / ncols) * (h + 1), left = (ch % ncols) * (w + 1);
      for (var i = 0; i < h; i++) {
        for (var j = 0; j < w; j++) { out[(top + i) * mw + left + j] = norm[(i * w + j) * c + ch]; }
      }
    }
    return {data: out, height: mh, width: mw};
  }

  // A keyboard pen on the pad (the pointer's alternative): arrow keys move it one MNIST pixel
  // (with Shift four), Space puts it down or lifts it (down, it draws as it moves), Enter reads
  // the drawing, Delete clears the pad. onChange(reading) is called after each change.
  function keyboardPen(pad, ring, size, scale, stroke, clear, onChange) {
    var at = [size / 2, size / 2], down = false;
    function place() {
      var zoom = pad.clientWidth / size, d = 3 * scale * zoom;
      ring.style.left = pad.offsetLeft + pad.clientLeft + at[0] * zoom - d / 2 + "px";
      ring.style.top = pad.offsetTop + pad.clientTop + at[1] * zoom - d / 2 + "px";
      ring.style.width = ring.style.height = d + "px";
      ring.style.background = down ? "rgba(255, 153, 0, 0.5)" : "transparent";
    }
    pad.addEventListener("focus", function () {  // shown for the keyboard, not for a click
      if (pad.matches(":focus-visible")) { ring.style.display = "block"; place(); }
    });
    pad.addEventListener("blur", function () { ring.style.display = "none"; });
    pad.addEventListener("keydown", function (event) {
      var step = (event.shiftKey ? 4 : 1) * scale;
      var moves = {ArrowUp: [0, -step], ArrowDown: [0, step], ArrowLeft: [-step, 0],
                   ArrowRight: [step, 0]};
      if (moves[event.key]) {
        var next = [Math.min(Math.max(at[0] + moves[event.key][0], 0), size - 1),
                    Math.min(Math.max(at[1] + moves[event.key][1], 0), size - 1)];
        if (down) { stroke(at, next); }
        at = next;
        if (down) { onChange(); }
      } else if (event.key === " ") {
        down = !down;
        if (down) { stroke(at, at); }  // a dot where the pen lands
        onChange();
      } else if (event.key === "Enter") {
        onChange();
      } else if (event.key === "Delete" || event.key === "Backspace") {
        clear();
        onChange();
      } else {
        return;
      }
      event.preventDefault();
      ring.style.display = "block";
      place();
    });
  }

  // The drawing pad: white ink on black, data.side * data.scale pixels a side, drawn with the
  // pointer (a tap leaves a dot) or the keyboard's pen; onChange() after each stroke. Returns
  // {stage (the pad in its frame), pad, clear(), putDigit(values: side * side in [0, 1],
  // enlarged pixel for pixel), read() -> the prepared drawing (prepare's result, with ink and
  // tooSmall: a stroke whose box spans fewer than data.minExtent MNIST pixels either way)}.
  function createPad(data, onChange) {
    var side = data.side, size = side * data.scale, minExtent = data.minExtent || 7;
    var pad = E("canvas", {"class": "live-digit-pad", width: size, height: size,
                           style: "width:224px;height:224px;touch-action:none;cursor:crosshair"});
    pad.setAttribute("tabindex", "0");
    pad.setAttribute("role", "application");
    pad.setAttribute("aria-label", "drawing pad, white ink on black. Keyboard: arrow keys move " +
      "the pen (Shift: faster), Space puts it down or lifts it, Enter reads the drawing, " +
      "Delete clears it");
    var ring = E("div", {"class": "live-explorer-cursor live-digit-pen", "aria-hidden": "true",
                         style: "border-radius:50%"});
    var pen = pad.getContext("2d");
    function clear() { pen.fillStyle = "#000"; pen.fillRect(0, 0, size, size); }
    clear();
    function putDigit(values) {  // the digit enlarged, pixel for pixel, onto the pad
      var picture = pen.createImageData(size, size);
      for (var y = 0; y < size; y++) {
        for (var x = 0; x < size; x++) {
          var q = Math.round(values[Math.floor(y / data.scale) * side + Math.floor(x / data.scale)] * 255);
          var at = 4 * (y * size + x);
          picture.data[at] = picture.data[at + 1] = picture.data[at + 2] = q;
          picture.data[at + 3] = 255;
        }
      }
      pen.putImageData(picture, 0, 0);
    }
    var last = null;
    function point(event) {
      var box = pad.getBoundingClientRect();
      return [(event.clientX - box.left) * size / box.width, (event.clientY - box.top) * size / box.height];
    }
    pad.addEventListener("pointerdown", function (event) {
      last = point(event);
      stroke(last, last);  // a tap leaves a dot
      pad.setPointerCapture(event.pointerId);
    });
    function stroke(from, to) {  // white, 3 MNIST pixels wide, round ends; a dot for no move
      if (from[0] === to[0] && from[1] === to[1]) {
        pen.fillStyle = "#fff";
        pen.beginPath(); pen.arc(from[0], from[1], 1.5 * data.scale, 0, 2 * Math.PI); pen.fill();
        return;
      }
      pen.strokeStyle = "#fff"; pen.lineWidth = 3 * data.scale; pen.lineCap = pen.lineJoin = "round";
      pen.beginPath(); pen.moveTo(from[0], from[1]); pen.lineTo(to[0], to[1]); pen.stroke();
    }
    pad.addEventListener("pointermove", function (event) {
      if (!last) { return; }
      var next = point(event);
      stroke(last, next);
      last = next;
    });
    function finish() { if (last) { last = null; onChange(); } }
    pad.addEventListener("pointerup", finish);
    pad.addEventListener("pointercancel", finish);
    keyboardPen(pad, ring, size, data.scale, stroke, clear, function () { onChange(); });
    function read() {
      var pixels = pen.getImageData(0, 0, size, size).data, ink = new Float64Array(size * size);
      for (var p = 0; p < size * size; p++) { ink[p] = pixels[4 * p] / 255; }
      var prep = prepare(ink, size, size, data.box, side);
      prep.ink = ink;
      prep.tooSmall = !prep.empty && Math.max(prep.crop[0], prep.crop[1]) < minExtent * data.scale;
      return prep;
    }
    // What a reading that is no digit says: {caption, verdict}.
    function why(prep) {
      var span = Math.ceil(prep.empty ? 0 : prep.crop[0] / data.scale) + "x" +
        Math.ceil(prep.empty ? 0 : prep.crop[1] / data.scale);
      return {caption: prep.tooSmall ? "The stroke spans " + span + " of the pad's " + side +
                "x" + side + " pixels; a digit needs at least " + minExtent + " either way." :
                "Draw a digit (mouse, touch or keyboard), or start from a test digit.",
              verdict: prep.tooSmall ? "Too small to be a digit: draw it larger." :
                "Nothing drawn yet."};
    }
    return {stage: E("div", {"class": "live-explorer-stage"}, [pad, ring]), pad: pad,
            clear: clear, putDigit: putDigit, read: read, why: why};
  }

  // Ten probabilities as labelled bars (the best in bold) into `node`; returns the best class.
  function bars(node, probabilities) {
    var best = 0;
    for (var d = 0; d < probabilities.length; d++) {
      if (probabilities[d] > probabilities[best]) { best = d; }
    }
    node.textContent = "";
    for (d = 0; d < probabilities.length; d++) {
      node.appendChild(E("div", {"class": "live-explorer-field"}, [
        E("span", {text: String(d), style: d === best ? "font-weight:bold" : ""}),
        E("span", {"aria-hidden": "true",
                   style: "display:inline-block;height:0.8em;background:#1f77b4;width:" +
                   (probabilities[d] * 12).toFixed(2) + "em"}),
        E("output", {text: probabilities[d].toFixed(3)})]));
    }
    return best;
  }

  function barBox(className) {
    return E("div", {"class": className, style: "display:flex;flex-direction:column;gap:0.1em"});
  }

  L.digits = {prepare: prepare, normalise: normalise, mosaic: mosaic, createPad: createPad,
              bars: bars, barBox: barBox};
})();
