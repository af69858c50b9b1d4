import assert from 'node:assert/strict';
import { test } from 'node:test';
import { htmlAnalyzer } from '../src/analyzers/html/index.ts';
import { renderHtml } from '../src/analyzers/html/render.ts';
import { defaultConfig } from '../src/config.ts';
import type { AnalysisContext, AnalyzerResult, Artifact, EngineConfig } from '../src/engine/types.ts';
import { analysisContext } from './generators/context.ts';

function context(over: Partial<EngineConfig> = {}): AnalysisContext {
  return analysisContext({ config: { ...defaultConfig(), ...over } });
}

async function run(
  html: string,
  opts: { relation?: Artifact['relation']; meta?: Record<string, unknown>; config?: Partial<EngineConfig> } = {},
): Promise<AnalyzerResult> {
  const data = new TextEncoder().encode(html);
  const artifact: Artifact = {
    id: 'a3',
    parent: 'a1',
    relation: opts.relation ?? 'body',
    kind: 'html',
    name: 'body.html',
    sha256: '',
    size: data.length,
    depth: 1,
    data,
    meta: opts.meta ?? {},
  };
  return htmlAnalyzer.analyze(artifact, context(opts.config));
}

const ids = (r: AnalyzerResult) => [...new Set((r.findings ?? []).map((f) => f.id))].sort();
const evidence = (r: AnalyzerResult, id: string) => r.findings?.find((f) => f.id === id)?.evidence ?? '';
const childNames = (r: AnalyzerResult) => (r.children ?? []).map((c) => c.name);

test('rendering: scripts and styles dropped, entities decoded, blocks and cells kept apart', () => {
  const page = renderHtml(
    '<html><head><title>Your &amp; invoice</title><style>p{color:red}</style></head><body>' +
      '<p>Dear&nbsp;customer,<br>see below.</p><script>var pw="notvisible"</script>' +
      '<table><tr><td>Amount</td><td>&euro;120</td></tr></table><p>unclosed <b>bold',
  );
  assert.equal(page.title, 'Your & invoice');
  assert.equal(page.text, 'Dear customer,\nsee below.\n\nAmount\t€120\n\nunclosed bold');
  assert.ok(!page.text.includes('notvisible'));
});

test('a password in the table cell next to "Password:" is stated', async () => {
  const r = await run(
    '<p>Please see the invoice attached.</p><table><tr><td><b>Password:</b></td><td><span>Xk&#55;22</span></td></tr></table>',
  );
  assert.deepEqual(r.context?.passwords?.[0], { value: 'Xk722', source: "email body after 'Password:'", stated: true });
  assert.ok(ids(r).includes('email.password-in-body'));
  assert.ok(ids(r).includes('email.lure.invoice'));
});

test('links come from href, form action, iframe src and meta refresh; relative ones need a base', async () => {
  const r = await run(
    '<meta http-equiv="refresh" content="0; URL=\'https://next.example/go\'">' +
      '<a href="https://a.example/x">x</a><a href="/relative">rel</a><a href="mailto:x@y.example">m</a>' +
      '<a href="javascript:alert(1)">j</a><iframe src="https://frame.example/"></iframe>' +
      '<form action="https://collect.example/post.php"><input name="q"></form>' +
      '<p>also www.plain.example/text in words</p>',
  );
  assert.deepEqual(childNames(r).sort(), [
    'http://www.plain.example/text',
    'https://a.example/x',
    'https://collect.example/post.php',
    'https://frame.example/',
    'https://next.example/go',
  ]);
  const withBase = await run('<base href="https://site.example/dir/"><a href="page.html">p</a>');
  assert.deepEqual(childNames(withBase), ['https://site.example/dir/page.html']);
});

test('anchor text that shows a brand but links elsewhere is impersonation; the anchor text rides along', async () => {
  const r = await run('<a href="https://login-check.example/o365">https://login.microsoftonline.com/</a>');
  assert.deepEqual(ids(r), ['html.anchor-impersonation']);
  assert.match(evidence(r, 'html.anchor-impersonation'), /login\.microsoftonline\.com.*login-check\.example/);
  assert.equal(r.children?.[0]?.meta?.anchorText, 'https://login.microsoftonline.com/');
  assert.deepEqual(childNames(r), ['https://login-check.example/o365'], 'the shown address is not a link the reader follows');
});

test('anchor text showing our own domain over a foreign link is impersonation', async () => {
  const r = await run('<a href="https://files.example/d">portal.acme-corp.com</a>', { config: { ownDomains: ['acme-corp.com'] } });
  assert.deepEqual(ids(r), ['html.anchor-impersonation']);
  assert.match(evidence(r, 'html.anchor-impersonation'), /own domain acme-corp\.com/);
});

test('click tracking: a plain mismatch stays weak, one finding for many links; same-brand domains do not count', async () => {
  const anchors = Array.from({ length: 30 }, (_, i) => `<a href="https://click.esp.example/t/${i}">www.shop-news.example/item${i}</a>`).join('<br>');
  const r = await run(anchors);
  assert.deepEqual(ids(r), ['html.anchor-mismatch']);
  assert.equal(r.findings?.filter((f) => f.id === 'html.anchor-mismatch').length, 1);
  assert.match(evidence(r, 'html.anchor-mismatch'), /and 27 more/);
  const brand = await run('<a href="https://tenant.sharepoint.com/x">www.microsoft.com</a> <a href="https://www.example.com/">Example site</a>');
  assert.deepEqual(ids(brand), []);
});

test('forms: a password posted off-site is credential harvesting; a local password field is still noted', async () => {
  const external = await run(
    '<form method="post" action="https://collect.example/p.php"><input name="email"><input type="password" name="pass"></form>',
    { relation: 'attachment' },
  );
  assert.deepEqual(ids(external), ['html.form.credentials-external']);
  assert.match(evidence(external, 'html.form.credentials-external'), /POST https:\/\/collect\.example\/p\.php.*email, pass/);
  const local = await run('<input type="email" id="u"><input type="password" id="p"><button onclick="send()">Sign in</button>', { relation: 'attachment' });
  assert.deepEqual(ids(local), ['html.form.password']);
  const samePage = await run('<form action="/login"><input type="password" name="p"></form>', {
    relation: 'downloaded',
    meta: { url: 'https://portal.example/login' },
  });
  assert.deepEqual(ids(samePage), ['html.form.password']);
});

test('meta refresh to another host and large hidden text are findings; a short preview line is not', async () => {
  const r = await run(`<meta http-equiv="refresh" content="0;url=https://next.example/"><div style="display:none">${'filler words '.repeat(30)}</div>`, {
    relation: 'attachment',
  });
  assert.deepEqual(ids(r), ['html.hidden-text', 'html.meta-refresh']);
  const preview = await run('<div style="display: none; max-height: 0px">Your October statement is ready</div><p>Hello</p>');
  assert.deepEqual(ids(preview), []);
  assert.equal(renderHtml('<span style="font-size:0px">hidden</span>shown').text, 'shown');
});

test('lures in the rendered text, and the title of an HTML attachment', async () => {
  const r = await run('<title>Verify your account</title><h1>Unusual sign-in activity</h1><p>Your account will be suspended.</p>', {
    relation: 'attachment',
  });
  assert.deepEqual(ids(r), ['email.lure.security-alert', 'email.lure.threat']);
});

test('hostile HTML: deep nesting, endless tags and a giant attribute end quickly', async () => {
  const deep = '<div>'.repeat(100_000) + 'Password: deep1' + '</div>'.repeat(10);
  const r1 = await run(deep);
  assert.equal(r1.context?.passwords?.[0]?.value, 'deep1', 'text after absurd nesting is still read');
  assert.ok((r1.errors ?? []).some((e) => /nested deeper/.test(e)));
  const tags = '<a href="https://x.example/">'.repeat(300_000);
  const r2 = await run(tags);
  assert.equal(r2.limits?.[0]?.limit, 'htmlElements', 'the element cap is reported as a limit');
  const small = await run('<p>one</p>'.repeat(100), { config: { limits: { ...defaultConfig().limits, htmlBytes: 50 } } });
  assert.equal(small.limits?.[0]?.limit, 'htmlBytes');
  assert.match(small.limits![0]!.detail, /first 50 of 1000/);
  const attr = `<a href="https://y.example/${'a'.repeat(5_000_000)}">x</a><p>after</p>`;
  const r3 = await run(attr);
  assert.deepEqual(childNames(r3), [], 'an absurd URL is not a link');
  const broken = await run('<<<>>><a href=">"<p <<script>unterminated');
  assert.ok(broken);
});
