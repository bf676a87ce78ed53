/* The page's one live stream (manchette/live). Every element marked data-live-topic names a topic the
   page follows; all of them come through one EventSource, from the lowest data-live-since of the page, so
   nothing published since the page was rendered is missed (an event shown twice replaces itself). Each
   event reaches the page as a DOM event "live:<topic>" with {id, action, data}, and the stream's state as
   "live:state" ("live" or "reconnecting"): the scripts of each block listen to those. A browser holds six
   connections per host: one stream per block would hang a reader's third tab. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (window.manchetteLive || !window.EventSource || !script) {
    return;
  }
  window.manchetteLive = true;

  var RETRY_MS = 2000;
  var MAX_RETRY_MS = 60000;
  var streamPath = script.getAttribute("data-stream");
  var source = null;
  var timer = null;
  var retryDelay = RETRY_MS;
  var lastId = "";

  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function followed() {
    var topics = [];
    var since = null;
    document.querySelectorAll("[data-live-topic]").forEach(function (element) {
      var topic = element.getAttribute("data-live-topic");
      if (topics.indexOf(topic) < 0) {
        topics.push(topic);
      }
      var mark = element.getAttribute("data-live-since");
      if (mark !== null && mark !== "" && (since === null || Number(mark) < since)) {
        since = Number(mark);
      }
    });
    return { topics: topics, since: since };
  }

  function later(action) {
    window.clearTimeout(timer);
    timer = window.setTimeout(action, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  function connect() {
    window.clearTimeout(timer);
    if (source) {
      source.close();
    }
    var page = followed();
    if (!page.topics.length) {
      return;
    }
    var url = new URL(streamPath, window.location.href);
    url.searchParams.set("sujets", page.topics.join(","));
    if (lastId !== "") {
      url.searchParams.set("depuis", lastId);
    } else if (page.since !== null) {
      url.searchParams.set("depuis", String(page.since));
    }
    source = new EventSource(url.href);
    source.addEventListener("open", function () {
      retryDelay = RETRY_MS;
      announce("live:state", "live");
    });
    source.addEventListener("error", function () {
      announce("live:state", "reconnecting");
      // The browser retries by itself after a network error (with Last-Event-ID), not after an HTTP error.
      if (source.readyState === EventSource.CLOSED) {
        later(connect);
      }
    });
    page.topics.forEach(function (topic) {
      source.addEventListener(topic, function (event) {
        var message = JSON.parse(event.data);
        announce("live:" + topic, { id: event.lastEventId, action: message.action, data: message.data });
        // Only once the event is applied: a reconnection starts again right after it.
        if (event.lastEventId) {
          lastId = event.lastEventId;
        }
      });
    });
  }

  // Every block's script has run by then (they are deferred too), so none misses the first events.
  document.addEventListener("DOMContentLoaded", connect);
  window.addEventListener("pagehide", function () {
    window.clearTimeout(timer);
    if (source) {
      source.close();
    }
  });
  window.addEventListener("pageshow", function (event) {
    // Back from the browser's page cache: the stream was closed, pick up from where the page was.
    if (event.persisted) {
      connect();
    }
  });
})();
