// Keyboard shortcuts of the moderation queue (comments/admin/queue.html): « j » or ↓ next comment, « k » or ↑
// previous, « a » publish it, « r » refuse it with the reason chosen on its row, « x » tick it for a bulk action,
// « n » and « p » the next and previous page, « ? » the list of shortcuts (Escape hides it). The keys click the
// row's own buttons and follow the page's own links, so a shortcut does exactly what the click would (a POST,
// CSRF and all); without JavaScript the buttons and links are all there.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-moderation-item]"));
  var help = document.querySelector("[data-moderation-shortcuts]");
  var keys = document.querySelector("[data-moderation-help]");
  var toggle = document.querySelector("[data-moderation-help-toggle]");
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

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) link.click();
  }

  function showHelp(on) {
    if (!keys) return;
    keys.hidden = !on;
    if (toggle) toggle.setAttribute("aria-expanded", on ? "true" : "false");
  }

  if (toggle) toggle.addEventListener("click", function () { showHelp(keys.hidden); });

  items.forEach(function (item, i) {
    item.addEventListener("focusin", function () {
      current = i;
      items.forEach(function (other, j) { other.classList.toggle("is-current", j === i); });
    });
  });

  var actions = {
    j: function () { show(current + 1); },
    ArrowDown: function () { show(current + 1); },
    k: function () { show(current - 1); },
    ArrowUp: function () { show(current - 1); },
    a: function () { press("[data-moderation-approve]"); },
    r: function () { press("[data-moderation-reject]"); },
    x: function () { press("[data-moderation-select]"); },
    n: function () { follow("[data-moderation-next-page]"); },
    p: function () { follow("[data-moderation-previous-page]"); },
    "?": function () { showHelp(keys && keys.hidden); },
    Escape: function () { showHelp(false); },
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    var action = actions[event.key];
    if (!action) return;
    // Elsewhere than on a comment (a link, the menu…), the arrows scroll the page as usual.
    var arrow = event.key === "ArrowDown" || event.key === "ArrowUp";
    if (arrow && event.target !== document.body && !event.target.closest("[data-moderation-item]")) return;
    event.preventDefault();
    action();
  });

  // Back from an action, the page opens at the comment acted on (#commentaire-…) or the first one.
  var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  var start = target ? items.indexOf(target) : -1;
  show(start >= 0 ? start : 0);
})();
