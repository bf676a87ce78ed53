/* The comments under an article (manchette/comments). The thread is the same for every reader (a cached
   block of the shared page); what is the reader's comes from /commentaires/<id>/moi/ (never cached): the
   form or why they may not post, their comments waiting for moderation, and which shown comments are theirs
   (« Modifier » within five minutes, « Supprimer »). Actions post with fetch and get JSON back; new, edited
   and removed comments arrive through the page's one live stream (live/stream.js) as "live:commentaires-<id>".
   Without JavaScript every action is a link to a page of its own, and « Plus de commentaires » a page. */
(function () {
  "use strict";

  var token = null;
  function csrfToken() {
    if (!token) {
      token = fetch("/_jeton/", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { return data.jeton; });
    }
    return token;
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function send(url, data) {
    return csrfToken().then(function (value) {
      data.set("csrfmiddlewaretoken", value);
      return fetch(url, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": value },
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        body.httpStatus = response.status;
        return body;
      });
    });
  }

  function Thread(root) {
    this.root = root;
    this.article = root.getAttribute("data-comments");
    this.list = root.querySelector("[data-list]");
    this.own = {};
    this.editable = {};
    this.me = null;
    this.formArea = root.querySelector("[data-form-area]");
    this.form = root.querySelector("[data-comment-form]");
    this.status = null;
  }

  Thread.prototype.start = function () {
    var self = this;
    this.root.addEventListener("click", function (event) { self.clicked(event); });
    // In the capture phase: before edge/personal.js's own handler, which would post the form without script.
    this.root.addEventListener("submit", function (event) { self.submitted(event); }, true);
    document.addEventListener("live:commentaires-" + this.article, function (event) { self.received(event.detail); });
    fetch(this.root.getAttribute("data-me"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (me) { if (me) self.personal(me); })
      .catch(function () {});
  };

  Thread.prototype.personal = function (me) {
    var self = this;
    this.me = me;
    var invite = this.root.querySelector("[data-invite]");
    var writeLink = this.root.querySelector("[data-write-link]");
    var refusal = this.root.querySelector("[data-refusal]");
    if (me.connecte) {
      if (invite) invite.hidden = true;
      if (writeLink) writeLink.hidden = true;
      if (me.peut_ecrire && this.formArea) {
        this.formArea.hidden = false;
        var notify = this.form.querySelector("[data-notify]");
        if (notify) notify.checked = !!me.avertir;
      } else if (refusal && me.raison) {
        refusal.textContent = me.raison;
        refusal.hidden = false;
      }
    }
    (me.miens || []).forEach(function (id) { self.own[id] = true; });
    Object.keys(me.modifiables || {}).forEach(function (id) { self.allowEdit(id, me.modifiables[id]); });
    var pending = this.root.querySelector("[data-pending]");
    if (pending && me.en_attente) {
      pending.appendChild(fragment(me.en_attente));
      pending.hidden = false;
    }
    this.reveal(this.root);
  };

  Thread.prototype.allowEdit = function (id, seconds) {
    var self = this;
    this.editable[id] = true;
    window.setTimeout(function () {
      delete self.editable[id];
      self.reveal(self.root);
    }, Math.max(0, seconds) * 1000);
  };

  // « Modifier » and « Supprimer » on the reader's own comments only; the server checks each action anyway.
  Thread.prototype.reveal = function (scope) {
    var self = this;
    var items = Array.prototype.slice.call(scope.querySelectorAll("[data-comment]"));
    if (scope.matches && scope.matches("[data-comment]")) items.push(scope);
    items.forEach(function (item) {
      var id = item.getAttribute("data-comment");
      var body = item.querySelector("[data-comment-body]");
      if (!body) return;
      var edit = body.querySelector('[data-action="edit"]');
      var remove = body.querySelector('[data-action="delete"]');
      if (edit) edit.hidden = !self.editable[id];
      if (remove) remove.hidden = !self.own[id];
    });
  };

  Thread.prototype.clicked = function (event) {
    var link = event.target.closest("a[data-action], a[data-more], a[data-sort-link], button[data-cancel]");
    if (!link || !this.root.contains(link)) return;
    if (link.hasAttribute("data-cancel")) {
      event.preventDefault();
      this.replyTo(null);
      return;
    }
    if (link.hasAttribute("data-more")) {
      event.preventDefault();
      this.loadMore(link);
      return;
    }
    if (link.hasAttribute("data-sort-link")) {
      event.preventDefault();
      this.sortBy(link.getAttribute("data-sort-link"));
      return;
    }
    var action = link.getAttribute("data-action");
    var item = link.closest("[data-comment]");
    // Someone not logged in, or who may not post, follows the link: its page says what to do.
    if (!this.me || !this.me.connecte) return;
    if (action === "reply") {
      if (!this.me.peut_ecrire) return;
      event.preventDefault();
      this.replyTo(item);
    } else if (action === "edit") {
      event.preventDefault();
      this.editForm(item, link.href);
    } else if (action === "delete") {
      event.preventDefault();
      this.remove(item, link.href);
    } else if (action === "report") {
      event.preventDefault();
      this.reportForm(item, link.href);
    }
  };

  Thread.prototype.replyTo = function (item) {
    if (!this.formArea) return;
    var parentField = this.form.querySelector("[data-parent-field]");
    var replying = this.form.querySelector("[data-replying]");
    var cancel = this.form.querySelector("[data-cancel]");
    var personal = this.root.querySelector("[data-personal-area]");
    if (item) {
      parentField.value = item.getAttribute("data-comment");
      item.querySelector("[data-comment-body]").after(this.formArea);
    } else {
      parentField.value = "";
      var pending = personal.querySelector("[data-pending]");
      personal.insertBefore(this.formArea, pending || null);
    }
    replying.hidden = !item;
    if (cancel) cancel.hidden = !item;
    this.form.querySelector("textarea").focus();
  };

  Thread.prototype.error = function (form, message) {
    var box = form.querySelector("[data-form-error]");
    if (!box) {
      box = document.createElement("p");
      box.className = "comment-form__error";
      box.setAttribute("role", "alert");
      box.setAttribute("data-form-error", "");
      form.appendChild(box);
    }
    box.textContent = message || "";
    box.hidden = !message;
  };

  Thread.prototype.submitted = function (event) {
    var form = event.target;
    if (!form.matches("[data-comment-form], [data-edit-form], [data-report-form]")) return;
    event.preventDefault();
    event.stopPropagation();
    var self = this;
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    this.error(form, "");
    send(form.action, new FormData(form)).then(function (answer) {
      if (button) button.disabled = false;
      if (answer.httpStatus >= 400 || answer.erreur) {
        self.error(form, answer.erreur || self.root.getAttribute("data-offline"));
        return;
      }
      if (form.hasAttribute("data-comment-form")) self.posted(form, answer);
      else if (form.hasAttribute("data-edit-form")) self.edited(form, answer);
      else self.reported(form, answer);
    }).catch(function () {
      if (button) button.disabled = false;
      self.error(form, self.root.getAttribute("data-offline"));
    });
  };

  // Where the thread tells the reader what became of their comment (waiting, refused).
  Thread.prototype.tell = function (message) {
    var note = this.root.querySelector("[data-refusal]");
    if (note && message) { note.textContent = message; note.hidden = false; }
  };

  Thread.prototype.posted = function (form, answer) {
    if (answer.statut === "rejected") {
      // Refused by the checks: nothing to show but why, and the text stays in the form to be reworded.
      this.tell(answer.message);
      return;
    }
    form.querySelector("textarea").value = "";
    this.own[answer.id] = true;
    this.allowEdit(String(answer.id), answer.modifiable || 0);
    if (answer.statut === "pending") {
      var pending = this.root.querySelector("[data-pending]");
      if (!document.getElementById("commentaire-" + answer.id)) pending.appendChild(fragment(answer.html));
      pending.hidden = false;
      this.status = answer.message;
      this.error(form, "");
      this.tell(answer.message);
    } else {
      this.place(answer.id, answer.parent, answer.html, true);
    }
    this.replyTo(null);
    this.reveal(this.root);
  };

  // Puts a comment on the page, or replaces the one shown: a reply under its parent, a top-level comment at
  // the top when the newest come first (elsewhere it waits for its turn in the batches).
  Thread.prototype.place = function (id, parent, html, mine) {
    var existing = document.getElementById("commentaire-" + id);
    var incoming = fragment(html).firstElementChild;
    if (!incoming) return;
    if (existing && existing.closest("[data-pending]") && !incoming.querySelector(".badge--pending")) {
      existing.remove();
      existing = null;
    }
    if (existing) {
      existing.querySelector("[data-comment-body]").replaceWith(incoming.querySelector("[data-comment-body]"));
      this.reveal(existing);
      return;
    }
    if (parent) {
      var above = document.getElementById("commentaire-" + parent);
      var replies = above && above.querySelector("[data-replies]");
      if (!replies) return;
      replies.appendChild(incoming);
    } else {
      if (!mine && this.root.getAttribute("data-sort") !== "recents") return;
      var firstPlain = Array.prototype.find.call(this.list.children, function (li) {
        return !li.querySelector(":scope > [data-comment-body] .badge--featured");
      });
      this.list.insertBefore(incoming, firstPlain || null);
    }
    this.reveal(incoming);
    this.emptyHint();
  };

  Thread.prototype.emptyHint = function () {
    var empty = this.root.querySelector("[data-empty]");
    if (empty) empty.hidden = this.list.children.length > 0;
  };

  Thread.prototype.received = function (event) {
    if (event.action === "reset") {
      this.sortBy(this.root.getAttribute("data-sort") || "recents");
      return;
    }
    var data = event.data || {};
    if (event.action === "upsert") {
      this.place(data.id, data.parent, data.html, false);
    } else if (event.action === "remove") {
      var gone = document.getElementById("commentaire-" + data.id);
      // A comment of the reader's still waiting keeps its place in their own list.
      if (gone && !gone.closest("[data-pending]")) gone.remove();
      this.emptyHint();
    }
    if (data.count_text) {
      var count = this.root.querySelector("[data-count]");
      if (count) count.textContent = data.count_text;
    }
  };

  Thread.prototype.batch = function (url) {
    var parsed = new URL(url, window.location.href);
    parsed.searchParams.set("partiel", "1");
    return fetch(parsed.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(fragment);
  };

  Thread.prototype.loadMore = function (link) {
    var self = this;
    var area = link.closest("[data-more-area]");
    link.setAttribute("aria-busy", "true");
    this.batch(link.href).then(function (content) {
      var list = content.querySelector("[data-list]");
      Array.prototype.slice.call(list ? list.children : []).forEach(function (item) {
        if (!document.getElementById(item.id)) self.list.appendChild(item);
      });
      var more = content.querySelector("[data-more-area]");
      if (more) area.replaceWith(more); else area.remove();
      self.reveal(self.root);
    }).catch(function () {
      window.location.href = link.href;
    });
  };

  Thread.prototype.sortBy = function (sort) {
    var self = this;
    var url = this.root.getAttribute("data-batch-url") + (sort === "recents" ? "" : "?tri=" + encodeURIComponent(sort));
    this.batch(url).then(function (content) {
      var list = content.querySelector("[data-list]");
      var oldMore = self.root.querySelector("[data-more-area]");
      if (oldMore) oldMore.remove();
      self.list.replaceWith(list);
      self.list = list;
      var more = content.querySelector("[data-more-area]");
      if (more) list.after(more);
      self.root.setAttribute("data-sort", sort);
      self.root.querySelectorAll("[data-sort-link]").forEach(function (link) {
        if (link.getAttribute("data-sort-link") === sort) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      });
      self.reveal(self.root);
      self.emptyHint();
    });
  };

  Thread.prototype.editForm = function (item, url) {
    var body = item.querySelector("[data-comment-body]");
    if (body.querySelector("[data-edit-form]")) return;
    var text = body.querySelector(".comment__text");
    var form = document.createElement("form");
    form.method = "post";
    form.action = url;
    form.setAttribute("data-edit-form", "");
    form.className = "comment-form comment-form--edit";
    var label = document.createElement("label");
    var id = "modifier-" + item.getAttribute("data-comment");
    label.setAttribute("for", id);
    label.textContent = this.root.getAttribute("data-edit-label");
    var area = document.createElement("textarea");
    area.id = id;
    area.name = "text";
    area.rows = 5;
    area.maxLength = 3000;
    area.required = true;
    area.value = text ? text.innerText : "";
    var save = document.createElement("button");
    save.type = "submit";
    save.textContent = this.root.getAttribute("data-save-label");
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = this.root.getAttribute("data-cancel-label");
    cancel.addEventListener("click", function () { form.remove(); if (text) text.hidden = false; });
    form.append(label, area, save, document.createTextNode(" "), cancel);
    if (text) text.hidden = true;
    body.appendChild(form);
    area.focus();
  };

  Thread.prototype.edited = function (form, answer) {
    var item = form.closest("[data-comment]");
    if (answer.statut === "rejected") {
      // The new text was refused: the comment is no longer shown, the thread says why.
      if (item) item.remove();
      this.tell(answer.message);
      this.emptyHint();
    } else if (answer.statut === "pending") {
      // Sent back to the moderators: only its author sees it meanwhile, in their own list.
      var pending = this.root.querySelector("[data-pending]");
      if (item && !item.closest("[data-pending]")) item.remove();
      var again = document.getElementById("commentaire-" + answer.id);
      if (again) again.remove();
      pending.appendChild(fragment(answer.html));
      pending.hidden = false;
      this.tell(answer.message);
    } else {
      this.place(answer.id, answer.parent, answer.html, true);
    }
    this.reveal(this.root);
  };

  Thread.prototype.remove = function (item, url) {
    var self = this;
    if (!window.confirm(this.root.getAttribute("data-confirm-delete"))) return;
    send(url, new FormData()).then(function (answer) {
      if (answer.httpStatus >= 400) {
        window.alert(answer.erreur || "");
        return;
      }
      var replies = item.querySelector("[data-replies]");
      if (replies && replies.children.length) {
        var body = item.querySelector("[data-comment-body]");
        var placeholder = document.createElement("p");
        placeholder.className = "comment__deleted";
        placeholder.textContent = self.root.getAttribute("data-deleted-label");
        body.replaceChildren(placeholder);
      } else {
        item.remove();
      }
      self.emptyHint();
    });
  };

  Thread.prototype.reportForm = function (item, url) {
    var body = item.querySelector("[data-comment-body]");
    if (body.querySelector("[data-report-form]")) return;
    var template = this.root.querySelector("template[data-report-template]");
    if (!template) return;
    var form = template.content.firstElementChild.cloneNode(true);
    form.action = url;
    var suffix = "-" + item.getAttribute("data-comment");
    form.querySelectorAll("[id]").forEach(function (element) { element.id += suffix; });
    form.querySelectorAll("label[for]").forEach(function (label) { label.htmlFor += suffix; });
    var cancel = form.querySelector("[data-report-cancel]");
    if (cancel) cancel.addEventListener("click", function () { form.remove(); });
    body.appendChild(form);
    var first = form.querySelector("input, select");
    if (first) first.focus();
  };

  Thread.prototype.reported = function (form, answer) {
    var note = document.createElement("p");
    note.className = "comment__reported";
    note.setAttribute("role", "status");
    note.textContent = answer.message || "";
    form.replaceWith(note);
  };

  function start() {
    document.querySelectorAll("[data-comments]").forEach(function (root) {
      new Thread(root).start();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
