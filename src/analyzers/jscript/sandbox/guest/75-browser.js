/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- A browser-ish surface: some WSH droppers carry library code written for browsers ----------
var documentObject = comObject('document', {
  write: function () { seenCode('document.write', Array.prototype.map.call(arguments, str).join('')); },
  writeln: function () { seenCode('document.write', Array.prototype.map.call(arguments, str).join('') + '\n'); },
  createelement: function (tag) { return xmlElement(tag); },
  getelementbyid: function () { return null; },
  getelementsbytagname: function () { return []; },
  queryselector: function () { return null; },
  queryselectorall: function () { return []; },
  cookie: '',
  location: comObject('Location', { href: 'about:blank', protocol: 'about:' }, { value: 'about:blank' }),
  readystate: 'complete',
  body: permissive('document.body'),
  documentelement: permissive('document.documentElement'),
  addeventlistener: function () {},
  attachevent: function () {},
});
