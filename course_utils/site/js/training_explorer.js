// Chapter 4's training explorer, live on the site (course_utils/explorers/training.py): the
// reader trains chapter 4's small convnet in the page, draws a digit for it and fools it with
// FGSM. The training runs in a Web Worker built from a Blob of the engine's and the worker's
// sources (convnet_engine.js, convnet_worker.js), which the site holds as strings in
// convnet_sources.js, beside this script (course_utils/site/explorer_pages.py): a Worker from
// a script's URL is refused from file://, a Blob one is not. That file and the MNIST digits
// (_static/data/convnet_digits.js, course_utils/site/training_data.py) load by <script> tags
// when the reader first presses Start, so neither weighs on the page's first load. The main
// thread only draws: views refresh at most every REFRESH_MS while training.
//
// For tests, root.liveExplorer holds the run: steps [{epoch, batch, loss, accuracy, seconds,
// imagesPerSecond}], tests [[batch, test accuracy]], epochs (the worker's epoch messages),
// done, flips (epsilon -> the worker's share of flipped test digits), fool (the last attack),
// drawn (the last reading of the pad), and ask(request) -> a promise of the worker's reply.
// The element's data-state is idle, loading, ready, training, paused, done or failed;
// data-updates counts the views' redraws.
(function () {
  "use strict";
  var L = window.CourseLive;
  if (L.kinds.training_explorer) { return; }
  var E = L.element, D = L.digits, V = L.trainingViews;
  var REFRESH_MS = 300, TRAIN = 4000, EVALUATE_IMAGES = 800;
  // The worker's sources, beside this script (document.currentScript: deferred scripts too).
  var SOURCES = new URL("convnet_sources.js", document.currentScript ? document.currentScript.src :
                        document.baseURI).href;

  function build(root, data) {
    var d = data.defaults, gray = L.decodeLut(data.luts.gray);
    var viridis = L.decodeLut(data.luts.viridis), rdbu = L.decodeLut(data.luts.RdBu);
    var settings = {filters: d.filters, kernelSize: d.kernelSize, learningRate: d.learningRate,
                    batchSize: d.batchSize, epochs: d.epochs, seed: d.seed};
    var run = {steps: [], tests: [], epochs: [], done: null, flips: {}, fool: null, drawn: null,
               settings: null};
    var worker = null, pending = {}, nextId = 1, state = "idle", updates = 0, digitIndex = d.digit;
    var epsilon = d.epsilon, source = "test", testImage = null;
    run.ask = ask;
    root.liveExplorer = run;

    function setState(next) { state = next; root.setAttribute("data-state", next); }
    function ask(request) {
      if (!worker) { return Promise.reject(new Error("press Start first: no model yet")); }
      request.id = nextId++;
      return new Promise(function (resolve, reject) {
        pending[request.id] = {resolve: resolve, reject: reject};
        worker.postMessage(request);
      });
    }

    // ---- Controls: every one a native control (keyboard as well as mouse), labelled ----
    function slider(name, onInput) {
      var spec = data.sliders[name];
      return L.slider(name, spec.label, spec.range, d[name], spec.digits, onInput);
    }
    function setting(name) {
      return function (value) { settings[name] = Number(value); changed(); };
    }
    var filters = L.menu("filters", "filters", data.choices.filters, d.filters,
                         setting("filters"));
    var kernelSize = L.menu("kernelSize", "kernel size", data.choices.kernelSize, d.kernelSize,
                            setting("kernelSize"));
    var rate = slider("learningRate", setting("learningRate"));
    var batch = slider("batchSize", setting("batchSize"));
    var epochs = slider("epochs", setting("epochs"));
    var seedInput = E("input", {type: "number", "class": "live-explorer-control",
                                "data-control": "seed", min: data.seedRange[0],
                                max: data.seedRange[1], step: 1, value: d.seed,
                                style: "width:7em"});
    seedInput.addEventListener("change", function () {
      var value = Number(seedInput.value);
      if (Number.isInteger(value) && value >= data.seedRange[0] && value <= data.seedRange[1]) {
        settings.seed = value;
        changed();
      } else {
        seedInput.value = settings.seed;
      }
    });
    function button(name, text, onClick) {
      var b = E("button", {type: "button", "class": "live-training-" + name, text: text});
      b.addEventListener("click", L.guard(root, onClick));
      return b;
    }
    var startButton = button("start", "Start", start);
    var pauseButton = button("pause", "Pause", pause);
    var resetButton = button("reset", "Reset", reset);
    var status = L.announce(E("p", {"class": "live-explorer-title live-training-status",
      text: "Press Start: the training digits (1 MB) load, then the convnet trains here."}));
    var progress = E("p", {"class": "live-explorer-note live-training-progress"});
    var note = E("p", {"class": "live-explorer-note live-training-note"});

    function workerSettings() {
      var s = Object.assign({}, settings);
      s.evaluateEvery = Math.max(1, Math.round(EVALUATE_IMAGES / s.batchSize));
      return s;
    }
    function changed() {
      var same = run.settings && Object.keys(settings).every(function (k) {
        return run.settings[k] === settings[k];
      });
      note.textContent = !run.settings || same ? "" :
        "New settings: press Reset to train a new model with them.";
      enable();
    }
    function enable() {
      startButton.disabled = state === "loading" || state === "training";
      pauseButton.disabled = state !== "training";
      resetButton.disabled = state === "idle" || state === "loading";
    }

    // ---- The worker: created on the first Start, with the digits ----
    function load() {
      setState("loading");
      enable();
      status.textContent = "Loading the training digits (about 1 MB)...";
      var root_ = L.staticRoot();
      if (root_ === null && !self[data.global]) {
        return Promise.reject(new Error("this explorer runs on the built site: make book, " +
                                        "then open _build/html"));
      }
      var have = self.CourseSources || {};
      return Promise.all([
        have.convnet_engine && have.convnet_worker ? null : L.loadScript(SOURCES),
        self[data.global] ? null : L.loadScript(root_ + data.data)]).then(function () {
        var sources = self.CourseSources;
        var blob = new Blob([sources.convnet_engine, "\n", sources.convnet_worker],
                            {type: "text/javascript"});
        worker = new Worker(URL.createObjectURL(blob));
        worker.onmessage = function (event) { receive(event.data); };
        worker.onerror = function (event) { failed(new Error(event.message || "worker error")); };
        return ask({type: "init", data: self[data.global], settings: workerSettings()});
      }).then(ready);
    }
    function ready(message) {
      run.steps = []; run.tests = []; run.epochs = []; run.done = null; run.flips = {};
      run.settings = Object.assign({}, settings);
      run.parameters = message.parameters;
      setState("ready");
      changed();
      status.textContent = "Ready: " + settings.filters + " filters of " + settings.kernelSize +
        "x" + settings.kernelSize + ", " + L.count(message.parameters) + " parameters, seed " +
        settings.seed + ". Press Start to train " + settings.epochs + " epochs on " +
        L.count(message.train) + " digits.";
      progress.textContent = "";
      return ask({type: "evaluate"}).then(function (r) { V.errors(errorBox, r.errors, r.totals); })
        .then(refreshViews);
    }
    function failed(err) {
      setState("failed");
      enable();
      L.fail(root, err, "The training explorer stopped");
    }
    function receive(m) {
      if (m.id !== undefined && pending[m.id]) {
        var p = pending[m.id];
        delete pending[m.id];
        if (m.type === "error") { p.reject(new Error(m.message)); } else { p.resolve(m); }
        return;
      }
      if (m.type === "step") {
        run.steps.push({epoch: m.epoch, batch: m.batch, loss: m.loss, accuracy: m.accuracy,
                        seconds: m.seconds, imagesPerSecond: m.imagesPerSecond});
        if (m.testAccuracy !== undefined) { run.tests.push([run.steps.length, m.testAccuracy]); }
        progress.textContent = "epoch " + (m.epoch + 1) + ", batch " + (m.batch + 1) +
          ": batch loss " + m.loss.toFixed(3) + ", " + L.count(Math.round(m.imagesPerSecond)) +
          " images/s";
        scheduleViews();
      } else if (m.type === "epoch") {
        run.epochs.push(m);
        V.errors(errorBox, m.errors, m.totals);
        status.textContent = "Epoch " + m.epoch + " of " + run.settings.epochs + ": test accuracy " +
          m.accuracy.toFixed(3) + " after " + m.seconds.toFixed(1) + " s of training.";
      } else if (m.type === "done") {
        run.done = m;
        setState("done");
        enable();
        var last = run.epochs[run.epochs.length - 1];
        status.textContent = "Trained " + m.epoch + " epochs in " + m.seconds.toFixed(1) +
          " s: test accuracy " + last.accuracy.toFixed(3) + ". Draw a digit for it, or fool it.";
        scheduleViews();
      } else if (m.type === "error") {
        failed(new Error(m.message));
      }
    }

    function start() {
      if (state === "loading" || state === "training") { return null; }
      var more = state === "done", begun = worker ? Promise.resolve() : load();
      return begun.then(function () {
        var s = run.settings;
        setState("training");
        enable();
        L.recover(root);
        status.textContent = more ? "Training one more epoch." : "Training: " + s.epochs +
          " epochs of " + L.count(TRAIN) + " digits, batches of " + s.batchSize + ".";
        return ask({type: "start"});
      }).then(null, failed);
    }
    function pause() {
      if (state !== "training") { return null; }
      return ask({type: "pause"}).then(function (m) {
        setState("paused");
        enable();
        status.textContent = "Paused in epoch " + (m.epoch + 1) + ", batch " + m.batch + ".";
        scheduleViews();
      });
    }
    function reset() {
      if (!worker) { return null; }
      return ask({type: "reset", settings: workerSettings()}).then(ready);
    }

    // ---- Views, redrawn at most every REFRESH_MS while training ----
    var curve = E("canvas", {"class": "live-training-curve", width: 520, height: 220,
                             style: "max-width:100%"});
    var kernelCanvas = E("canvas", {"class": "live-training-kernels"});
    var digitCanvas = E("canvas", {"class": "live-training-digit"});
    var mapCanvas = E("canvas", {"class": "live-training-maps"});
    var mapNote = E("span", {"class": "live-explorer-note"});
    var errorBox = E("div", {"class": "live-training-errors-box"});
    var digitSlider = slider("digit", function (value) { digitIndex = value; refreshViews(); });
    var timer = null, drawing = false, again = false;
    function scheduleViews() {
      if (timer === null) { timer = setTimeout(function () { timer = null; refreshViews(); }, REFRESH_MS); }
    }
    function refreshViews() {
      if (!worker) { return Promise.resolve(); }
      if (drawing) { again = true; return Promise.resolve(); }
      drawing = true;
      V.curve(curve, run.steps, run.tests, planned(run.settings));
      var done = Promise.all([ask({type: "kernels"}), ask({type: "featureMaps", digit: digitIndex})])
        .then(function (replies) {
          var k = replies[0], m = replies[1];
          V.kernels(kernelCanvas, k.weights, k.kernelSize, k.filters, gray);
          testImage = m.image;
          V.digit(digitCanvas, m.image, gray, "test digit " + digitIndex + ", a " + m.label, 84);
          var best = argmax(m.probabilities);
          var blank = V.maps(mapCanvas, m.conv, m.convSide, m.filters, viridis,
                             "test digit " + digitIndex);
          mapNote.textContent = "test digit " + digitIndex + " is a " + m.label + "; the model " +
            "reads " + best + " (" + (100 * m.probabilities[best]).toFixed(1) + " %); " +
            blank + " of " + m.filters + " maps blank";
          return attack();
        }).then(function () {
          updates += 1;
          root.setAttribute("data-updates", String(updates));
        }, failed).then(function () {
          drawing = false;
          if (again) { again = false; return refreshViews(); }
          return null;
        });
      return done;
    }
    function planned(s) {  // the batches a run trains: the curve's x axis
      var epochsDone = run.epochs.length ? run.epochs[run.epochs.length - 1].epoch : 0;
      return Math.max(s.epochs, epochsDone) * Math.ceil(TRAIN / s.batchSize);
    }
    function argmax(values) {
      var best = 0;
      for (var i = 1; i < values.length; i++) { if (values[i] > values[best]) { best = i; } }
      return best;
    }

    // ---- Draw a digit for the model just trained (chapter 4's pad and preparation) ----
    var prepared = L.describe(E("canvas", {"class": "live-digit-prepared",
      style: "width:84px;height:84px"}), "the drawing prepared as MNIST's digits were, 28 by 28");
    var drawBars = D.barBox("live-training-drawn");
    var drawVerdict = L.announce(E("p", {"class": "live-explorer-title live-training-verdict"}));
    var pad = D.createPad(data, L.guard(root, readDrawing));
    var clearButton = button("clear", "clear", function () { pad.clear(); return readDrawing(); });
    var copyButton = button("copy", "put the test digit on the pad", function () {
      if (testImage) { pad.putDigit(testImage); }
      return readDrawing();
    });
    function readDrawing() {
      var prep = pad.read();
      L.paint(prepared, prep.image, 28, 28, 0, 1, gray);
      run.prepared = prep.image;
      if (prep.empty || prep.tooSmall) {
        run.drawn = null;
        drawBars.textContent = "";
        drawVerdict.textContent = pad.why(prep).verdict;
        return source === "drawing" ? attack() : null;
      }
      if (!worker) {
        drawVerdict.textContent = "Train the model first (Start), then it reads your digit.";
        return null;
      }
      return ask({type: "predict", image: Float32Array.from(prep.image)}).then(function (r) {
        run.drawn = r;
        var best = D.bars(drawBars, r.probabilities);
        drawVerdict.textContent = "The model you trained reads " + best + " (" +
          (100 * r.probabilities[best]).toFixed(1) + " %).";
        return source === "drawing" ? attack() : null;
      });
    }

    // ---- Fool it: FGSM on the test digit or the drawing, at the reader's epsilon ----
    var sourceMenu = L.menu("source", "attack", ["the test digit", "your drawing"],
                            "the test digit", function (value) {
                              source = value === "your drawing" ? "drawing" : "test";
                              attack();
                            });
    var epsSlider = slider("epsilon", function (value) { epsilon = value; attack(); });
    var original = E("canvas", {"class": "live-training-original"});
    var noise = E("canvas", {"class": "live-training-perturbation"});
    var attacked = E("canvas", {"class": "live-training-attacked"});
    var before = D.barBox("live-training-before"), after = D.barBox("live-training-after");
    var foolVerdict = L.announce(E("p", {"class": "live-explorer-title live-training-fooled"}));
    var shareLine = L.announce(E("p", {"class": "live-training-share"}));
    var allButton = button("all", "attack all 1,000 test digits at this ε", function () {
      var eps = epsilon;
      shareLine.textContent = "Attacking the 1,000 test digits at ε = " + eps.toFixed(2) + "...";
      return ask({type: "fgsm", epsilon: eps, all: true}).then(function (r) {
        run.flips[eps.toFixed(2)] = r.flips;
        shareLine.textContent = "At ε = " + eps.toFixed(2) + " FGSM fools the model on " +
          (100 * r.flips.share).toFixed(1) + " % of the " + L.count(r.flips.correct) +
          " test digits it reads right (" + r.flips.flipped + " turned wrong).";
      });
    });
    var attacking = false, attackAgain = false;
    function attack() {
      if (!worker || !run.settings) { return Promise.resolve(); }
      if (attacking) { attackAgain = true; return Promise.resolve(); }
      var request = {type: "fgsm", epsilon: epsilon};
      if (source === "drawing") {
        var prep = pad.read();
        if (prep.empty || prep.tooSmall) {
          foolVerdict.textContent = "Draw a digit on the pad to attack it.";
          return Promise.resolve();
        }
        request.image = Float32Array.from(prep.image);
      } else {
        request.digit = digitIndex;
      }
      attacking = true;
      return ask(request).then(function (r) {
        var x = r.example, input = request.image || testImage;
        run.fool = x;
        V.digit(original, input, gray, "the digit before the attack", 84);
        V.perturbation(noise, x.image, input, r.epsilon, rdbu);
        V.digit(attacked, x.image, gray, "the digit after FGSM at epsilon " + r.epsilon.toFixed(2), 84);
        D.bars(before, x.before);
        D.bars(after, x.after);
        var what = source === "drawing" ? "your drawing (read as " + x.label + ")" :
          "test digit " + x.digit + " (a " + x.label + ")";
        foolVerdict.textContent = "ε = " + r.epsilon.toFixed(2) + ", " + what + ": the model " +
          "read " + x.predictedBefore + " (" + (100 * x.before[x.predictedBefore]).toFixed(1) +
          " %), after the attack " + x.predictedAfter + " (" +
          (100 * x.after[x.predictedAfter]).toFixed(1) + " %)" +
          (x.predictedAfter !== x.predictedBefore ? ": fooled." : ".");
      }).then(function () {
        attacking = false;
        if (attackAgain) { attackAgain = false; return attack(); }
        return null;
      }, function (err) { attacking = false; failed(err); });
    }

    // ---- Layout ----
    function panel(title, node) {  // never wider than the explorer (a phone's 320 pixels)
      return E("div", {"class": "live-explorer-panel", style: "max-width:100%"},
               [E("span", {text: title}), node]);
    }
    function seedRow() {
      return E("label", {"class": "live-explorer-field"}, [E("span", {text: "seed"}), seedInput]);
    }
    function section(title, children) {
      return E("section", {"class": "live-training-section", "aria-label": title},
               [E("p", {"class": "live-explorer-title", text: title})].concat(children));
    }
    root.appendChild(E("div", {"class": "live-explorer-title",
      text: "Train chapter 4's convnet in this page (Conv2D, ReLU, max pooling, dense, softmax)"}));
    root.appendChild(E("div", {"class": "live-explorer-controls"}, [
      filters.row, kernelSize.row, rate.row, batch.row, epochs.row, seedRow()]));
    root.appendChild(E("div", {"class": "live-explorer-controls"},
                       [startButton, pauseButton, resetButton]));
    root.appendChild(status);
    root.appendChild(progress);
    root.appendChild(note);
    root.appendChild(E("div", {"class": "live-explorer-panels"}, [
      panel("loss and test accuracy, per batch", curve),
      panel("first-layer kernels", kernelCanvas), panel("test errors by class", errorBox)]));
    root.appendChild(E("div", {"class": "live-explorer-controls"}, [digitSlider.row]));
    root.appendChild(E("div", {"class": "live-explorer-panels"}, [
      panel("test digit", digitCanvas), panel("its feature maps after ReLU", mapCanvas)]));
    root.appendChild(mapNote);
    root.appendChild(section("Draw a digit for the model you trained", [
      E("div", {"class": "live-explorer-controls"}, [clearButton, copyButton]),
      E("div", {"class": "live-explorer-panels"}, [
        panel("draw here (or focus it and use the keys)", pad.stage),
        panel("prepared, 28x28", prepared), panel("probabilities", drawBars)]),
      drawVerdict]));
    root.appendChild(section("Fool it: the fast gradient sign method (FGSM)", [
      E("div", {"class": "live-explorer-controls"}, [sourceMenu.row, epsSlider.row, allButton]),
      E("div", {"class": "live-explorer-panels"}, [
        panel("before", original), panel("perturbation", noise), panel("after", attacked),
        panel("probabilities before", before), panel("probabilities after", after)]),
      foolVerdict, shareLine]));
    V.curve(curve, [], [], planned(settings));
    [[kernelCanvas, "the first layer's kernels"], [digitCanvas, "the chosen test digit"],
     [mapCanvas, "its feature maps"], [original, "the digit before the attack"],
     [noise, "FGSM's perturbation"], [attacked, "the digit after the attack"]]
      .forEach(function (view) { L.describe(view[0], view[1] + ": not drawn until you press Start"); });
    setState("idle");
    enable();
  }

  L.kinds.training_explorer = L.guardKind(build);
})();
