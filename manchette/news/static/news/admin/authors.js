// The article's author picker (news/widgets.py): the search box narrows the list of check boxes as one types.
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function setUp(chooser) {
    if (chooser.dataset.authorsReady) return;
    chooser.dataset.authorsReady = "1";
    var search = chooser.querySelector("[data-authors-search]");
    var none = chooser.querySelector("[data-authors-none]");
    var items = Array.prototype.slice.call(chooser.querySelectorAll("[data-authors-name]"));
    search.hidden = false;
    search.addEventListener("input", function () {
      var wanted = fold(search.value.trim());
      var shown = 0;
      items.forEach(function (item) {
        var checked = item.querySelector("input").checked;
        var match = !wanted || fold(item.dataset.authorsName).indexOf(wanted) !== -1 || checked;
        item.hidden = !match;
        if (match) shown += 1;
      });
      none.hidden = shown > 0;
    });
    // Enter in the box would send the whole page form.
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  function setUpAll() {
    document.querySelectorAll("[data-authors-chooser]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
