// Guest-side mock of Windows Script Host, evaluated inside the quickjs sandbox before the sample.
// Nothing from the host crosses in: the only way out is __report(string), captured here and then removed
// from the global object. Every object answers case-insensitively and permissively (CHAIN.md §4): an
// unknown ProgID or member is recorded and answered with a harmless stand-in, never an exception, so a
// dropper runs to its end. HTTP answers 404 by default so the dropper walks its whole URL list.
(function (global, report, config) {
  'use strict';
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

  // ---------- the environment a 2016 Windows 7 desktop shows a dropper ----------
  var ENV = {
    temp: 'C:\\Users\\admin\\AppData\\Local\\Temp',
    tmp: 'C:\\Users\\admin\\AppData\\Local\\Temp',
    appdata: 'C:\\Users\\admin\\AppData\\Roaming',
    localappdata: 'C:\\Users\\admin\\AppData\\Local',
    userprofile: 'C:\\Users\\admin',
    username: 'admin',
    userdomain: 'DESKTOP-7H2K9Q',
    computername: 'DESKTOP-7H2K9Q',
    systemroot: 'C:\\Windows',
    windir: 'C:\\Windows',
    systemdrive: 'C:',
    homedrive: 'C:',
    homepath: '\\Users\\admin',
    programfiles: 'C:\\Program Files',
    'programfiles(x86)': 'C:\\Program Files (x86)',
    programdata: 'C:\\ProgramData',
    allusersprofile: 'C:\\ProgramData',
    public: 'C:\\Users\\Public',
    comspec: 'C:\\Windows\\system32\\cmd.exe',
    os: 'Windows_NT',
    processor_architecture: 'x86',
    number_of_processors: '4',
    pathext: '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC',
    path: 'C:\\Windows\\system32;C:\\Windows;C:\\Windows\\System32\\Wbem;C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\',
  };
  var ENV_RAW = {
    system: {
      comspec: '%SystemRoot%\\system32\\cmd.exe',
      temp: '%SystemRoot%\\TEMP',
      tmp: '%SystemRoot%\\TEMP',
      path: '%SystemRoot%\\system32;%SystemRoot%;%SystemRoot%\\System32\\Wbem;%SYSTEMROOT%\\System32\\WindowsPowerShell\\v1.0\\',
      windir: '%SystemRoot%',
    },
    user: { temp: '%USERPROFILE%\\AppData\\Local\\Temp', tmp: '%USERPROFILE%\\AppData\\Local\\Temp' },
    volatile: { appdata: ENV.appdata, localappdata: ENV.localappdata, userdomain: ENV.userdomain, username: ENV.username },
  };
  var SPECIAL = {
    desktop: ENV.userprofile + '\\Desktop',
    alldesktop: 'C:\\Users\\Public\\Desktop',
    startup: ENV.appdata + '\\Microsoft\\Windows\\Start Menu\\Programs\\Startup',
    allusersstartup: 'C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\Startup',
    startmenu: ENV.appdata + '\\Microsoft\\Windows\\Start Menu',
    programs: ENV.appdata + '\\Microsoft\\Windows\\Start Menu\\Programs',
    mydocuments: ENV.userprofile + '\\Documents',
    appdata: ENV.appdata,
    favorites: ENV.userprofile + '\\Favorites',
    templates: ENV.appdata + '\\Microsoft\\Windows\\Templates',
    sendto: ENV.appdata + '\\Microsoft\\Windows\\SendTo',
    recent: ENV.appdata + '\\Microsoft\\Windows\\Recent',
  };
  var SCRIPT_PATH = ENV.temp;
  var SCRIPT_NAME = config.scriptName || 'sample.js';

  var expandEnv = function (s) {
    s = str(s);
    return s.replace(/%([^%]+)%/g, function (whole, name) {
      var v = ENV[name.toLowerCase()];
      send({ t: 'env', what: '%' + name + '%' });
      return v === undefined ? whole : v;
    });
  };

  // ---------- the virtual file system: what the script saved, so it can read it back ----------
  var files = {};
  var fileKey = function (path) {
    return expandEnv(path).toLowerCase().replace(/\//g, '\\');
  };
  var saveFile = function (api, path, content) {
    var p = expandEnv(path);
    files[fileKey(p)] = content;
    var text = textOf(content);
    var emulated = text.indexOf('TACKLEBOX-EMULATED-DOWNLOAD') >= 0;
    send({ t: 'file', api: api, path: p, content: emulated ? '' : clip(text, MAX_TEXT), size: text.length, emulatedDownload: emulated });
  };

  // ---------- permissive objects ----------
  // A COM object is a Proxy over a function (so obj(x) calls its default member) whose members are
  // looked up case-insensitively in a table of lower-case names.
  var UNKNOWN = Symbol('unknown');
  // Every mocked COM object, so typeof can tell a COM method (JScript: "unknown") from a script function.
  var comObjects = new WeakSet();
  var permissive = function (path) {
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

  // ---------- WScript.Shell ----------
  var exec = function (api, cmd) {
    send({ t: 'exec', api: api, cmd: clip(cmd, MAX_TEXT) });
  };
  var regValues = {
    'hklm\\software\\microsoft\\windows nt\\currentversion\\productname': 'Windows 7 Professional',
    'hklm\\software\\microsoft\\windows nt\\currentversion\\currentversion': '6.1',
    'hklm\\system\\currentcontrolset\\control\\nls\\language\\default': '0409',
  };
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

  // ---------- text streams and the file system object ----------
  var textStream = function (name, content, path) {
    var state = { text: str(content), pos: 0, path: path };
    var flush = function () {
      if (state.path !== null && state.path !== undefined) saveFile('Scripting.FileSystemObject.' + name, state.path, state.text);
    };
    var stream = comObject('TextStream', {
      write: function (s) { state.text += textOf(s); },
      writeline: function (s) { state.text += textOf(s) + '\r\n'; },
      writeblanklines: function (n) { for (var i = 0; i < Number(n) && i < 1000; i++) state.text += '\r\n'; },
      readall: function () { var r = state.text.slice(state.pos); state.pos = state.text.length; return r; },
      readline: function () {
        var rest = state.text.slice(state.pos);
        var i = rest.indexOf('\n');
        var line = i < 0 ? rest : rest.slice(0, i);
        state.pos += i < 0 ? rest.length : i + 1;
        return line.replace(/\r$/, '');
      },
      read: function (n) { var r = state.text.substr(state.pos, Number(n)); state.pos += r.length; return r; },
      skip: function (n) { state.pos += Number(n); },
      skipline: function () { var i = state.text.indexOf('\n', state.pos); state.pos = i < 0 ? state.text.length : i + 1; },
      get atendofstream() { return state.pos >= state.text.length; },
      get atendofline() { return state.pos >= state.text.length || state.text[state.pos] === '\n'; },
      line: 1,
      column: 1,
      close: function () { flush(); state.path = null; },
    });
    return stream;
  };
  var folderObject = function (path) {
    return comObject('Folder', {
      path: path,
      name: path.split('\\').pop(),
      shortpath: path,
      files: collection('Files', []),
      subfolders: collection('Folders', []),
      size: 0,
      drive: 'C:',
      isrootfolder: false,
      attributes: 16,
      createtextfile: function (name) { return textStream('CreateTextFile', '', path + '\\' + str(name)); },
      copy: function () {},
      move: function () {},
      delete: function () {},
      self: null,
      copyhere: function (item) { send({ t: 'fs', op: 'CopyHere', path: clip(item, 400), to: clip(path, 400) }); },
      parsename: function (n) { return comObject('FolderItem', { path: path + '\\' + str(n), name: str(n), invokeverb: function () { exec('Shell.Application.InvokeVerb', path + '\\' + str(n)); } }); },
      items: function () { return collection('FolderItems', []); },
    }, { value: path });
  };
  var fileObject = function (path) {
    var key = fileKey(path);
    return comObject('File', {
      path: path,
      name: str(path).split('\\').pop(),
      shortpath: path,
      get size() { return files[key] === undefined ? 0 : str(files[key]).length; },
      attributes: 32,
      datecreated: new Date(),
      datelastmodified: new Date(),
      type: 'File',
      parentfolder: folderObject(str(path).split('\\').slice(0, -1).join('\\')),
      openastextstream: function () { return textStream('OpenAsTextStream', files[key] === undefined ? '' : textOf(files[key]), null); },
      copy: function (to) { send({ t: 'fs', op: 'Copy', path: clip(path, 400), to: clip(to, 400) }); files[fileKey(to)] = files[key]; },
      move: function (to) { send({ t: 'fs', op: 'Move', path: clip(path, 400), to: clip(to, 400) }); files[fileKey(to)] = files[key]; },
      delete: function () { send({ t: 'fs', op: 'Delete', path: clip(path, 400) }); delete files[key]; },
    }, { value: path });
  };
  var SPECIAL_FOLDERS = ['C:\\Windows', 'C:\\Windows\\System32', ENV.temp];
  var makeFso = function () {
    var tempCount = 0;
    return comObject('Scripting.FileSystemObject', {
      getspecialfolder: function (n) { return folderObject(SPECIAL_FOLDERS[Number(n)] || ENV.temp); },
      gettempname: function () { tempCount++; return 'rad' + (0x1a2b3 + tempCount).toString(16).toUpperCase() + '.tmp'; },
      createtextfile: function (path) { return textStream('CreateTextFile', '', str(path)); },
      opentextfile: function (path, mode) {
        var key = fileKey(path);
        var existing = files[key] === undefined ? '' : textOf(files[key]);
        if (Number(mode) === 2) return textStream('OpenTextFile', '', str(path));
        if (Number(mode) === 8) return textStream('OpenTextFile', existing, str(path));
        return textStream('OpenTextFile', existing, null);
      },
      fileexists: function (path) { send({ t: 'fs', op: 'FileExists', path: clip(path, 400) }); return files[fileKey(path)] !== undefined; },
      folderexists: function (path) { return true; },
      driveexists: function () { return true; },
      copyfile: function (from, to) { send({ t: 'fs', op: 'CopyFile', path: clip(from, 400), to: clip(to, 400) }); files[fileKey(to)] = files[fileKey(from)]; },
      movefile: function (from, to) { send({ t: 'fs', op: 'MoveFile', path: clip(from, 400), to: clip(to, 400) }); files[fileKey(to)] = files[fileKey(from)]; },
      deletefile: function (path) { send({ t: 'fs', op: 'DeleteFile', path: clip(path, 400) }); delete files[fileKey(path)]; },
      deletefolder: function () {},
      createfolder: function (path) { return folderObject(str(path)); },
      buildpath: function (a, b) { a = str(a); return a.replace(/\\$/, '') + '\\' + str(b); },
      getfile: function (path) { return fileObject(str(path)); },
      getfolder: function (path) { return folderObject(str(path)); },
      getfilename: function (path) { return str(path).split(/[\\/]/).pop(); },
      getbasename: function (path) { return str(path).split(/[\\/]/).pop().replace(/\.[^.]*$/, ''); },
      getextensionname: function (path) { var m = /\.([^.\\]*)$/.exec(str(path)); return m ? m[1] : ''; },
      getparentfoldername: function (path) { return str(path).split('\\').slice(0, -1).join('\\'); },
      getabsolutepathname: function (path) { return str(path); },
      getdrive: function () { return comObject('Drive', { driveletter: 'C', totalsize: 256060514304, freespace: 120060514304, serialnumber: 1784230453, volumename: '', drivetype: 2 }); },
      drives: collection('Drives', []),
    });
  };

  // ---------- HTTP ----------
  // 404 first, so the dropper walks its whole list; once it asks for a URL again it is looping over the list
  // until something answers, so from then on every request succeeds and the rest of the chain shows.
  var requested = {};
  var retrying = false;
  var answerOk = function (url) {
    if (config.http === 'ok') return true;
    if (requested[url]) retrying = true;
    requested[url] = true;
    return retrying;
  };
  // A payload that looks like a Windows executable, big enough for droppers that check the size.
  // The marker lets the host tell this stand-in from bytes the script wrote itself: it is never a dropped file.
  var PAYLOAD_MARKER = 'TACKLEBOX-EMULATED-DOWNLOAD';
  var FAKE_PAYLOAD = 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8' + '\x00'.repeat(63) + 'PE\x00\x00' + PAYLOAD_MARKER + '\x00'.repeat(24 * 1024 - 1);
  var makeHttp = function (progid) {
    var st = { method: '', url: '', status: 0, body: '', headers: {}, readyState: 0 };
    var members = {
      open: function (method, url) {
        st.method = str(method).toUpperCase();
        st.url = str(url);
        st.readyState = 1;
        send({ t: 'url', api: progid + '.open', method: clip(st.method, 16), url: clip(st.url, 4000) });
      },
      setrequestheader: function (k, v) { st.headers[str(k)] = str(v); },
      send: function (body) {
        if (body !== undefined && body !== null && str(body).length) send({ t: 'http-body', url: clip(st.url, 4000), body: clip(body, 4000) });
        var success = answerOk(st.url);
        st.readyState = 4;
        st.status = success ? 200 : 404;
        st.body = success ? FAKE_PAYLOAD : '';
        if (typeof members.onreadystatechange === 'function') members.onreadystatechange();
      },
      abort: function () {},
      waitforresponse: function () { return true; },
      setoption: function () {},
      settimeouts: function () {},
      setproxy: function () {},
      setcredentials: function () {},
      getresponseheader: function (name) { return str(name).toLowerCase() === 'content-length' ? str(st.body.length) : ''; },
      getallresponseheaders: function () { return 'Content-Type: application/octet-stream\r\nContent-Length: ' + st.body.length + '\r\n'; },
      option: function () { return 0; },
      get status() { return st.status; },
      get statustext() { return st.status === 200 ? 'OK' : st.status === 404 ? 'Not Found' : ''; },
      get readystate() { return st.readyState; },
      get responsetext() { return st.body; },
      get responsebody() { return binary(st.body, 'response'); },
      get responsestream() { return binary(st.body, 'response'); },
      get responsexml() { return permissive(progid + '.responseXML'); },
      onreadystatechange: null,
    };
    return comObject(progid, members);
  };

  // ---------- ADODB.Stream ----------
  var makeStream = function () {
    var st = { data: '', pos: 0, type: 2, charset: 'unicode', open: false };
    return comObject('ADODB.Stream', {
      open: function () { st.open = true; },
      close: function () { st.open = false; },
      get type() { return st.type; }, set type(v) { st.type = Number(v); },
      get charset() { return st.charset; }, set charset(v) { st.charset = str(v); },
      get position() { return st.pos; }, set position(v) { st.pos = Number(v) || 0; if (st.pos === 0 && st.truncateNext) st.truncateNext = false; },
      get size() { return st.data.length; },
      get eos() { return st.pos >= st.data.length; },
      mode: 3,
      linesep: -1,
      state: 1,
      write: function (v) { st.data = st.data.slice(0, st.pos) + textOf(v); st.pos = st.data.length; },
      writetext: function (v) { st.data = st.data.slice(0, st.pos) + textOf(v); st.pos = st.data.length; },
      read: function (n) { var end = n === undefined || Number(n) < 0 ? st.data.length : st.pos + Number(n); var r = st.data.slice(st.pos, end); st.pos += r.length; return binary(r, 'stream'); },
      readtext: function (n) { var end = n === undefined || Number(n) < 0 ? st.data.length : st.pos + Number(n); var r = st.data.slice(st.pos, end); st.pos += r.length; return r; },
      seteos: function () { st.data = st.data.slice(0, st.pos); },
      savetofile: function (path) { saveFile('ADODB.Stream.SaveToFile', str(path), st.data); },
      loadfromfile: function (path) { var v = files[fileKey(path)]; st.data = v === undefined ? '' : textOf(v); st.pos = 0; },
      copyto: function (other, n) { var r = n === undefined || Number(n) < 0 ? st.data.slice(st.pos) : st.data.substr(st.pos, Number(n)); st.pos += r.length; other.Write(binary(r, 'stream')); },
      flush: function () {},
      skipline: function () {},
      cancel: function () {},
    });
  };

  // ---------- XML DOM: the base64 / hex decoder droppers borrow ----------
  var b64decode = function (s) {
    var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    s = str(s).replace(/[^A-Za-z0-9+/]/g, '');
    var out = '';
    var bits = 0;
    var acc = 0;
    for (var i = 0; i < s.length; i++) {
      acc = (acc << 6) | alphabet.indexOf(s[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((acc >> bits) & 0xff);
      }
    }
    return out;
  };
  var hexdecode = function (s) {
    s = str(s).replace(/[^0-9a-fA-F]/g, '');
    var out = '';
    for (var i = 0; i + 1 < s.length; i += 2) out += String.fromCharCode(parseInt(s.substr(i, 2), 16));
    return out;
  };
  var xmlElement = function (tag) {
    var st = { dataType: '', text: '' };
    return comObject('IXMLDOMElement', {
      nodename: str(tag),
      get datatype() { return st.dataType; }, set datatype(v) { st.dataType = str(v); },
      get text() { return st.text; }, set text(v) { st.text = textOf(v); },
      get nodetypedvalue() {
        var dt = st.dataType.toLowerCase();
        if (dt === 'bin.base64') return binary(b64decode(st.text), 'base64');
        if (dt === 'bin.hex') return binary(hexdecode(st.text), 'hex');
        return st.text;
      },
      set nodetypedvalue(v) { st.text = textOf(v); },
      appendchild: function (c) { return c; },
      setattribute: function () {},
      getattribute: function () { return null; },
    });
  };
  var makeXmlDom = function (progid) {
    return comObject(progid, {
      createelement: function (tag) { return xmlElement(tag); },
      loadxml: function (xml) { send({ t: 'xml', text: clip(xml, 4000) }); return true; },
      load: function (url) { if (/^https?:/i.test(str(url))) send({ t: 'url', api: progid + '.load', method: 'GET', url: clip(url, 4000) }); return false; },
      async: false,
      documentelement: xmlElement('root'),
      selectsinglenode: function () { return null; },
      selectnodes: function () { return collection('IXMLDOMNodeList', []); },
      setproperty: function () {},
      parseerror: comObject('IXMLDOMParseError', { errorcode: 0, reason: '' }),
      appendchild: function (c) { return c; },
    });
  };

  // ---------- WMI ----------
  var wmiRows = {
    win32_operatingsystem: [{ caption: 'Microsoft Windows 7 Professional', version: '6.1.7601', osarchitecture: '32-bit', buildnumber: '7601', csname: ENV.computername, oslanguage: 1033, locale: '0409', countrycode: '1', registereduser: 'admin', serialnumber: '00371-OEM-8992671-00524' }],
    win32_computersystem: [{ name: ENV.computername, manufacturer: 'Dell Inc.', model: 'OptiPlex 7010', domain: 'WORKGROUP', username: ENV.computername + '\\admin', totalphysicalmemory: '8589934592', numberofprocessors: 1, numberoflogicalprocessors: 4 }],
    antivirusproduct: [{ displayname: 'Windows Defender', productstate: 397568, pathtosignedproductexe: 'C:\\Program Files\\Windows Defender\\MSASCui.exe' }],
    win32_process: [{ name: 'explorer.exe', processid: 1988, executablepath: 'C:\\Windows\\explorer.exe', commandline: 'C:\\Windows\\Explorer.EXE' }, { name: 'wscript.exe', processid: 2412, executablepath: 'C:\\Windows\\System32\\wscript.exe', commandline: 'wscript.exe' }],
    win32_networkadapterconfiguration: [{ ipaddress: ['192.168.1.23'], macaddress: '00:1A:2B:3C:4D:5E', ipenabled: true, description: 'Intel(R) Ethernet Connection' }],
    win32_bios: [{ manufacturer: 'Dell Inc.', serialnumber: '7H2K9Q1', version: 'DELL - 1072009' }],
    win32_logicaldisk: [{ deviceid: 'C:', size: '256060514304', freespace: '120060514304', volumeserialnumber: '6A5B4C3D' }],
  };
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

  // ---------- Task Scheduler ----------
  var makeScheduler = function () {
    var newDefinition = function () {
      var actions = [];
      var def = comObject('ITaskDefinition', {
        actions: comObject('IActionCollection', {
          create: function () {
            var a = { path: '', arguments: '' };
            actions.push(a);
            return comObject('IExecAction', {
              get path() { return a.path; }, set path(v) { a.path = str(v); },
              get arguments() { return a.arguments; }, set arguments(v) { a.arguments = str(v); },
              workingdirectory: '',
              id: '',
            });
          },
          get count() { return actions.length; },
        }),
        triggers: comObject('ITriggerCollection', { create: function (type) { return comObject('ITrigger', { startboundary: '', enabled: true, id: '', repetition: permissive('Repetition'), delay: '' }); } }),
        settings: comObject('ITaskSettings', { enabled: true, hidden: false, starwhenavailable: true }),
        registrationinfo: comObject('IRegistrationInfo', { description: '', author: '' }),
        principal: comObject('IPrincipal', { runlevel: 0, logontype: 3 }),
        __actions: actions,
      });
      return { def: def, actions: actions };
    };
    var defs = [];
    var folder = function (path) {
      return comObject('ITaskFolder', {
        registertaskdefinition: function (name, def) {
          var found = null;
          for (var i = 0; i < defs.length; i++) if (defs[i].def === def) found = defs[i];
          var acts = found ? found.actions : [];
          send({ t: 'task', name: clip(name, 400), folder: clip(path, 400), actions: acts.map(function (a) { return { path: clip(a.path, 4000), args: clip(a.arguments, MAX_TEXT) }; }) });
          return permissive('IRegisteredTask');
        },
        gettask: function () { return permissive('IRegisteredTask'); },
        deletetask: function () {},
        path: str(path),
      });
    };
    return comObject('Schedule.Service', {
      connect: function () {},
      getfolder: function (p) { return folder(p); },
      newtask: function () { var d = newDefinition(); defs.push(d); return d.def; },
      connected: true,
    });
  };

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

  // ProgID (lower case) → factory. CLSIDs of the same classes map to the same factories.
  var PROGIDS = {
    'wscript.shell': makeShell,
    'wscript.network': makeNetwork,
    'shell.application': makeShellApp,
    'scripting.filesystemobject': makeFso,
    'scripting.dictionary': makeDictionary,
    'adodb.stream': makeStream,
    'msxml2.xmlhttp': makeHttp,
    'msxml2.xmlhttp.3.0': makeHttp,
    'msxml2.xmlhttp.6.0': makeHttp,
    'microsoft.xmlhttp': makeHttp,
    'msxml2.serverxmlhttp': makeHttp,
    'msxml2.serverxmlhttp.3.0': makeHttp,
    'msxml2.serverxmlhttp.6.0': makeHttp,
    'winhttp.winhttprequest.5.1': makeHttp,
    'winhttp.winhttprequest': makeHttp,
    'msxml2.domdocument': makeXmlDom,
    'msxml2.domdocument.3.0': makeXmlDom,
    'msxml2.domdocument.6.0': makeXmlDom,
    'microsoft.xmldom': makeXmlDom,
    'schedule.service': makeScheduler,
    'schedule.service.1': makeScheduler,
    'vbscript.regexp': makeRegExp,
    'msscriptcontrol.scriptcontrol': makeScriptControl,
    'scriptcontrol': makeScriptControl,
    'windowsinstaller.installer': makeInstaller,
    'wbemscripting.swbemlocator': makeLocator,
  };
  var CLSIDS = {
    '72c24dd5-d70a-438b-8a42-98424b88afb8': 'wscript.shell',
    'f935dc22-1cf0-11d0-adb9-00c04fd58a0b': 'wscript.shell',
    '13709620-c279-11ce-a49e-444553540000': 'shell.application',
    '0d43fe01-f093-11cf-8940-00a0c9054228': 'scripting.filesystemobject',
    'ee09b103-97e0-11cf-978f-00a02463e06f': 'scripting.dictionary',
    '00000566-0000-0010-8000-00aa006d2ea4': 'adodb.stream',
    'f6d90f11-9c73-11d3-b32e-00c04f990bb4': 'msxml2.xmlhttp',
    'ed8c108e-4349-11d2-91a4-00c04f7969e8': 'microsoft.xmlhttp',
    '2087c2f4-2cef-4953-a8ab-66779b670495': 'winhttp.winhttprequest.5.1',
    '0f87369f-a4e5-4cfc-bd3e-73e6154572dd': 'schedule.service',
    '3f4daca4-160d-11d2-a8e9-00104b365c9f': 'vbscript.regexp',
    '0e59f1d5-1fbe-11d0-8ff2-00a0d10038bc': 'msscriptcontrol.scriptcontrol',
    '000c1090-0000-0000-c000-000000000046': 'windowsinstaller.installer',
    '76a64158-cb41-11d1-8b02-00600806d9b6': 'wbemscripting.swbemlocator',
  };
  var createObject = function (api, progid) {
    var raw = str(progid).trim();
    var lower = raw.toLowerCase();
    var m = /^(?:new:)?\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/.exec(lower);
    if (m && CLSIDS[m[1]]) lower = CLSIDS[m[1]];
    var factory = PROGIDS[lower];
    if (!factory) {
      // Versioned ProgIDs we do not list resolve to their unversioned class.
      var base = lower.replace(/(\.\d+)+$/, '');
      factory = PROGIDS[base];
    }
    send({ t: 'object', api: api, progid: clip(raw, 200), known: !!factory });
    // A name no COM class can have fails under WSH too, and droppers rely on that to try the next one.
    if (!factory && !/^[A-Za-z][\w.-]*$/.test(raw) && !m) throw new Error('Automation server can\'t create object');
    if (!factory) return permissive(clip(raw, 80));
    return factory(raw);
  };
  var getObject = function (moniker, cls) {
    var m = str(moniker);
    send({ t: 'object', api: 'GetObject', progid: clip(m, 400), known: /^winmgmts:/i.test(m) || !!PROGIDS[str(cls).toLowerCase()] });
    if (/^winmgmts:/i.test(m)) {
      var after = m.replace(/^winmgmts:/i, '').replace(/\{[^}]*\}!?/, '');
      var clsMatch = /:(\w+)$/.exec(after);
      if (clsMatch && !/^cimv2$/i.test(clsMatch[1])) return wmiClass(clsMatch[1]);
      return wmiService(after);
    }
    if (cls !== undefined) return createObject('GetObject', cls);
    return permissive('GetObject(' + clip(m, 60) + ')');
  };

  // ---------- WScript ----------
  var QUIT = { quit: true };
  var sleepTotal = 0;
  var sleepCount = 0;
  var wscript = comObject('WScript', {
    echo: function () { send({ t: 'echo', text: clip(Array.prototype.map.call(arguments, str).join(' '), 2000) }); },
    sleep: function (ms) {
      // Skipped, but counted: the first sleeps are reported one by one, the total at the end.
      sleepTotal += Number(ms) || 0;
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

  // ---------- Code that becomes new code: eval, Function, setTimeout(string), document.write ----------
  var realEval = global.eval;
  var realFunction = Function;
  // Reports generated code and returns it as the host prepared it (conditional compilation resolved, its own
  // eval calls marked), so every layer is seen however deep it is nested.
  var seenCode = function (api, code) {
    if (typeof code !== 'string') return code;
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

  // ---------- JScript quirks ----------
  // JScript's getYear gives the full year from 2000 on (not year − 1900): date checks depend on it.
  Date.prototype.getYear = function () {
    var y = this.getFullYear();
    return y >= 1900 && y < 2000 ? y - 1900 : y;
  };

  // ---------- Traps for code that looks for a Node.js host: record the attempt, give nothing ----------
  var escapeTrap = function (name) {
    Object.defineProperty(global, name, {
      get: function () {
        send({ t: 'escape', what: name });
        return undefined;
      },
      set: function () {},
      configurable: false,
    });
  };
  ['process', 'require', 'module', 'exports', 'Buffer', '__dirname', '__filename', 'globalThis_process', 'Deno', 'Bun'].forEach(function (n) {
    if (n !== 'globalThis_process') escapeTrap(n);
  });

  var define = function (name, value) {
    Object.defineProperty(global, name, { value: value, writable: true, configurable: true, enumerable: false });
  };
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
})(globalThis, globalThis.__report, JSON.parse(globalThis.__config));
delete globalThis.__report;
delete globalThis.__config;
