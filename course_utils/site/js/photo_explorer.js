// Chapter 9's photo explorer, live on the site (course_utils/explorers/photo.py). The reader's
// own photo (decoded by the browser, at most data.maxPixels pixels, transparent parts laid over
// white as gradcam.composite_alpha does), resized to 224x224 as gradcam.resize_for_model does,
// goes through EfficientNet-Lite0 (exported into the built site by course_utils/site/models.py);
// the page lists the top 5 and lays the chosen class's activation map
// (gradcam.class_activation_map) over the photo as gradcam.overlay_heatmap does: the 7x7 map's
// values upscaled (bilinear), then coloured, then blended. Nothing leaves the reader's browser.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.photo_explorer) { return; }
  var E = L.element, MAX_PIXELS = 1048576;  // explorers.photo.MAX_PIXELS

  // The CAM of class c from the model's (h, w, classes) maps: ReLU, divided by its maximum.
  function cam(maps, h, w, classes, c) {
    var out = new Float64Array(h * w), peak = 0;
    for (var p = 0; p < h * w; p++) {
      out[p] = Math.max(maps[p * classes + c], 0);
      peak = Math.max(peak, out[p]);
    }
    if (peak > 0) { for (p = 0; p < h * w; p++) { out[p] /= peak; } }
    return out;
  }

  // gradcam.overlay_heatmap: the map upscaled to the photo (upscale_heatmap: bilinear, clipped
  // to [0, 1]), coloured (colour floor(256 v), as matplotlib), (1 - alpha) photo + alpha colour,
  // truncated to 8 bits. Returns RGBA bytes.
  function overlay(photo, map, h, w, alpha, lut) {
    var up = L.models.resizeBilinear(map, h, w, 1, photo.height, photo.width, Float64Array);
    var out = new Uint8ClampedArray(4 * photo.width * photo.height), rgba = photo.rgba;
    for (var p = 0; p < up.length; p++) {
      var k = Math.min(255, Math.floor(Math.min(1, Math.max(0, up[p])) * 256));
      for (var ch = 0; ch < 3; ch++) {
        out[4 * p + ch] = Math.floor((1 - alpha) * rgba[4 * p + ch] + alpha * lut[3 * k + ch]);
      }
      out[4 * p + 3] = 255;
    }
    return out;
  }

  function build(root, data, sess, names) {
    var result = root.liveExplorer, jet = L.decodeLut(data.luts.jet), updates = 0, current = null;
    var maxPixels = data.maxPixels || MAX_PIXELS, picks = 0;
    var file = E("input", {type: "file", accept: "image/*", "class": "live-photo-file"});
    var classMenu = E("select", {"class": "live-explorer-control", "data-control": "class"});
    var picture = E("canvas", {"class": "live-photo-overlay", style: "max-width:100%"});
    var list = E("ol", {"class": "live-photo-top"});
    var prompt = "Choose a photo (JPEG, PNG...) from your device: it is read in this page only. " +
      "Transparent parts count as white; a photo over " + L.count(maxPixels) + " pixels is " +
      "shrunk first.";
    var note = L.announce(E("p", {"class": "live-explorer-note live-photo-note", text: prompt}));
    root.appendChild(E("div", {"class": "live-explorer-controls"}, [
      E("label", {"class": "live-explorer-field"}, [E("span", {text: "your photo"}), file]),
      E("label", {"class": "live-explorer-field"}, [E("span", {text: "class"}), classMenu])]));
    root.appendChild(note);
    root.appendChild(E("div", {"class": "live-explorer-panels"}, [picture, list]));

    function counted() {
      updates += 1;
      root.setAttribute("data-updates", String(updates));
    }

    // Nothing of an earlier photo stays on screen beside a new one or an error.
    function forget() {
      current = null;
      classMenu.textContent = "";
      classMenu.disabled = true;
      list.textContent = "";
      picture.width = picture.height = 0;
      picture.style.display = "none";
      L.describe(picture, "no photo yet");
      ["probabilities", "top", "cam", "classIndex", "pixels", "photo"].forEach(function (key) {
        result[key] = null;
      });
    }
    forget();

    function draw() {
      var c = Number(classMenu.value), map = cam(current.maps, current.h, current.w, current.classes, c);
      var photo = current.photo;
      picture.width = photo.width;
      picture.height = photo.height;
      picture.style.display = "";
      var pen = picture.getContext("2d"), image = pen.createImageData(photo.width, photo.height);
      image.data.set(overlay(photo, map, current.h, current.w, data.alpha, jet));
      pen.putImageData(image, 0, 0);
      L.describe(picture, photo.name + " with the class activation map of " + names[c] +
                 " over it: red where the evidence for the class is strongest, blue where " +
                 "there is none");
      result.classIndex = c;
      result.cam = map;
      counted();
    }
    classMenu.addEventListener("change", L.guard(root, draw));

    function sizes(photo) {
      var natural = photo.naturalWidth + "x" + photo.naturalHeight, size = data.size + "x" + data.size;
      var said = photo.width < photo.naturalWidth ? natural + ", shrunk to " + photo.width + "x" +
        photo.height + " (at most " + L.count(maxPixels) + " pixels)" : natural;
      if (photo.naturalWidth < data.size || photo.naturalHeight < data.size) {
        return said + ", smaller than the model's " + size + " input: upscaled to " + size +
          " (the model sees a blurred photo)";
      }
      return said + " (resized to " + size + ")";
    }

    // Of photos picked in a row, the last one is shown, however long the others take.
    file.addEventListener("change", function () {
      if (!file.files.length) { return; }
      var chosen = file.files[0], pick = ++picks;
      forget();
      note.textContent = "Reading " + chosen.name + "...";
      L.readImage(chosen, maxPixels).then(function (photo) {
        if (pick !== picks) { return null; }
        var rgb = new Float32Array(photo.width * photo.height * 3);
        for (var p = 0; p < photo.width * photo.height; p++) {
          for (var k = 0; k < 3; k++) { rgb[3 * p + k] = photo.rgba[4 * p + k]; }
        }
        var pixels = L.models.resizeBilinear(rgb, photo.height, photo.width, 3, data.size, data.size);
        return L.models.run(sess, pixels, [1, data.size, data.size, 3]).then(function (outputs) {
          if (pick !== picks) { return; }
          var probabilities = outputs[0].data, maps = outputs[1];
          var order = Array.from(probabilities.keys()).sort(function (a, b) {
            return probabilities[b] - probabilities[a] || a - b; }).slice(0, 5);
          current = {photo: photo, maps: maps.data, h: maps.dims[1], w: maps.dims[2],
                     classes: maps.dims[3]};
          result.pixels = pixels;
          result.probabilities = probabilities;
          result.top = order;
          result.photo = {name: photo.name, width: photo.width, height: photo.height,
                          naturalWidth: photo.naturalWidth, naturalHeight: photo.naturalHeight};
          order.forEach(function (c) {
            var label = names[c] + " (" + probabilities[c].toFixed(3) + ")";
            classMenu.appendChild(E("option", {value: String(c), text: label}));
            list.appendChild(E("li", {text: label}));
          });
          classMenu.disabled = false;
          classMenu.value = String(order[0]);
          note.textContent = photo.name + ", " + sizes(photo) + ": EfficientNet-Lite0 reads " +
            names[order[0]] + " (" + probabilities[order[0]].toFixed(3) + "); its top 5 below, " +
            "and the heat is the class activation map of the class chosen above.";
          L.recover(root);
          draw();
        });
      }).catch(function (err) {
        if (pick !== picks) { return; }
        forget();
        note.textContent = prompt;
        L.fail(root, err, "Could not read " + chosen.name);
        counted();
      });
    });
  }

  L.kinds.photo_explorer = L.guardKind(function (root, data) {
    root.liveExplorer = {overlay: overlay};
    root.appendChild(E("div", {"class": "live-explorer-title",
                               text: "Your own photo: EfficientNet-Lite0 and its class activation map"}));
    L.models.opener(root, "Open the photo explorer (loads ONNX Runtime Web and the model, once)",
                    function () {
      var classes = fetch(L.models.staticRoot() + data.classes).then(function (response) {
        if (!response.ok) { throw new Error(data.classes + ": HTTP " + response.status); }
        return response.json();
      });
      return Promise.all([L.models.session(data.model), classes]).then(function (both) {
        build(root, data, both[0], both[1].classes);
      });
    });
  });
})();
