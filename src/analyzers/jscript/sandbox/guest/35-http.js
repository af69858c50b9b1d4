/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
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
var FAKE_PAYLOAD = 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8' + '\x00'.repeat(63) + 'PE\x00\x00' + PAYLOAD_MARKER + '\x00'.repeat(200 * 1024);
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
