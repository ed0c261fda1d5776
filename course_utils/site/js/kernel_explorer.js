// The kernel explorer, live on the site (course_utils/explorers/kernel.py embeds its data).
// Output: the cross-correlation of the grey image with the kernel, as kernels.convolve2d;
// colours as explorers.kernel.output_limits; hover over, click or move the keyboard cursor
// over an output pixel for its arithmetic.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.kernel_explorer) { return; }
  var E = L.element, BIG = 5, SHOWN = 200;  // px: input, grid and output side by side

  function sizeOf(data, label) {
    for (var i = 0; i < data.sizes.length; i++) {
      if (data.sizes[i][0] === label) { return data.sizes[i][1]; }
    }
    return 3;
  }

  L.kinds.kernel_explorer = L.guardKind(function (root, data) {
    var images = {}, names = [], presets = {}, luts = {};
    data.images.forEach(function (pair) { names.push(pair[0]); images[pair[0]] = L.decodeImage(pair[1]); });
    data.presets.forEach(function (pair) { presets[pair[0]] = pair[1]; });
    luts.gray = L.decodeLut(data.luts.gray);
    luts.signed = L.decodeLut(data.luts.signed);
    var state = {image: names[0], preset: data.preset, size: data.size,
                 weights: new Float64Array(BIG * BIG)};
    var result = {};
    root.liveExplorer = result;

    var imageMenu = L.menu("image", "image", names, state.image, function (value) {
      state.image = value; update();
    });
    var file = E("input", {type: "file", accept: "image/*", "class": "live-kernel-file",
                           "data-control": "file"});
    var presetMenu = L.menu("preset", "preset", Object.keys(presets), state.preset, function (v) {
      if (presets[v]) { fill(v); update(); }
    });
    // Shown (and only then chosen) when the typed weights are no preset's.
    var customOption = E("option", {value: "custom", text: "custom (typed weights)", disabled: ""});
    presetMenu.input.appendChild(customOption);
    var sizeMenu = L.menu("size", "size", data.sizes.map(function (s) { return s[0]; }),
                          state.size, function (value) { state.size = value; showGrid(); update(); });
    var grid = E("div", {"class": "live-explorer-weights"});
    var inputTitle = E("div", {"class": "live-explorer-title"});
    var kernelTitle = E("div", {"class": "live-explorer-title"});
    var outputTitle = E("div", {"class": "live-explorer-title"});
    var inputCanvas = E("canvas", {"class": "live-kernel-input"});
    var outputCanvas = E("canvas", {"class": "live-kernel-output"});
    var scale = E("div", {"class": "live-explorer-note"});
    var sumLine = L.announce(E("div", {"class": "live-explorer-title"}));
    var tables = E("div", {"class": "live-explorer-panels"});
    var arithmetic = E("div", {"class": "live-kernel-arithmetic"}, [sumLine, tables]);
    var cursor = L.pixelCursor(outputCanvas, "output image", function () {
      return {height: result.height, width: result.width};
    }, function (row, col) { explain(row, col); });
    var cells = [];
    for (var i = 0; i < BIG * BIG; i++) {
      cells.push(E("input", {type: "number", step: "any", "class": "live-kernel-weight",
                             "data-row": Math.floor(i / BIG), "data-col": i % BIG}));
    }
    var fileNote = "your own image (made grey, shrunk to at most " + L.count(data.maxPixels) +
      " pixels; transparent parts count as white; it stays in this page)";
    root.appendChild(E("div", {"class": "live-explorer-controls"}, [
      imageMenu.row, E("label", {"class": "live-explorer-field"},
                       [E("span", {text: "or " + fileNote}), file]),
      presetMenu.row, sizeMenu.row]));
    root.appendChild(E("div", {"class": "live-explorer-panels"}, [
      E("div", {"class": "live-explorer-panel"}, [inputTitle, inputCanvas]),
      E("div", {"class": "live-explorer-panel"}, [kernelTitle, E("div", {text: "weights (edit me):"}), grid]),
      E("div", {"class": "live-explorer-panel"}, [outputTitle, cursor.stage, scale])]));
    root.appendChild(E("div", {"class": "live-explorer-note", text: "Hover over or click an " +
      "output pixel, or focus the output (Tab) and move with the arrow keys, to see its arithmetic."}));
    root.appendChild(arithmetic);

    function visible() {
      var k = sizeOf(data, state.size), start = (BIG - k) / 2, list = [];
      for (var r = start; r < start + k; r++) {
        for (var c = start; c < start + k; c++) { list.push(r * BIG + c); }
      }
      return list;
    }

    function showGrid() {
      var k = sizeOf(data, state.size);
      grid.textContent = "";
      grid.style.display = "grid";
      grid.style.gridTemplateColumns = "repeat(" + k + ", 4em)";
      grid.style.gap = "2px";
      visible().forEach(function (index, n) {
        cells[index].setAttribute("aria-label", "weight, row " + (Math.floor(n / k) + 1) +
                                  ", column " + (n % k + 1) + " of " + k + "x" + k);
        grid.appendChild(cells[index]);
      });
    }

    function fill(name) {
      var weights = presets[name], ring = false;
      for (var i = 0; i < BIG * BIG; i++) {
        var r = Math.floor(i / BIG), c = i % BIG;
        if ((r === 0 || c === 0 || r === BIG - 1 || c === BIG - 1) && weights[i] !== 0) { ring = true; }
        state.weights[i] = weights[i];
        cells[i].value = String(weights[i]);
        cells[i].style.outline = "";
      }
      state.preset = name;
      if (ring) { state.size = "5x5"; sizeMenu.input.value = "5x5"; }
      showGrid();
    }

    function kernelName() {
      var shown = new Float64Array(BIG * BIG), weights = presets[state.preset];
      visible().forEach(function (index) { shown[index] = state.weights[index]; });
      for (var i = 0; i < BIG * BIG; i++) { if (shown[i] !== weights[i]) { return "custom"; } }
      return state.preset;
    }

    function limits(output, sum) {
      // explorers.kernel.output_limits: np.isclose(sum, 0) is |sum| <= 1e-8.
      var extent = L.range(output), low, high;
      if (Math.abs(sum) <= 1e-8) {
        var absolute = output.map(Math.abs);
        var limit = L.percentile(absolute, 99) || Math.max(-extent[0], extent[1]) || 1;
        return {signed: true, vmin: -limit, vmax: limit};
      }
      low = L.percentile(output, 1);
      high = L.percentile(output, 99);
      if (high <= low) { low = extent[0]; high = extent[1]; }
      if (high <= low) { low -= 0.5; high += 0.5; }
      return {signed: false, vmin: low, vmax: high};
    }

    function correlate(image, kernel, k) {
      var full = L.correlate(image, kernel, k, k);
      if (data.padding === "same") { return {height: image.height, width: image.width, data: full}; }
      var h = image.height - k + 1, w = image.width - k + 1, half = (k - 1) / 2;
      var out = new Float64Array(Math.max(h, 0) * Math.max(w, 0));
      for (var i = 0; i < h; i++) {
        for (var j = 0; j < w; j++) { out[i * w + j] = full[(i + half) * image.width + j + half]; }
      }
      return {height: h, width: w, data: out};
    }

    function show(canvas, values, height, width, vmin, vmax, lut) {
      L.paint(canvas, values, height, width, vmin, vmax, lut);
      var zoom = SHOWN / Math.max(height, width, 1);
      canvas.style.imageRendering = zoom >= 1 ? "pixelated" : "auto";  // sharp pixels, smooth shrinking
      canvas.style.width = Math.round(width * zoom) + "px";
      canvas.style.height = Math.round(height * zoom) + "px";
    }

    var update = L.guard(root, function () {
      var image = images[state.image], k = sizeOf(data, state.size), kernel = [], sum = 0;
      L.recover(root);
      visible().forEach(function (index) {
        var value = Number(cells[index].value);
        var ok = cells[index].value.trim() !== "" && isFinite(value);
        cells[index].style.outline = ok ? "" : "2px solid #b2182b";
        state.weights[index] = ok ? value : 0;
        kernel.push(state.weights[index]);
        sum += state.weights[index];
      });
      var extent = L.range(image.data);
      show(inputCanvas, image.data, image.height, image.width, extent[0], extent[1], luts.gray);
      inputTitle.textContent = "input: " + state.image + " (" + image.height + "x" + image.width +
        (image.shrunk ? ", grey, shrunk from " + image.shrunk : "") + ")";
      L.describe(inputCanvas, "input image " + state.image + ", " + image.height + " by " +
                 image.width + " pixels, in grey");
      var name = kernelName();
      presetMenu.input.value = name === "custom" ? "custom" : state.preset;
      customOption.hidden = name !== "custom";
      kernelTitle.textContent = "kernel: " + name + " (" + k + "x" + k + ", sum " + L.format(sum) + ")";
      if (image.height < k && data.padding === "valid") { return; }
      var output = correlate(image, kernel, k), range = L.range(output.data);
      var colours = limits(output.data, sum);
      show(outputCanvas, output.data, output.height, output.width, colours.vmin, colours.vmax,
           colours.signed ? luts.signed : luts.gray);
      outputTitle.textContent = "output (" + data.padding + " padding): " + L.format(range[0]) +
        " to " + L.format(range[1]);
      scale.textContent = (colours.signed ? "blue " + L.format(colours.vmin) + ", grey 0, red " +
        L.format(colours.vmax) : "grey from black " + L.format(colours.vmin) + " to white " +
        L.format(colours.vmax)) + " (beyond: full colour)";
      result.image = image;
      result.output = output.data;
      result.height = output.height;
      result.width = output.width;
      result.kernel = Float64Array.from(kernel);
      result.size = k;
      result.kernelName = name;
      result.signed = colours.signed;
      result.vmin = colours.vmin;
      result.vmax = colours.vmax;
      root.setAttribute("data-output-min", String(range[0]));
      root.setAttribute("data-output-max", String(range[1]));
      root.setAttribute("data-kernel-name", name);
      root.setAttribute("data-signed", String(colours.signed));
      outputCanvas.setAttribute("aria-label", "output image, " + output.height + " by " +
        output.width + " pixels: the arrow keys move a cursor over its pixels, and the " +
        "arithmetic of the pixel under it is shown below");
      root.setAttribute("data-updates", String(Number(root.getAttribute("data-updates") || 0) + 1));
      cursor.move(Math.floor(output.height / 2), Math.floor(output.width / 2));
    });

    // The arithmetic of output pixel (row, col): the patch under the window, the kernel,
    // their products and the sum (zeros where the window hangs over the border).
    function explain(row, col) {
      var image = images[state.image], k = result.size, kernel = result.kernel;
      var offset = data.padding === "same" ? (k - 1) / 2 : 0;
      var patch = new Float64Array(k * k), products = new Float64Array(k * k), sum = 0;
      for (var a = 0; a < k; a++) {
        for (var b = 0; b < k; b++) {
          var y = row + a - offset, x = col + b - offset;
          var inside = y >= 0 && y < image.height && x >= 0 && x < image.width;
          patch[a * k + b] = inside ? image.data[y * image.width + x] : 0;
          products[a * k + b] = kernel[a * k + b] * patch[a * k + b];
          sum += products[a * k + b];
        }
      }
      var extent = L.range(image.data), most = Math.max.apply(null, products.map(Math.abs)) || 1;
      var big = Math.max.apply(null, kernel.map(Math.abs)) || 1;
      sumLine.textContent = "output[" + row + ", " + col + "] = sum of kernel * patch = " +
        L.format(sum);
      tables.textContent = "";
      [["patch", patch, extent[0], extent[1], luts.gray], ["kernel", kernel, -big, big, luts.signed],
       ["kernel * patch", products, -most, most, luts.signed]].forEach(function (t) {
        tables.appendChild(E("div", {"class": "live-explorer-panel"}, [E("span", {text: t[0]}),
          L.table(t[1], k, k, t[2], t[3], t[4])]));
      });
      result.arithmetic = {row: row, col: col, patch: patch, products: products, sum: sum};
    }

    function pixelAt(event) {
      var box = outputCanvas.getBoundingClientRect(), c = outputCanvas;  // inside the border
      var col = Math.floor((event.clientX - box.left - c.clientLeft) / c.clientWidth * result.width);
      var row = Math.floor((event.clientY - box.top - c.clientTop) / c.clientHeight * result.height);
      if (row >= 0 && col >= 0 && row < result.height && col < result.width) { cursor.move(row, col); }
    }

    outputCanvas.addEventListener("mousemove", pixelAt);
    outputCanvas.addEventListener("click", pixelAt);
    cells.forEach(function (cell) { cell.addEventListener("input", update); });

    // The reader's own image stays in the page: decoded by the browser (L.readImage: at most
    // data.maxPixels pixels, transparent parts over white), made grey with
    // skimage.color.rgb2gray's weights. Of two files picked in a row, the last one wins.
    var picks = 0;
    file.addEventListener("change", function () {
      if (!file.files.length) { return; }
      var chosen = file.files[0], pick = ++picks;
      L.readImage(chosen, data.maxPixels).then(function (picture) {
        if (pick !== picks) { return; }
        var w = picture.width, h = picture.height, rgba = picture.rgba, g = data.greyWeights;
        var grey = new Float64Array(w * h);
        for (var i = 0; i < w * h; i++) {
          grey[i] = rgba[4 * i] / 255 * g[0] + rgba[4 * i + 1] / 255 * g[1] + rgba[4 * i + 2] / 255 * g[2];
        }
        var name = "your image: " + chosen.name;
        if (!images[name]) { imageMenu.input.appendChild(E("option", {value: name, text: name})); }
        images[name] = {height: h, width: w, data: grey, shrunk: w < picture.naturalWidth ?
          picture.naturalHeight + "x" + picture.naturalWidth : ""};
        imageMenu.input.value = name;
        state.image = name;
        update();
      }, function (err) {
        if (pick === picks) { L.fail(root, err, "Could not read " + chosen.name); }
      });
    });

    fill(state.preset);
    update();
  });
})();
