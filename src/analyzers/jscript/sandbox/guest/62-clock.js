/* eslint-disable no-unused-vars -- a fragment of the mock layer: the worker joins all fragments into one function, where these names are used */
// ---------- The clock: WScript.Sleep is skipped, but the script's clock moves as if it had slept ----------
// Droppers time their own sleeps to spot emulators: a skipped sleep, or two sleeps of exactly the same
// length, gives them away. Windows sleeps in timer ticks of 15.625 ms, with a little jitter. The clock starts
// at the real time and then moves only with the script: by its sleeps, and by a quarter millisecond each
// time it is read (so busy-wait loops end quickly). The same script therefore sees the same clock on every run.
var RealDate = Date;
var clockStart = RealDate.now();
var clockOffset = 0;
var sleepsTaken = 0;
var advanceClock = function (ms) {
  var n = Number(ms);
  if (!(n > 0)) return;
  var TICK = 15.625;
  // 1, 2, 3, 1, 2, 3 … ms: two sleeps in a row never last exactly as long.
  clockOffset += Math.ceil(Math.min(n, 864e5) / TICK) * TICK + 1 + (sleepsTaken++ % 3);
};
var readClock = function () {
  clockOffset += 0.25;
  return clockStart + Math.floor(clockOffset);
};
var VirtualDate = function () {
  if (!(this instanceof VirtualDate)) return new RealDate(readClock()).toString();
  if (arguments.length === 0) return new RealDate(readClock());
  var args = [null].concat(Array.prototype.slice.call(arguments));
  return new (Function.prototype.bind.apply(RealDate, args))();
};
VirtualDate.prototype = RealDate.prototype;
VirtualDate.now = readClock;
VirtualDate.UTC = RealDate.UTC;
VirtualDate.parse = RealDate.parse;

// Math.random from a fixed seed: a dropper that picks its URLs at random picks the same ones on every run,
// so a report can be replayed (ARCHITECTURE.md: replayable verdicts).
var randomState = 0x9e3779b9;
Math.random = function () {
  randomState ^= randomState << 13;
  randomState ^= randomState >>> 17;
  randomState ^= randomState << 5;
  return (randomState >>> 0) / 4294967296;
};
