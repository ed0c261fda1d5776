// Chapter 9's photo explorer, live on the site (course_utils/explorers/photo.py). The reader's
// own photo, resized to 224x224 as gradcam.resize_for_model does, goes through EfficientNet-Lite0
// (exported into the built site by course_utils/site/models.py); the page lists the top 5 and
// lays the chosen class's activation map (gradcam.class_activation_map) over the photo as
// gradcam.overlay_heatmap does. Nothing leaves the reader's browser.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.photo_explorer) { return; }
  var E = L.element;

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

  function build(root, data, sess, names) {
    var result = root.liveExplorer, jet = L.decodeLut(data.luts.jet), updates = 0, current = null;
    var file = E("input", {type: "file", accept: "image/*", "class": "live-photo-file"});
    var classMenu = E("select", {"class": "live-explorer-control", "data-control": "class"});
    var picture = E("canvas", {"class": "live-photo-overlay", style: "max-width:100%"});
    var list = E("ol", {"class": "live-photo-top"}), note = E("span", {"class": "live-explorer-note",
      text: "Choose a photo (JPEG, PNG...) from your device: it is read in this page only."});
    root.appendChild(E("div", {"class": "live-explorer-controls"}, [
      E("label", {"class": "live-explorer-field"}, [E("span", {text: "your photo"}), file]),
      E("label", {"class": "live-explorer-field"}, [E("span", {text: "class"}), classMenu])]));
    root.appendChild(note);
    root.appendChild(E("div", {"class": "live-explorer-panels"}, [picture, list]));

    function draw() {
      var c = Number(classMenu.value), map = cam(current.maps, current.h, current.w, current.classes, c);
      var heat = E("canvas");
      L.paint(heat, map, current.h, current.w, 0, 1, jet);
      var pen = picture.getContext("2d");
      picture.width = current.photo.width;
      picture.height = current.photo.height;
      pen.drawImage(current.photo, 0, 0);
      pen.globalAlpha = data.alpha;
      pen.imageSmoothingEnabled = true;
      pen.drawImage(heat, 0, 0, picture.width, picture.height);
      pen.globalAlpha = 1;
      result.classIndex = c;
      result.cam = map;
      updates += 1;
      root.setAttribute("data-updates", String(updates));
    }
    classMenu.addEventListener("change", draw);

    file.addEventListener("change", function () {
      if (!file.files.length) { return; }
      var name = file.files[0].name;
      createImageBitmap(file.files[0]).then(function (photo) {
        var canvas = E("canvas", {width: photo.width, height: photo.height}), pen = canvas.getContext("2d");
        pen.drawImage(photo, 0, 0);
        var rgba = pen.getImageData(0, 0, photo.width, photo.height).data;
        var rgb = new Float32Array(photo.width * photo.height * 3);
        for (var p = 0; p < photo.width * photo.height; p++) {
          for (var k = 0; k < 3; k++) { rgb[3 * p + k] = rgba[4 * p + k]; }
        }
        var pixels = L.models.resizeBilinear(rgb, photo.height, photo.width, 3, data.size, data.size);
        result.pixels = pixels;
        return L.models.run(sess, pixels, [1, data.size, data.size, 3]).then(function (outputs) {
          var probabilities = outputs[0].data, maps = outputs[1];
          var order = Array.from(probabilities.keys()).sort(function (a, b) {
            return probabilities[b] - probabilities[a] || a - b; }).slice(0, 5);
          current = {photo: photo, maps: maps.data, h: maps.dims[1], w: maps.dims[2],
                     classes: maps.dims[3]};
          result.probabilities = probabilities;
          result.top = order;
          classMenu.textContent = "";
          list.textContent = "";
          order.forEach(function (c) {
            var label = names[c] + " (" + probabilities[c].toFixed(3) + ")";
            classMenu.appendChild(E("option", {value: String(c), text: label}));
            list.appendChild(E("li", {text: label}));
          });
          classMenu.value = String(order[0]);
          note.textContent = name + ", " + photo.width + "x" + photo.height + " (resized to " +
            data.size + "x" + data.size + "): EfficientNet-Lite0's top 5; the heat is the " +
            "class activation map of the class chosen above.";
          draw();
        });
      }).catch(function (err) {
        note.textContent = "Could not read " + name + ": " + (err && err.message || err);
      });
    });
  }

  L.kinds.photo_explorer = function (root, data) {
    root.liveExplorer = {};
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
  };
})();
