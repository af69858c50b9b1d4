/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
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
