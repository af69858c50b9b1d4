/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- permissive objects ----------
// A COM object is a Proxy over a function (so obj(x) calls its default member) whose members are
// looked up case-insensitively in a table of lower-case names.
var UNKNOWN = Symbol('unknown');
// Every mocked COM object, so typeof can tell a COM method (JScript: "unknown") from a script function.
var comObjects = new WeakSet();
var permissive = function (path) {
  // A chain of unknown members (x.a.b.c…) names its object by a bounded path, however long the chain.
  path = clip(path, 200);
  var fn = function () {};
  var proxy = new Proxy(fn, {
    get: function (t, prop) {
      if (prop === Symbol.toPrimitive) return function () { return ''; };
      if (prop === 'toString' || prop === 'valueOf') return function () { return ''; };
      if (prop === UNKNOWN) return true;
      if (typeof prop === 'symbol') return undefined;
      if (prop === 'length') return 0;
      send({ t: 'unknown-member', object: path, member: clip(prop, 80) });
      return permissive(path + '.' + clip(prop, 80));
    },
    set: function () { return true; },
    apply: function () { return permissive(path + '()'); },
    construct: function () { return permissive('new ' + path); },
    has: function () { return true; },
  });
  comObjects.add(proxy);
  return proxy;
};

var comObject = function (name, members, options) {
  options = options || {};
  // The members object itself is the table (its setters and the methods share it), keyed in lower case.
  var table = members;
  Object.keys(members).forEach(function (key) {
    var lower = key.toLowerCase();
    if (lower === key) return;
    Object.defineProperty(table, lower, Object.getOwnPropertyDescriptor(members, key));
    delete table[key];
  });
  var fn = function () {};
  var proxy = new Proxy(fn, {
    get: function (t, prop) {
      if (prop === Symbol.toPrimitive || prop === 'toString' || prop === 'valueOf') {
        var v = options.value !== undefined ? options.value : '';
        return function () { return typeof v === 'function' ? v() : v; };
      }
      if (typeof prop === 'symbol') return undefined;
      var lower = prop.toLowerCase();
      if (Object.prototype.hasOwnProperty.call(table, lower)) return table[lower];
      if (/^\d+$/.test(prop) && table.item) return table.item(Number(prop));
      if (lower === 'constructor') return Object;
      send({ t: 'unknown-member', object: name, member: clip(prop, 80) });
      if (options.strictUndefined) return undefined;
      return permissive(name + '.' + clip(prop, 80));
    },
    set: function (t, prop, value) {
      if (typeof prop === 'symbol') return true;
      var lower = prop.toLowerCase();
      var d = Object.getOwnPropertyDescriptor(table, lower);
      if (d && d.set) d.set.call(table, value);
      else if (!d || d.writable !== false) table[lower] = value;
      return true;
    },
    apply: function (t, self, args) {
      if (table.item) return table.item.apply(table, args);
      if (typeof options.call === 'function') return options.call.apply(table, args);
      return permissive(name + '()');
    },
    construct: function () { return permissive('new ' + name); },
    has: function (t, prop) {
      return typeof prop === 'string' && Object.prototype.hasOwnProperty.call(table, prop.toLowerCase());
    },
  });
  comObjects.add(proxy);
  return proxy;
};

var collection = function (name, items, extra) {
  var list = items.slice();
  var members = {
    item: function (i) {
      if (typeof i === 'number' || /^\d+$/.test(str(i))) return list[Number(i)];
      return undefined;
    },
    count: list.length,
    get length() { return list.length; },
    __items: list,
  };
  for (var k in extra || {}) members[k] = extra[k];
  return comObject(name, members);
};
// Collections are callable with an index, and Count may be read or called.
