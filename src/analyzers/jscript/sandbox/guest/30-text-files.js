/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
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
    deletefile: function (path) {
      // A script that deletes itself is covering its tracks.
      var self = fileKey(path) === fileKey(SCRIPT_PATH + '\\' + SCRIPT_NAME);
      send({ t: self ? 'self-delete' : 'fs', op: 'DeleteFile', path: clip(path, 400) });
      delete files[fileKey(path)];
    },
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
