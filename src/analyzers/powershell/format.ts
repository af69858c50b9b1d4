// The -f operator and [string]::Format: .NET composite formatting ({0}, {1,8}, {0:x2}, {{ }}).

import { formatNumber, toNum, toStr, type Value } from './values.ts';

export function formatString(format: string, args: Value[]): string {
  return format.replace(/\{\{|\}\}|\{(\d+)(?:\s*,\s*(-?\d+))?(?::([^}]*))?\}/g, (whole, index?: string, align?: string, spec?: string) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const arg = args[Number(index)];
    if (arg === undefined) return '';
    let text = spec ? formatWithSpec(arg, spec) : toStr(arg);
    if (align) {
      const width = Math.min(Math.abs(Number(align)), 1024);
      text = Number(align) < 0 ? text.padEnd(width) : text.padStart(width);
    }
    return text;
  });
}

function formatWithSpec(arg: Value, spec: string): string {
  const n = toNum(arg);
  const m = /^([xXdDnNfF])(\d*)$/.exec(spec);
  if (!m || !Number.isFinite(n)) return toStr(arg);
  const width = Math.min(Number(m[2] || 0), 64);
  switch (m[1]) {
    case 'x':
      return (n >>> 0).toString(16).padStart(width, '0');
    case 'X':
      return (n >>> 0).toString(16).toUpperCase().padStart(width, '0');
    case 'd':
    case 'D':
      return formatNumber(Math.trunc(n)).padStart(width, '0');
    default:
      return n.toFixed(m[2] ? width : 2);
  }
}

/**
 * True for the obfuscator's use of the format operator: a format made of placeholders only, reordered
 * ("{2}{0}{1}" -f 'b','c','a'). "{0} of {1}" -f $done, $total is ordinary reporting and does not count.
 */
export function isShuffledFormat(format: string, argCount: number): boolean {
  if (argCount < 2 || !/^(\{\d+\})+$/.test(format)) return false;
  const order = Array.from(format.matchAll(/\{(\d+)\}/g), (m) => Number(m[1]));
  return order.some((n, i) => n !== i);
}
