/* Le fil info, live: the block's tabs, and the items the newsroom publishes, corrects or withdraws while
   the page is open. Its events come through the page's one stream (live/stream.js) as "live:filinfo"; an
   item comes again by its key and replaces itself, so nothing shows twice. Without this script the page is
   an ordinary page. */
(function () {
  "use strict";

  var root = document.querySelector("[data-filinfo]");
  if (!root || !window.EventSource || !("content" in document.createElement("template"))) {
    return;
  }

  var RETRY_MS = 2000;
  var MAX_RETRY_MS = 60000;
  var HIGHLIGHT_MS = 4000;
  var lists = Array.prototype.slice.call(root.querySelectorAll("[data-list]"));
  var status = root.querySelector("[data-filinfo-status]");
  var timer = null;
  var retryDelay = RETRY_MS;
  var resets = 0;
  var reloading = null; // while the lists are read again: the events that arrive meanwhile

  // Tabs (WAI-ARIA Authoring Practices, automatic activation). Without them both lists are shown.

  function setUpTabs() {
    var tablist = root.querySelector("[data-filinfo-tabs]");
    if (!tablist) {
      return;
    }
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
    var panels = tabs.map(function (tab) {
      return document.getElementById(tab.getAttribute("aria-controls"));
    });
    panels.forEach(function (panel, index) {
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tabs[index].id);
      panel.tabIndex = 0;
      var title = panel.querySelector("[data-panel-title]");
      if (title) {
        title.hidden = true;
      }
    });

    function select(chosen, moveFocus) {
      tabs.forEach(function (tab, index) {
        var selected = index === chosen;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.tabIndex = selected ? 0 : -1;
        panels[index].hidden = !selected;
      });
      if (moveFocus) {
        tabs[chosen].focus();
      }
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () {
        select(index, false);
      });
      tab.addEventListener("keydown", function (event) {
        var last = tabs.length - 1;
        var next = {
          ArrowRight: index === last ? 0 : index + 1,
          ArrowLeft: index === 0 ? last : index - 1,
          Home: 0,
          End: last
        }[event.key];
        if (next !== undefined) {
          event.preventDefault();
          select(next, true);
        }
      });
    });
    // « La Une » first, unless it has nothing to show yet.
    var first = panels[0].querySelector("[data-list]");
    select(first && first.children.length ? 0 : 1, false);
    tablist.hidden = false;
  }

  // Where an item goes: newest first, by publication time then id, as the server orders them.

  function position(element) {
    var parts = (element.getAttribute("data-cursor") || "0-0").split("-");
    return [Number(parts[0]), Number(parts[1])];
  }

  function isNewer(a, b) {
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  }

  function build(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function findByKey(list, key) {
    for (var child = list.firstElementChild; child; child = child.nextElementSibling) {
      if (child.getAttribute("data-key") === key) {
        return child;
      }
    }
    return null;
  }

  function highlight(element) {
    element.classList.add("filinfo--fresh");
    window.setTimeout(function () {
      element.classList.remove("filinfo--fresh");
    }, HIGHLIGHT_MS);
  }

  function place(list, element) {
    var mine = position(element);
    for (var child = list.firstElementChild; child; child = child.nextElementSibling) {
      if (isNewer(mine, position(child))) {
        list.insertBefore(element, child);
        return true;
      }
    }
    // Older than all the list shows: it goes last only if the list shows the whole feed down to there, as
    // the server says (data-complete) until the list drops its oldest items.
    if (list.hasAttribute("data-complete")) {
      list.appendChild(element);
      return true;
    }
    return false;
  }

  function trim(list) {
    var limit = Number(list.getAttribute("data-limit")) || 0;
    while (limit > 0 && list.children.length > limit) {
      list.removeChild(list.lastElementChild);
      list.removeAttribute("data-complete");
    }
  }

  function showEmpty(list) {
    var empty = list.parentNode.querySelector("[data-empty]");
    if (empty) {
      empty.hidden = list.children.length > 0;
    }
  }

  function upsert(data) {
    lists.forEach(function (list) {
      var existing = findByKey(list, data.key);
      var wanted = list.getAttribute("data-list") !== "une" || data.important;
      if (!wanted) {
        if (existing) {
          existing.remove();
        }
      } else {
        var element = build(data[list.getAttribute("data-html")]);
        if (existing) {
          existing.replaceWith(element);
          highlight(element);
        } else if (list.getAttribute("data-mode") !== "update" && place(list, element)) {
          trim(list);
          highlight(element);
        }
      }
      showEmpty(list);
    });
  }

  function remove(key) {
    lists.forEach(function (list) {
      var existing = findByKey(list, key);
      if (existing) {
        existing.remove();
      }
      showEmpty(list);
    });
  }

  // The live indicator and the stream.

  function showState(state) {
    if (status) {
      status.textContent = state ? status.getAttribute("data-" + state) : "";
      status.setAttribute("data-state", state || "");
    }
  }

  function later(action) {
    window.clearTimeout(timer);
    timer = window.setTimeout(action, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  function apply(event) {
    if (event.action === "upsert") {
      upsert(event.data);
    } else if (event.action === "remove") {
      remove(event.data.key);
    }
  }

  function received(domEvent) {
    var event = domEvent.detail;
    if (event.action === "reset") {
      // The first reset reloads at once; one right after the other waits longer and longer.
      resets += 1;
      window.clearTimeout(timer);
      timer = window.setTimeout(reload, resets > 1 ? Math.min(RETRY_MS * resets, MAX_RETRY_MS) : 0);
      if (reloading === null) {
        reloading = [];
      }
      showState("reconnecting");
      return;
    }
    if (reloading !== null) {
      reloading.push(event);
      return;
    }
    apply(event);
    resets = 0;
  }

  // The reader missed more than the server keeps: the lists are read again; what the stream brought
  // meanwhile and the fresh lists do not include yet is applied on top.
  function reload() {
    window.fetch(root.getAttribute("data-refresh"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-filinfo]");
        if (!fresh) {
          throw new Error("no fil info");
        }
        lists.forEach(function (list) {
          var replacement = fresh.querySelector('[data-list="' + list.getAttribute("data-list") + '"]');
          if (replacement) {
            list.innerHTML = replacement.innerHTML;
            list.toggleAttribute("data-complete", replacement.hasAttribute("data-complete"));
          }
          showEmpty(list);
        });
        var since = Number(fresh.getAttribute("data-live-since") || 0);
        var pending = reloading || [];
        reloading = null;
        pending.forEach(function (event) {
          if (Number(event.id) > since) {
            apply(event);
          }
        });
        retryDelay = RETRY_MS;
        showState("live");
      })
      .catch(function () {
        later(reload);
      });
  }

  setUpTabs();
  document.addEventListener("live:filinfo", received);
  document.addEventListener("live:state", function (event) {
    if (reloading === null) {
      showState(event.detail);
    }
  });
})();
