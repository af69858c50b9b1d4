// Member names are attacker-chosen: a name that climbs out of the extraction folder ("../../x"), starts at
// a root ("/etc/x", "C:\x", "\\server\share\x") or hides behind control characters is evidence of intent.
// Members are never written to the host's disk, so these names are reported, not obeyed.

export type UnsafeNameReason = 'path traversal' | 'absolute path' | 'Windows drive path' | 'UNC path' | 'control characters';

export function unsafeNameReason(name: string): UnsafeNameReason | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control characters';
  if (/^(\\\\|\/\/)[^\\/]/.test(name)) return 'UNC path';
  if (/^[a-z]:/i.test(name)) return 'Windows drive path';
  if (/^[\\/]/.test(name)) return 'absolute path';
  if (name.split(/[\\/]/).some((part) => part === '..')) return 'path traversal';
  return undefined;
}

/** The name shown for a child artifact: printable, relative, without "..", so nothing downstream can misuse it. */
export function displayName(name: string): string {
  const parts = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '?')
    .split(/[\\/]+/)
    .filter((p) => p && p !== '.' && p !== '..');
  // Drive letters may be stacked ("C:D:x") or follow a separator ("/C:/x"): strip them from the first part.
  while (parts.length > 0 && /^[a-z]:/i.test(parts[0]!)) {
    parts[0] = parts[0]!.replace(/^(?:[a-z]:)+/i, '');
    if (!parts[0] || parts[0] === '.' || parts[0] === '..') parts.shift();
  }
  return parts.join('/') || 'unnamed';
}

const SCRIPT_OR_SHORTCUT = /\.(js|jse|vbs|vbe|wsf|wsh|hta|lnk|bat|cmd|ps1|scr|pif|cpl|url|chm)$/i;

/** Scripts and shortcuts: what the chains put in archives, and what legitimate mail almost never does. */
export function isScriptOrShortcutName(name: string): boolean {
  return SCRIPT_OR_SHORTCUT.test(name.trim());
}
