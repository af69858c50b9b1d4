/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- Binary data: responses and stream content are kept as "binary strings" ----------
var binary = function (s, label) {
  var b = { __binary: true, data: str(s), label: label || 'binary' };
  b.toString = function () { return b.data; };
  return b;
};
var textOf = function (v) {
  if (v && v.__binary) return v.data;
  return str(v);
};
