// The reader's own part of a shared page: their name from the cookie set at login (edge/personal.py), and
// a CSRF token fetched for forms on shared pages when the reader starts filling one in. Without JavaScript
// the page keeps its links to the account pages.
(function () {
  "use strict";

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (part) { return part.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1).replace(/^"|"$/g, "")) : null;
  }

  function readerName() {
    var value = cookie("manchette_lecteur");
    if (!value) return null;
    try {
      var payload = value.split(":")[0].replace(/-/g, "+").replace(/_/g, "/");
      while (payload.length % 4) payload += "=";
      var bytes = Uint8Array.from(atob(payload), function (c) { return c.charCodeAt(0); });
      return JSON.parse(new TextDecoder().decode(bytes)).nom || null;
    } catch (error) {
      return null;
    }
  }

  function showReader() {
    var name = readerName();
    document.querySelectorAll("[data-personal]").forEach(function (box) {
      var greeting = box.querySelector("[data-personal-name]");
      if (!name || !greeting) return;
      greeting.textContent = name;
      box.classList.add("is-reader");
    });
  }

  var token = null;
  function fetchToken() {
    if (!token) {
      token = fetch("/_jeton/", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { return data.jeton; });
    }
    return token;
  }

  function armForm(form) {
    var field = form.querySelector("input[data-edge-csrf]");
    if (!field) return;
    var fill = function () { fetchToken().then(function (value) { field.value = value; }); };
    form.addEventListener("focusin", fill, { once: true });
    form.addEventListener("submit", function (event) {
      if (field.value) return;
      event.preventDefault();
      fetchToken().then(function (value) { field.value = value; form.submit(); });
    });
  }

  function start() {
    showReader();
    document.querySelectorAll("form[data-shared-form]").forEach(armForm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
