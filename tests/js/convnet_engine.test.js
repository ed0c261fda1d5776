// The in-browser convnet engine on its own, under Node's built-in test runner:
//   node --test tests/js/
// Shapes, a finite-difference check of every gradient, seeded runs that repeat, settings that
// are refused, the data format, and the worker's protocol. (Its agreement with Keras is
// tests/test_convnet_engine.py's.)
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const zlib = require("node:zlib");

const JS = path.join(__dirname, "..", "..", "course_utils", "site", "js");
const E = require(path.join(JS, "convnet_engine.js"));

function fakeDigits(count, seed) {  // uint8 "digits": a random blob on a black background
  const random = E.randomGenerator(seed), images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    for (let r = 6 + labels[i]; r < 14 + labels[i]; r++) {
      for (let c = 8; c < 20; c++) { images[i * 784 + r * 28 + c] = Math.floor(random() * 256); }
    }
  }
  return {trainImages: images, trainLabels: labels, testImages: images.slice(0, 20 * 784),
          testLabels: labels.slice(0, 20)};
}

test("shapes follow the settings, in Keras's layout", () => {
  for (const [filters, k, side, pooled] of [[4, 3, 26, 13], [8, 5, 24, 12], [16, 3, 26, 13]]) {
    const model = E.createModel({filters: filters, kernelSize: k});
    assert.equal(model.params.convKernel.length, k * k * 1 * filters);
    assert.equal(model.params.convBias.length, filters);
    assert.equal(model.params.denseKernel.length, pooled * pooled * filters * 10);
    assert.deepEqual(Array.from(model.params.denseBias), new Array(10).fill(0));
    const limit = Math.sqrt(6 / (k * k + k * k * filters));  // Glorot uniform
    assert.ok(model.params.convKernel.every((w) => Math.abs(w) <= limit));
    const x = new Float32Array(3 * 784).map((_, i) => (i % 7) / 7);
    const b = E.forward(model, x, 3);
    assert.equal(b.a.length, 3 * side * side * filters);
    assert.equal(b.p.length, 3 * pooled * pooled * filters);
    for (let i = 0; i < 3; i++) {
      const sum = b.probs.subarray(i * 10, i * 10 + 10).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(sum - 1) < 1e-6);
    }
  }
});

test("every gradient matches finite differences of the loss", () => {
  const model = E.createModel({filters: 4, kernelSize: 3, seed: 7});
  const random = E.randomGenerator(3), n = 2, labels = Uint8Array.of(3, 8);
  const x = new Float32Array(n * 784).map(() => random());
  model.params.convBias.set([0.05, -0.02, 0.1, 0.03]);
  const loss = () => E.crossEntropy(E.forward(model, x, n), labels, n);
  const grads = E.zeroGradients(model);
  const dX = E.backward(model, E.forward(model, x, n), labels, n, grads, true).slice();
  const h = 3e-4;
  function numeric(values, i) {  // central difference (float32 weights: not too small a step)
    const kept = values[i];
    values[i] = kept + h; const up = loss();
    values[i] = kept - h; const down = loss();
    values[i] = kept;
    return (up - down) / (2 * h);
  }
  const checked = {};
  for (const [name, values, grad] of [
    ["convKernel", model.params.convKernel, grads.convKernel],
    ["convBias", model.params.convBias, grads.convBias],
    ["denseKernel", model.params.denseKernel, grads.denseKernel],
    ["denseBias", model.params.denseBias, grads.denseBias],
    ["input", x, dX]]) {
    // The largest gradients of each array (where a kink of ReLU or max is least likely near).
    const order = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]) - Math.abs(grad[a]));
    for (const i of order.slice(0, 6)) {
      const fd = numeric(values, i);
      assert.ok(Math.abs(fd - grad[i]) <= 1e-3 + 0.02 * Math.abs(grad[i]),
                `${name}[${i}]: backward ${grad[i]}, finite difference ${fd}`);
    }
    checked[name] = Math.abs(grad[order[0]]);
  }
  assert.ok(Object.values(checked).every((g) => g > 1e-4), JSON.stringify(checked));
});

test("a reset with the same seed repeats the run; another seed does not", () => {
  const data = fakeDigits(100, 1), settings = {batchSize: 16, seed: 42, learningRate: 0.01};
  const run = (s) => {
    const trainer = E.createTrainer(data, s), losses = [];
    for (let i = 0; i < 12; i++) { losses.push(trainer.step().loss); }  // crosses an epoch
    return {losses, kernel: Array.from(trainer.model.params.convKernel), epoch: trainer.epoch};
  };
  const first = run(settings), again = run(settings);
  assert.deepEqual(again, first);
  assert.equal(first.epoch, 1);
  assert.ok(first.losses[11] < first.losses[0], "the loss fell");
  assert.notDeepEqual(run(Object.assign({}, settings, {seed: 43})).losses, first.losses);
});

test("settings outside the controls are refused", () => {
  for (const bad of [{filters: 6}, {filters: "8"}, {kernelSize: 4}, {learningRate: 0},
    {learningRate: NaN}, {learningRate: 2}, {batchSize: 0}, {batchSize: 2.5}, {seed: -1},
    {seed: 1.5}, {seed: 2 ** 32}]) {
    assert.throws(() => E.createModel(bad), RangeError, JSON.stringify(bad));
  }
  assert.equal(E.checkSettings({}).filters, 8);
  const mismatched = {trainImages: new Uint8Array(10), trainLabels: new Uint8Array(2)};
  assert.throws(() => E.createTrainer(mismatched), RangeError);
});

test("the data format unpacks to the bytes that were packed", async () => {
  const data = fakeDigits(30, 2), test = data.testLabels.length;
  const bytes = Buffer.concat([data.trainImages, data.trainLabels, data.testImages,
                               data.testLabels]);
  const packed = {train: 30, test: test, gzipBase64: zlib.gzipSync(bytes).toString("base64")};
  const out = await E.unpackTrainingData(packed);
  assert.deepEqual(out.trainImages, data.trainImages);
  assert.deepEqual(out.testLabels, data.testLabels);
  await assert.rejects(E.unpackTrainingData(Object.assign({}, packed, {train: 31})), RangeError);
});

test("FGSM moves every pixel by epsilon (or to the clip) and raises the loss", () => {
  const data = fakeDigits(40, 5);
  const trainer = E.createTrainer(data, {learningRate: 0.01, batchSize: 8});
  for (let i = 0; i < 20; i++) { trainer.step(); }
  const n = 10, x = E.toUnit(data.trainImages, null, n, new Float32Array(n * 784));
  const labels = data.trainLabels.slice(0, n), adv = E.fgsm(trainer.model, x, labels, n, 0.1);
  for (let p = 0; p < adv.length; p++) {
    const moved = Math.abs(adv[p] - x[p]);
    assert.ok(adv[p] >= 0 && adv[p] <= 1 && (moved < 1e-6 || Math.abs(moved - 0.1) < 1e-6 ||
              adv[p] === 0 || adv[p] === 1));
  }
  const before = E.crossEntropy(E.forward(trainer.model, x, n), labels, n);
  const after = E.crossEntropy(E.forward(trainer.model, adv, n), labels, n);
  assert.ok(after > before, `loss ${before} -> ${after}`);
});

// The worker in a sandbox standing in for a Web Worker's global scope.
function startWorker() {
  const messages = [];
  const scope = {postMessage: (m) => messages.push(m), setTimeout, performance, console, atob,
                 Blob, Response, DecompressionStream};
  scope.self = scope;
  vm.createContext(scope);
  for (const file of ["convnet_engine.js", "convnet_worker.js"]) {
    vm.runInContext(fs.readFileSync(path.join(JS, file), "utf8"), scope, {filename: file});
  }
  const send = (request) => scope.onmessage({data: request});
  const until = async (check) => {
    for (let i = 0; i < 2000 && !check(); i++) { await new Promise((r) => setTimeout(r, 2)); }
    assert.ok(check(), "timed out; messages: " + JSON.stringify(messages.slice(-3)));
  };
  return {messages, send, until, of: (type) => messages.filter((m) => m.type === type)};
}

test("the worker answers its protocol", async () => {
  const w = startWorker(), data = fakeDigits(64, 3);
  w.send({type: "kernels", id: 1});
  await w.until(() => w.of("error").length === 1);
  assert.match(w.of("error")[0].message, /init first/);
  w.send({type: "init", id: 2, data, settings: {batchSize: 16, seed: 5, epochs: 2}});
  await w.until(() => w.of("ready").length === 1);
  assert.equal(w.of("ready")[0].id, 2);
  assert.equal(w.of("ready")[0].parameters, 3 * 3 * 8 + 8 + 13 * 13 * 8 * 10 + 10);
  w.send({type: "start"});
  await w.until(() => w.of("done").length === 1);
  const steps = w.of("step");
  assert.equal(steps.length, 8);  // 2 epochs of 4 batches
  assert.equal(w.of("epoch").length, 2);
  assert.equal(w.of("epoch")[1].errors.length, 10);
  // A reset repeats the run exactly.
  w.send({type: "reset"});
  await w.until(() => w.of("ready").length === 2);
  w.send({type: "start"});
  await w.until(() => w.of("done").length === 2);
  assert.deepEqual(w.of("step").slice(8).map((s) => s.loss), steps.map((s) => s.loss));
  // Everything the page asks for between batches.
  for (const request of [{type: "kernels"}, {type: "featureMaps", digit: 3},
    {type: "evaluate"}, {type: "predict", image: new Float32Array(784).fill(0.5)},
    {type: "fgsm", epsilon: 0.2, digit: 1, all: true}]) { w.send(request); }
  await w.until(() => w.of("fgsm").length === 1);
  assert.equal(w.of("kernels")[0].weights.length, 72);
  const maps = w.of("featureMaps")[0];
  assert.equal(maps.conv.length, 26 * 26 * 8);
  assert.equal(maps.label, data.testLabels[3]);
  assert.equal(w.of("evaluation")[0].confusion.length, 100);
  assert.ok(w.of("prediction")[0].predicted >= 0);
  const fgsm = w.of("fgsm")[0];
  assert.equal(fgsm.example.image.length, 784);
  assert.ok(fgsm.flips.share >= 0 && fgsm.flips.share <= 1);
  // Pausing stops the steps; bad requests are answered with errors, the state kept.
  w.send({type: "reset", settings: {filters: 4, kernelSize: 5, batchSize: 8}});
  w.send({type: "start"});
  await w.until(() => w.of("step").length > 20);
  w.send({type: "pause"});
  await w.until(() => w.of("paused").length === 1);
  const count = w.messages.length;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(w.messages.length, count);
  w.send({type: "reset", settings: {filters: 5}});
  w.send({type: "fgsm", epsilon: 3});
  w.send({type: "featureMaps", digit: 999});
  w.send({type: "fly"});
  await w.until(() => w.of("error").length === 5);
  w.send({type: "kernels"});
  await w.until(() => w.of("kernels").length === 2);
  assert.equal(w.of("kernels")[1].kernelSize, 5);
});

test("the worker measures test accuracy every few batches, gives its weights and attacks "
     + "any image", async () => {
  const w = startWorker(), data = fakeDigits(64, 3);
  w.send({type: "init", data, settings: {batchSize: 16, seed: 5, epochs: 2, evaluateEvery: 3}});
  await w.until(() => w.of("ready").length === 1);
  assert.equal(w.of("ready")[0].settings.evaluateEvery, 3);
  w.send({type: "start"});
  await w.until(() => w.of("done").length === 1);
  // 8 batches: measured after batches 3 and 6, and at each epoch's end (4 and 8).
  assert.deepEqual(w.of("step").map((s) => s.testAccuracy !== undefined),
                   [false, false, true, true, false, true, false, true]);
  assert.equal(w.of("step")[7].testAccuracy, w.of("epoch")[1].accuracy);
  w.send({type: "weights"});
  const image = new Float32Array(784).fill(0.3);
  w.send({type: "fgsm", epsilon: 0.1, image});
  w.send({type: "fgsm", epsilon: 0.1, image, label: 4});
  w.send({type: "fgsm", epsilon: 0.1, image, label: 12});
  await w.until(() => w.of("fgsm").length === 2 && w.of("error").length === 1);
  const weights = w.of("weights")[0];
  assert.deepEqual(Array.from(weights.weights, (v) => v.length), [72, 8, 13 * 13 * 8 * 10, 10]);
  assert.equal(weights.epoch, 2);
  const [guessed, given] = w.of("fgsm");
  assert.equal(guessed.example.digit, null);
  assert.equal(guessed.example.label, guessed.example.predictedBefore);
  assert.equal(given.example.label, 4);
  assert.match(w.of("error")[0].message, /label must be a digit/);
  w.send({type: "reset", settings: {evaluateEvery: 0}});
  await w.until(() => w.of("error").length === 2);
  assert.match(w.of("error")[1].message, /evaluateEvery/);
});
