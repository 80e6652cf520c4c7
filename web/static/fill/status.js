/* One status per save, in the save bar: saving, saved, saved with problems, or not saved and why. */

export function Status(box, msg) { this.box = box; this.msg = msg; }

Status.prototype.show = function (text, kind) {
  if (!this.box) { return; }
  this.box.textContent = text;
  this.box.className = "save-state" + (kind ? " save-" + kind : "");
};

Status.prototype.time = function () {
  return new Date().toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
};

Status.prototype.sending = function () { this.show(this.msg.saving, "busy"); };
Status.prototype.retrying = function (offline) { this.show(offline ? this.msg.offline : this.msg.retrying, "error"); };
Status.prototype.closed = function (text) { this.show(text || this.msg.closed, "error"); };

Status.prototype.expired = function () {
  this.show(this.msg.expired, "error");
  if (this.box && !this.box.querySelector("a")) {
    var a = document.createElement("a");
    a.href = this.msg.login;
    a.textContent = " " + this.msg.loginText;
    this.box.appendChild(a);
  }
};

/* After a reply: conflicts and refused values were not saved; problems were saved but need checking. */
Status.prototype.replied = function (reply) {
  var problems = Object.keys(reply.problems || {}).some(function (qid) {
    return (reply.problems[qid] || []).length > 0 || Object.keys((reply.cells || {})[qid] || {}).length > 0;
  });
  if ((reply.conflicts || []).length) { this.show(this.msg.conflict, "error"); }
  else if (Object.keys(reply.refused || {}).length) { this.show(this.msg.refused, "error"); }
  else if (problems) { this.show(this.msg.savedProblems.replace("{time}", this.time()), "warning"); }
  else { this.show(this.msg.saved.replace("{time}", this.time()), "ok"); }
};
