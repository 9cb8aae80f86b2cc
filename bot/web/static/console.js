/* The staff console. Every piece of patient or staff text is put on the page with textContent only. */
(function () {
  "use strict";

  var state = { me: null, view: "open", tickets: [], open: null, seenUrgent: {}, first: true, lastLineId: 0,
                page: 1, pages: 1, reasonsFilled: false };
  var PER_PAGE = 50;  /* as many as the queue showed before it had pages */

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function showError(message) {
    var box = $("error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  /* An action's error goes right after its button, where the eyes (and the screen reader) are: an element
     with role=alert, made once per button. */
  function errorSlot(button) {
    var next = button.nextElementSibling;
    if (next && next.classList.contains("action-error")) { return next; }
    var slot = el("p", "error action-error");
    slot.setAttribute("role", "alert");
    slot.hidden = true;
    if (button.id) { slot.id = button.id + "-error"; }
    button.parentNode.insertBefore(slot, button.nextSibling);
    return slot;
  }

  function showActionError(button, message) {
    if (!button) { showError(message); return; }
    var slot = errorSlot(button);
    slot.textContent = message || "";
    slot.hidden = !message;
    if (message && slot.scrollIntoView) { slot.scrollIntoView({ block: "nearest" }); }
  }

  function clearActionErrors() {
    Array.prototype.forEach.call(document.querySelectorAll(".action-error"), function (slot) {
      if (slot.id === "queue-error" || slot.id === "ticket-error") { return; }
      slot.textContent = "";
      slot.hidden = true;
    });
  }

  function announce(message) {
    var live = $("live");
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function call(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (method === "POST") {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRF-Token"] = state.me ? state.me.csrf : "";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 401) {
        window.location.assign("/staff/login");
        throw new Error("Please sign in again.");
      }
      if (response.status === 204) { return {}; }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || "Something went wrong (" + response.status + "). Please try again.");
        }
        return data;
      });
    });
  }

  function waited(seconds) {
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) { return "under a minute"; }
    if (minutes < 60) { return minutes + " min"; }
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function secondsSince(iso) {
    return Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  }

  function waitingText(ticket) {
    if (ticket.status === "waiting") { return "waiting " + waited(secondsSince(ticket.created_at)); }
    return "waited " + waited(ticket.waiting_seconds);
  }

  var VERDICTS = { not_emergency: "Not an emergency", missed_emergency: "Missed emergency" };

  function renderSafety(ticket) {
    var verdict = ticket.safety_review;
    $("mark-not-emergency").hidden = ticket.priority !== "urgent";
    $("mark-not-emergency").setAttribute("aria-pressed", String(verdict === "not_emergency"));
    $("mark-missed-emergency").setAttribute("aria-pressed", String(verdict === "missed_emergency"));
    var box = $("safety-verdict");
    if (!verdict) {
      box.textContent = "";
      box.hidden = true;
      return;
    }
    var text = "Marked: " + (ticket.safety_review_text || VERDICTS[verdict] || verdict);
    if (ticket.safety_review_by) { text += " by " + ticket.safety_review_by; }
    if (ticket.safety_review_at) { text += ", " + new Date(ticket.safety_review_at).toLocaleString(); }
    box.textContent = text;
    box.hidden = false;
  }

  function shortTime(iso) {
    if (!iso) { return ""; }
    var when = new Date(iso);
    var time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (when.toDateString() === new Date().toDateString()) { return time; }
    return when.toLocaleDateString([], { day: "numeric", month: "short" }) + ", " + time;
  }

  function closedText(ticket) {
    return "Closed" + (ticket.closed_by ? " by " + ticket.closed_by : "") +
      (ticket.closed_at ? ", " + shortTime(ticket.closed_at) : "");
  }

  function statusText(ticket) {
    if (ticket.status === "claimed") {
      return ticket.claimed_by_me ? "You have it" : "With " + (ticket.claimed_by || "someone");
    }
    return ticket.status === "waiting" ? "Waiting for someone" : closedText(ticket);
  }

  /* The queue ------------------------------------------------------------------------------------------- */

  function renderQueue() {
    var list = $("queue");
    list.textContent = "";
    $("queue-empty").hidden = state.tickets.length > 0;
    state.tickets.forEach(function (ticket) {
      var item = el("li", "ticket-row" + (ticket.priority === "urgent" ? " urgent" : ""));
      item.setAttribute("data-ticket-id", String(ticket.id));
      var button = el("button", "row-button");
      button.type = "button";
      if (state.open === ticket.id) { button.setAttribute("aria-current", "true"); }
      var head = el("span", "row-head");
      if (ticket.priority === "urgent") { head.appendChild(el("strong", "tag urgent-tag", "Urgent")); }
      head.appendChild(el("span", "reason", ticket.reason_text));
      head.appendChild(el("time", "row-time", shortTime(ticket.last_patient_at || ticket.created_at)));
      button.appendChild(head);
      button.appendChild(el("span", "patient-label", "Patient " + ticket.patient_label));
      button.appendChild(el("span", "preview", ticket.last_patient_preview ?
        "\u201c" + ticket.last_patient_preview + "\u201d" : "No message from the patient yet"));
      if (ticket.status === "closed") {
        button.appendChild(el("span", "meta", closedText(ticket)));
        if (ticket.close_note) { button.appendChild(el("span", "meta", "Note: " + ticket.close_note)); }
      } else {
        button.appendChild(el("span", "meta", waitingText(ticket) + " · " + statusText(ticket)));
      }
      if (ticket.out_of_hours) { button.appendChild(el("span", "tag", "Out of hours")); }
      if (ticket.contact) { button.appendChild(el("span", "meta", "Call back: " + ticket.contact)); }
      button.addEventListener("click", function () { openTicket(ticket.id, true); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function renderCounts(data) {
    var counts = data.counts || { total: 0, urgent: 0, normal: 0 };
    var what = state.view === "closed" ? "closed" : "open";
    var text = plural(counts.total, what + " ticket", what + " tickets") + ": " + counts.urgent + " urgent, " +
      counts.normal + " not urgent.";
    var from = (data.page - 1) * data.per_page + 1;
    var to = Math.min(data.matching, data.page * data.per_page);
    text += data.matching ? " Showing " + from + " to " + to + " of " + data.matching +
      (data.matching === counts.total ? "." : " that match.") : " None match.";
    $("queue-counts").textContent = text;
    $("page-info").textContent = "Page " + data.page + " of " + data.pages;
    $("page-prev").disabled = data.page <= 1;
    $("page-next").disabled = data.page >= data.pages;
  }

  function fillReasons(reasons) {
    if (state.reasonsFilled || !reasons) { return; }
    var select = $("filter-reason");
    reasons.forEach(function (reason) {
      var option = el("option", "", reason.text);
      option.value = reason.value;
      select.appendChild(option);
    });
    state.reasonsFilled = true;
  }

  function queuePath() {
    var params = new URLSearchParams();
    params.set("status", state.view === "closed" ? "closed" : ($("filter-status").value || "open"));
    [["priority", "filter-priority"], ["reason", "filter-reason"], ["age", "filter-age"]].forEach(function (pair) {
      if ($(pair[1]).value) { params.set(pair[0], $(pair[1]).value); }
    });
    var patient = $("filter-patient").value.trim().toLowerCase();
    if (patient) { params.set("patient", patient); }
    params.set("page", String(state.page));
    params.set("per_page", String(PER_PAGE));
    return "/staff/api/tickets?" + params.toString();
  }

  /* Each load is numbered: a slow answer to an older filter must never overwrite a newer one's list. */
  var queueRequests = 0;
  function loadQueue() {
    var mine = ++queueRequests;
    return call("GET", queuePath()).then(function (data) {
      if (mine !== queueRequests) { return; }
      if (data.pages && state.page > data.pages) {  /* the last page emptied: show the new last one */
        state.page = data.pages;
        return loadQueue();
      }
      state.tickets = data.tickets || [];
      state.pages = data.pages || 1;
      fillReasons(data.reasons);
      $("queue-error").hidden = true;
      renderCounts(data);
      renderQueue();
    }).catch(function (error) {
      if (mine !== queueRequests) { return; }
      $("queue-error").textContent = error.message;
      $("queue-error").hidden = false;
    });
  }

  function refilter() {
    state.page = 1;
    loadQueue();
  }

  /* One ticket ------------------------------------------------------------------------------------------ */

  function renderTicket(data) {
    var ticket = data.ticket;
    $("ticket-empty").hidden = true;
    $("ticket-body").hidden = false;
    $("ticket-title").textContent = (ticket.priority === "urgent" ? "Urgent: " : "") + ticket.reason_text +
      " (ticket " + ticket.id + ")";
    $("fact-status").textContent = statusText(ticket) + (ticket.close_note ? ". Note: " + ticket.close_note : "");
    $("fact-patient").textContent = ticket.patient_label;
    $("fact-waiting").textContent = waitingText(ticket);
    $("fact-channel").textContent = ticket.channel_text || ticket.channel || "Not known";
    $("fact-activity").textContent = ticket.activity || "Nothing in particular";
    $("fact-contact").textContent = ticket.contact || (ticket.out_of_hours ? "None left yet" : "Not asked");
    var mine = ticket.status === "claimed" && ticket.claimed_by_me;
    $("claim").hidden = ticket.status !== "waiting";
    $("release").hidden = !mine;
    $("reply-form").hidden = !mine;
    $("close-form").hidden = !mine;
    renderSafety(ticket);
    renderPrivacy(ticket);

    var list = $("transcript");
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    var newest = 0;
    list.textContent = "";
    (data.messages || []).forEach(function (line) {
      var item = el("li", "line " + line.sender);
      var head = el("p", "line-head");
      head.appendChild(el("span", "name", line.name));
      head.appendChild(el("time", "time", new Date(line.at).toLocaleTimeString()));
      if (line.sender === "staff" && line.delivered === false) { head.appendChild(el("span", "tag", "sending")); }
      item.appendChild(head);
      item.appendChild(el("p", "text", line.text));
      list.appendChild(item);
      newest = Math.max(newest, line.id);
      if (line.sender === "patient" && line.id > state.lastLineId && state.lastLineId > 0) {
        announce("New message from the patient: " + line.text);
      }
    });
    state.lastLineId = newest;
    if (atBottom || state.first) { list.scrollTop = list.scrollHeight; }
  }

  function openTicket(id, focus) {
    if (state.open !== id) { state.lastLineId = 0; state.first = true; clearActionErrors(); }
    state.open = id;
    showError("");
    return call("GET", "/staff/api/tickets/" + id).then(function (data) {
      renderTicket(data);
      state.first = false;
      renderQueue();
      $("ticket-error").hidden = true;
      if (focus) { $("ticket").focus(); }
    }).catch(function (error) {
      $("ticket-error").textContent = error.message;
      $("ticket-error").hidden = false;
    });
  }

  function act(path, body, button) {
    showError("");
    if (button) { showActionError(button, ""); button.disabled = true; }
    return call("POST", path, body).then(function (data) {
      return Promise.all([loadQueue(), state.open ? openTicket(state.open, false) : null]).then(function () {
        return data;
      });
    }).catch(function (error) {
      showActionError(button, error.message);
      throw error;
    }).finally(function () { if (button) { button.disabled = false; } });
  }

  /* Live updates ---------------------------------------------------------------------------------------- */

  function onChange(event) {
    var data = {};
    try { data = JSON.parse(event.data); } catch (e) { data = {}; }
    (data.urgent_ticket_ids || []).forEach(function (id) {
      if (!state.seenUrgent[id]) {
        state.seenUrgent[id] = true;
        if (!state.starting) {
          announce("New urgent ticket. Please look now.");
          if (window.Notification && Notification.permission === "granted") {
            new Notification("Urgent hand-off", { body: "A patient may be in danger. Open the console." });
          }
        }
      }
    });
    if ((data.new_ticket_ids || []).length && !(data.urgent_ticket_ids || []).length) {
      announce("New ticket in the queue.");
    }
    state.starting = false;
    loadQueue();
    if (state.open) { openTicket(state.open, false); }
  }

  function listen() {
    if (!window.EventSource) { return; }
    var source = new EventSource("/staff/api/events");
    source.addEventListener("change", onChange);
    source.addEventListener("open", function () { $("offline").hidden = true; });
    /* The server ends the stream when the session ends (signed out elsewhere, a new password, the account
       turned off): go to the sign-in form rather than keep showing patients' tickets. */
    source.addEventListener("signed-out", function () {
      source.close();
      window.location.assign("/staff/login");
    });
    source.addEventListener("error", function () {
      $("offline").hidden = false;
      if (source.readyState !== EventSource.CLOSED) { return; }
      /* The browser gives up on a stream the server refused; ask who we are (a 401 goes to the sign-in
         form) and, if still signed in, listen again in a while. */
      call("GET", "/staff/api/me").then(function () { window.setTimeout(listen, 5000); },
                                        function () { window.setTimeout(listen, 15000); });
    });
  }

  /* Patients' data and the access log (admins) ------------------------------------------------------------ */

  var DELETED_NOTE = "Deleted at the patient's request";

  function showPrivacyResult(message) {
    var box = $("privacy-result");
    box.textContent = message || "";
    box.hidden = !message;
  }

  function renderPrivacy(ticket) {
    $("privacy").hidden = !(state.me && state.me.role === "admin");
    $("forget-patient").hidden = ticket.close_note === DELETED_NOTE;
    if (state.privacyFor !== ticket.id) {
      state.privacyFor = ticket.id;
      showPrivacyResult("");
    }
  }

  function exportPatient() {
    var id = state.open;
    var button = $("export-patient");
    showActionError(button, "");
    button.disabled = true;
    call("GET", "/staff/api/tickets/" + id + "/export").then(function (data) {
      /* A file for the patient's access request: made here from the JSON, so errors still show as text. */
      var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "plainhealth-ticket-" + id + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      showPrivacyResult("Exported. The file holds this patient's health information: keep it safe, and delete " +
        "it once it is handed over.");
    }).catch(function (error) { showActionError(button, error.message); })
      .finally(function () { button.disabled = false; });
  }

  function forgetPatient() {
    var id = state.open;
    if (!window.confirm("Delete everything stored about this patient: the chat, visits, questions, lessons " +
        "and conversations with the team? This cannot be undone.")) { return; }
    act("/staff/api/tickets/" + id + "/forget", {}, $("forget-patient")).then(function (data) {
      var text = (data.erased && data.erased.summary) || "Deleted.";
      showPrivacyResult(text);
      announce(text);
    }, function () {});
  }

  function loadAudit() {
    return call("GET", "/staff/api/audit").then(function (data) {
      var list = $("audit-log");
      var entries = data.entries || [];
      list.textContent = "";
      if (!entries.length) { list.appendChild(el("li", "empty", "Nothing is logged yet.")); }
      entries.forEach(function (entry) {
        list.appendChild(el("li", "user", new Date(entry.at).toLocaleString() + ": " + entry.who_text + " " +
          entry.action_text + " (patient " + entry.patient + ")"));
      });
    }).catch(function (error) { showActionError($("audit-load"), error.message); });
  }

  /* Accounts (admins) ----------------------------------------------------------------------------------- */

  function loadUsers() {
    return call("GET", "/staff/api/users").then(function (data) {
      var list = $("users");
      list.textContent = "";
      (data.users || []).forEach(function (user) {
        var item = el("li", "user");
        item.appendChild(el("span", "", user.display_name + " (" + user.username + ", " + user.role + ")" +
          (user.active ? "" : " - turned off")));
        if (user.active && user.username !== state.me.username) {
          var off = el("button", "quiet", "Turn off");
          off.type = "button";
          off.addEventListener("click", function () {
            act("/staff/api/users/" + user.id + "/disable", {}, off).then(loadUsers, function () {});
          });
          item.appendChild(off);
        }
        list.appendChild(item);
      });
    }).catch(function (error) { showError(error.message); });
  }

  /* Start ----------------------------------------------------------------------------------------------- */

  function wire() {
    $("view-open").addEventListener("click", function () { switchView("open"); });
    $("view-closed").addEventListener("click", function () { switchView("closed"); });
    ["filter-priority", "filter-reason", "filter-status", "filter-age"].forEach(function (id) {
      $(id).addEventListener("change", refilter);
    });
    var typing = null;
    $("filter-patient").addEventListener("input", function () {
      window.clearTimeout(typing);
      typing = window.setTimeout(refilter, 300);
    });
    $("filters").addEventListener("submit", function (event) { event.preventDefault(); refilter(); });
    $("page-prev").addEventListener("click", function () {
      if (state.page > 1) { state.page -= 1; loadQueue(); }
    });
    $("page-next").addEventListener("click", function () {
      if (state.page < state.pages) { state.page += 1; loadQueue(); }
    });
    $("claim").addEventListener("click", function () {
      act("/staff/api/tickets/" + state.open + "/claim", {}, $("claim")).then(function () {
        $("reply-text").focus();
      }, function () {});
    });
    $("release").addEventListener("click", function () {
      act("/staff/api/tickets/" + state.open + "/release", {}, $("release")).catch(function () {});
    });
    $("reply-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = $("reply-text").value.trim();
      if (!text) { showActionError($("reply-send"), "Write a reply first."); $("reply-text").focus(); return; }
      act("/staff/api/tickets/" + state.open + "/reply", { text: text }, $("reply-send")).then(function () {
        $("reply-text").value = "";
        $("reply-text").focus();
      }, function () {});
    });
    $("reply-text").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        $("reply-form").requestSubmit();
      }
    });
    $("close-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var note = $("close-note").value.trim();
      if (!note) {
        showActionError($("close"), "Write a short note for the record before you close.");
        $("close-note").setAttribute("aria-invalid", "true");
        $("close-note").focus();
        return;
      }
      $("close-note").removeAttribute("aria-invalid");
      act("/staff/api/tickets/" + state.open + "/close", { note: note }, $("close")).then(function () {
        $("close-note").value = "";
        announce("Closed. The assistant has the chat again.");
      }, function () {});
    });
    ["not_emergency", "missed_emergency"].forEach(function (verdict) {
      var button = $(verdict === "not_emergency" ? "mark-not-emergency" : "mark-missed-emergency");
      button.addEventListener("click", function () {
        var id = state.open;
        act("/staff/api/tickets/" + id + "/safety-review", { verdict: verdict }, button).then(function (data) {
          if (data.ticket && state.open === id) { renderSafety(data.ticket); }
          announce("Saved: " + VERDICTS[verdict] + ". Thank you, this helps the safety checks.");
        }, function () {});
      });
    });
    $("export-patient").addEventListener("click", exportPatient);
    $("forget-patient").addEventListener("click", forgetPatient);
    $("audit-load").addEventListener("click", loadAudit);
    $("signout").addEventListener("click", function () {
      call("POST", "/staff/logout", {}).finally(function () { window.location.assign("/staff/login"); });
    });
    var alerts = $("alerts");
    if (!window.Notification || Notification.permission !== "default") { alerts.hidden = true; }
    alerts.addEventListener("click", function () {
      Notification.requestPermission().then(function () { alerts.hidden = true; });
    });
    $("user-form").addEventListener("submit", function (event) {
      event.preventDefault();
      act("/staff/api/users", {
        username: $("new-username").value, display_name: $("new-name").value,
        role: $("new-role").value, password: $("new-password").value
      }, $("user-add")).then(function () {
        $("user-form").reset();
        loadUsers();
      }, function () {});
    });
    window.setInterval(renderQueue, 30000);
    window.setInterval(function () { loadQueue(); if (state.open) { openTicket(state.open, false); } }, 15000);
  }

  function switchView(view) {
    state.view = view;
    state.page = 1;
    $("view-open").setAttribute("aria-pressed", String(view === "open"));
    $("view-closed").setAttribute("aria-pressed", String(view === "closed"));
    $("filter-status-box").hidden = view === "closed";
    loadQueue();
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire();
    call("GET", "/staff/api/me").then(function (me) {
      state.me = me;
      state.starting = true;
      $("who").textContent = "Signed in as " + me.display_name + " (" + me.role + ")";
      if (me.role === "admin") { $("admin").hidden = false; $("audit").hidden = false; loadUsers(); }
      loadQueue();
      listen();
    }).catch(function (error) { showError(error.message); });
  });
}());
