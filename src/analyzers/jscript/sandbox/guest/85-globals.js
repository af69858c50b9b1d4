/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// No Node.js names exist here (process, require, module, Buffer): `typeof process` is "undefined" as under WSH,
// so library code that only checks for them behaves as in a browser. Using one is an escape attempt: the host
// sees it as the ReferenceError it causes, or in the generated code that reaches for it.

var define = function (name, value) {
  Object.defineProperty(global, name, { value: value, writable: true, configurable: true, enumerable: false });
};
define('Date', VirtualDate);
define('WScript', wscript);
define('WSH', wscript);
define('ActiveXObject', ActiveXObject);
define('GetObject', getObject);
define('Enumerator', Enumerator);
define('Function', wrappedFunction);
define('setTimeout', setTimer('setTimeout'));
define('setInterval', setTimer('setInterval'));
define('clearTimeout', function () {});
define('clearInterval', function () {});
define('window', global);
define('self', global);
define('document', documentObject);
define('navigator', comObject('navigator', { useragent: 'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/7.0)', appname: 'Microsoft Internet Explorer', platform: 'Win32', language: 'en-US' }));
define('location', documentObject.location);
define('print', function () {
  // The output function of the JS shells analysts run samples under. Public malware collections defang a
  // sample by swapping its eval for print, so printed text that compiles as script is the next layer: it
  // is reported as code and run the way the original eval would have run it (global scope).
  var text = Array.prototype.map.call(arguments, str).join(' ');
  var compiled = null;
  if (/ActiveXObject|WScript|GetObject/.test(text)) {
    try {
      compiled = realFunction(text);
    } catch {
      compiled = null;
    }
  }
  if (!compiled) {
    send({ t: 'print', text: clip(text, MAX_TEXT) });
    return;
  }
  realEval(seenCode('print', text));
});
define('alert', function (m) { send({ t: 'echo', text: clip(m, 2000) }); });
define('__tb_seen', function (code) { return seenCode('eval', code); });
define('__tb_eval', function (code) { return realEval(seenCode('eval', code)); });
define('__tb_after', function () {
  // Runs what the script left on timers, the way WSH would after the main body, within the deadline.
  var runs = 0;
  while (timers.length && runs < 1000) {
    var t = timers.shift();
    runs++;
    try {
      if (typeof t.fn === 'string') realEval(seenCode(t.api, t.fn));
      else if (typeof t.fn === 'function') t.fn();
    } catch (e) {
      if (e === QUIT) return 'quit';
      send({ t: 'error', message: clip(e && e.message, 400), where: t.api });
    }
  }
  send({ t: 'sleep-total', ms: sleepTotal });
  return 'done';
});
define('__tb_is_quit', function (e) { return e === QUIT; });
define('__tb_typeof', function (object, key) {
  var value = object[key];
  if (comObjects.has(object) && (typeof value === 'function' || comObjects.has(value))) {
    // A method of a COM object, read without calling it: JScript's own answer.
    return typeof value === 'function' && !comObjects.has(value) ? 'unknown' : 'object';
  }
  return typeof value;
});
