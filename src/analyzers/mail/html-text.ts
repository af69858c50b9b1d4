// HTML to plain text for rebuilding an inline-forwarded original from an HTML-only report: line structure
// kept, link targets kept beside their text so the rebuilt mail still carries every URL.

const MAX_HTML_CHARS = 2 * 1024 * 1024;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .slice(0, MAX_HTML_CHARS)
      .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, d, s, u, inner: string) => {
        const href = (d ?? s ?? u ?? '').trim();
        const text = inner.replace(/<[^>]*>/g, '').trim();
        // The target is written as an entity-escaped <url> so the tag stripping below leaves it alone.
        return !href || text === href ? text || href : `${text} &lt;${href}&gt;`;
      })
      .replace(/<br\s*\/?>/gi, '\n')
      // Outlook sets the quoted original of a forward under a rule; keep it as the separator line it is in text.
      .replace(/<hr\b[^>]*>/gi, '\n________________________________\n')
      .replace(/<\/(p|div|tr|li|h[1-6]|blockquote|table)\s*>/gi, '\n')
      .replace(/<\/t[dh]\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[body.toLowerCase()] ?? m;
  });
}
