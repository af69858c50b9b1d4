/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
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
