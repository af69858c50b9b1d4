/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- Small helpers droppers borrow ----------
var makeDictionary = function () {
  var map = {};
  var keys = [];
  var k = function (x) { return 'k:' + str(x); };
  return comObject('Scripting.Dictionary', {
    add: function (key, value) { if (!(k(key) in map)) keys.push(key); map[k(key)] = value; },
    item: function (key) { return map[k(key)]; },
    exists: function (key) { return k(key) in map; },
    keys: function () { return keys.slice(); },
    items: function () { return keys.map(function (x) { return map[k(x)]; }); },
    remove: function (key) { delete map[k(key)]; keys = keys.filter(function (x) { return str(x) !== str(key); }); },
    removeall: function () { map = {}; keys = []; },
    get count() { return keys.length; },
    comparemode: 0,
  });
};
var makeRegExp = function () {
  var st = { pattern: '', global: false, ignorecase: false, multiline: false };
  var build = function () { return new RegExp(st.pattern, (st.global ? 'g' : '') + (st.ignorecase ? 'i' : '') + (st.multiline ? 'm' : '')); };
  return comObject('VBScript.RegExp', {
    get pattern() { return st.pattern; }, set pattern(v) { st.pattern = str(v); },
    get global() { return st.global; }, set global(v) { st.global = !!v; },
    get ignorecase() { return st.ignorecase; }, set ignorecase(v) { st.ignorecase = !!v; },
    get multiline() { return st.multiline; }, set multiline(v) { st.multiline = !!v; },
    test: function (s) { return build().test(str(s)); },
    replace: function (s, r) { return str(s).replace(build(), str(r).replace(/\$(\d)/g, '$$$1')); },
    execute: function (s) {
      var re = build();
      var out = [];
      var m;
      var text = str(s);
      if (!st.global) { m = re.exec(text); if (m) out.push(m); }
      else while ((m = re.exec(text)) && out.length < 10000) { out.push(m); if (m[0] === '') re.lastIndex++; }
      return collection('MatchCollection', out.map(function (x) {
        return comObject('Match', { value: x[0], firstindex: x.index, length: x[0].length, submatches: collection('SubMatches', x.slice(1)) }, { value: x[0] });
      }));
    },
  });
};
var makeScriptControl = function () {
  var st = { language: 'VBScript' };
  var code = function (api, text) { send({ t: 'code', api: api, language: st.language, code: clip(text, MAX_TEXT) }); };
  return comObject('MSScriptControl.ScriptControl', {
    get language() { return st.language; }, set language(v) { st.language = str(v); },
    addcode: function (text) { code('ScriptControl.AddCode', text); },
    executestatement: function (text) { code('ScriptControl.ExecuteStatement', text); },
    eval: function (text) { code('ScriptControl.Eval', text); return ''; },
    run: function (name) { return ''; },
    allowui: false,
    timeout: -1,
    addobject: function () {},
    reset: function () {},
  });
};
var makeShellApp = function () {
  return comObject('Shell.Application', {
    shellexecute: function (file, args, dir, verb) {
      var cmd = str(file) + (args === undefined || args === null || str(args) === '' ? '' : ' ' + str(args));
      exec('Shell.Application.ShellExecute' + (verb ? ' (' + clip(verb, 20) + ')' : ''), cmd);
      return 0;
    },
    namespace: function (n) {
      var p = typeof n === 'number' ? (n === 7 ? SPECIAL.startup : n === 0 ? SPECIAL.desktop : ENV.temp) : str(n);
      var f = folderObject(p);
      return f;
    },
    open: function (p) { exec('Shell.Application.Open', str(p)); },
    windows: function () { return collection('ShellWindows', []); },
    minimizeall: function () {},
  });
};
var makeInstaller = function () {
  return comObject('WindowsInstaller.Installer', {
    installproduct: function (pkg, props) {
      var p = str(pkg);
      if (/^https?:/i.test(p)) send({ t: 'url', api: 'WindowsInstaller.Installer.InstallProduct', method: 'GET', url: clip(p, 4000) });
      exec('WindowsInstaller.Installer.InstallProduct', 'msiexec /i ' + p + (props ? ' ' + str(props) : ''));
    },
    uilevel: 2,
  });
};
// Internet Explorer driven from a script: Navigate fetches a URL (older droppers used it as a downloader).
var makeBrowser = function () {
  var st = { url: '' };
  return comObject('InternetExplorer.Application', {
    navigate: function (url) {
      st.url = str(url);
      send({ t: 'url', api: 'InternetExplorer.Application.Navigate', method: 'GET', url: clip(st.url, 4000) });
    },
    navigate2: function (url) {
      st.url = str(url);
      send({ t: 'url', api: 'InternetExplorer.Application.Navigate2', method: 'GET', url: clip(st.url, 4000) });
    },
    busy: false,
    readystate: 4,
    visible: false,
    silent: true,
    get locationurl() { return st.url; },
    document: documentObject,
    quit: function () {},
  });
};
var makeNetwork = function () {
  send({ t: 'env', what: 'WScript.Network' });
  return comObject('WScript.Network', {
    username: ENV.username,
    computername: ENV.computername,
    userdomain: ENV.userdomain,
    mapnetworkdrive: function () {},
    enumnetworkdrives: function () { return collection('Drives', []); },
    enumprinterconnections: function () { return collection('Printers', []); },
  });
};

// Implemented ProgIDs (lower case) → factory. Other names of the same classes (versioned ProgIDs, CLSIDs)
// come from the desktop data.
var PROGIDS = {
  'wscript.shell': makeShell,
  'wscript.network': makeNetwork,
  'shell.application': makeShellApp,
  'scripting.filesystemobject': makeFso,
  'scripting.dictionary': makeDictionary,
  'adodb.stream': makeStream,
  'msxml2.xmlhttp': makeHttp,
  'msxml2.domdocument': makeXmlDom,
  'schedule.service': makeScheduler,
  'vbscript.regexp': makeRegExp,
  'msscriptcontrol.scriptcontrol': makeScriptControl,
  'windowsinstaller.installer': makeInstaller,
  'wbemscripting.swbemlocator': makeLocator,
  'internetexplorer.application': makeBrowser,
};
var ALIASES = DESKTOP.progidAliases || {};
var CLSIDS = DESKTOP.clsids || {};
var createObject = function (api, progid) {
  var raw = str(progid).trim();
  var lower = raw.toLowerCase();
  var m = /^(?:new:)?\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/.exec(lower);
  if (m && CLSIDS[m[1]]) lower = CLSIDS[m[1]];
  if (ALIASES[lower]) lower = ALIASES[lower];
  var factory = PROGIDS[lower];
  if (!factory) {
    // Versioned ProgIDs we do not list resolve to their unversioned class.
    var base = lower.replace(/(\.\d+)+$/, '');
    factory = PROGIDS[ALIASES[base] || base];
  }
  send({ t: 'object', api: api, progid: clip(raw, 200), known: !!factory });
  // A name no COM class can have fails under WSH too, and droppers rely on that to try the next one.
  if (!factory && !/^[A-Za-z][\w.-]*$/.test(raw) && !m) throw new Error('Automation server can\'t create object');
  if (!factory) return permissive(clip(raw, 80));
  return factory(raw);
};
var getObject = function (moniker, cls) {
  var m = str(moniker);
  send({ t: 'object', api: 'GetObject', progid: clip(m, 400), known: /^(winmgmts|script):/i.test(m) || !!PROGIDS[str(cls).toLowerCase()] || !!ALIASES[str(cls).toLowerCase()] });
  if (/^winmgmts:/i.test(m)) {
    var after = m.replace(/^winmgmts:/i, '').replace(/\{[^}]*\}!?/, '');
    var clsMatch = /:(\w+)$/.exec(after);
    if (clsMatch && !/^cimv2$/i.test(clsMatch[1])) return wmiClass(clsMatch[1]);
    return wmiService(after);
  }
  // A scriptlet moniker ("script:http://…/x.sct") fetches and runs remote code: the URL is what matters.
  var scriptlet = /^script:(.+)$/i.exec(m);
  if (scriptlet) {
    send({ t: 'url', api: 'GetObject(script:)', method: 'GET', url: clip(scriptlet[1], 4000) });
    return permissive('scriptlet');
  }
  if (cls !== undefined) return createObject('GetObject', cls);
  return permissive('GetObject(' + clip(m, 60) + ')');
};
