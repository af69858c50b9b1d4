/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- Code that becomes new code: eval, Function, setTimeout(string), document.write ----------
var realEval = global.eval;
var realFunction = Function;
// Reports generated code and returns it as the host prepared it (conditional compilation resolved, its own
// eval calls marked), so every layer is seen however deep it is nested.
// Generated code that hands back the host's globals: the classic way out of a JavaScript sandbox. Code that
// merely calls require() is written for Node.js (bundlers generate such code too): noted, not an escape.
var RETURNS_HOST = /\breturn\s+(?:this\s*\.\s*)?(?:process|require|global|module|Buffer)\b|\bprocess\s*\.\s*(?:mainModule|dlopen)\b/;
var USES_NODE = /\brequire\s*\(/;
var seenCode = function (api, code) {
  if (typeof code !== 'string') return code;
  if (RETURNS_HOST.test(code)) send({ t: 'escape', what: api + '(' + clip(code, 120) + ')' });
  else if (USES_NODE.test(code)) send({ t: 'node-api', what: api + '(' + clip(code, 120) + ')' });
  var prepared = send({ t: 'code', api: api, language: 'JScript', code: clip(code, MAX_TEXT), complete: code.length <= MAX_TEXT });
  return typeof prepared === 'string' ? prepared : code;
};
var wrappedFunction = function () {
  var args = Array.prototype.slice.call(arguments).map(str);
  var body = args.length ? args.pop() : '';
  // Reported whole, as the function it defines, so the layer reads (and parses) on its own.
  var source = 'function anonymous(' + args.join(', ') + ') {\n' + body + '\n}';
  var prepared = seenCode('Function', source);
  if (prepared !== source) {
    var inner = /^function anonymous\([^)]*\) \{\n([\s\S]*)\n\}$/.exec(prepared);
    if (inner) body = inner[1];
  }
  return realFunction.apply(null, args.concat([body]));
};
wrappedFunction.prototype = realFunction.prototype;
Object.defineProperty(realFunction.prototype, 'constructor', { value: wrappedFunction, writable: true, configurable: true });
var timers = [];
var setTimer = function (api) {
  return function (fn, ms) {
    if (timers.length < 1000) timers.push({ api: api, fn: fn });
    return timers.length;
  };
};
