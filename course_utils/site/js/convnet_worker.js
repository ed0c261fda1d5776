// The Web Worker that trains the in-browser convnet (convnet_engine.js), so that the page stays
// responsive. The engine must be defined first: build the worker from a Blob URL of the
// engine's source followed by this file's (works from file:// too), or importScripts the
// engine before this file.
//
// Protocol. Every request is {type, id?, ...}; every reply echoes the request's id (when there
// is one) and has a type of its own. Arrays of pixels are Float32Array(784) in [0, 1], row
// after row; feature maps are channels_last (row, column, filter).
//
//   page -> worker                          worker -> page
//   {type:"init", data, settings}           {type:"ready", settings, train, test, parameters}
//     data: the object the data script sets (self.ConvnetTrainingData), or its unpacked form
//     {trainImages, trainLabels, testImages, testLabels} (Uint8Arrays, 784 bytes an image).
//     settings: {filters: 4|8|16, kernelSize: 3|5, learningRate, batchSize, seed} (missing
//     ones take ConvnetEngine.DEFAULTS), plus epochs: stop after that many (default: never),
//     and evaluateEvery: also measure the test accuracy every that many batches (default:
//     only after each epoch).
//   {type:"start"}                          {type:"started"}, then while it trains:
//                                           {type:"step", epoch, batch, seen, loss, accuracy,
//                                            seconds, imagesPerSecond, testAccuracy?}  after
//                                             every batch (loss and accuracy of that batch;
//                                             seconds of training so far, pauses and test
//                                             evaluations excluded; testAccuracy on the test
//                                             digits every evaluateEvery batches)
//                                           {type:"epoch", epoch, seconds, accuracy, errors,
//                                            totals}  after every epoch, on the test digits
//                                             (errors[c]: test digits of class c misread)
//                                           {type:"done", epoch, seconds}  at settings.epochs
//   {type:"pause"}                          {type:"paused", epoch, batch, seen, seconds}
//   {type:"reset", settings?}               {type:"ready", ...}: new weights from the seed, so
//                                             the same seed and settings repeat the same run
//   {type:"kernels"}                        {type:"kernels", kernelSize, filters, weights}
//                                             weights: Float32Array (k, k, 1, F), HWIO
//   {type:"weights"}                        {type:"weights", settings, epoch, weights}
//                                             weights: the four Float32Arrays in Keras's
//                                             get_weights() order (convnet_engine.js)
//   {type:"featureMaps", digit | image}     {type:"featureMaps", conv, pooled, probabilities,
//     digit: a test digit's index              convSide, poolSide, filters, label, image}
//   {type:"evaluate"}                       {type:"evaluation", accuracy, errors, totals,
//                                            confusion}  (confusion[true * 10 + predicted])
//   {type:"predict", image}                 {type:"prediction", probabilities, predicted}
//   {type:"fgsm", epsilon, digit?, all?}    {type:"fgsm", epsilon, example?, flips?}
//     digit: attack that test digit: example = {digit, label, image (the attacked digit),
//            before, after (probabilities), predictedBefore, predictedAfter}
//     or image (784 values) and label? (default: the class the model reads): attack it
//            (example.digit is null)
//     all: attack every test digit: flips = {correct, flipped, share}: of the test digits read
//          right, how many FGSM at epsilon makes wrong
//   anything that fails                     {type:"error", request, message}
(function (scope) {
  "use strict";
  var E = scope.ConvnetEngine;
  if (!E) { throw new Error("convnet_worker.js needs convnet_engine.js loaded first"); }
  var SLICE_MS = 50;  // train this long, then let waiting messages (pause...) in
  var data = null, trainer = null, running = false, scheduled = false, epochs = null, trained = 0;
  var evaluateEvery = null, batches = 0;
  var now = typeof performance !== "undefined" ? function () { return performance.now(); }
                                                : Date.now;

  // Yield to the message queue without setTimeout's 4 ms clamp where MessageChannel exists.
  var later = function (f) { setTimeout(f, 0); };
  if (typeof MessageChannel === "function") {
    var channel = new MessageChannel(), waiting = null;
    channel.port1.onmessage = function () { var f = waiting; waiting = null; f(); };
    later = function (f) { waiting = f; channel.port2.postMessage(null); };
  }
  function schedule() {  // at most one training slice waiting at any time
    if (!scheduled) { scheduled = true; later(function () { scheduled = false; train(); }); }
  }

  function reply(request, message) {
    if (request && request.id !== undefined) { message.id = request.id; }
    scope.postMessage(message);
  }

  function build(settings) {
    var s = Object.assign({}, settings || {});
    var stopAt = s.epochs === undefined || s.epochs === null ? null : s.epochs;
    var every = s.evaluateEvery === undefined ? null : s.evaluateEvery;
    delete s.epochs;
    delete s.evaluateEvery;
    if (stopAt !== null && !(Number.isInteger(stopAt) && stopAt >= 1)) {
      throw new RangeError("epochs must be an integer >= 1, got " + stopAt);
    }
    if (every !== null && !(Number.isInteger(every) && every >= 1)) {
      throw new RangeError("evaluateEvery must be an integer >= 1, got " + every);
    }
    var next = E.createTrainer(data, s);  // checks the settings before anything changes
    running = false; trainer = next; epochs = stopAt; trained = 0; evaluateEvery = every;
    batches = 0;
    var p = trainer.model.params, parameters = 0;
    E.PARAMS.forEach(function (name) { parameters += p[name].length; });
    var settingsOut = Object.assign({epochs: epochs, evaluateEvery: evaluateEvery},
                                    trainer.settings);
    return {type: "ready", settings: settingsOut, train: data.trainLabels.length,
            test: data.testLabels.length, parameters: parameters};
  }

  function testDigit(index) {
    if (!Number.isInteger(index) || index < 0 || index >= data.testLabels.length) {
      throw new RangeError("digit must be a test digit's index, 0 to " +
                           (data.testLabels.length - 1));
    }
    return E.toUnit(data.testImages, [index], 1, new Float32Array(E.SIDE * E.SIDE));
  }

  function image(request) {
    if (request.digit !== undefined) { return testDigit(request.digit); }
    var x = request.image;
    if (!x || x.length !== E.SIDE * E.SIDE) { throw new RangeError("image must hold 784 values"); }
    return Float32Array.from(x);
  }

  function argmax(values) {
    var best = 0;
    for (var i = 1; i < values.length; i++) { if (values[i] > values[best]) { best = i; } }
    return best;
  }

  function train() {  // one slice of batches, then yield
    if (!running) { return; }
    var started = now(), finished = false;
    while (running && now() - started < SLICE_MS) {
      var t0 = now(), step = trainer.step();
      trained += (now() - t0) / 1000;
      batches += 1;
      var message = {type: "step", epoch: step.epoch, batch: step.batch, seen: trainer.seen,
                     loss: step.loss, accuracy: step.accuracy, seconds: trained,
                     imagesPerSecond: trainer.seen / trained};
      var result = step.epochEnd || (evaluateEvery !== null && batches % evaluateEvery === 0) ?
        E.evaluate(trainer.model, data.testImages, data.testLabels) : null;
      if (result) { message.testAccuracy = result.accuracy; }
      scope.postMessage(message);
      if (step.epochEnd) {
        scope.postMessage({type: "epoch", epoch: trainer.epoch, seconds: trained,
                           accuracy: result.accuracy, errors: result.errors,
                           totals: result.totals});
        if (epochs !== null && trainer.epoch >= epochs) { finished = true; running = false; }
      }
    }
    if (finished) { scope.postMessage({type: "done", epoch: trainer.epoch, seconds: trained}); }
    if (running) { schedule(); }
  }

  var handlers = {
    init: function (request) {
      var packed = request.data || {};
      var unpacked = packed.gzipBase64 ? E.unpackTrainingData(packed) : Promise.resolve(packed);
      return unpacked.then(function (d) {
        if (!d.trainImages || !d.trainLabels || !d.testImages || !d.testLabels) {
          throw new TypeError("init needs data: the training data script's object, or " +
                              "{trainImages, trainLabels, testImages, testLabels}");
        }
        var previous = data;
        data = d;
        try { return build(request.settings); } catch (err) { data = previous; throw err; }
      });
    },
    start: function () {
      if (!running) { running = true; schedule(); }
      return {type: "started"};
    },
    pause: function () {
      running = false;
      return {type: "paused", epoch: trainer.epoch, batch: trainer.batch, seen: trainer.seen,
              seconds: trained};
    },
    reset: function (request) {
      return build(request.settings || Object.assign({epochs: epochs,
                                                      evaluateEvery: evaluateEvery},
                                                     trainer.settings));
    },
    weights: function () {
      var p = trainer.model.params;
      return {type: "weights", settings: trainer.settings, epoch: trainer.epoch,
              weights: E.PARAMS.map(function (name) { return p[name].slice(); })};
    },
    kernels: function () {
      var m = trainer.model;
      return {type: "kernels", kernelSize: m.kernelSize, filters: m.filters,
              weights: m.params.convKernel.slice()};
    },
    featureMaps: function (request) {
      var x = image(request), maps = E.featureMaps(trainer.model, x);
      maps.type = "featureMaps";
      maps.image = x;
      maps.label = request.digit !== undefined ? data.testLabels[request.digit] : null;
      return maps;
    },
    evaluate: function () {
      var r = E.evaluate(trainer.model, data.testImages, data.testLabels);
      return {type: "evaluation", accuracy: r.accuracy, errors: r.errors, totals: r.totals,
              confusion: r.confusion};
    },
    predict: function (request) {
      var probabilities = E.featureMaps(trainer.model, image(request)).probabilities;
      return {type: "prediction", probabilities: probabilities, predicted: argmax(probabilities)};
    },
    fgsm: function (request) {
      var eps = request.epsilon;
      if (typeof eps !== "number" || !(eps >= 0 && eps <= 1)) {
        throw new RangeError("epsilon must be a number in [0, 1], got " + eps);
      }
      var out = {type: "fgsm", epsilon: eps};
      if (request.digit !== undefined || request.image !== undefined) {
        var x = image(request), label = request.digit !== undefined ?
          data.testLabels[request.digit] : request.label;
        if (label === undefined || label === null) {
          label = argmax(E.featureMaps(trainer.model, x).probabilities);
        }
        if (!(Number.isInteger(label) && label >= 0 && label < E.CLASSES)) {
          throw new RangeError("label must be a digit from 0 to 9, got " + label);
        }
        var attacked = E.fgsm(trainer.model, x, Uint8Array.of(label), 1, eps);
        var before = E.featureMaps(trainer.model, x).probabilities;
        var after = E.featureMaps(trainer.model, attacked).probabilities;
        out.example = {digit: request.digit === undefined ? null : request.digit, label: label, image: attacked, before: before,
                       after: after, predictedBefore: argmax(before),
                       predictedAfter: argmax(after)};
      }
      if (request.all) {
        out.flips = E.fgsmFlips(trainer.model, data.testImages, data.testLabels, eps);
      }
      return out;
    }
  };

  scope.onmessage = function (event) {
    var request = event.data || {};
    try {
      var handler = handlers[request.type];
      if (!handler) { throw new TypeError("unknown request type " + JSON.stringify(request.type)); }
      if (request.type !== "init" && !trainer) { throw new Error("send init first"); }
      Promise.resolve(handler(request)).then(function (message) { reply(request, message); },
                                             function (err) { fail(request, err); });
    } catch (err) { fail(request, err); }
  };

  function fail(request, err) {
    reply(request, {type: "error", request: request.type,
                    message: String(err && err.message || err)});
  }
}(typeof self !== "undefined" ? self : this));
