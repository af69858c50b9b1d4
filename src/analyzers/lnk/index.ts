// Windows shortcuts (.lnk): the chains ship them inside ISO/ZIP files so a double-click runs cmd, PowerShell,
// mshta or rundll32. The command becomes an `executed-command` child (kind cmdline) for the command-line
// analyzers; icon, working folder and machine id are facts.

import type { Analyzer, AnalyzerResult, FindingHit } from '../../engine/types.ts';
import { commandLine, parseShortcut } from './parse.ts';

const INTERPRETERS = /(^|[\\/])(cmd|powershell|pwsh|mshta|wscript|cscript|rundll32|regsvr32|certutil|bitsadmin|msiexec|forfiles|conhost|curl|schtasks|wmic|explorer|hh|msbuild|installutil|regasm|regsvcs|odbcconf)(\.exe)?$/i;
/** Arguments longer than this do not fit the Properties dialog's Target box: padding hides the payload. */
const VISIBLE_ARGUMENT_CHARS = 260;
/** Icons of documents and browsers: a shortcut that runs a shell while looking like a PDF. */
const DOCUMENT_ICON = /(\.(pdf|docx?|xlsx?|txt|jpg|png|html?)$)|acro|winword|excel|msedge|chrome|firefox|imageres\.dll|shell32\.dll/i;
const SHOW_MINIMIZED = 7;

export const lnkAnalyzer: Analyzer = {
  name: 'lnk',
  findings: {
    'lnk.runs-interpreter': {
      title: 'Shortcut runs a command interpreter or system binary',
      score: 500,
      attack: ['T1204.002', 'T1059'],
      description: 'Shortcuts in mail or in a downloaded archive or disk image should open documents, not shells.',
    },
    'lnk.hidden-arguments': {
      title: 'Shortcut arguments are padded or too long to show in its Properties dialog',
      score: 200,
      attack: ['T1027'],
    },
    'lnk.disguised-icon': {
      title: 'Shortcut that runs a program wears a document or browser icon',
      score: 200,
      attack: ['T1036'],
    },
    'lnk.minimized': {
      title: 'Shortcut runs its program minimized',
      score: 100,
      attack: ['T1564.003'],
    },
    'lnk.malformed': {
      title: 'Shortcut structure is damaged or truncated',
      score: 0,
      attack: [],
    },
  },
  analyze(artifact): AnalyzerResult {
    const s = parseShortcut(artifact.data);
    const command = commandLine(s);
    const target = s.target || s.environmentTarget || s.idListPath || '';
    const findings: FindingHit[] = [];
    const runsInterpreter = INTERPRETERS.test(target.trim()) || INTERPRETERS.test((s.relativePath ?? '').trim());
    if (runsInterpreter) findings.push({ id: 'lnk.runs-interpreter', evidence: command ?? target });
    const args = s.arguments ?? '';
    if (args.length > VISIBLE_ARGUMENT_CHARS || /\s{32,}/.test(args)) {
      findings.push({ id: 'lnk.hidden-arguments', evidence: `${args.length} characters of arguments: ${args.replace(/\s{8,}/g, ' […whitespace…] ').slice(0, 300)}` });
    }
    if (runsInterpreter && s.iconLocation && DOCUMENT_ICON.test(s.iconLocation)) findings.push({ id: 'lnk.disguised-icon', evidence: `icon ${s.iconLocation} on ${target}` });
    if (runsInterpreter && s.showCommand === SHOW_MINIMIZED) findings.push({ id: 'lnk.minimized', evidence: 'ShowCommand = SW_SHOWMINNOACTIVE' });
    for (const problem of s.problems) findings.push({ id: 'lnk.malformed', evidence: problem });
    const facts: Record<string, unknown> = {};
    for (const key of ['target', 'arguments', 'workingDir', 'iconLocation', 'name', 'relativePath', 'environmentTarget', 'machineId'] as const) {
      const value = s[key];
      if (value) facts[key] = value.length > 1000 ? `${value.slice(0, 1000)}…` : value;
    }
    facts.showCommand = s.showCommand;
    const base = target.split(/[\\/]/).pop() ?? '';
    return {
      findings,
      facts,
      children: command ? [{ relation: 'executed-command', name: command.slice(0, 200), data: new TextEncoder().encode(command), kind: 'cmdline' }] : [],
      label: base ? `LNK → ${base}` : 'LNK',
    };
  },
};
