/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- JScript quirks ----------
// JScript's getYear gives the full year from 2000 on (not year − 1900): date checks depend on it.
Date.prototype.getYear = function () {
  var y = this.getFullYear();
  return y >= 1900 && y < 2000 ? y - 1900 : y;
};
