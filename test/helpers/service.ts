// Test harness for the service: a running service on 127.0.0.1 with a throwaway data folder, users of each
// role, a small HTTP client, and a builder for the raw emails reporters send.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { createUser } from '../../src/service/auth.ts';
import { startService, type RunningService, type ServiceOptions } from '../../src/service/service.ts';
import type { Role } from '../../src/service/store/types.ts';

export interface TestService extends RunningService {
  dataDir: string;
  tokens: Record<string, string>;
  /** Adds a user and remembers their token under their name. */
  addUser(name: string, role: Role, email?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestService(options: Partial<ServiceOptions> = {}): Promise<TestService> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tacklebox-service-')));
  const service = await startService({ dataDir, config: defaultConfig(), workers: 2, ...options });
  const tokens: Record<string, string> = {};
  const addUser = async (name: string, role: Role, email?: string) => {
    const { token } = await createUser(service.store, name, role, email ?? null);
    tokens[name] = token;
    return token;
  };
  return {
    ...service,
    dataDir,
    tokens,
    addUser,
    async stop() {
      await service.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  body: Uint8Array;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: BodyInit; type?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.type) headers['content-type'] = options.type;
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  let json: unknown = null;
  if (res.headers.get('content-type')?.includes('json')) json = JSON.parse(new TextDecoder().decode(bytes));
  return { status: res.status, headers: res.headers, json, body: bytes };
}

/** Posts a raw email as a reporter would; returns the reply. */
export function submitEmail(base: string, token: string, raw: string | Uint8Array): Promise<Reply> {
  return call(base, 'POST', '/api/reports', { token, body: typeof raw === 'string' ? raw : Buffer.from(raw), type: 'message/rfc822' });
}

/**
 * Submits every report at once and checks what a reporting wave must give: each accepted (202), and every
 * submission of one original (plain or inside a report wrapper) landing on one report. Returns original → id.
 */
export async function submitWave(base: string, submissions: { token: string; raw: string | Uint8Array; original: number }[]): Promise<Map<number, string>> {
  const replies = await Promise.all(submissions.map((s) => submitEmail(base, s.token, s.raw)));
  assert.deepEqual(new Set(replies.map((r) => r.status)), new Set([202]));
  const idOf = new Map<number, string>();
  for (const [i, s] of submissions.entries()) {
    const id = (replies[i]!.json as { id: string }).id;
    if (idOf.has(s.original)) assert.equal(id, idOf.get(s.original), `original ${s.original} got two reports`);
    else idOf.set(s.original, id);
  }
  assert.equal(new Set(idOf.values()).size, idOf.size, 'different originals never share a report');
  return idOf;
}

/** Polls a report until its status is one of `statuses`. */
export async function waitFor(base: string, token: string, id: string, statuses = ['done', 'failed'], timeoutMs = 60_000): Promise<Reply> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(base, 'GET', `/api/reports/${id}`, { token });
    if (r.status === 200 && statuses.includes(r.json.status)) return r;
    if (Date.now() > until) throw new Error(`report ${id} still ${r.json?.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

export interface MailSpec {
  from?: string;
  to?: string;
  subject?: string;
  messageId?: string | null;
  date?: string;
  text?: string;
  html?: string;
  attachments?: { filename: string; contentType: string; data: string | Uint8Array }[];
  /** Attached emails (message/rfc822), as "forward as attachment" sends them. */
  forwarded?: string[];
}

/** A raw RFC 5322 message with MIME parts as mail clients write them. */
export function rfc822(spec: MailSpec): string {
  const boundary = `b${Math.random().toString(36).slice(2)}`;
  const head = [
    `From: ${spec.from ?? 'Sender <sender@example.org>'}`,
    `To: ${spec.to ?? 'someone@corp.example'}`,
    `Subject: ${spec.subject ?? 'hello'}`,
    `Date: ${spec.date ?? 'Tue, 10 Nov 2026 09:12:00 +0000'}`,
    ...(spec.messageId === null ? [] : [`Message-ID: ${spec.messageId ?? `<${Math.random().toString(36).slice(2)}@example.org>`}`]),
    'MIME-Version: 1.0',
  ];
  const parts: string[] = [];
  const textPart = spec.html
    ? [`Content-Type: multipart/alternative; boundary="alt${boundary}"`, '', `--alt${boundary}`, 'Content-Type: text/plain; charset=utf-8', '', spec.text ?? '', `--alt${boundary}`, 'Content-Type: text/html; charset=utf-8', '', spec.html, `--alt${boundary}--`].join('\r\n')
    : ['Content-Type: text/plain; charset=utf-8', '', spec.text ?? ''].join('\r\n');
  parts.push(textPart);
  for (const a of spec.attachments ?? []) {
    const data = Buffer.from(a.data).toString('base64').replace(/.{76}/g, '$&\r\n');
    parts.push([`Content-Type: ${a.contentType}; name="${a.filename}"`, 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename="${a.filename}"`, '', data].join('\r\n'));
  }
  for (const [i, f] of (spec.forwarded ?? []).entries()) {
    parts.push([`Content-Type: message/rfc822; name="reported-${i + 1}.eml"`, `Content-Disposition: attachment; filename="reported-${i + 1}.eml"`, '', f].join('\r\n'));
  }
  if (parts.length === 1) return [...head, textPart].join('\r\n');
  return [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts.map((p) => `--${boundary}\r\n${p}`), `--${boundary}--`, ''].join('\r\n');
}

/** An employee's "report phishing" wrapper around the suspicious original. */
export function reportWrapper(reporter: string, original: string, note = 'This looks like phishing.'): string {
  return rfc822({ from: reporter, to: 'phishing@corp.example', subject: 'FW: suspicious email', text: note, forwarded: [original] });
}
