// Turns what the script did in the sandbox (guest events) into what the report shows: findings with their
// evidence, IOCs, child artifacts for the next hop (command lines, URLs, dropped files, generated code) and
// facts for the analyst.

import type { ChildArtifact, FindingHit, IocHit, LimitHit } from '../../engine/types.ts';
import type { EmulationResult, GuestEvent } from './sandbox/protocol.ts';

export interface Behaviour {
  findings: FindingHit[];
  iocs: IocHit[];
  children: ChildArtifact[];
  limits: LimitHit[];
  facts: Record<string, unknown>;
  /** The APIs that ran commands, in order, for the chain label. */
  execApis: string[];
}

export interface BehaviourLimits {
  maxCodeLayers: number;
  timeMs: number;
  memoryMiB: number;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Strings from the guest are binary strings (one char per byte) unless they hold wider characters. */
function bytesOf(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return utf8(text);
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Generated code shorter than this, touching nothing of Windows, is a fragment rather than a layer. */
const SMALL_CODE = 200;
/** Generated fragments from one script that add up to obfuscation. */
const MANY_FRAGMENTS = 3;
const REACHES_OUT = /ActiveXObject|WScript|GetObject|https?:|\.(Run|Exec|ShellExecute|SaveToFile|Open)\s*\(|eval\s*\(/i;
const RUN_KEY = /\\(Run|RunOnce|RunServices|RunOnceEx)\\/i;
const STARTUP = /\\Start Menu\\Programs\\Startup\\/i;
const SECURITY_PRODUCTS = /AntiVirusProduct|FirewallProduct|AntiSpywareProduct|SecurityCenter/i;

export function describeBehaviour(runs: EmulationResult[], limits: BehaviourLimits): Behaviour {
  const findings: FindingHit[] = [];
  const iocs: IocHit[] = [];
  const children: ChildArtifact[] = [];
  const limitHits: LimitHit[] = [];
  const raised = new Set<string>();
  const raise = (id: string, evidence: string) => {
    if (raised.has(id)) return;
    raised.add(id);
    findings.push({ id, evidence: clip(evidence, 1000) });
  };
  const seen = new Set<string>();
  const once = (key: string) => (seen.has(key) ? false : (seen.add(key), true));

  const urls: string[] = [];
  const commands: { api: string; cmd: string }[] = [];
  const dropped: { path: string; size: number; emulated: boolean }[] = [];
  const objects = new Set<string>();
  const unknownObjects = new Set<string>();
  const unknownMembers = new Map<string, number>();
  const probes = new Set<string>();
  const wmi: string[] = [];
  let codeLayers = 0;
  let sleepMs = 0;
  let escapes = 0;

  const fragments: string[] = [];
  let fragmentCount = 0;
  const addCode = (api: string, language: string, code: string) => {
    if (!code.trim() || !once(`code:${code}`)) return;
    // Small helper fragments (a getter, a one-line decoder, libraries' Function("return this")) are listed,
    // not analysed again on their own; many of them together are obfuscation all the same.
    if (code.length < SMALL_CODE && !REACHES_OUT.test(code)) {
      fragmentCount++;
      if (fragments.length < 10) fragments.push(clip(code, 120));
      if (fragmentCount >= MANY_FRAGMENTS) raise('jscript.obfuscation.dynamic-code', `${fragmentCount} pieces of generated code, e.g. ${fragments.slice(0, 3).map((f) => JSON.stringify(f)).join(', ')}`);
      return;
    }
    raise('jscript.obfuscation.dynamic-code', `${api}(${clip(JSON.stringify(code), 300)})`);
    if (codeLayers >= limits.maxCodeLayers) {
      if (once('limit:layers')) limitHits.push({ limit: 'maxDecodedLayers', detail: `more than ${limits.maxCodeLayers} pieces of generated code; the rest were not analysed` });
      return;
    }
    codeLayers++;
    const isVb = /vbs/i.test(language);
    children.push({ relation: 'decoded', kind: isVb ? 'vbscript' : 'jscript', name: `${api.replace(/\W+/g, '-')}-${codeLayers}.${isVb ? 'vbs' : 'js'}`, data: utf8(code) });
  };


  for (const run of runs) {
    let runSleep = 0;
    for (const e of run.events as GuestEvent[]) {
      switch (e.t) {
        case 'exec': {
          const cmd = str(e.cmd);
          if (!cmd.trim() || !once(`exec:${cmd}`)) break;
          commands.push({ api: str(e.api), cmd });
          children.push({ relation: 'executed-command', kind: 'cmdline', name: 'command', data: utf8(cmd) });
          iocs.push({ type: 'command', value: clip(cmd, 4000), role: 'executed-command' });
          raise('jscript.exec.command', `${str(e.api)}(${JSON.stringify(clip(cmd, 600))})`);
          break;
        }
        case 'url': {
          const url = str(e.url).trim();
          if (!url || !once(`url:${url}`)) break;
          urls.push(url);
          raise('jscript.download.url', `${str(e.api)}(${str(e.method) || 'GET'} ${clip(url, 600)})`);
          if (!/^[a-z][\w+.-]*:\/\//i.test(url)) break; // relative or broken: still an attempt, not an indicator
          iocs.push({ type: 'url', value: url, role: 'payload-url' });
          let host = '';
          try {
            host = new URL(url).hostname;
          } catch {
            host = '';
          }
          if (host) {
            const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
            iocs.push(isIp ? { type: 'ip', value: host.replace(/^\[|\]$/g, ''), role: 'payload-host' } : { type: 'domain', value: host, role: 'payload-url' });
          }
          children.push({ relation: 'link', kind: 'url', name: url, data: utf8(url) });
          break;
        }
        case 'file': {
          const path = str(e.path);
          const content = str(e.content);
          const emulated = e.emulatedDownload === true;
          if (!once(`file:${path}:${emulated ? 'download' : content}`)) break;
          dropped.push({ path, size: Number(e.size) || 0, emulated });
          const name = path.split(/[\\/]/).pop() || 'dropped-file';
          iocs.push({ type: 'filename', value: name, role: 'dropped-file' });
          raise('jscript.file.dropped', `${str(e.api)}(${JSON.stringify(clip(path, 400))})`);
          if (STARTUP.test(path)) raise('jscript.persistence.startup-folder', path);
          // The stand-in for a download is not a real file: only what the script wrote itself becomes a child.
          if (!emulated && content.length) children.push({ relation: 'dropped-file', name, data: bytesOf(content), meta: { path } });
          break;
        }
        case 'shortcut': {
          const path = str(e.path);
          if (!once(`lnk:${path}`)) break;
          dropped.push({ path, size: 0, emulated: false });
          raise('jscript.file.dropped', `CreateShortcut(${JSON.stringify(clip(path, 400))}) → ${clip(`${str(e.target)} ${str(e.args)}`, 400)}`);
          if (STARTUP.test(path)) raise('jscript.persistence.startup-folder', `${path} → ${clip(str(e.target), 300)}`);
          break;
        }
        case 'code':
          addCode(str(e.api), str(e.language) || 'JScript', str(e.code));
          break;
        case 'reg': {
          const key = str(e.key);
          if (e.op === 'RegWrite') {
            raise('jscript.registry.write', `RegWrite(${JSON.stringify(clip(key, 300))}, ${JSON.stringify(clip(str(e.value), 300))})`);
            if (RUN_KEY.test(key)) raise('jscript.persistence.run-key', `${key} = ${clip(str(e.value), 400)}`);
          } else probes.add(`${str(e.op)} ${clip(key, 200)}`);
          break;
        }
        case 'task': {
          const actions = Array.isArray(e.actions) ? (e.actions as { path?: string; args?: string }[]) : [];
          raise('jscript.persistence.scheduled-task', `RegisterTaskDefinition(${JSON.stringify(clip(str(e.name), 200))}) → ${clip(actions.map((a) => `${str(a.path)} ${str(a.args)}`).join('; '), 600)}`);
          for (const a of actions) {
            const cmd = `${str(a.path)} ${str(a.args)}`.trim();
            if (cmd && once(`exec:${cmd}`)) {
              commands.push({ api: 'Schedule.Service task', cmd });
              children.push({ relation: 'executed-command', kind: 'cmdline', name: 'command', data: utf8(cmd) });
              iocs.push({ type: 'command', value: clip(cmd, 4000), role: 'scheduled-task' });
            }
          }
          break;
        }
        case 'wmi': {
          const q = str(e.query);
          wmi.push(clip(q, 200));
          raise('jscript.wmi.query', q);
          if (SECURITY_PRODUCTS.test(q)) raise('jscript.recon.security-products', q);
          break;
        }
        case 'env':
          probes.add(clip(str(e.what), 120));
          break;
        case 'sleep':
          runSleep += Number(e.ms) || 0;
          break;
        case 'sleep-total':
          runSleep = Math.max(runSleep, Number(e.ms) || 0);
          break;
        case 'object':
          objects.add(clip(str(e.progid), 120));
          if (e.known === false) unknownObjects.add(clip(str(e.progid), 120));
          break;
        case 'unknown-member': {
          const key = `${clip(str(e.object), 60)}.${clip(str(e.member), 60)}`;
          unknownMembers.set(key, (unknownMembers.get(key) ?? 0) + 1);
          break;
        }
        case 'self-delete':
          raise('jscript.evasion.self-delete', `DeleteFile(${JSON.stringify(clip(str(e.path), 300))}): the script's own file`);
          break;
        case 'node-api':
          raise('jscript.host.node-api', clip(str(e.what), 300));
          break;
        case 'escape':
          escapes++;
          raise('jscript.sandbox.escape-attempt', `the script looked for the host's ${clip(str(e.what), 40)}`);
          break;
        default:
          break;
      }
    }
    // Both runs replay the same sleeps: the longest is what the script asks for.
    sleepMs = Math.max(sleepMs, runSleep);
  }

  // Downloaded then run: a command names the file the script saved (or the script runs right after fetching).
  for (const c of commands) {
    const file = dropped.find((d) => {
      const name = d.path.split(/[\\/]/).pop() ?? '';
      return name.length > 0 && c.cmd.toLowerCase().includes(name.toLowerCase());
    });
    if (file && urls.length) raise('jscript.dropper.download-and-run', `saved ${file.path} from ${clip(urls[0]!, 300)}, then ${c.api}(${JSON.stringify(clip(c.cmd, 300))})`);
  }
  if (probes.size >= 1) raise('jscript.recon.environment', [...probes].slice(0, 5).join('; '));
  if (sleepMs >= 1000) raise('jscript.evasion.sleep', `WScript.Sleep for ${sleepMs} ms in total`);

  // A script that stopped on a Node.js name was written for another host (the name does not exist here).
  for (const r of runs) {
    const name = /ReferenceError: '(process|require|module|exports|Buffer|__dirname|__filename|Deno|Bun)' is not defined/.exec(r.message ?? '');
    if (name) raise('jscript.host.node-api', `the script used ${name[1]}, which Windows Script Host (and the sandbox) does not have`);
  }
  const worst = runs.find((r) => r.outcome === 'timeout' || r.outcome === 'memory' || r.outcome === 'stack' || r.outcome === 'crashed');
  const stalled = runs.find((r) => r.outcome === 'stalled');
  if (stalled && !worst) {
    findings.push({ id: 'jscript.hostile.endless-loop', title: 'Script loops until its download passes its checks', evidence: stalled.message ?? 'stalled' });
    raised.add('jscript.hostile.endless-loop');
  }
  if (worst?.outcome === 'timeout') {
    raise('jscript.hostile.endless-loop', worst.message ?? 'interrupted');
    limitHits.push({ limit: 'sandboxTimeMs', detail: `emulation stopped after ${limits.timeMs} ms: ${worst.message ?? 'interrupted'}` });
  } else if (worst?.outcome === 'memory') {
    raise('jscript.hostile.memory-bomb', worst.message ?? 'out of memory');
    limitHits.push({ limit: 'sandboxMemoryMiB', detail: `emulation stopped at the ${limits.memoryMiB} MiB sandbox memory cap: ${worst.message ?? ''}` });
  } else if (worst?.outcome === 'stack') {
    raise('jscript.hostile.recursion', worst.message ?? 'stack overflow');
  }

  const facts: Record<string, unknown> = {
    emulation: runs.map((r) => ({ outcome: r.outcome, ms: Math.round(r.elapsedMs), ...(r.message ? { message: clip(r.message, 200) } : {}) })),
    urlsTried: urls.length,
    commands: commands.length,
    comObjects: [...objects].slice(0, 20),
    unknownProgIds: unknownObjects.size,
    unknownMembers: [...unknownMembers.values()].reduce((a, b) => a + b, 0),
  };
  if (unknownObjects.size) facts.unknownProgIdNames = [...unknownObjects].slice(0, 10);
  if (unknownMembers.size) facts.unknownMemberNames = [...unknownMembers.keys()].slice(0, 10);
  if (dropped.length) facts.filesWritten = dropped.slice(0, 20).map((d) => (d.emulated ? `${d.path} (the download)` : d.path));
  if (wmi.length) facts.wmiQueries = wmi.slice(0, 10);
  if (fragments.length) facts.generatedFragments = fragments;
  if (sleepMs) facts.sleepMs = sleepMs;
  if (escapes) facts.hostEscapeAttempts = escapes;
  const droppedEvents = runs.reduce((a, r) => a + r.droppedEvents, 0);
  if (droppedEvents) facts.eventsDropped = droppedEvents;
  return { findings, iocs, children, limits: limitHits, facts, execApis: commands.map((c) => c.api) };
}
