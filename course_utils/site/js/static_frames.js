// The site's static explorers (course_utils/site/static_explorer.py): plain HTML controls that
// pick among precomputed frames. The page holds the URL of each frame (a file the book's Sphinx
// extension wrote, or a data: URL); a frame loads when the reader's settings first need it, by
// swapping the <img>'s src, which works from file:// too. Plain ES5, no library; the book's
// extension adds this file to pages with a static explorer, and it starts every one of them.
(function () {
  "use strict";
  if (window.CourseStatic) { return; }

  // On a change it reads the new setting, starts a dependent menu (one with `by`) after it from
  // its first option, as the live menus do, and when no frame has that combination it moves
  // the other controls to the nearest precomputed one that keeps the control just changed.
  function start(root) {
    var block = root.querySelector("script.static-explorer-data");
    if (!block || root.getAttribute("data-ready")) { return; }
    var data = JSON.parse(block.textContent);
    var controls = data.controls;
    var inputs = root.querySelectorAll(".static-explorer-control");
    var image = root.querySelector("img.static-explorer-frame");
    var tokens = data.current.slice();
    var shown = [];
    var has = function (key) { return Object.prototype.hasOwnProperty.call(data.frames, key); };
    var keys = Object.keys(data.frames).map(function (key) { return JSON.parse(key); });
    function keyOf(list) { return JSON.stringify(list); }
    function choicesOf(i) {
      var by = controls[i].by, row = by && by[keyOf(tokens.slice(0, i))];
      return row || controls[i].choices;
    }
    function find(row, token) {
      for (var k = 0; k < row.length; k++) { if (row[k][0] === token) { return k; } }
      return -1;
    }
    function snap(i) {
      var best = null, fewest = Infinity;
      keys.forEach(function (key) {
        if (key[i] !== tokens[i]) { return; }
        var differ = 0;
        for (var j = 0; j < key.length; j++) { if (key[j] !== tokens[j]) { differ++; } }
        if (differ < fewest) { best = key; fewest = differ; }
      });
      if (best) { tokens = best.slice(); }
    }
    function show() {
      var words = [];
      for (var i = 0; i < controls.length; i++) {
        var row = choicesOf(i), input = inputs[i], at = Math.max(find(row, tokens[i]), 0);
        if (input.tagName === "SELECT") {
          if (shown[i] !== row) {
            input.textContent = "";
            row.forEach(function (choice) {
              var option = document.createElement("option");
              option.value = choice[0];
              option.textContent = choice[1];
              input.appendChild(option);
            });
            shown[i] = row;
          }
          input.selectedIndex = at;
        } else {
          input.max = String(row.length - 1);
          input.value = String(at);
          input.setAttribute("aria-valuetext", row[at][1]);
          input.parentNode.querySelector("output").textContent = row[at][1];
        }
        words.push(controls[i].label + ": " + row[at][1]);
      }
      var key = keyOf(tokens);
      if (has(key)) {
        if (image.getAttribute("src") !== data.frames[key]) { image.src = data.frames[key]; }
        image.alt = "Explorer view, " + words.join(", ");
      }
    }
    function change(i) {
      var input = inputs[i];
      tokens[i] = input.tagName === "SELECT" ? input.value : choicesOf(i)[Number(input.value)][0];
      for (var j = i + 1; j < controls.length; j++) {
        if (controls[j].by) { tokens[j] = choicesOf(j)[0][0]; }
      }
      if (!has(keyOf(tokens))) { snap(i); }
      show();
    }
    Array.prototype.forEach.call(inputs, function (input, i) {
      input.addEventListener(input.tagName === "SELECT" ? "change" : "input",
                             function () { change(i); });
    });
    show();
    root.setAttribute("data-ready", "true");
  }

  function startAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".static-explorer"), function (root) {
      try { start(root); } catch (err) { console.error("static explorer " + root.id, err); }
    });
  }

  window.CourseStatic = {start: start, startAll: startAll};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
