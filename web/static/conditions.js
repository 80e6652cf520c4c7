/* The browser's evaluator of the engine's condition trees (engine/expr/serialize.py).
 *
 * It mirrors engine/expr/compiler.py exactly, so that follow-up questions appear instantly and the
 * server, which re-evaluates on every save, agrees (tests/browser/test_condition_parity.py runs one
 * corpus through both). Values: code = string, codes = array, yes/no = boolean, number = number,
 * date = 'YYYY-MM-DD', text = string, table = array of rows; nothing = null.
 * Rules: a comparison involving nothing is false; not/and/or read nothing as false; arithmetic with
 * nothing gives nothing; division by zero gives nothing.
 */
(function (root) {
  "use strict";

  function isNothing(x) { return x === null || x === undefined; }

  function equal(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) { return false; }
    return a === b;
  }

  function order(op, a, b) {
    if (op === "<") { return a < b; }
    if (op === "<=") { return a <= b; }
    if (op === ">") { return a > b; }
    return a >= b;
  }

  function answered(v) {
    return !isNothing(v) && v !== "" && !(Array.isArray(v) && v.length === 0);
  }

  function count(v) {
    if (isNothing(v)) { return 0; }
    if (typeof v === "string") { return 1; }
    return v.length;
  }

  function selected(v, codes) {
    if (isNothing(v)) { return false; }
    if (typeof v === "string") { return codes.indexOf(v) >= 0; }
    return codes.some(function (c) { return v.indexOf(c) >= 0; });
  }

  function allSelected(v, codes) {
    if (isNothing(v)) { return false; }
    if (typeof v === "string") { return codes.every(function (c) { return c === v; }); }
    return codes.every(function (c) { return v.indexOf(c) >= 0; });
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function round(x) { return Math.round(x * 1e10) / 1e10; }

  var FUNCTIONS = {
    selected: function (args) { return selected(args[0], args.slice(1)); },
    any_selected: function (args) { return selected(args[0], args.slice(1)); },
    all_selected: function (args) { return allSelected(args[0], args.slice(1)); },
    count_selected: function (args) { return count(args[0]); },
    count: function (args) { return count(args[0]); },
    answered: function (args) { return answered(args[0]); },
    empty: function (args) { return !answered(args[0]); },
    len: function (args) { return args[0] ? Array.from(args[0]).length : 0; },
    today: function () { return today(); },
    date: function (args) { return args[0]; },
    year: function (args) {
      return (typeof args[0] === "string" && /^\d{4}-/.test(args[0])) ? parseInt(args[0].slice(0, 4), 10) : null;
    }
  };

  function evaluate(node, values, self) {
    if ("lit" in node) { return node.lit; }
    if ("ref" in node) { var v = values[node.ref]; return isNothing(v) ? null : v; }
    if ("this" in node) { return isNothing(self) ? null : self; }
    if ("not" in node) { return !evaluate(node.not, values, self); }
    if ("and" in node) { return node.and.every(function (n) { return !!evaluate(n, values, self); }); }
    if ("or" in node) { return node.or.some(function (n) { return !!evaluate(n, values, self); }); }
    if ("cmp" in node) { return compare(node, values, self); }
    if ("in" in node) {
      var x = evaluate(node.in, values, self);
      var hit = node.items.some(function (item) { return equal(item, isNothing(x) ? null : x); });
      return node.negate ? (!isNothing(x) && !hit) : hit;
    }
    if ("arith" in node) {
      var a = evaluate(node.left, values, self), b = evaluate(node.right, values, self);
      if (isNothing(a) || isNothing(b)) { return null; }
      if (node.arith === "+") { return round(a + b); }
      if (node.arith === "-") { return round(a - b); }
      if (node.arith === "*") { return round(a * b); }
      return b === 0 ? null : round(a / b);
    }
    if ("neg" in node) { var y = evaluate(node.neg, values, self); return isNothing(y) ? null : -y; }
    if ("call" in node) {
      var fn = FUNCTIONS[node.call];
      return fn(node.args.map(function (arg) { return evaluate(arg, values, self); }));
    }
    throw new Error("unknown condition node");
  }

  function compare(node, values, self) {
    var left = node.left, right = node.right, op = node.cmp;
    if ("lit" in left && !("lit" in right)) {
      var swapped = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
      var t = left; left = right; right = t; op = swapped[op] || op;
    }
    if ("lit" in right && right.lit === null) {
      var side = evaluate(left, values, self);
      if (op === "=") { return isNothing(side); }
      if (op === "!=") { return !isNothing(side); }
      return false;
    }
    var a = evaluate(left, values, self), b = evaluate(right, values, self);
    if (isNothing(a) || isNothing(b)) { return false; }
    if (op === "=") { return equal(a, b); }
    if (op === "!=") { return !equal(a, b); }
    return order(op, a, b);
  }

  root.Conditions = { evaluate: function (node, values, self) { return !!evaluate(node, values, self); },
                      value: evaluate };
})(this);
