// A small convnet that trains in the reader's browser: chapter 4's model with its backward pass
// written out, as chapter 1 writes convolution out in NumPy. Plain ES2017, no dependencies:
// a classic script (page or Web Worker) gets `self.ConvnetEngine`; Node gets `module.exports`.
//
// The model, on 28x28x1 digits scaled to [0, 1] (Keras: Conv2D(F, k, activation="relu") ->
// MaxPooling2D(2) -> Flatten() -> Dense(10, activation="softmax")):
//
//   x (28, 28, 1) --conv kxk, F filters, 'valid'--> z (C, C, F), C = 29 - k
//     --ReLU--> a (C, C, F) --max 2x2--> p (P, P, F), P = floor(C / 2)
//     --flatten--> (P*P*F) --dense--> logits (10) --softmax--> probabilities (10)
//
// Every array is a flat Float32Array in Keras's channels_last order, so Keras's weights load
// as they are (model.get_weights() order):
//   convKernel  (k, k, 1, F)   HWIO: element [di][dj][0][f] at (di * k + dj) * F + f
//   convBias    (F)
//   denseKernel (P*P*F, 10)    (in, out): element [i][o] at i * 10 + o; input i is the
//                              flattened (row, column, filter) = (r * P + c) * F + f, Keras's
//                              Flatten order for channels_last
//   denseBias   (10)
// A batch of n images is n * 784 values, image after image, row after row.
//
// The loss is the mean softmax cross-entropy over the batch; the optimizer is Keras 3's Adam
// with its defaults (beta_1 0.9, beta_2 0.999, epsilon 1e-7 added to sqrt(v) after the bias
// correction has been folded into the step size), so one step here is one step there.
(function (root, factory) {
  "use strict";
  var engine = factory();
  if (typeof module === "object" && module.exports) { module.exports = engine; }
  else { root.ConvnetEngine = engine; }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var SIDE = 28, PIXELS = SIDE * SIDE, CLASSES = 10, POOL = 2;
  var PARAMS = ["convKernel", "convBias", "denseKernel", "denseBias"];  // get_weights() order
  var CHOICES = {filters: [4, 8, 16], kernelSize: [3, 5]};
  var DEFAULTS = {filters: 8, kernelSize: 3, learningRate: 0.005, batchSize: 32, seed: 1};
  var f32 = Math.fround;

  // ---- Settings: what the reader may choose, checked before anything is built ----

  function checkSettings(settings) {
    var s = Object.assign({}, DEFAULTS, settings || {});
    Object.keys(CHOICES).forEach(function (name) {
      if (CHOICES[name].indexOf(s[name]) < 0) {
        throw new RangeError(name + " must be one of " + CHOICES[name].join(", ") +
                             ", got " + s[name]);
      }
    });
    if (typeof s.learningRate !== "number" || !(s.learningRate > 0 && s.learningRate <= 1)) {
      throw new RangeError("learningRate must be a number in (0, 1], got " + s.learningRate);
    }
    if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 1024) {
      throw new RangeError("batchSize must be an integer from 1 to 1024, got " + s.batchSize);
    }
    if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff) {
      throw new RangeError("seed must be an integer from 0 to 2^32 - 1, got " + s.seed);
    }
    return s;
  }

  // ---- A seeded random number generator (mulberry32): the same seed, the same run ----

  function randomGenerator(seed) {
    var state = seed >>> 0;
    return function () {  // a float in [0, 1)
      state = (state + 0x6D2B79F5) | 0;
      var t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffle(indices, random) {  // Fisher-Yates, in place
    for (var i = indices.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1)), t = indices[i];
      indices[i] = indices[j]; indices[j] = t;
    }
    return indices;
  }

  // Keras's GlorotUniform: uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).
  function glorotUniform(values, fanIn, fanOut, random) {
    var limit = Math.sqrt(6 / (fanIn + fanOut));
    for (var i = 0; i < values.length; i++) { values[i] = (2 * random() - 1) * limit; }
    return values;
  }

  // ---- The model: its shapes and weights ----

  function createModel(settings) {
    var s = checkSettings(settings), F = s.filters, k = s.kernelSize;
    var C = SIDE - k + 1, P = Math.floor(C / POOL), flat = P * P * F;
    var random = randomGenerator(s.seed);
    var params = {
      convKernel: glorotUniform(new Float32Array(k * k * F), k * k, k * k * F, random),
      convBias: new Float32Array(F),  // zeros, as Keras starts them
      denseKernel: glorotUniform(new Float32Array(flat * CLASSES), flat, CLASSES, random),
      denseBias: new Float32Array(CLASSES)
    };
    return {filters: F, kernelSize: k, convSide: C, poolSide: P, flatSize: flat,
            params: params, random: random, buffers: {}};
  }

  function setWeights(model, weights) {  // a list in get_weights() order, or {name: values}
    PARAMS.forEach(function (name, i) {
      var values = Array.isArray(weights) ? weights[i] : weights[name];
      if (!values || values.length !== model.params[name].length) {
        throw new RangeError(name + " needs " + model.params[name].length + " values");
      }
      model.params[name].set(values);
    });
  }

  // Arrays for a batch of n, kept between calls of the same size (no garbage per batch).
  function buffersFor(model, n) {
    var b = model.buffers[n];
    if (!b) {
      var conv = n * model.convSide * model.convSide * model.filters, pooled = n * model.flatSize;
      b = model.buffers[n] = {
        x: new Float32Array(n * PIXELS), z: new Float32Array(conv), a: new Float32Array(conv),
        p: new Float32Array(pooled), winner: new Int32Array(pooled),
        logits: new Float32Array(n * CLASSES), probs: new Float32Array(n * CLASSES),
        dLogits: new Float32Array(n * CLASSES), dP: new Float32Array(pooled),
        dA: new Float32Array(conv), dZ: new Float32Array(conv), dX: new Float32Array(n * PIXELS)
      };
    }
    return b;
  }

  // ---- Forward pass, one layer at a time ----
  // Each layer reads flat arrays and writes flat arrays; the shapes come as numbers.

  // Convolution, 'valid' (no padding), stride 1:
  //   z[i][j][f] = bias[f] + sum over di, dj < k of x[i+di][j+dj] * K[di][dj][f].
  function convForward(x, n, K, bias, k, F, C, z) {
    for (var img = 0; img < n; img++) {
      var xAt = img * PIXELS;
      for (var i = 0; i < C; i++) {
        for (var j = 0; j < C; j++) {
          var out = ((img * C + i) * C + j) * F, f;
          for (f = 0; f < F; f++) { z[out + f] = bias[f]; }
          for (var di = 0; di < k; di++) {
            for (var dj = 0; dj < k; dj++) {
              var pixel = x[xAt + (i + di) * SIDE + j + dj];
              if (pixel === 0) { continue; }  // MNIST is mostly background: skip the zeros
              var kAt = (di * k + dj) * F;
              for (f = 0; f < F; f++) { z[out + f] += pixel * K[kAt + f]; }
            }
          }
        }
      }
    }
  }

  function reluForward(z, a) {  // a = max(z, 0)
    for (var q = 0; q < z.length; q++) { a[q] = z[q] > 0 ? z[q] : 0; }
  }

  // Max pooling, 2x2 windows with stride 2: keep each window's largest value and remember where
  // it was (the winner). On ties the first in row order wins, as in TensorFlow.
  function maxPoolForward(a, n, F, C, P, p, winner) {
    for (var img = 0; img < n; img++) {
      for (var r = 0; r < P; r++) {
        for (var c = 0; c < P; c++) {
          for (var f = 0; f < F; f++) {
            var best = -Infinity, bestAt = -1;
            for (var u = 0; u < POOL; u++) {
              for (var v = 0; v < POOL; v++) {
                var at = ((img * C + POOL * r + u) * C + POOL * c + v) * F + f;
                if (a[at] > best) { best = a[at]; bestAt = at; }
              }
            }
            var out = ((img * P + r) * P + c) * F + f;  // also the flattened index
            p[out] = best; winner[out] = bestAt;
          }
        }
      }
    }
  }

  // Dense: logits[o] = bias[o] + sum_i p[i] * W[i][o]. (Flatten is free: p is already in
  // Keras's (row, column, filter) order.)
  function denseForward(p, n, W, bias, flat, logits) {
    for (var img = 0; img < n; img++) {
      var lAt = img * CLASSES, pAt = img * flat, o;
      for (o = 0; o < CLASSES; o++) { logits[lAt + o] = bias[o]; }
      for (var i = 0; i < flat; i++) {
        var value = p[pAt + i];
        if (value === 0) { continue; }  // ReLU left many zeros
        for (o = 0; o < CLASSES; o++) { logits[lAt + o] += value * W[i * CLASSES + o]; }
      }
    }
  }

  // Softmax of each image's logits, shifted by the largest so that exp never overflows.
  function softmax(logits, n, probs) {
    for (var img = 0; img < n; img++) {
      var at = img * CLASSES, top = -Infinity, total = 0, o;
      for (o = 0; o < CLASSES; o++) { top = Math.max(top, logits[at + o]); }
      for (o = 0; o < CLASSES; o++) { total += Math.exp(logits[at + o] - top); }
      for (o = 0; o < CLASSES; o++) { probs[at + o] = Math.exp(logits[at + o] - top) / total; }
    }
  }

  // Runs n images (n * 784 values in [0, 1]) through the model; returns the batch's buffers,
  // which hold every intermediate result the backward pass needs.
  function forward(model, x, n) {
    var b = buffersFor(model, n), w = model.params;
    if (x !== b.x) { b.x.set(x.subarray ? x.subarray(0, n * PIXELS) : x); }
    convForward(b.x, n, w.convKernel, w.convBias, model.kernelSize, model.filters,
                model.convSide, b.z);
    reluForward(b.z, b.a);
    maxPoolForward(b.a, n, model.filters, model.convSide, model.poolSide, b.p, b.winner);
    denseForward(b.p, n, w.denseKernel, w.denseBias, model.flatSize, b.logits);
    softmax(b.logits, n, b.probs);
    return b;
  }

  // Mean cross-entropy of the batch: -log softmax(logits)[label], from the logits (stable).
  function crossEntropy(b, labels, n) {
    var sum = 0;
    for (var img = 0; img < n; img++) {
      var at = img * CLASSES, top = -Infinity, total = 0, o;
      for (o = 0; o < CLASSES; o++) { top = Math.max(top, b.logits[at + o]); }
      for (o = 0; o < CLASSES; o++) { total += Math.exp(b.logits[at + o] - top); }
      sum += top + Math.log(total) - b.logits[at + labels[img]];
    }
    return sum / n;
  }

  // ---- Backward pass: the chain rule, layer by layer, from the loss back to the input ----

  function zeroGradients(model) {
    var grads = {};
    PARAMS.forEach(function (name) { grads[name] = new Float32Array(model.params[name].length); });
    return grads;
  }

  // Softmax and cross-entropy together: dLoss/dlogits = (probabilities - one_hot(label)) / n.
  function softmaxCrossEntropyBackward(probs, labels, n, dLogits) {
    for (var img = 0; img < n; img++) {
      for (var o = 0; o < CLASSES; o++) {
        var at = img * CLASSES + o;
        dLogits[at] = (probs[at] - (o === labels[img] ? 1 : 0)) / n;
      }
    }
  }

  // Dense: logits = p . W + bias, so  dW[i][o] = sum over images of p[i] * dLogits[o],
  // dBias[o] = sum of dLogits[o], and dp[i] = sum over o of W[i][o] * dLogits[o].
  function denseBackward(p, dLogits, n, W, flat, dW, dBias, dP) {
    for (var img = 0; img < n; img++) {
      var lAt = img * CLASSES, pAt = img * flat, o;
      for (o = 0; o < CLASSES; o++) { dBias[o] += dLogits[lAt + o]; }
      for (var i = 0; i < flat; i++) {
        var value = p[pAt + i], back = 0;
        for (o = 0; o < CLASSES; o++) {
          var g = dLogits[lAt + o];
          if (value !== 0) { dW[i * CLASSES + o] += value * g; }
          back += W[i * CLASSES + o] * g;
        }
        dP[pAt + i] = back;
      }
    }
  }

  // Max pooling: only each window's winner moved the output, so only it gets the gradient.
  function maxPoolBackward(dP, winner, dA) {
    dA.fill(0);
    for (var q = 0; q < dP.length; q++) { dA[winner[q]] = dP[q]; }
  }

  // ReLU: the gradient passes where z > 0 and stops where the ReLU clipped z to 0.
  function reluBackward(z, dA, dZ) {
    for (var q = 0; q < z.length; q++) { dZ[q] = z[q] > 0 ? dA[q] : 0; }
  }

  // Convolution: z[i][j][f] = bias[f] + sum of x[i+di][j+dj] * K[di][dj][f], so for each dz:
  //   dK[di][dj][f] += x[i+di][j+dj] * dz;  dBias[f] += dz;
  //   dx[i+di][j+dj] += K[di][dj][f] * dz   (the input's gradient, for the attack; dX may be null).
  function convBackward(x, dZ, n, K, k, F, C, dK, dBias, dX) {
    if (dX) { dX.fill(0); }
    for (var img = 0; img < n; img++) {
      var xAt = img * PIXELS;
      for (var i = 0; i < C; i++) {
        for (var j = 0; j < C; j++) {
          var zAt = ((img * C + i) * C + j) * F;
          for (var f = 0; f < F; f++) {
            var dz = dZ[zAt + f];
            if (dz === 0) { continue; }  // most of them: pooling losers and clipped units
            dBias[f] += dz;
            for (var di = 0; di < k; di++) {
              for (var dj = 0; dj < k; dj++) {
                var pixel = xAt + (i + di) * SIDE + j + dj, kAt = (di * k + dj) * F + f;
                dK[kAt] += x[pixel] * dz;
                if (dX) { dX[pixel] += K[kAt] * dz; }
              }
            }
          }
        }
      }
    }
  }

  // After b = forward(model, x, n): fills grads with every weight's gradient of the mean loss
  // and, when wantInput, returns the gradient with respect to the input images (b.dX).
  function backward(model, b, labels, n, grads, wantInput) {
    var w = model.params, F = model.filters, C = model.convSide;
    PARAMS.forEach(function (name) { grads[name].fill(0); });
    softmaxCrossEntropyBackward(b.probs, labels, n, b.dLogits);
    denseBackward(b.p, b.dLogits, n, w.denseKernel, model.flatSize, grads.denseKernel,
                  grads.denseBias, b.dP);
    maxPoolBackward(b.dP, b.winner, b.dA);
    reluBackward(b.z, b.dA, b.dZ);
    convBackward(b.x, b.dZ, n, w.convKernel, model.kernelSize, F, C, grads.convKernel,
                 grads.convBias, wantInput ? b.dX : null);
    return wantInput ? b.dX : null;
  }

  // ---- The optimizer: Keras 3's Adam, step for step ----

  function createAdam(model, learningRate, options) {
    var o = Object.assign({beta1: 0.9, beta2: 0.999, epsilon: 1e-7}, options || {});
    var adam = {learningRate: learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon,
                iterations: 0, m: zeroGradients(model), v: zeroGradients(model)};
    return adam;
  }

  // t = iterations + 1;  alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)  (the bias correction)
  // m += (g - m) * (1 - beta1);  v += (g^2 - v) * (1 - beta2);  w -= alpha * m / (sqrt(v) + eps)
  function adamStep(adam, params, grads) {
    var t = adam.iterations + 1, b1 = f32(adam.beta1), b2 = f32(adam.beta2);  // float32, as Keras
    var alpha = adam.learningRate * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
    var keep1 = 1 - b1, keep2 = 1 - b2, eps = adam.epsilon;
    PARAMS.forEach(function (name) {
      var w = params[name], g = grads[name], m = adam.m[name], v = adam.v[name];
      for (var i = 0; i < w.length; i++) {
        m[i] += (g[i] - m[i]) * keep1;
        v[i] += (g[i] * g[i] - v[i]) * keep2;
        w[i] -= alpha * m[i] / (Math.sqrt(v[i]) + eps);
      }
    });
    adam.iterations = t;
  }

  // ---- Training, evaluation, the attack ----

  var TO_UNIT = new Float32Array(256);  // uint8 grey level -> float32 in [0, 1], as Keras's /255
  for (var level = 0; level < 256; level++) { TO_UNIT[level] = level / 255; }

  function toUnit(images, indices, count, into) {  // gather images (uint8) into a float batch
    for (var i = 0; i < count; i++) {
      var from = indices ? indices[i] * PIXELS : i * PIXELS;
      for (var p = 0; p < PIXELS; p++) { into[i * PIXELS + p] = TO_UNIT[images[from + p]]; }
    }
    return into;
  }

  // A training run: data {trainImages, trainLabels} (uint8), settings as checkSettings takes.
  // The seed fixes the weights and every epoch's shuffle, so the same seed repeats the run.
  function createTrainer(data, settings) {
    var s = checkSettings(settings), model = createModel(s);
    var count = data.trainLabels.length, order = new Int32Array(count);
    if (data.trainImages.length !== count * PIXELS) {
      throw new RangeError("trainImages must hold " + count + " images of 28x28");
    }
    for (var i = 0; i < count; i++) { order[i] = i; }
    var trainer = {settings: s, model: model, adam: createAdam(model, s.learningRate),
                   grads: zeroGradients(model), epoch: 0, batch: 0, position: 0, seen: 0,
                   order: shuffle(order, model.random)};
    trainer.step = function () { return trainStep(trainer, data); };
    return trainer;
  }

  function trainStep(t, data) {  // one batch (the last of an epoch may be smaller, as in Keras)
    var n = Math.min(t.settings.batchSize, t.order.length - t.position);
    var batchOrder = t.order.subarray(t.position, t.position + n), labels = new Uint8Array(n);
    for (var i = 0; i < n; i++) { labels[i] = data.trainLabels[batchOrder[i]]; }
    var b = forward(t.model, toUnit(data.trainImages, batchOrder, n, buffersFor(t.model, n).x), n);
    var loss = crossEntropy(b, labels, n), right = 0;
    for (i = 0; i < n; i++) { right += argmax(b.probs, i * CLASSES) === labels[i] ? 1 : 0; }
    backward(t.model, b, labels, n, t.grads, false);
    adamStep(t.adam, t.model.params, t.grads);
    var report = {epoch: t.epoch, batch: t.batch, loss: loss, accuracy: right / n, size: n};
    t.position += n; t.batch += 1; t.seen += n;
    if (t.position >= t.order.length) {  // a new epoch, in a new order
      t.epoch += 1; t.batch = 0; t.position = 0;
      shuffle(t.order, t.model.random);
      report.epochEnd = true;
    }
    return report;
  }

  function argmax(values, at) {
    var best = 0;
    for (var o = 1; o < CLASSES; o++) { if (values[at + o] > values[at + best]) { best = o; } }
    return best;
  }

  // Predicted classes and probabilities of n float images, in chunks.
  function predict(model, x, n) {
    var chunk = 250, classes = new Uint8Array(n), probs = new Float32Array(n * CLASSES);
    for (var start = 0; start < n; start += chunk) {
      var m = Math.min(chunk, n - start);
      var b = forward(model, x.subarray(start * PIXELS, (start + m) * PIXELS), m);
      probs.set(b.probs.subarray(0, m * CLASSES), start * CLASSES);
      for (var i = 0; i < m; i++) { classes[start + i] = argmax(b.probs, i * CLASSES); }
    }
    return {classes: classes, probabilities: probs};
  }

  // Accuracy and mistakes of uint8 images: errors[c] counts the digits of class c called
  // something else, confusion[true * 10 + predicted] counts every pair.
  function evaluate(model, images, labels) {
    var n = labels.length, x = toUnit(images, null, n, new Float32Array(n * PIXELS));
    var predicted = predict(model, x, n).classes;
    var errors = new Array(CLASSES).fill(0), totals = new Array(CLASSES).fill(0);
    var confusion = new Array(CLASSES * CLASSES).fill(0), right = 0;
    for (var i = 0; i < n; i++) {
      totals[labels[i]] += 1; confusion[labels[i] * CLASSES + predicted[i]] += 1;
      if (predicted[i] === labels[i]) { right += 1; } else { errors[labels[i]] += 1; }
    }
    return {accuracy: right / n, errors: errors, totals: totals, confusion: confusion,
            predicted: predicted};
  }

  // The fast gradient sign method: x' = clip(x + epsilon * sign(dLoss/dx), 0, 1), each image
  // pushed one step of size epsilon in the direction that raises its own loss.
  function fgsm(model, x, labels, n, epsilon) {
    var adversarial = new Float32Array(n * PIXELS), chunk = 250, eps = f32(epsilon);
    for (var start = 0; start < n; start += chunk) {
      var m = Math.min(chunk, n - start), from = start * PIXELS;
      var b = forward(model, x.subarray(from, from + m * PIXELS), m);
      var dX = backward(model, b, labels.subarray(start, start + m), m, zeroGradients(model), true);
      for (var p = 0; p < m * PIXELS; p++) {
        var pushed = f32(b.x[p] + Math.sign(dX[p]) * eps);
        adversarial[from + p] = Math.min(1, Math.max(0, pushed));
      }
    }
    return adversarial;
  }

  // Of the uint8 test digits the model gets right, the share that FGSM at epsilon makes wrong.
  function fgsmFlips(model, images, labels, epsilon) {
    var n = labels.length, x = toUnit(images, null, n, new Float32Array(n * PIXELS));
    var clean = predict(model, x, n).classes;
    var attacked = predict(model, fgsm(model, x, Uint8Array.from(labels), n, epsilon), n).classes;
    var right = 0, flipped = 0;
    for (var i = 0; i < n; i++) {
      if (clean[i] === labels[i]) { right += 1; flipped += attacked[i] !== labels[i] ? 1 : 0; }
    }
    return {epsilon: epsilon, correct: right, flipped: flipped, share: right ? flipped / right : 0};
  }

  // What the explorer draws for one float image: the ReLU feature maps (C, C, F), the pooled
  // maps (P, P, F) and the ten probabilities.
  function featureMaps(model, image) {
    var b = forward(model, image, 1);
    return {conv: b.a.slice(), pooled: b.p.slice(), probabilities: b.probs.slice(),
            convSide: model.convSide, poolSide: model.poolSide, filters: model.filters};
  }

  // ---- The data file (course_utils/site/training_data.py): base64 of gzipped uint8s ----

  function unpackTrainingData(packed) {
    var text = atob(packed.gzipBase64), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (buffer) {
      var all = new Uint8Array(buffer), nTrain = packed.train, nTest = packed.test, at = 0;
      if (all.length !== (nTrain + nTest) * (PIXELS + 1)) {
        throw new RangeError("training data: " + all.length + " bytes, expected " +
                             (nTrain + nTest) * (PIXELS + 1));
      }
      function take(count) { at += count; return all.subarray(at - count, at); }
      return {trainImages: take(nTrain * PIXELS), trainLabels: take(nTrain),
              testImages: take(nTest * PIXELS), testLabels: take(nTest)};
    });
  }

  return {
    SIDE: SIDE, CLASSES: CLASSES, PARAMS: PARAMS, CHOICES: CHOICES, DEFAULTS: DEFAULTS,
    checkSettings: checkSettings, randomGenerator: randomGenerator, shuffle: shuffle,
    createModel: createModel, setWeights: setWeights, forward: forward,
    crossEntropy: crossEntropy, zeroGradients: zeroGradients, backward: backward,
    createAdam: createAdam, adamStep: adamStep, toUnit: toUnit, createTrainer: createTrainer,
    predict: predict, evaluate: evaluate, fgsm: fgsm, fgsmFlips: fgsmFlips,
    featureMaps: featureMaps, unpackTrainingData: unpackTrainingData
  };
}));
