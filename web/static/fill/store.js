/* The offline store: every change not yet confirmed by the server is kept in this browser
 * (localStorage) until it is, so a dropped connection or an ended session loses nothing. */

export function Store(key, page) { this.key = key; this.page = page; }

Store.prototype.read = function () {
  try { return JSON.parse(localStorage.getItem(this.key) || "{}"); } catch (e) { return {}; }
};

Store.prototype.write = function (store) {
  try {
    if (Object.keys(store).length) { localStorage.setItem(this.key, JSON.stringify(store)); }
    else { localStorage.removeItem(this.key); }
  } catch (e) { /* storage full or disabled: autosave still works */ }
};

Store.prototype.keep = function (qid, entry) {
  var store = this.read();
  store[qid] = { value: entry.value, base: entry.base, key: entry.key, at: entry.at, page: this.page };
  this.write(store);
};

/* Forget a kept change (only the one with ``key`` when given: a newer one stays). */
Store.prototype.forget = function (qid, key) {
  var store = this.read();
  if (store[qid] && (!key || store[qid].key === key)) { delete store[qid]; this.write(store); }
};

/* Changes of this page kept here that differ from what the page shows: what was really not sent.
 * Entries equal to the page (already saved) are dropped. */
Store.prototype.unsent = function (answers, editable) {
  var store = this.read(), page = this.page;
  var mine = Object.keys(store).filter(function (qid) {
    return store[qid].page === page && (qid in answers.types) && editable(qid) &&
      JSON.stringify(store[qid].value) !== JSON.stringify(answers.valueOf(qid));
  });
  Object.keys(store).forEach(function (qid) {
    if (store[qid].page === page && mine.indexOf(qid) < 0) { delete store[qid]; }
  });
  this.write(store);
  var out = {};
  mine.forEach(function (qid) { out[qid] = store[qid]; });
  return out;
};

/* The banner offering unsent changes back; shown only when there are some. */
export function offerRestore(store, answers, editable, queue) {
  var kept = store.unsent(answers, editable);
  var qids = Object.keys(kept);
  var banner = document.querySelector("[data-restore]");
  if (!qids.length || !banner) { return; }
  banner.hidden = false;
  banner.querySelector("[data-restore-apply]").addEventListener("click", function () {
    qids.forEach(function (qid) {
      answers.setValue(qid, kept[qid].value);
      queue.add(qid, { value: kept[qid].value, base: kept[qid].base, key: kept[qid].key, at: kept[qid].at });
    });
    banner.hidden = true;
    queue.sendSoon(0);
  });
  banner.querySelector("[data-restore-discard]").addEventListener("click", function () {
    qids.forEach(function (qid) { store.forget(qid); });
    banner.hidden = true;
  });
}
