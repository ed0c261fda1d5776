#!/usr/bin/env node
// Runs the browser's convnet engine (js/convnet_engine.js) under Node, for the checks against
// Keras (tests/test_convnet_engine.py) and the benchmark (engine_benchmark.py). Each command
// prints one JSON object on stdout.
//
//   node convnet_node.js compare REFERENCE.json
//       REFERENCE.json: {"cases": [...]} written by tests/test_convnet_engine.py, each case with
//       the settings, Keras's weights (get_weights() order), a batch and what Keras computed
//       (feature maps, probabilities, loss, every gradient, FGSM images, Adam applying given
//       gradients, train_on_batch steps). Prints the
//       largest difference of each quantity; exits 1 when one exceeds the tolerance
//       (|engine - keras| <= 1e-5 * max(1, |keras|)).
//   node convnet_node.js train DATA.js SETTINGS_JSON EPOCHS [EPSILONS] [WEIGHTS_OUT]
//       trains on DATA.js (training_data.py's file) for EPOCHS epochs, evaluates on its test
//       digits, runs FGSM at each of the comma-separated EPSILONS, writes the weights as JSON.
//   node convnet_node.js bench DATA.js SETTINGS_JSON IMAGES
//       times training on IMAGES images (after one warm-up batch); prints images per second.
"use strict";
var fs = require("fs");
var path = require("path");
var vm = require("vm");
var E = require(path.join(__dirname, "js", "convnet_engine.js"));

var TOLERANCE = 1e-5;

function loadData(file) {  // the data script sets self.ConvnetTrainingData, as in the page
  var sandbox = {self: {}};
  vm.runInNewContext(fs.readFileSync(file, "utf8"), sandbox, {filename: file});
  return E.unpackTrainingData(sandbox.self.ConvnetTrainingData);
}

function maxDifference(engine, keras) {  // largest |a - b| / max(1, |b|), and the largest |a - b|
  var worst = 0, worstAbs = 0;
  if (engine.length !== keras.length) { return {scaled: Infinity, abs: Infinity}; }
  for (var i = 0; i < keras.length; i++) {
    var d = Math.abs(engine[i] - keras[i]);
    worstAbs = Math.max(worstAbs, d);
    worst = Math.max(worst, d / Math.max(1, Math.abs(keras[i])));
  }
  return {scaled: worst, abs: worstAbs};
}

function compareCase(c) {
  var model = E.createModel(c.settings), n = c.labels.length, report = {};
  var x = Float32Array.from(c.x), labels = Uint8Array.from(c.labels);
  function check(name, engine, keras) { report[name] = maxDifference(engine, keras); }
  E.setWeights(model, c.weights);
  // Forward: the feature maps after the ReLU and the pooling, the probabilities, the loss.
  var b = E.forward(model, x, n);
  check("conv_relu", b.a, c.expected.conv);
  check("pooled", b.p, c.expected.pooled);
  check("probabilities", b.probs, c.expected.probabilities);
  check("loss", [E.crossEntropy(b, labels, n)], [c.expected.loss]);
  // Backward: every weight's gradient and the input's.
  var grads = E.zeroGradients(model), dX = E.backward(model, b, labels, n, grads, true);
  E.PARAMS.forEach(function (name, i) { check("grad_" + name, grads[name], c.expected.grads[i]); });
  check("grad_input", dX, c.expected.inputGrad);
  // FGSM, then the optimizer: Keras's train_on_batch, step after step, from the same weights.
  c.expected.fgsm.forEach(function (attack) {
    check("fgsm_" + attack.epsilon, E.fgsm(model, x, labels, n, attack.epsilon), attack.x);
  });
  // The optimizer alone: Keras's Adam applying given gradients, two steps.
  var alone = E.createModel(c.settings);
  var aloneAdam = E.createAdam(alone, c.expected.adamAlone.learningRate);
  E.setWeights(alone, c.weights);
  c.expected.adamAlone.updates.forEach(function (update, s) {
    var given = E.zeroGradients(alone);
    E.PARAMS.forEach(function (name, i) { given[name].set(update.grads[i]); });
    E.adamStep(aloneAdam, alone.params, given);
    E.PARAMS.forEach(function (name, i) {
      check("adam" + (s + 1) + "_" + name, alone.params[name], update.weights[i]);
    });
  });
  // Whole training steps: forward, backward and Adam, as Keras's train_on_batch.
  var adam = E.createAdam(model, c.expected.learningRate);
  c.expected.steps.forEach(function (step, s) {
    var sx = Float32Array.from(step.x), sl = Uint8Array.from(step.labels), m = sl.length;
    var sb = E.forward(model, sx, m);
    check("step" + (s + 1) + "_loss", [E.crossEntropy(sb, sl, m)], [step.loss]);
    E.backward(model, sb, sl, m, grads, false);
    E.adamStep(adam, model.params, grads);
    E.PARAMS.forEach(function (name, i) {
      check("step" + (s + 1) + "_" + name, model.params[name], step.weights[i]);
    });
  });
  return report;
}

function compare(file) {
  var cases = JSON.parse(fs.readFileSync(file, "utf8")).cases, failed = [], out = {};
  cases.forEach(function (c) {
    var report = compareCase(c);
    Object.keys(report).forEach(function (key) {
      if (!(report[key].scaled <= TOLERANCE)) { failed.push(c.name + ": " + key); }
    });
    out[c.name] = report;
  });
  console.log(JSON.stringify({tolerance: TOLERANCE, cases: out, failed: failed}));
  return failed.length ? 1 : 0;
}

function weightsOf(model) {
  return E.PARAMS.map(function (name) { return Array.from(model.params[name]); });
}

function train(dataFile, settingsJson, epochs, epsilons, weightsOut) {
  return loadData(dataFile).then(function (data) {
    var trainer = E.createTrainer(data, JSON.parse(settingsJson)), losses = [];
    var started = process.hrtime.bigint();
    while (trainer.epoch < Number(epochs)) {
      var step = trainer.step();
      if (step.epochEnd) { losses.push(step.loss); }
    }
    var seconds = Number(process.hrtime.bigint() - started) / 1e9;
    var result = E.evaluate(trainer.model, data.testImages, data.testLabels);
    var out = {settings: trainer.settings, epochs: Number(epochs), seconds: seconds,
               imagesPerSecond: trainer.seen / seconds, testAccuracy: result.accuracy,
               errors: result.errors, lastBatchLoss: losses,
               predicted: Array.from(result.predicted), fgsm: []};
    (epsilons ? epsilons.split(",") : []).forEach(function (eps) {
      out.fgsm.push(E.fgsmFlips(trainer.model, data.testImages, data.testLabels, Number(eps)));
    });
    if (weightsOut) { fs.writeFileSync(weightsOut, JSON.stringify(weightsOf(trainer.model))); }
    console.log(JSON.stringify(out));
    return 0;
  });
}

function bench(dataFile, settingsJson, images) {
  return loadData(dataFile).then(function (data) {
    var trainer = E.createTrainer(data, JSON.parse(settingsJson));
    trainer.step();  // warm-up
    var seen = trainer.seen, started = process.hrtime.bigint();
    while (trainer.seen - seen < Number(images)) { trainer.step(); }
    var seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify({images: trainer.seen - seen, seconds: seconds,
                                imagesPerSecond: (trainer.seen - seen) / seconds}));
    return 0;
  });
}

var args = process.argv.slice(2), commands = {compare: compare, train: train, bench: bench};
if (!commands[args[0]]) {
  console.error("usage: convnet_node.js compare REF.json | train DATA.js SETTINGS EPOCHS " +
                "[EPSILONS] [WEIGHTS_OUT] | bench DATA.js SETTINGS IMAGES");
  process.exit(2);
}
Promise.resolve(commands[args[0]].apply(null, args.slice(1))).then(function (code) {
  process.exitCode = code;
}, function (err) {
  console.error(err && err.stack || err);
  process.exitCode = 1;
});
