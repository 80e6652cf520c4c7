/* Instant branching: follow-up questions appear and disappear as the user answers, and say whether
 * they are required exactly as the server would (the engine's condition trees, conditions.js). The
 * server re-evaluates on every save and has the last word. */
import { container } from "./values.js";

/* ``data``: the page's conditions, ``required`` (true, false or a condition), chains and outside
 * answers; ``answers``: the page's Answers. */
export function Branching(data, answers) { this.data = data; this.answers = answers; }

Branching.prototype.clientValue = function (qid, raw) {
  if (raw === null) { return null; }
  return this.data.types[qid] === "number" ? window.Conditions.number(raw) : raw;
};

Branching.prototype.refresh = function () {
  var data = this.data, self = this;
  var values = Object.assign({}, data.outside);
  var shownGroups = {};
  Object.keys(data.types).forEach(function (qid) {
    var visible = (data.chains[qid] || []).every(function (gid) {
      if (!(gid in shownGroups)) { shownGroups[gid] = window.Conditions.evaluate(data.conditions[gid], values, null); }
      return shownGroups[gid];
    });
    if (visible && data.conditions[qid]) { visible = window.Conditions.evaluate(data.conditions[qid], values, null); }
    var el = container(qid);
    if (el) { el.hidden = !visible; }
    if (visible) { values[qid] = self.clientValue(qid, self.answers.valueOf(qid)); }
  });
  Object.keys(data.types).forEach(function (qid) {  // required may read answers given below it
    var rule = (data.required || {})[qid];
    var required = rule === true || (!!rule && typeof rule === "object" && window.Conditions.evaluate(rule, values, null));
    markRequired(qid, required);
  });
};

/* The "(optional)" marker, as the server shows it. */
export function markRequired(qid, required) {
  var el = container(qid);
  var mark = el && el.querySelector("[data-optional]");
  if (mark) { mark.hidden = required; }
}
