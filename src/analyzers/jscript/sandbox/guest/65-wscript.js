/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- WScript ----------
var QUIT = { quit: true };
var sleepTotal = 0;
var sleepCount = 0;
var wscript = comObject('WScript', {
  echo: function () { send({ t: 'echo', text: clip(Array.prototype.map.call(arguments, str).join(' '), 2000) }); },
  sleep: function (ms) {
    // Skipped, but counted: the first sleeps are reported one by one, the total at the end.
    sleepTotal += Number(ms) || 0;
    advanceClock(ms);
    if (++sleepCount <= 20) send({ t: 'sleep', ms: Number(ms) || 0 });
  },
  quit: function () { throw QUIT; },
  scriptfullname: SCRIPT_PATH + '\\' + SCRIPT_NAME,
  scriptname: SCRIPT_NAME,
  fullname: 'C:\\Windows\\System32\\wscript.exe',
  name: 'Windows Script Host',
  path: 'C:\\Windows\\System32',
  version: '5.8',
  buildversion: 18283,
  interactive: true,
  timeout: 0,
  arguments: comObject('WshArguments', { item: function () { return undefined; }, count: function () { return 0; }, length: 0, named: collection('WshNamed', []), unnamed: collection('WshUnnamed', []) }),
  createobject: function (progid) { return createObject('WScript.CreateObject', progid); },
  getobject: function (moniker, cls) { return getObject(moniker, cls); },
  connectobject: function () {},
  disconnectobject: function () {},
  stdout: textStream('StdOut', '', null),
  stderr: textStream('StdErr', '', null),
  stdin: textStream('StdIn', '', null),
}, { strictUndefined: true });

var ActiveXObject = function (progid) {
  return createObject('ActiveXObject', progid);
};
var Enumerator = function (coll) {
  var items = [];
  if (coll && coll.__items) items = coll.__items;
  else if (Array.isArray(coll)) items = coll;
  else if (coll && typeof coll.Count === 'number') for (var i = 0; i < coll.Count && i < 10000; i++) items.push(coll.Item(i));
  var pos = 0;
  this.atEnd = function () { return pos >= items.length; };
  this.moveNext = function () { pos++; };
  this.moveFirst = function () { pos = 0; };
  this.item = function () { return items[pos]; };
};
