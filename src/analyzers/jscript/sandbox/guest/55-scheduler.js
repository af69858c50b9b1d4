/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
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
