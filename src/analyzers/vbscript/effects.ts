// What a VBScript would do, as the evaluator sees it. The analyzer turns these into findings, IOCs and
// children; the evaluator never acts on any of it.

import type { LimitHit } from '../../engine/types.ts';

export interface Run {
  /** The command line, when it could be computed. */
  command?: string;
  /** "WScript.Shell.Run", "Shell.Application.ShellExecute", "Win32_Process.Create", … */
  via: string;
  /** Run with a hidden window (WScript.Shell.Run cmd, 0 / ShellExecute …, 0). */
  hidden: boolean;
  evidence: string;
}

export interface Request {
  url?: string;
  method: string;
  via: string;
  evidence: string;
}

export interface WrittenFile {
  path: string;
  via: string;
  /** The content, when the script wrote known text or bytes. */
  content?: Uint8Array;
  /** The URL whose answer was saved (ADODB.Stream fed with responseBody). */
  fromUrl?: string;
  evidence: string;
}

export interface Layer {
  text: string;
  /** Execute, ExecuteGlobal, Eval or ScriptControl.AddCode. */
  via: string;
  /** The language of the code: VBScript, or JScript handed to a ScriptControl. */
  language: 'vbscript' | 'jscript';
  evidence: string;
}

export class Effects {
  readonly objects: { progid: string; family: string; evidence: string }[] = [];
  readonly runs: Run[] = [];
  readonly requests: Request[] = [];
  readonly files: WrittenFile[] = [];
  readonly registry: { key: string; value?: string; evidence: string }[] = [];
  readonly tasks: { name?: string; command?: string; evidence: string }[] = [];
  readonly wmiQueries: { query: string; evidence: string }[] = [];
  /** WMI event subscription parts saved with Put_ (__EventFilter, CommandLineEventConsumer, …). */
  readonly wmiSubscriptions: { className: string; command?: string; evidence: string }[] = [];
  readonly sleeps: string[] = [];
  /** Strings the script computed and stored, first seen first (bounded; for the analyst, not for scoring). */
  readonly decodedStrings = new Set<string>();
  readonly layers: Layer[] = [];
  readonly shortcuts: { path: string; target?: string; evidence: string }[] = [];
  readonly deletes: { path: string; self: boolean; evidence: string }[] = [];
  /** Execute/Eval of text that could not be computed. */
  readonly opaqueLayers: { via: string; evidence: string }[] = [];
  /** Technique tags (finding ids) with the first evidence seen, and how often. */
  readonly techniques = new Map<string, { evidence: string; count: number }>();
  readonly limits: LimitHit[] = [];
  private readonly limitNames = new Set<string>();
  /** Bounds each list: a loop that runs a command 10,000 times reports a few. */
  static readonly MAX_EACH = 200;
  private layerChars = 0;
  private fileBytes = 0;
  private readonly layerTexts = new Set<string>();

  /** `maxBytes` bounds all layer text and all written-file content kept, each in total (not only each one). */
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

  /** A new code layer; the same text again is one layer, and past the total budget a layer is opaque. */
  addLayer(layer: Layer): void {
    if (this.layerTexts.has(layer.text)) return;
    if (this.layerChars + layer.text.length > this.maxBytes) {
      this.limit('maxDecodedBytes', `code layers past ${this.maxBytes} characters in all were not kept`, 'layers');
      this.add(this.opaqueLayers, { via: layer.via, evidence: layer.evidence });
      return;
    }
    if (this.layers.length >= Effects.MAX_EACH) return;
    this.layerTexts.add(layer.text);
    this.layerChars += layer.text.length;
    this.layers.push(layer);
  }

  /** A written file; past the total budget its content is dropped (the file is still reported). */
  addFile(file: WrittenFile): void {
    if (file.content && this.fileBytes + file.content.length > this.maxBytes) {
      this.limit('maxDecodedBytes', `written files past ${this.maxBytes} bytes in all were reported without their content`, 'files');
      file = { ...file, content: undefined };
    }
    if (this.files.length >= Effects.MAX_EACH) return;
    this.fileBytes += file.content?.length ?? 0;
    this.files.push(file);
  }

  technique(id: string, evidence: string): void {
    const seen = this.techniques.get(id);
    if (seen) seen.count++;
    else this.techniques.set(id, { evidence: evidence.slice(0, 400), count: 1 });
  }

  decodedString(value: string): void {
    if (this.decodedStrings.size < Effects.MAX_DECODED_STRINGS) this.decodedStrings.add(value.length > 300 ? `${value.slice(0, 300)}…` : value);
  }

  static readonly MAX_DECODED_STRINGS = 40;

  /** Adds to one of the lists unless it is full. */
  add<T>(list: T[], item: T): void {
    if (list.length < Effects.MAX_EACH) list.push(item);
  }

  /** Notes a limit once per name (or per `key`, for one limit reached in different ways). */
  limit(limit: string, detail: string, key = limit): void {
    if (this.limitNames.has(key)) return;
    this.limitNames.add(key);
    this.limits.push({ limit, detail });
  }
}
