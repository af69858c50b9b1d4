/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// Shared helpers of the mock layer: the one way out (send), and safe string conversion.
var send = function (event) {
  try {
    return report(JSON.stringify(event));
  } catch {
    /* an event that cannot be serialised is dropped, the run goes on */
    return undefined;
  }
};
var str = function (v) {
  if (v === undefined || v === null) return '';
  try {
    return String(v);
  } catch {
    return '';
  }
};
var clip = function (s, n) {
  s = str(s);
  return s.length > n ? s.slice(0, n) : s;
};
var MAX_TEXT = 1 << 20;
