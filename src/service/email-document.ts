// The HTML document the report page frames to show the reported email. The HTML was made inert by the
// worker (preview.ts) and the response's CSP forbids scripts and every load; a text-only mail is escaped
// into a <pre>.

import type { EmailPreview } from './analysis/preview.ts';

export function emailDocument(preview: EmailPreview | null): string {
  const head = '<!doctype html><html><head><meta charset="utf-8"><title>reported email</title></head><body>';
  if (!preview) return `${head}<p>No email body to show.</p></body></html>`;
  if (preview.html) return `${head}${preview.html}</body></html>`;
  return `${head}<pre style="white-space:pre-wrap;font:13px monospace">${escapeHtml(preview.text ?? '')}</pre></body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
