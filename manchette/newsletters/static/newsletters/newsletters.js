// The newsletter signup forms on shared pages: the page's path recorded as where the signup came from, and,
// for a logged-in reader (the cookie personal.js reads), the address made optional: their account's is used.
// Without JavaScript the form works as it is (the address then required).
(function () {
  "use strict";

  function loggedIn() {
    return document.cookie.split("; ").some(function (part) { return part.indexOf("manchette_lecteur=") === 0; });
  }

  function arm(form) {
    var source = form.querySelector("[data-newsletter-source]");
    if (source && !source.value) source.value = window.location.pathname;
    if (!loggedIn()) return;
    var email = form.querySelector("[data-newsletter-email]");
    var hint = form.querySelector("[data-newsletter-account]");
    if (email) email.required = false;
    if (hint) hint.hidden = false;
  }

  function start() {
    document.querySelectorAll("form[data-newsletter-form]").forEach(arm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
