// The name a browser would save a download under: Content-Disposition first, then the URL's last segment.

const MAX_NAME = 200;

export function downloadName(finalUrl: string, contentDisposition: string | undefined): string {
  const fromHeader = contentDisposition ? dispositionName(contentDisposition) : undefined;
  if (fromHeader) return clean(fromHeader);
  try {
    const url = new URL(finalUrl);
    const last = url.pathname.split('/').filter(Boolean).pop();
    if (last) return clean(safeDecode(last));
    return clean(url.hostname);
  } catch {
    return 'download';
  }
}

function dispositionName(header: string): string | undefined {
  // RFC 6266: filename*=UTF-8''percent-encoded wins over filename="…".
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) return safeDecode(star[2]!.trim());
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(header);
  // Only \" and \\ are unescaped: browsers keep other backslashes, which then separate path parts.
  if (plain) return (plain[2] ?? plain[1]!).replace(/\\(["\\])/g, '$1').trim();
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Only the base name, without control characters; the name is evidence, never a path to write to. */
function clean(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const printable = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (printable || 'download').slice(0, MAX_NAME);
}
