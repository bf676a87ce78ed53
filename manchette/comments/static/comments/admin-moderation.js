// Keyboard shortcuts of the moderation queue (comments/admin/queue.html): « j » next comment, « k » previous,
// « a » publish it, « r » refuse it with the reason chosen on its row, « x » tick it for a bulk action. The
// keys click the row's own buttons, so a shortcut does exactly what the click would (a POST, CSRF and all).
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-moderation-item]"));
  var help = document.querySelector("[data-moderation-shortcuts]");
  var all = document.querySelector("[data-moderation-all]");
  if (!items.length) return;
  if (help) help.hidden = false;
  if (all) {
    all.closest("label").hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll("[data-moderation-select]").forEach(function (box) { box.checked = all.checked; });
    });
  }
  var current = -1;

  function show(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("is-current", i === current); });
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest" });
  }

  function press(selector) {
    var button = current >= 0 ? items[current].querySelector(selector) : null;
    if (button) button.click();
  }

  items.forEach(function (item, i) {
    item.addEventListener("focusin", function () {
      current = i;
      items.forEach(function (other, j) { other.classList.toggle("is-current", j === i); });
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    var actions = {
      j: function () { show(current + 1); },
      k: function () { show(current - 1); },
      a: function () { press("[data-moderation-approve]"); },
      r: function () { press("[data-moderation-reject]"); },
      x: function () { press("[data-moderation-select]"); },
    };
    if (!actions[event.key]) return;
    event.preventDefault();
    if (current < 0 && event.key !== "j" && event.key !== "k") return;
    actions[event.key]();
  });

  // Back from an action, the page opens at the comment acted on (#commentaire-…) or the first one.
  var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  var start = target ? items.indexOf(target) : -1;
  show(start >= 0 ? start : 0);
})();
