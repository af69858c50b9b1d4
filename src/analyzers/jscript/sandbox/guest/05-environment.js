/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// The desktop the script sees, from rules/wsh-environment.yaml (handed in by the host as config.desktop).
var DESKTOP = config.desktop || {};
var ENV = DESKTOP.environment || {};
var ENV_RAW = DESKTOP.environmentScopes || {};
// Expands %VAR% without reporting a probe: for the mock layer's own values, not the script's questions.
var expandQuietly = function (s) {
  return str(s).replace(/%([^%]+)%/g, function (whole, name) {
    var v = ENV[name.toLowerCase()];
    return v === undefined ? whole : v;
  });
};
var SPECIAL = {};
Object.keys(DESKTOP.specialFolders || {}).forEach(function (k) {
  SPECIAL[k] = expandQuietly(DESKTOP.specialFolders[k]);
});
var SPECIAL_FOLDERS = (DESKTOP.fileSystemFolders || []).map(expandQuietly);
var SCRIPT_PATH = ENV.temp || 'C:\\Temp';
var SCRIPT_NAME = config.scriptName || 'sample.js';

// Expands %VAR% as ExpandEnvironmentStrings does, reporting each variable the script asks for.
var expandEnv = function (s) {
  s = str(s);
  return s.replace(/%([^%]+)%/g, function (whole, name) {
    var v = ENV[name.toLowerCase()];
    send({ t: 'env', what: '%' + name + '%' });
    return v === undefined ? whole : v;
  });
};
