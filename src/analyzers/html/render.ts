// HTML as a reader sees it, in one streaming pass (htmlparser2, no DOM): the visible text with table cells and
// blocks kept apart, text hidden by styles, and the markup an analyst cares about — links (href, src, form
// action, meta refresh), anchors with the text they show, forms with password fields. Scripts and styles are
// skipped, never run. Work is capped by input size and element count; broken markup is read as browsers would.

import { Parser } from 'htmlparser2';

export interface Anchor {
  href: string;
  text: string;
}

export interface FormInfo {
  /** The action as written ('' when absent: the form posts to its own page). */
  action: string;
  method: string;
  passwordFields: number;
  /** Names of the inputs, for the evidence ("email", "pass"). */
  inputs: string[];
}

export interface RenderedHtml {
  /** Visible text: blocks on their own lines, table cells separated by tabs, entities decoded. */
  text: string;
  /** Text inside elements hidden by style (display:none, font-size:0, …) or the hidden attribute. */
  hiddenText: string;
  title: string;
  /** URLs as written in markup, with where they were found ('href', 'src', 'form action', 'meta refresh'). */
  urls: { url: string; via: string }[];
  anchors: Anchor[];
  forms: FormInfo[];
  baseHref?: string;
  /** Set when a cap stopped the reading early: which one, and what was left out. */
  truncated?: { limit: 'htmlBytes' | 'htmlElements' | 'time'; detail: string };
  /** How often nesting deeper than MAX_NESTING made the reader start afresh. */
  nestingResets?: number;
}

export interface RenderOptions {
  /** Characters read (limit htmlBytes). A mail body or a phishing page is far smaller; beyond is padding. */
  maxChars?: number;
  /** Elements read (limit htmlElements). */
  maxElements?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_CHARS = 8 * 1024 * 1024;
const DEFAULT_MAX_ELEMENTS = 200_000;
/** Characters of visible text kept. */
export const MAX_TEXT_CHARS = 2_000_000;
const MAX_HIDDEN_CHARS = 20_000;
const MAX_URLS = 5_000;
const MAX_ANCHOR_TEXT = 300;
// Anchors do not nest in valid HTML; a pile of unclosed ones must not make every text node cost more.
const MAX_OPEN_ANCHORS = 8;
const MAX_FORMS = 50;
const CHUNK = 16 * 1024;
// htmlparser2 keeps open elements in an array it unshifts into, so each open tag costs the nesting depth.
// Past this depth (browsers stop nesting near 512) the parser starts afresh: text is still read, structure reset.
export const MAX_NESTING = 1_000;

// Content never shown as text. <head> is not skipped as a whole: without a closing tag it would swallow the body.
const SKIPPED = new Set(['script', 'style', 'template', 'title']);
const BLOCK = new Set([
  'p', 'div', 'br', 'tr', 'li', 'ul', 'ol', 'table', 'tbody', 'thead', 'tfoot', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'blockquote', 'pre', 'hr', 'section', 'article', 'header', 'footer', 'address', 'center', 'dl', 'dt', 'dd',
  'form', 'fieldset', 'legend', 'caption', 'title', 'body', 'html', 'main', 'nav', 'aside', 'figure', 'figcaption',
]);
const CELL = new Set(['td', 'th']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen']);
// Attributes that navigate or load something, per element. Images are left out on purpose: a newsletter has
// dozens and they are page decoration, not places a reader is sent.
const URL_ATTRIBUTES: Record<string, [string, string][]> = {
  a: [['href', 'href']],
  area: [['href', 'href']],
  iframe: [['src', 'src']],
  frame: [['src', 'src']],
  embed: [['src', 'src']],
  script: [['src', 'src']],
  object: [['data', 'src']],
  form: [['action', 'form action']],
  button: [['formaction', 'form action']],
  input: [['formaction', 'form action']],
};

// Styles that hide text from a reader while filters still read it.
const HIDING_STYLE =
  /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:!important)?\s*(?:;|$)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$)|max-height\s*:\s*0(?:px)?\s*(?:;|$)|height\s*:\s*0(?:px)?\s*(?:;|$)|width\s*:\s*0(?:px)?\s*(?:;|$)|color\s*:\s*transparent)/i;

function isHidden(attribs: Record<string, string>): boolean {
  if ('hidden' in attribs) return true;
  const style = attribs.style;
  return style !== undefined && HIDING_STYLE.test(style);
}

/** "0; url='http://x'" → "http://x". */
export function refreshTarget(content: string): string | undefined {
  const m = /url\s*=\s*['"]?([^'"\s]+)/i.exec(content);
  return m?.[1];
}

export function renderHtml(html: string, options: RenderOptions = {}): RenderedHtml {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const out: RenderedHtml = { text: '', hiddenText: '', title: '', urls: [], anchors: [], forms: [] };
  const text: string[] = [];
  let textChars = 0;
  let elements = 0;
  let skipDepth = 0; // inside script/style/head…
  let hiddenDepth = 0; // inside hidden elements
  let inTitle = false;
  // One entry per open element, so closing tags (also implied ones) restore the right state.
  const stack: { name: string; skip: boolean; hidden: boolean }[] = [];
  const openAnchors: { href: string; text: string }[] = [];
  let form: FormInfo | undefined;

  const emit = (s: string) => {
    if (textChars >= MAX_TEXT_CHARS) return;
    text.push(s);
    textChars += s.length;
  };
  const addUrl = (url: string, via: string) => {
    const u = url.trim();
    if (u && out.urls.length < MAX_URLS) out.urls.push({ url: u, via });
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        elements++;
        const skip = SKIPPED.has(name);
        const hidden = isHidden(attribs);
        if (!VOID.has(name)) {
          stack.push({ name, skip, hidden });
          if (skip) skipDepth++;
          if (hidden) hiddenDepth++;
        }
        if (name === 'title') inTitle = true;
        if (name === 'base' && attribs.href && out.baseHref === undefined) out.baseHref = attribs.href.trim();
        if (name === 'meta' && /refresh/i.test(attribs['http-equiv'] ?? '')) {
          const target = refreshTarget(attribs.content ?? '');
          if (target) addUrl(target, 'meta refresh');
        }
        for (const [attr, via] of URL_ATTRIBUTES[name] ?? []) {
          const value = attribs[attr];
          if (value !== undefined && !(name === 'form' && value.trim() === '')) addUrl(value, via);
        }
        if (name === 'a' && attribs.href !== undefined && openAnchors.length < MAX_OPEN_ANCHORS)
          openAnchors.push({ href: attribs.href.trim(), text: '' });
        if (name === 'form' && out.forms.length < MAX_FORMS) {
          form = { action: (attribs.action ?? '').trim(), method: (attribs.method ?? 'get').toLowerCase(), passwordFields: 0, inputs: [] };
          out.forms.push(form);
        }
        if (name === 'input') {
          // A password field outside any <form> still collects a password (scripts post it): count it on a
          // form-less entry so the analyst sees it.
          if (!form && (attribs.type ?? '').toLowerCase() === 'password' && out.forms.length < MAX_FORMS) {
            form = { action: '', method: 'script', passwordFields: 0, inputs: [] };
            out.forms.push(form);
          }
          if (form) {
            if ((attribs.type ?? '').toLowerCase() === 'password') form.passwordFields++;
            const inputName = attribs.name ?? attribs.id;
            if (inputName && form.inputs.length < 20) form.inputs.push(inputName.slice(0, 60));
          }
        }
        if (name === 'img' && attribs.alt && skipDepth === 0 && hiddenDepth === 0) emit(` ${attribs.alt} `);
        if (BLOCK.has(name)) emit('\n');
        else if (CELL.has(name)) emit('\t');
      },
      ontext(data) {
        if (inTitle && out.title.length < 500) out.title += data;
        if (skipDepth > 0) return;
        if (hiddenDepth > 0) {
          if (out.hiddenText.length < MAX_HIDDEN_CHARS) out.hiddenText += data;
          return;
        }
        emit(data);
        for (const a of openAnchors) if (a.text.length < MAX_ANCHOR_TEXT) a.text += data;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (name === 'a') {
          const a = openAnchors.pop();
          if (a && out.anchors.length < MAX_URLS) out.anchors.push({ href: a.href, text: a.text.replace(/\s+/g, ' ').trim() });
        }
        if (name === 'form') form = undefined;
        if (VOID.has(name)) return;
        if (BLOCK.has(name)) emit('\n');
        // Pop to the matching element; htmlparser2 reports implied closes, so this rarely skips more than one.
        for (let i = stack.length - 1; i >= 0; i--) {
          if (stack[i]!.name !== name) continue;
          for (const e of stack.splice(i)) {
            if (e.skip) skipDepth--;
            if (e.hidden) hiddenDepth--;
          }
          break;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );

  const input = html.length > maxChars ? html.slice(0, maxChars) : html;
  if (input.length < html.length) out.truncated = { limit: 'htmlBytes', detail: `rendered the first ${maxChars} of ${html.length} characters` };
  for (let at = 0, end = 0; at < input.length; at = end) {
    // Chunks end before a "<", so that a fresh start after a reset begins at a tag, not inside one.
    end = Math.min(at + CHUNK, input.length);
    if (end < input.length) {
      const tagStart = input.lastIndexOf('<', end - 1);
      if (tagStart > at) end = tagStart;
    }
    if (elements > maxElements) {
      out.truncated = { limit: 'htmlElements', detail: `stopped after ${maxElements} elements, at character ${at} of ${input.length}` };
      break;
    }
    if (options.signal?.aborted) {
      out.truncated = { limit: 'time', detail: `stopped at character ${at} of ${input.length}: time is up` };
      break;
    }
    parser.write(input.slice(at, end));
    if (stack.length > MAX_NESTING) {
      parser.reset();
      stack.length = 0;
      skipDepth = 0;
      hiddenDepth = 0;
      openAnchors.length = 0;
      form = undefined;
      inTitle = false;
      out.nestingResets = (out.nestingResets ?? 0) + 1;
    }
  }
  parser.end();

  out.text = text
    .join('')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \f\v\r]+/g, ' ')
    .replace(/ *\t[ \t]*/g, '\t')
    .replace(/ *\n\s*\n\s*/g, '\n\n')
    .replace(/ *\n */g, '\n')
    .trim();
  out.hiddenText = out.hiddenText.replace(/\s+/g, ' ').trim();
  out.title = out.title.replace(/\s+/g, ' ').trim();
  return out;
}
