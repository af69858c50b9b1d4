/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- WMI ----------
// Rows a query returns, by class, from the desktop data.
var wmiRows = DESKTOP.wmi || {};
var wmiObject = function (cls, row) {
  var members = {};
  for (var k in row) members[k] = row[k];
  return comObject(cls, members);
};
var win32Process = function () {
  return comObject('Win32_Process', {
    create: function (cmd) { exec('Win32_Process.Create', cmd); return 0; },
    spawninstance_: function () { return win32Process(); },
    terminate: function () { return 0; },
  });
};
var wmiClass = function (name) {
  var lower = str(name).toLowerCase();
  if (lower === 'win32_process') return win32Process();
  if (lower === 'win32_processstartup') return comObject('Win32_ProcessStartup', { spawninstance_: function () { return comObject('Win32_ProcessStartup', { showwindow: 0 }); } });
  return comObject(str(name), { spawninstance_: function () { return permissive(str(name)); } });
};
var wmiService = function (moniker) {
  return comObject('SWbemServices', {
    execquery: function (query) {
      var q = str(query);
      send({ t: 'wmi', query: clip(q, 2000) });
      var m = /from\s+([\w]+)/i.exec(q);
      var rows = (m && wmiRows[m[1].toLowerCase()]) || [];
      return collection('SWbemObjectSet', rows.map(function (r) { return wmiObject(m[1], r); }));
    },
    instancesof: function (cls) {
      send({ t: 'wmi', query: 'InstancesOf ' + clip(cls, 200) });
      var rows = wmiRows[str(cls).toLowerCase()] || [];
      return collection('SWbemObjectSet', rows.map(function (r) { return wmiObject(cls, r); }));
    },
    get: function (path) { return wmiClass(str(path).split(/[:.]/)[0]); },
    execmethod: function (cls, method, params) { return permissive('ExecMethod'); },
  });
};
var makeLocator = function () {
  return comObject('WbemScripting.SWbemLocator', {
    connectserver: function (host, ns) { send({ t: 'wmi', query: 'ConnectServer ' + clip(host, 200) + ' ' + clip(ns, 200) }); return wmiService(str(ns)); },
  });
};
