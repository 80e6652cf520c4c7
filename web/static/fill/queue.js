/* The save queue: changes are sent in the background, each with the answer version it was based
 * on and a key, so the same change sent twice counts once and a colleague's newer answer is never
 * overwritten. Every change waits in the offline store until the server confirms it; failures are
 * retried with doubling waits. */

function newKey() {
  if (window.crypto && crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

/* ``options``: url, page, store, csrf() and the hooks reply(reply, sent), retrying(offline),
 * expired(), closed(text), sending(). */
export function SaveQueue(options) {
  this.o = options;
  this.pending = {};  // qid -> {value, base, key, at}
  this.timer = null;
  this.retryTimer = null;
  this.retryDelay = 0;
  this.inFlight = false;
}

SaveQueue.prototype.entry = function (value, base) {
  return { value: value, base: base, key: newKey(), at: new Date().toISOString() };
};

SaveQueue.prototype.add = function (qid, entry) {
  this.pending[qid] = entry;
  this.o.store.keep(qid, entry);
};

SaveQueue.prototype.busy = function () { return this.inFlight || Object.keys(this.pending).length > 0; };

SaveQueue.prototype.sendSoon = function (delay) {
  clearTimeout(this.timer);
  this.timer = setTimeout(this.send.bind(this), delay);
};

SaveQueue.prototype.hold = function () { clearTimeout(this.timer); };

SaveQueue.prototype.send = function () {
  var self = this, o = this.o;
  var qids = Object.keys(this.pending);
  if (!qids.length || this.inFlight) { return; }
  this.inFlight = true;
  var sent = {};
  var changes = qids.map(function (qid) {
    var e = self.pending[qid];
    sent[qid] = e;
    return { q: qid, value: e.value, base: e.base, key: e.key };
  });
  o.sending();
  fetch(o.url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": o.csrf() },
    body: JSON.stringify({ page: o.page, changes: changes })
  }).then(function (response) {
    // An ended session answers with the login page (a redirect) or 401; a stale form token with 400.
    var toLogin = response.redirected && new URL(response.url).pathname === new URL(o.login, location.href).pathname;
    if (toLogin || response.status === 401 || response.status === 400 || response.status === 403) {
      self.inFlight = false;
      o.expired();
      return null;
    }
    if (response.status === 409 || response.status === 503) {
      // 409: submitted meanwhile (nothing stored); 503: the database is unavailable (nothing stored,
      // try again after Retry-After). Either way the changes stay here, in this browser.
      return response.json().catch(function () { return {}; }).then(function (body) {
        self.inFlight = false;
        if (body.closed) { self.close(body.error); return null; }
        self.retry(parseFloat(response.headers.get("Retry-After")) || body.retry_after);
        return null;
      });
    }
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    return response.json();
  }).then(function (reply) {
    if (!reply) { return; }
    self.inFlight = false;
    self.retryDelay = 0;
    self.settle(reply, sent);
    o.reply(reply, sent);
    if (Object.keys(self.pending).length) { self.sendSoon(300); }
  }).catch(function () {
    self.inFlight = false;
    self.retry();
  });
};

SaveQueue.prototype.retry = function (after) {
  this.o.retrying(navigator.onLine === false);
  this.retryDelay = Math.min(this.retryDelay ? this.retryDelay * 2 : 2000, 30000);
  if (after > 0) { this.retryDelay = Math.max(this.retryDelay, Math.min(after * 1000, 120000)); }
  clearTimeout(this.retryTimer);
  this.retryTimer = setTimeout(this.send.bind(this), this.retryDelay);
};

/* The response stopped taking answers (submitted meanwhile): nothing more is sent; the store keeps them. */
SaveQueue.prototype.close = function (text) {
  clearTimeout(this.timer);
  clearTimeout(this.retryTimer);
  this.pending = {};
  this.o.closed(text);
};

/* What the server did with each sent change: confirmed ones leave the queue and the store. */
SaveQueue.prototype.settle = function (reply, sent) {
  var self = this, store = this.o.store;
  function done(qid) { return self.pending[qid] && self.pending[qid] === sent[qid]; }
  var saved = Object.assign({}, reply.saved || {}, reply.unchanged || {});
  Object.keys(saved).forEach(function (qid) {
    var entry = sent[qid];
    if (done(qid)) {
      delete self.pending[qid];
      if (entry) { store.forget(qid, entry.key); }
    } else if (self.pending[qid]) {
      self.pending[qid].base = saved[qid];  // a newer change waits; it builds on this version
      store.keep(qid, self.pending[qid]);
    }
  });
  Object.keys(reply.kept || {}).forEach(function (qid) {  // a colleague's newer answer stays
    if (done(qid)) { delete self.pending[qid]; store.forget(qid); }
  });
  (reply.ignored || []).forEach(function (qid) {
    if (done(qid)) { delete self.pending[qid]; store.forget(qid); }
  });
  Object.keys(reply.refused || {}).forEach(function (qid) { if (done(qid)) { delete self.pending[qid]; } });
  (reply.conflicts || []).forEach(function (c) { if (done(c.q)) { delete self.pending[c.q]; } });
};

SaveQueue.prototype.online = function () {
  if (Object.keys(this.pending).length) { this.retryDelay = 0; this.send(); }
};
