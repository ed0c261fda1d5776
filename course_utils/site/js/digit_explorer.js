// Chapter 4's digit explorer, live on the site (course_utils/explorers/digits.py embeds the
// trained convnet as gzipped ONNX). The reader draws a digit (mouse, touch or the keyboard's
// pen) or starts from a test digit; the drawing is prepared as MNIST's digits were
// (explorers.digits.prepare_drawing, step for step), and the convnet's ten probabilities and
// the feature maps of its conv and pooling layers are drawn as the notebook draws them
// (interpret.normalise_channels, viridis, 16 channels a row). A stroke too small to be a digit
// (explorers.digits.MIN_EXTENT) is said to be so, not read. The pad, the preparation and the
// maps' scaling are digit_common.js's (shared with the training explorer).
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.digit_explorer) { return; }
  var E = L.element, D = L.digits;

  function build(root, data, sess) {
    var side = data.side, gray = L.decodeLut(data.luts.gray);
    var viridis = L.decodeLut(data.luts.viridis), result = root.liveExplorer, updates = 0;
    var drawing = D.createPad(data, function () { refresh(); });
    var prepared = L.describe(E("canvas", {"class": "live-digit-prepared",
      style: "width:112px;height:112px"}), "the drawing prepared as MNIST's digits were, 28 by 28");
    var caption = E("span", {"class": "live-explorer-note"});
    var verdict = L.announce(E("p", {"class": "live-explorer-title live-digit-verdict"}));
    var bars = D.barBox("live-digit-probabilities");
    var maps = E("div", {"class": "live-explorer-panels"});
    var clearButton = E("button", {type: "button", "class": "live-digit-clear", text: "clear"});
    var starts = data.digits.map(function (entry, index) {
      var digit = L.decodeImage(entry[1]), thumb = E("canvas", {style: "width:28px;height:28px",
                                                                 "aria-hidden": "true"});
      L.paint(thumb, digit.data, side, side, 0, 1, gray);
      var name = entry[0] === null ? "a test digit" : "a test " + entry[0];
      var button = E("button", {type: "button", "class": "live-digit-start", "data-digit": index,
                                title: name, "aria-label": "start from " + name}, [thumb]);
      button.addEventListener("click", function () { drawing.putDigit(digit.data); refresh(); });
      return button;
    });
    clearButton.addEventListener("click", function () { drawing.clear(); refresh(); });

    // One reading at a time: a change during a reading is read right after it (data-busy says
    // whether one is under way). A failure is shown inside the explorer.
    var busy = false, again = false;
    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      root.setAttribute("data-busy", "true");
      update().then(function () {
        L.recover(root);
      }, function (err) {
        L.fail(root, err, "The digit explorer could not read the drawing");
      }).then(function () {
        busy = false;
        root.setAttribute("data-busy", "false");
        if (again) { again = false; refresh(); }
      });
    }

    function panel(title, node) {
      return E("div", {"class": "live-explorer-panel"}, [E("span", {text: title}), node]);
    }
    function update() {
      var prep = drawing.read();
      L.paint(prepared, prep.image, side, side, 0, 1, gray);
      result.ink = prep.ink;
      result.prepared = prep.image;
      var done = prep.empty || prep.tooSmall ? Promise.resolve(null) :
        L.models.run(sess, Float32Array.from(prep.image), [1, side, side, 1]);
      return done.then(function (outputs) { show(prep, outputs); });
    }
    function show(prep, outputs) {
      bars.textContent = "";
      maps.textContent = "";
      result.tooSmall = Boolean(prep.tooSmall);
      if (!outputs) {
        var said = drawing.why(prep);
        caption.textContent = said.caption;
        verdict.textContent = said.verdict;
        result.probabilities = null;
      } else {
        caption.textContent = "as MNIST: the stroke's " + prep.crop[0] + "x" + prep.crop[1] +
          " box scaled to " + prep.scaled[0] + "x" + prep.scaled[1] +
          ", centre of mass moved to the centre";
        var probabilities = outputs[outputs.length - 1].data, best = D.bars(bars, probabilities);
        verdict.textContent = "The convnet reads " + best + " (" +
          (100 * probabilities[best]).toFixed(1) + " %).";
        result.probabilities = probabilities;
        result.best = best;
        result.maps = {};
        result.normalised = {};
        data.layers.forEach(function (name, i) {
          var out = outputs[i], h = out.dims[1], w = out.dims[2], c = out.dims[3];
          var norm = D.normalise(out.data, h, w, c), grid = D.mosaic(norm.data, h, w, c);
          var canvas = E("canvas", {"class": "live-digit-map", "data-layer": name,
                                    style: "max-width:100%;width:" + 3 * grid.width + "px"});
          L.paint(canvas, grid.data, grid.height, grid.width, 0, 1, viridis);
          var title = name + ": " + c + " channels of " + h + "x" + w + ", " + norm.blank + " blank";
          L.describe(canvas, "feature maps of " + title + " (yellow: strong, dark blue: weak)");
          maps.appendChild(panel(title, canvas));
          result.maps[name] = out.data;
          result.normalised[name] = norm.data;
        });
      }
      updates += 1;
      root.setAttribute("data-updates", String(updates));
    }
    root.appendChild(E("div", {"class": "live-explorer-controls"},
                       [clearButton, E("span", {text: "start from a test digit:"})].concat(starts)));
    root.appendChild(E("div", {"class": "live-explorer-panels"}, [
      panel("draw here (or focus it and use the keys)",
            drawing.stage),
      panel("prepared, 28x28", prepared), panel("probabilities", bars)]));
    root.appendChild(verdict);
    root.appendChild(caption);
    root.appendChild(maps);
    if (starts.length) { drawing.putDigit(L.decodeImage(data.digits[0][1]).data); }
    return update();
  }

  L.kinds.digit_explorer = L.guardKind(function (root, data) {
    root.liveExplorer = {prepare: D.prepare};
    root.appendChild(E("div", {"class": "live-explorer-title",
                               text: "Draw a digit: the chapter's convnet reads it in this page"}));
    L.models.opener(root, "Open the digit explorer (loads ONNX Runtime Web, 14 MB, once)", function () {
      // On the site the model is a file beside the page (explorer_pages.model_files), fetched
      // now; in a notebook's own HTML it is embedded, base64 of the gzipped ONNX.
      var model = /\.onnx$/.test(data.model) ? Promise.resolve(data.model)
        : L.models.gunzip(data.model);
      return model.then(L.models.session).then(function (sess) {
        return build(root, data, sess);
      });
    });
  });
})();
