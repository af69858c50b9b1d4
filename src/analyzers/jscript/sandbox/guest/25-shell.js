/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- WScript.Shell ----------
var exec = function (api, cmd) {
  send({ t: 'exec', api: api, cmd: clip(cmd, MAX_TEXT) });
};
// Registry values RegRead answers, from the desktop data; RegWrite adds to them for the rest of the run.
var regValues = {};
Object.keys(DESKTOP.registry || {}).forEach(function (k) {
  regValues[k.toLowerCase()] = DESKTOP.registry[k];
});
var regNormal = function (key) {
  return str(key)
    .replace(/^HKEY_LOCAL_MACHINE/i, 'HKLM')
    .replace(/^HKEY_CURRENT_USER/i, 'HKCU')
    .replace(/^HKEY_CLASSES_ROOT/i, 'HKCR')
    .replace(/^HKEY_USERS/i, 'HKU')
    .toLowerCase();
};
var makeShell = function () {
  var shell;
  var envCollection = function (scope) {
    send({ t: 'env', what: 'Environment(' + clip(scope, 40) + ')' });
    // The SYSTEM and USER scopes hold the registry's unexpanded values; PROCESS holds expanded ones.
    var raw = ENV_RAW[str(scope).toLowerCase()] || {};
    return comObject('WshEnvironment', {
      item: function (name) {
        send({ t: 'env', what: 'Environment ' + clip(name, 80) });
        var key = str(name).toLowerCase();
        var v = raw[key] !== undefined ? raw[key] : ENV[key];
        return v === undefined ? '' : v;
      },
      count: function () { return Object.keys(ENV).length; },
      remove: function () {},
    });
  };
  var special = comObject('WshSpecialFolders', {
    item: function (name) {
      var v = SPECIAL[str(name).toLowerCase()];
      return v === undefined ? ENV.userprofile + '\\' + str(name) : v;
    },
    count: function () { return Object.keys(SPECIAL).length; },
  });
  shell = comObject('WScript.Shell', {
    run: function (cmd) { exec('WScript.Shell.Run', cmd); return 0; },
    exec: function (cmd) {
      exec('WScript.Shell.Exec', cmd);
      var out = textStream('StdOut', '', null);
      return comObject('WshScriptExec', { status: 1, exitcode: 0, processid: 4242, stdout: out, stderr: textStream('StdErr', '', null), stdin: textStream('StdIn', '', null), terminate: function () {} });
    },
    expandenvironmentstrings: function (s) { return expandEnv(s); },
    environment: function (scope) { return envCollection(scope === undefined ? 'System' : scope); },
    specialfolders: special,
    regread: function (key) {
      send({ t: 'reg', op: 'RegRead', key: clip(key, 400) });
      var v = regValues[regNormal(key)];
      return v === undefined ? '' : v;
    },
    regwrite: function (key, value, type) {
      send({ t: 'reg', op: 'RegWrite', key: clip(key, 400), value: clip(value, 4000), type: clip(type, 40) });
      regValues[regNormal(key)] = value;
    },
    regdelete: function (key) { send({ t: 'reg', op: 'RegDelete', key: clip(key, 400) }); },
    createshortcut: function (path) {
      var sc = { targetpath: '', arguments: '', workingdirectory: '', windowstyle: 1, iconlocation: '', description: '', hotkey: '' };
      return comObject('WshShortcut', {
        get targetpath() { return sc.targetpath; }, set targetpath(v) { sc.targetpath = str(v); },
        get arguments() { return sc.arguments; }, set arguments(v) { sc.arguments = str(v); },
        get workingdirectory() { return sc.workingdirectory; }, set workingdirectory(v) { sc.workingdirectory = str(v); },
        get windowstyle() { return sc.windowstyle; }, set windowstyle(v) { sc.windowstyle = v; },
        get iconlocation() { return sc.iconlocation; }, set iconlocation(v) { sc.iconlocation = str(v); },
        get description() { return sc.description; }, set description(v) { sc.description = str(v); },
        get hotkey() { return sc.hotkey; }, set hotkey(v) { sc.hotkey = str(v); },
        fullname: str(path),
        save: function () {
          send({ t: 'shortcut', path: clip(expandEnv(path), 400), target: clip(sc.targetpath, 4000), args: clip(sc.arguments, MAX_TEXT) });
        },
      });
    },
    popup: function (text) { send({ t: 'echo', text: clip(text, 2000) }); return 1; },
    currentdirectory: SCRIPT_PATH,
    appactivate: function () { return true; },
    sendkeys: function () {},
    logevent: function () { return true; },
  });
  return shell;
};
