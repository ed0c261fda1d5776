// The Gabor explorer, live on the site (course_utils/explorers/gabor.py embeds its data).
// The kernel is skimage.filters.gabor_kernel's (as course_utils.gabor.gabor_kernel, one sigma);
// the response is the "same" cross-correlation with zeros outside (gabor.gabor_response), of
// the kernel's real and imaginary parts; the view shows its magnitude.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.gabor_explorer) { return; }
  var E = L.element, ZOOM = 5;

  // Complex kernel: {side, real, imag}, row y from -y0, column x from -x0.
  function gaborKernel(frequency, theta, sigma) {
    var ct = Math.cos(theta), st = Math.sin(theta);
    var x0 = Math.ceil(Math.max(Math.abs(3 * sigma * ct), Math.abs(3 * sigma * st), 1));
    var y0 = Math.ceil(Math.max(Math.abs(3 * sigma * ct), Math.abs(3 * sigma * st), 1));
    var rows = 2 * y0 + 1, cols = 2 * x0 + 1, real = new Float64Array(rows * cols);
    var imag = new Float64Array(rows * cols), norm = 1 / (2 * Math.PI * sigma * sigma);
    for (var r = 0; r < rows; r++) {
      for (var c = 0; c < cols; c++) {
        var y = r - y0, x = c - x0, rotx = x * ct + y * st, roty = -x * st + y * ct;
        var envelope = Math.exp(-0.5 * (rotx * rotx / (sigma * sigma) + roty * roty / (sigma * sigma)));
        var phase = 2 * Math.PI * frequency * rotx;
        real[r * cols + c] = envelope * Math.cos(phase) * norm;
        imag[r * cols + c] = envelope * Math.sin(phase) * norm;
      }
    }
    return {rows: rows, cols: cols, real: real, imag: imag};
  }

  function panel(title, canvas) {
    return E("div", {"class": "live-explorer-panel"}, [title, canvas]);
  }

  L.kinds.gabor_explorer = L.guardKind(function (root, data) {
    var luts = {}, state = {}, result = {};
    Object.keys(data.luts).forEach(function (name) { luts[name] = L.decodeLut(data.luts[name]); });
    root.liveExplorer = result;
    var controls = E("div", {"class": "live-explorer-controls"});
    ["frequency", "theta", "sigma"].forEach(function (name) {
      state[name] = data.values[name];
      var digits = data.digits[name];  // the Python slider's format (explorers/gabor.py)
      controls.appendChild(L.slider(name, data.labels[name], data.ranges[name], state[name], digits,
                                    function (value) { state[name] = value; guarded(); }).row);
    });
    var title = E("div", {"class": "live-explorer-title"});
    var realCanvas = E("canvas", {"class": "live-gabor-real"}), imagCanvas = E("canvas", {"class": "live-gabor-imag"});
    var realTitle = E("span"), imagTitle = E("span");
    var rows = [E("div", {"class": "live-explorer-panels"}, [panel(realTitle, realCanvas), panel(imagTitle, imagCanvas)])];
    var images = data.images.map(function (pair) {
      var image = L.decodeImage(pair[1]), input = E("canvas"), response = E("canvas", {"class": "live-gabor-response"});
      var caption = E("span");
      var extent = L.range(image.data);
      L.paint(input, image.data, image.height, image.width, extent[0], extent[1], luts.gray);
      L.describe(input, "input image " + pair[0] + ", " + image.height + " by " + image.width +
                 " pixels, in grey");
      [input, response].forEach(function (canvas) { canvas.style.width = image.width * ZOOM + "px"; });
      rows.push(E("div", {"class": "live-explorer-panels"}, [
        panel(E("span", {text: pair[0]}), input), panel(caption, response)]));
      return {name: pair[0], image: image, canvas: response, caption: caption};
    });
    root.appendChild(controls);
    root.appendChild(title);
    rows.forEach(function (row) { root.appendChild(row); });

    var guarded = L.guard(root, update);

    function update() {
      var theta = state.theta * Math.PI / 180;
      var kernel = gaborKernel(state.frequency, theta, state.sigma);
      [[realCanvas, kernel.real], [imagCanvas, kernel.imag]].forEach(function (pair) {
        var r = L.range(pair[1]), limit = Math.max(Math.abs(r[0]), Math.abs(r[1])) || 1;
        L.paint(pair[0], pair[1], kernel.rows, kernel.cols, -limit, limit, luts.signed);
        pair[0].style.width = Math.max(120, kernel.cols * 4) + "px";
      });
      realTitle.textContent = "real part (cosine), " + kernel.rows + "x" + kernel.cols;
      imagTitle.textContent = "imaginary part (sine), " + kernel.rows + "x" + kernel.cols;
      [[realCanvas, realTitle], [imagCanvas, imagTitle]].forEach(function (pair) {
        L.describe(pair[0], "the Gabor kernel's " + pair[1].textContent + ": blue negative, " +
                   "red positive weights, stripes across the angle theta");
      });
      result.kernel = kernel;
      result.magnitudes = {};
      images.forEach(function (item) {
        var re = L.correlate(item.image, kernel.real, kernel.rows, kernel.cols);
        var im = L.correlate(item.image, kernel.imag, kernel.rows, kernel.cols);
        var magnitude = new Float64Array(re.length);
        for (var i = 0; i < re.length; i++) { magnitude[i] = Math.sqrt(re[i] * re[i] + im[i] * im[i]); }
        var extent = L.range(magnitude);
        L.paint(item.canvas, magnitude, item.image.height, item.image.width, extent[0], extent[1], luts.magma);
        item.caption.textContent = "|response|, max " + Number(extent[1].toPrecision(3));
        L.describe(item.canvas, "magnitude of the Gabor response to " + item.name + ", " +
                   item.image.height + " by " + item.image.width + " pixels: bright where the " +
                   "image has stripes of this frequency and angle; max " +
                   Number(extent[1].toPrecision(3)));
        result.magnitudes[item.name] = magnitude;
      });
      title.textContent = "Gabor filter: frequency " + state.frequency.toFixed(2) + " cycles/px (wavelength " +
        (1 / state.frequency).toFixed(1) + " px), \u03b8 = " + state.theta.toFixed(0) + "\u00b0, \u03c3 = " +
        state.sigma.toFixed(1) + " px";
      root.setAttribute("data-kernel-size", String(kernel.rows));
      L.recover(root);
    }

    update();
  });
})();
