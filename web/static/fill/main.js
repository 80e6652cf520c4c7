/* Completing a page: the modules of the page's browser helper, wired together.
 *
 * Without JavaScript the page still works (plain form posts). With it:
 *  - follow-up questions appear and disappear as the user answers (branching.js);
 *  - changes are saved in the background (queue.js), with one status per save (status.js);
 *  - every unsaved change is kept in this browser until the server confirms it (store.js), so a
 *    dropped connection or an ended session loses nothing: the page offers it back;
 *  - a colleague's newer answer is never overwritten: both are shown (conflicts.js);
 *  - table rows are added, moved and removed in place (tables.js); long texts count characters
 *    (counters.js); the focused field is never under the sticky save bar (focus.js).
 */
import { Answers, baseVersion, editable, setBaseVersion, container, changedSinceLoad } from "./values.js";
import { Branching } from "./branching.js";
import { Store, offerRestore } from "./store.js";
import { SaveQueue } from "./queue.js";
import { Status } from "./status.js";
import { showProblems } from "./problems.js";
import { showConflict } from "./conflicts.js";
import { handleRowButtons } from "./tables.js";
import { attachCounters } from "./counters.js";
import { keepFocusAboveBar } from "./focus.js";

function start() {
  var form = document.getElementById("page-form");
  var texts = document.getElementById("fill-messages");
  if (!form || !texts) { return; }
  var msg = texts.dataset;
  attachCounters(form, msg.counter);
  keepFocusAboveBar(form, form.querySelector("[data-save-bar]"));
  if (!window.Conditions || !window.fetch) { return; }
  var data = JSON.parse(form.getAttribute("data-fill"));
  var answers = new Answers(data.types);
  var branching = new Branching(data, answers);
  var store = new Store("checklist:u" + data.user + ":r" + data.response, data.page);
  var status = new Status(form.querySelector("[data-save-state]"), msg);
  var submitting = false;

  var queue = new SaveQueue({
    url: data.autosave, page: data.page, store: store, login: msg.login,
    csrf: function () { var i = form.querySelector("input[name=csrf_token]"); return i ? i.value : ""; },
    sending: function () { status.sending(); },
    retrying: function (offline) { status.retrying(offline); },
    expired: function () { status.expired(); },
    closed: function (text) { status.closed(text); },
    reply: function (reply, sent) {
      Object.keys(Object.assign({}, reply.saved, reply.unchanged)).forEach(function (qid) {
        setBaseVersion(qid, (reply.saved || {})[qid] || (reply.unchanged || {})[qid]);
      });
      Object.keys(reply.kept || {}).forEach(function (qid) {
        setBaseVersion(qid, reply.kept[qid].version);
        if (!queue.pending[qid] && sent[qid]) { answers.setValue(qid, reply.kept[qid].value); }
      });
      branching.refresh();
      showProblems(data.types, reply);
      (reply.conflicts || []).forEach(function (c) { showConflict(c, msg, choose); });
      Object.keys(reply.visible || {}).forEach(function (qid) {
        var el = container(qid);
        if (el) { el.hidden = !reply.visible[qid]; }
      });
      status.replied(reply);
    }
  });

  function choose(c, which) {
    setBaseVersion(c.q, c.their_version);
    if (which === "theirs") {
      answers.setValue(c.q, c.theirs);
      store.forget(c.q);
      branching.refresh();
    } else {
      queue.add(c.q, { value: c.mine, base: c.their_version, key: queue.entry().key, at: new Date().toISOString() });
      queue.sendSoon(0);
    }
  }

  function changed(qid) {
    if (!editable(qid)) { return; }
    queue.add(qid, queue.entry(answers.valueOf(qid), baseVersion(qid)));
    branching.refresh();
    queue.sendSoon(1200);
  }

  function questionOf(target) {
    var el = target.closest && target.closest(".question");
    return el ? el.getAttribute("data-qid") : null;
  }

  form.addEventListener("input", function (event) { var qid = questionOf(event.target); if (qid) { changed(qid); } });
  form.addEventListener("change", function (event) { var qid = questionOf(event.target); if (qid) { changed(qid); } });
  handleRowButtons(form, changed);
  form.addEventListener("submit", function () {
    queue.hold();
    submitting = true;
    // The post carries every answer of the page: once the server says it received it, what this
    // browser kept for the page is no longer "unsent".
    try { sessionStorage.setItem("checklist:posted:" + data.page, form.querySelector("input[name=_k]").value); } catch (e) { /* private mode */ }
  });
  window.addEventListener("online", function () { queue.online(); });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && queue.busy()) { event.preventDefault(); }
  });

  forgetPosted(store, data);
  branching.refresh();
  changedSinceLoad(form).forEach(changed);
  offerRestore(store, answers, editable, {
    add: function (qid, entry) { queue.add(qid, entry); },
    sendSoon: function (delay) { branching.refresh(); queue.sendSoon(delay); }
  });
}

/* The page came back from a form post the server received: this page's kept changes were in it. */
function forgetPosted(store, data) {
  var key;
  try { key = sessionStorage.getItem("checklist:posted:" + data.page); } catch (e) { return; }
  if (!key) { return; }
  try { sessionStorage.removeItem("checklist:posted:" + data.page); } catch (e) { /* ignore */ }
  if (data.received !== key) { return; }
  var kept = store.read();
  Object.keys(kept).forEach(function (qid) { if (kept[qid].page === data.page) { delete kept[qid]; } });
  store.write(kept);
}

start();
