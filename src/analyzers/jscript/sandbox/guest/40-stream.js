/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
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
