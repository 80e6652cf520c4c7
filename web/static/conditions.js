/* The browser's evaluator of the engine's condition trees (engine/expr/serialize.py).
 *
 * It mirrors engine/expr/compiler.py exactly, so that follow-up questions appear instantly and the
 * server, which re-evaluates on every save, agrees (tests/browser/test_condition_parity.py runs one
 * corpus through both). Values: code = string, codes = array, yes/no = boolean, date = 'YYYY-MM-DD',
 * text = string, table = array of rows; nothing = null. A number is a JS number or {dec: "12.5"}
 * (exact decimal text, see Conditions.number).
 * Rules: a comparison involving nothing is false; not/and/or read nothing as false; arithmetic with
 * nothing gives nothing; division by zero gives nothing.
 *
 * Numbers are computed as the server computes them: exact decimals (BigInt coefficient and power of
 * ten), whole answers as exact integers, anything involving a written number or a division rounded to
 * 28 significant digits, half to even (Python's decimal module with its default context). Plain
 * floating point would make 0.1 + 0.2 differ from 0.3 and disagree with the server.
 */
(function (root) {
  "use strict";
  if (typeof BigInt === "undefined") { return; }  // very old browsers: no instant branching, forms still work

  var PRECISION = 28;
  var TEN = BigInt(10), ZERO = BigInt(0), ONE = BigInt(1), TWO = BigInt(2);
  var MAX_NUMBER = BigInt("1000000000000000");

  // -- exact decimals ----------------------------------------------------------------------------
  /* c * 10^e; `whole`: an integer answer or count (Python int: exact arithmetic), else a Decimal. */
  function Dec(c, e, whole) { this.c = c; this.e = e; this.whole = whole; }

  function pow10(n) { return TEN ** BigInt(n); }
  function abs(x) { return x < ZERO ? -x : x; }
  function digits(x) { return abs(x).toString().length; }

  var DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

  function parse(text, whole) {
    var m = DECIMAL.exec(text);
    if (!m || !(m[2] || m[3])) { return null; }
    var fraction = m[3] || "";
    var c = BigInt((m[2] || "0") + fraction);
    return new Dec(m[1] === "-" ? -c : c, (m[4] ? parseInt(m[4], 10) : 0) - fraction.length, whole);
  }

  function isInteger(d) {
    if (d.e >= 0 || d.c === ZERO) { return true; }
    return d.c % pow10(-d.e) === ZERO;
  }

  /* A number as the engine reads it: a JS number, or {dec: text} (an answer typed or stored). */
  function toDec(x, literal) {
    if (x instanceof Dec) { return x; }
    if (typeof x === "number") {
      if (!isFinite(x)) { return null; }
      var d = parse(String(x), false);
      if (d && !literal) { d.whole = isInteger(d); }
      return d;
    }
    if (x && typeof x === "object" && typeof x.dec === "string") {
      var p = parse(x.dec, false);
      if (p) { p.whole = isInteger(p); }
      return p;
    }
    return null;
  }

  function isNumber(x) {
    return x instanceof Dec || typeof x === "number" || (!!x && typeof x === "object" && typeof x.dec === "string");
  }

  function align(a, b) {
    var e = Math.min(a.e, b.e);
    return [a.c * pow10(a.e - e), b.c * pow10(b.e - e), e];
  }

  function cmp(a, b) {
    var x = align(a, b);
    return x[0] < x[1] ? -1 : (x[0] > x[1] ? 1 : 0);
  }

  /* Round |c| * 10^e to PRECISION digits, half to even; `sticky`: more nonzero digits were cut. */
  function rounded(c, e, sticky) {
    var negative = c < ZERO, m = abs(c), n = digits(m);
    if (n > PRECISION) {
      var cut = n - PRECISION, unit = pow10(cut), rest = m % unit;
      m = m / unit;
      e += cut;
      var twice = rest * TWO;
      if (twice > unit || (twice === unit && (sticky || m % TWO === ONE))) { m += ONE; }
    }
    return new Dec(negative ? -m : m, e, false);
  }

  function arith(op, a, b) {
    var whole = a.whole && b.whole;
    var c, e;
    if (op === "/") {
      if (b.c === ZERO) { return null; }
      if (a.c === ZERO) { return new Dec(ZERO, 0, false); }
      var k = Math.max(0, PRECISION + 1 + digits(b.c) - digits(a.c));
      var n = abs(a.c) * pow10(k), q = n / abs(b.c), r = n % abs(b.c);
      var result = rounded((a.c < ZERO) !== (b.c < ZERO) ? -q : q, a.e - b.e - k, r !== ZERO);
      return result;
    }
    if (op === "*") { c = a.c * b.c; e = a.e + b.e; }
    else {
      var x = align(a, b);
      c = op === "+" ? x[0] + x[1] : x[0] - x[1];
      e = x[2];
    }
    return whole ? new Dec(c, e, true) : rounded(c, e, false);
  }

  function toNumber(d) { return Number(d.c.toString() + "e" + d.e); }

  /* Text typed in a number field as the server reads it (engine NumberType.from_json): {dec} or null. */
  var ZEROS = [0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50,
               0xED0, 0xF20, 0x1040, 0x17E0, 0x1810, 0xFF10];

  /* Digits of other scripts (Arabic-Indic, fullwidth, ...) as ASCII, as Python's Decimal reads them. */
  function asciiDigits(text) {
    return text.replace(/[^\x00-\x7f]/g, function (ch) {
      var code = ch.charCodeAt(0);
      for (var i = 0; i < ZEROS.length; i++) {
        if (code >= ZEROS[i] && code < ZEROS[i] + 10) { return String(code - ZEROS[i]); }
      }
      return ch;
    });
  }

  function number(text) {
    if (text === null || text === undefined) { return null; }
    var t = asciiDigits(String(text).trim()).replace(/_/g, "");
    if (/^[+-]?(inf|infinity|nan|snan)$/i.test(t)) { return null; }
    var d = parse(t, false);
    if (!d) { return null; }
    var limit = new Dec(MAX_NUMBER, 0, true);
    if (cmp(new Dec(abs(d.c), d.e, false), limit) > 0) { return null; }
    return { dec: t.replace(/^\+/, "") };
  }

  // -- dates: 'YYYY-MM-DD' strings, compared as text ---------------------------------------------------
  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }
  function iso(d) { return pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2); }

  /* Every form Python's date.fromisoformat accepts: 2003-10-31, 20031031, 2004-W01-1, 2004W011, 2004-W01. */
  function isoDate(text) {
    var m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
    if (m && (text.length === 8 || text.length === 10)) { return m[1] + "-" + m[2] + "-" + m[3]; }
    m = /^(\d{4})(-?)W(\d{2})(?:\2(\d))?$/.exec(text);
    if (!m) { return text; }
    var year = parseInt(m[1], 10), week = parseInt(m[3], 10), day = m[4] ? parseInt(m[4], 10) : 1;
    var jan4 = new Date(Date.UTC(year, 0, 4));
    jan4.setUTCFullYear(year);
    var monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000);
    return iso(new Date(monday.getTime() + ((week - 1) * 7 + day - 1) * 86400000));
  }

  function today() {
    var d = new Date();
    return pad(d.getFullYear(), 4) + "-" + pad(d.getMonth() + 1, 2) + "-" + pad(d.getDate(), 2);
  }

  // -- values ------------------------------------------------------------------------------------------
  function isNothing(x) { return x === null || x === undefined; }

  function equal(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) { return false; }
    if (a instanceof Dec || b instanceof Dec) {
      return a instanceof Dec && b instanceof Dec && cmp(a, b) === 0;
    }
    return a === b;
  }

  function order(op, a, b) {
    var r;
    if (a instanceof Dec && b instanceof Dec) { r = cmp(a, b); }
    else { r = a < b ? -1 : (a > b ? 1 : 0); }
    if (op === "<") { return r < 0; }
    if (op === "<=") { return r <= 0; }
    if (op === ">") { return r > 0; }
    return r >= 0;
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

  function whole(n) { return new Dec(BigInt(n), 0, true); }

  var FUNCTIONS = {
    selected: function (args) { return selected(args[0], args.slice(1)); },
    any_selected: function (args) { return selected(args[0], args.slice(1)); },
    all_selected: function (args) { return allSelected(args[0], args.slice(1)); },
    count_selected: function (args) { return whole(count(args[0])); },
    count: function (args) { return whole(count(args[0])); },
    answered: function (args) { return answered(args[0]); },
    empty: function (args) { return !answered(args[0]); },
    len: function (args) { return whole(args[0] ? Array.from(args[0]).length : 0); },
    today: function () { return today(); },
    date: function (args) { return isoDate(args[0]); },
    year: function (args) {
      return (typeof args[0] === "string" && /^\d{4}-/.test(args[0])) ? whole(parseInt(args[0].slice(0, 4), 10)) : null;
    }
  };

  /* A value from the answers: numbers become exact decimals, the rest is used as it is. */
  function read(v) {
    if (isNothing(v)) { return null; }
    return isNumber(v) && !Array.isArray(v) ? toDec(v, false) : v;
  }

  function literal(v) { return typeof v === "number" ? toDec(v, true) : v; }

  function evaluate(node, values, self) {
    if ("lit" in node) { return literal(node.lit); }
    if ("ref" in node) { return read(values[node.ref]); }
    if ("this" in node) { return read(self); }
    if ("not" in node) { return !evaluate(node.not, values, self); }
    if ("and" in node) { return node.and.every(function (n) { return !!evaluate(n, values, self); }); }
    if ("or" in node) { return node.or.some(function (n) { return !!evaluate(n, values, self); }); }
    if ("cmp" in node) { return compare(node, values, self); }
    if ("in" in node) {
      var x = evaluate(node.in, values, self);
      var hit = node.items.some(function (item) { return isNothing(item) ? isNothing(x) : equal(literal(item), x); });
      return node.negate ? (!isNothing(x) && !hit) : hit;
    }
    if ("arith" in node) {
      var a = evaluate(node.left, values, self), b = evaluate(node.right, values, self);
      if (isNothing(a) || isNothing(b)) { return null; }
      return arith(node.arith, a, b);
    }
    if ("neg" in node) {
      var y = evaluate(node.neg, values, self);
      if (isNothing(y)) { return null; }
      return y.whole ? new Dec(-y.c, y.e, true) : rounded(-y.c, y.e, false);
    }
    if ("call" in node) {
      var fn = FUNCTIONS[node.call];
      if (!fn) { throw new Error("unknown function " + node.call); }
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

  function plain(v) { return v instanceof Dec ? toNumber(v) : v; }

  root.Conditions = {
    evaluate: function (node, values, self) { return !!evaluate(node, values, self); },
    value: function (node, values, self) { return plain(evaluate(node, values, self)); },
    number: number
  };
})(this);
