// cmd.exe's reading of a command line, as droppers abuse it: %VAR% and !VAR! expansion (with substrings and
// replacements), carets, quotes, the & && || | chain, `set` variables, and `cmd /c` nesting.
// Pure string work, linear in the input; nesting is bounded by the caller.

/** The environment a dropper sees on a stock Windows 10 host; unknown variables stay as written. */
export const DEFAULT_ENV: Readonly<Record<string, string>> = {
  comspec: 'C:\\Windows\\system32\\cmd.exe',
  systemroot: 'C:\\Windows',
  windir: 'C:\\Windows',
  systemdrive: 'C:',
  programdata: 'C:\\ProgramData',
  allusersprofile: 'C:\\ProgramData',
  public: 'C:\\Users\\Public',
  userprofile: 'C:\\Users\\user',
  homepath: '\\Users\\user',
  username: 'user',
  appdata: 'C:\\Users\\user\\AppData\\Roaming',
  localappdata: 'C:\\Users\\user\\AppData\\Local',
  temp: 'C:\\Users\\user\\AppData\\Local\\Temp',
  tmp: 'C:\\Users\\user\\AppData\\Local\\Temp',
  programfiles: 'C:\\Program Files',
  'programfiles(x86)': 'C:\\Program Files (x86)',
  commonprogramfiles: 'C:\\Program Files\\Common Files',
  psmodulepath: 'C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules\\',
  pathext: '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC',
};

/** One command of a chain, after expansion and caret removal. */
export interface ChainPart {
  /** The command text as cmd.exe hands it to the program (quotes kept, carets gone). */
  text: string;
  /** The operator that joins it to the previous part ('' for the first). */
  joinedBy: '' | '&' | '&&' | '||' | '|';
}

/** The longest command line CreateProcess accepts, and the longest environment variable value. */
export const MAX_EXPANDED_CHARS = 32_767;

/**
 * Expands %NAME%, %NAME:~start,length% and %NAME:old=new% (and the same with ! for delayed expansion).
 * `used` collects the names expanded with substring or replace syntax: the tell of variable obfuscation.
 */
export function expandVariables(text: string, env: Record<string, string>, used?: string[]): string {
  let grown = 0;
  return text.replace(/([%!])([^%!\s"=:][^%!\r\n]{0,255}?)(?::(~-?\d+(?:,-?\d+)?|[^=%!]*=[^%!]*))?\1/g, (whole, _mark: string, name: string, op?: string) => {
    const value = env[name.toLowerCase()];
    if (value === undefined) return whole;
    // `set x=%x%%x%` forty times is 2^40 characters (a 400-byte batch file ran the process out of memory; found
    // by fuzzing). Windows runs no command line longer than MAX_EXPANDED_CHARS: past it, references stay as written.
    if (grown + value.length > MAX_EXPANDED_CHARS) return whole;
    grown += value.length;
    if (!op) return value;
    used?.push(`${name}:${op}`);
    if (op.startsWith('~')) {
      const [startRaw, lenRaw] = op.slice(1).split(',');
      let start = Number(startRaw);
      if (start < 0) start = Math.max(0, value.length + start);
      let end = value.length;
      if (lenRaw !== undefined) {
        const len = Number(lenRaw);
        end = len < 0 ? value.length + len : start + len;
      }
      return value.slice(start, Math.max(start, end));
    }
    const eq = op.indexOf('=');
    const from = op.slice(0, eq);
    const to = op.slice(eq + 1);
    if (!from) return value;
    // cmd.exe replaces case-insensitively.
    return value.replace(new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), () => to);
  });
}

/**
 * Splits on & && || | outside quotes and removes carets the way cmd.exe's parser does
 * (^x is a literal x, so ^& does not split). Returns the parts and how many carets escaped a letter or digit.
 */
export function splitChain(text: string): { parts: ChainPart[]; carets: number } {
  const parts: ChainPart[] = [];
  let current = '';
  let joinedBy: ChainPart['joinedBy'] = '';
  let inQuote = false;
  let carets = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      inQuote = !inQuote;
      current += ch;
      continue;
    }
    if (!inQuote && ch === '^' && i + 1 < text.length) {
      // ^& ^| ^> are how a script writes those characters; a caret inside a word (p^ow^ershell) only hides it.
      if (/[a-z0-9]/i.test(text[i + 1]!)) carets++;
      current += text[++i];
      continue;
    }
    if (!inQuote && (ch === '&' || ch === '|')) {
      const doubled = text[i + 1] === ch;
      if (current.trim()) parts.push({ text: current.trim(), joinedBy });
      joinedBy = ch === '&' ? (doubled ? '&&' : '&') : doubled ? '||' : '|';
      if (doubled) i++;
      current = '';
      continue;
    }
    if (!inQuote && (ch === '\n' || ch === '\r')) {
      if (current.trim()) parts.push({ text: current.trim(), joinedBy });
      joinedBy = '&';
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push({ text: current.trim(), joinedBy });
  return { parts, carets };
}

/** Splits arguments the way CommandLineToArgvW (and so most programs) does: quotes group, \" is a quote. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let inQuote = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      let n = 0;
      while (text[i + n] === '\\') n++;
      if (text[i + n] === '"') {
        current += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) current += '"';
        else inQuote = !inQuote;
        i += n;
      } else {
        current += '\\'.repeat(n);
        i += n - 1;
      }
      started = true;
      continue;
    }
    if (ch === '"') {
      if (inQuote && text[i + 1] === '"') {
        current += '"';
        i++;
      } else inQuote = !inQuote;
      started = true;
      continue;
    }
    if (!inQuote && (ch === ' ' || ch === '\t')) {
      if (started) args.push(current);
      current = '';
      started = false;
      continue;
    }
    current += ch;
    started = true;
  }
  if (started) args.push(current);
  return args;
}

/** The program a command runs, in lower case without folder or .exe: "powershell", "rundll32", "cmd". */
export function programName(argv0: string): string {
  const base = argv0.replace(/^["']|["']$/g, '').split(/[\\/]/).pop() ?? '';
  return base.toLowerCase().replace(/\.(exe|com)$/, '');
}

/** The text after the program name, exactly as written (programs like cmd and powershell read it raw). */
export function argumentText(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('"')) {
    const end = trimmed.indexOf('"', 1);
    return end < 0 ? '' : trimmed.slice(end + 1).trimStart();
  }
  const m = /^[^\s]+/.exec(trimmed);
  return m ? trimmed.slice(m[0].length).trimStart() : '';
}

/** For `cmd [/v:on /q …] /c|/k|/r rest`: the rest, with cmd's outer-quote rule applied. */
export function cmdInner(argText: string): string | undefined {
  const m = /(?:^|\s)\/[ckr](?=\s|"|$)/i.exec(argText) ?? /^\/[ckr]/i.exec(argText);
  if (!m) return undefined;
  let rest = argText.slice(m.index + m[0].length).trim();
  // cmd strips the first and the last quote when the text starts with one (the /S behaviour).
  if (rest.startsWith('"')) {
    const last = rest.lastIndexOf('"');
    rest = last > 0 ? rest.slice(1, last) + rest.slice(last + 1) : rest.slice(1);
  }
  return rest;
}

/** A `set name=value` (or `set "name=value"`) command, or undefined. */
export function setCommand(text: string): { name: string; value: string } | undefined {
  const m = /^set\s+(?:\/a\s+)?("?)([^=\s"]+)=(.*?)\1\s*$/is.exec(text.trim());
  if (!m) return undefined;
  return { name: m[2]!.toLowerCase(), value: m[3]! };
}
