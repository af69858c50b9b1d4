// The analysts' UI: login, the report queue, the report page, the campaigns. Plain browser JavaScript, no build step.
// Every string that comes from a report is put on the page with textContent (through h()), never as HTML:
// a subject or sender with <script> in it shows as text. The reported email itself is shown only in a
// sandboxed iframe whose document the server sends under a CSP that blocks scripts and every load.
'use strict';

const state = { user: null, csrf: null, timer: null };

// ---- small DOM helpers -------------------------------------------------------------------------------

/** Builds an element; string and number children become text nodes, never markup. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes);
}

function age(iso) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

function badge(verdict) {
  return h('span', { class: `badge ${verdict || 'none'}` }, verdict || '—');
}

// ---- API ---------------------------------------------------------------------------------------------

async function api(method, path, body, headers) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (method !== 'GET' && state.csrf) init.headers['x-csrf-token'] = state.csrf;
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (res.status === 401 && path !== '/api/session') {
    state.user = null;
    renderLogin();
    throw new Error('logged out');
  }
  if (!res.ok) throw new Error((data && data.error) || `${res.status} ${res.statusText}`);
  return data;
}

const isAnalyst = () => state.user && (state.user.role === 'analyst' || state.user.role === 'admin');

// ---- login -------------------------------------------------------------------------------------------

function renderLogin(message) {
  clearTimer();
  document.getElementById('who').replaceChildren();
  const error = h('p', { class: 'error', role: 'alert' }, message || '');
  const form = h(
    'form',
    { class: 'login', id: 'login' },
    h('h1', {}, 'Log in'),
    h('label', {}, 'Name', h('input', { name: 'name', autocomplete: 'username', required: true })),
    h('label', {}, 'API token', h('input', { name: 'token', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, 'Log in'),
    error,
    h('p', { class: 'muted' }, "Your token comes from 'tacklebox users add' or an admin."),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    try {
      const res = await api('POST', '/api/session', { name: fd.get('name'), token: fd.get('token') });
      state.user = res.user;
      state.csrf = res.csrf;
      renderWho();
      route();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  show(form);
}

function renderWho() {
  const logout = h('button', { class: 'link', id: 'logout' }, 'log out');
  logout.addEventListener('click', async () => {
    await api('DELETE', '/api/session').catch(() => {});
    state.user = null;
    state.csrf = null;
    renderLogin();
  });
  const nav = isAnalyst() ? [h('a', { href: '#/', class: 'nav' }, 'Reports'), h('a', { href: '#/campaigns', class: 'nav', id: 'nav-campaigns' }, 'Campaigns')] : [];
  document.getElementById('who').replaceChildren(...nav, h('span', {}, `${state.user.name} (${state.user.role}) `), logout);
}

// ---- queue -------------------------------------------------------------------------------------------

function dropZone(onDone) {
  const input = h('input', { type: 'file', multiple: true, accept: '.eml,.msg,message/rfc822', id: 'file' });
  const status = h('span', { class: 'muted', id: 'upload-status' });
  const zone = h('div', { class: 'drop', id: 'drop' }, h('strong', {}, 'Drop reported emails here'), ' (.eml, .msg) or ', input, status);
  const upload = async (files) => {
    if (!files.length) return;
    const fd = new FormData();
    for (const f of files) fd.append('file', f, f.name);
    status.textContent = ` uploading ${files.length} file(s)…`;
    try {
      const res = await api('POST', '/api/reports', fd);
      status.textContent = res.duplicate ? ' already reported: added you as a reporter' : ' queued';
      onDone(res.id);
    } catch (err) {
      status.textContent = ` upload failed: ${err.message}`;
    }
  };
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    void upload([...e.dataTransfer.files]);
  });
  input.addEventListener('change', () => void upload([...input.files]));
  return zone;
}

async function renderQueue(params) {
  const filters = { status: params.get('status') || '', verdict: params.get('verdict') || '' };
  const select = (name, values) =>
    h(
      'select',
      {
        name,
        onchange: (e) => {
          const p = new URLSearchParams(filters);
          p.set(name, e.target.value);
          location.hash = `#/?${p}`;
        },
      },
      values.map((v) => h('option', { value: v, selected: filters[name] === v }, v || `any ${name}`)),
    );
  const body = h('tbody', { id: 'queue-rows' });
  const table = h(
    'table',
    { class: 'queue' },
    h('thead', {}, h('tr', {}, ['Subject', 'Status', 'Verdict', 'Score', 'Reporters', 'Age'].map((t) => h('th', {}, t)))),
    body,
  );
  const stats = h('p', { class: 'muted', id: 'stats' });
  show(
    h('h1', {}, isAnalyst() ? 'Reports' : 'My reports'),
    dropZone((id) => (location.hash = `#/report/${encodeURIComponent(id)}`)),
    h('div', { class: 'filters' }, select('status', ['', 'queued', 'analyzing', 'done', 'failed']), select('verdict', ['', 'malicious', 'suspicious', 'benign'])),
    stats,
    table,
  );
  const refresh = async () => {
    const q = new URLSearchParams();
    if (filters.status) q.set('status', filters.status);
    if (filters.verdict) q.set('verdict', filters.verdict);
    const { reports } = await api('GET', `/api/reports?${q}`);
    body.replaceChildren(
      ...reports.map((r) =>
        h(
          'tr',
          { class: `status-${r.status}` },
          h('td', {}, h('a', { href: `#/report/${encodeURIComponent(r.id)}` }, r.subject || r.sample.name || r.id)),
          h('td', {}, r.status),
          h('td', {}, badge(r.decision ? r.decision.verdict : r.verdict)),
          h('td', { class: 'num' }, r.score ?? ''),
          h('td', {}, r.reporters.map((p) => p.name).join(', ')),
          h('td', { title: r.createdAt }, age(r.createdAt)),
        ),
      ),
    );
    if (reports.length === 0) body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No reports.')));
    if (isAnalyst()) {
      const s = await api('GET', '/api/stats');
      stats.textContent = `${s.reports.queued} queued · ${s.reports.analyzing} analysing · ${s.reports.done} done · ${s.reports.failed} failed`;
    }
  };
  await refresh();
  state.timer = setInterval(() => refresh().catch(() => {}), 3000);
}

// ---- report page -------------------------------------------------------------------------------------

function artifactTree(artifacts, labels) {
  const children = new Map();
  for (const a of artifacts) {
    const key = a.parent || '';
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(a);
  }
  const node = (a) =>
    h(
      'li',
      { 'data-artifact': a.id },
      h(
        'span',
        { class: 'artifact' },
        h('span', { class: 'relation' }, a.relation),
        ' ',
        h('span', { class: 'kind' }, a.kind),
        ' ',
        h('span', { class: 'name' }, a.name),
        ' ',
        h('span', { class: 'muted' }, `${a.size} B · ${a.id}`),
        labels[a.id] ? h('span', { class: 'label' }, labels[a.id]) : null,
      ),
      children.has(a.id) ? h('ul', {}, children.get(a.id).map(node)) : null,
    );
  return h('ul', { class: 'tree', id: 'artifact-tree' }, (children.get('') || []).map(node));
}

function copyButton(text) {
  const b = h('button', { class: 'copy', type: 'button', title: 'copy (defanged)' }, 'copy');
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'copied';
    } catch {
      b.textContent = 'copy failed';
    }
    setTimeout(() => (b.textContent = 'copy'), 1500);
  });
  return b;
}

function section(title, ...content) {
  return h('section', {}, h('h2', {}, title), ...content);
}

function decisionForm(r, reload) {
  const form = h(
    'form',
    { class: 'decision', id: 'decision' },
    h('label', {}, 'Verdict ', h('select', { name: 'verdict' }, ['malicious', 'suspicious', 'benign'].map((v) => h('option', { value: v, selected: (r.decision?.verdict || r.verdict) === v }, v)))),
    h('label', {}, 'Note ', h('textarea', { name: 'note', rows: 2 }, r.decision?.note || '')),
    h('label', {}, h('input', { type: 'checkbox', name: 'final', checked: true }), ' final (tell the reporters)'),
    h('button', { type: 'submit' }, 'Save decision'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    await api('POST', `/api/reports/${encodeURIComponent(r.id)}/decision`, { verdict: fd.get('verdict'), note: fd.get('note'), final: fd.get('final') === 'on' });
    reload();
  });
  return form;
}

async function renderReport(id) {
  const load = async () => {
    const r = await api('GET', `/api/reports/${encodeURIComponent(id)}`);
    const rep = r.report;
    const nodes = [h('p', {}, h('a', { href: '#/' }, '← reports'))];
    nodes.push(h('h1', { id: 'subject' }, r.subject || r.sample.name));
    const statusLine = h('p', { id: 'status', class: `status-${r.status}` }, `Status: ${r.status}`);
    if (r.status === 'queued') {
      const ahead = r.reportsAhead ? `${r.reportsAhead} report${r.reportsAhead === 1 ? '' : 's'} ahead, ` : '';
      statusLine.append(h('span', { class: 'spinner' }), ` waiting for a worker (${ahead}${age(r.createdAt)})`);
    }
    if (r.status === 'analyzing') statusLine.append(h('span', { class: 'spinner' }), ` analysing for ${age(r.startedAt)}…`);
    if (r.status === 'failed') statusLine.append(h('span', { class: 'error' }, ` ${r.error || ''}`));
    nodes.push(statusLine);
    if (rep) {
      nodes.push(
        h('p', { class: 'verdict' }, badge(rep.verdict), h('span', { id: 'score' }, ` score ${rep.score}`), rep.simulation ? h('span', { class: 'badge simulation' }, `simulation: ${rep.simulation.vendor}`) : null),
        h('p', { class: 'chain', id: 'chain' }, rep.summary),
      );
    }
    if (r.decision) {
      nodes.push(h('p', { class: 'decided', id: 'decided' }, 'Analyst decision: ', badge(r.decision.verdict), ` by ${r.decision.analyst}${r.decision.final ? '' : ' (draft)'}`, r.decision.note ? ` — ${r.decision.note}` : ''));
    }
    nodes.push(section('Reporters', h('ul', { id: 'reporters' }, r.reporters.map((p) => h('li', {}, `${p.name}${p.email ? ` <${p.email}>` : ''} via ${p.via}, ${age(p.reportedAt)} ago`)))));
    if (r.campaign) nodes.push(campaignSection(r.campaign));
    if (isAnalyst() && r.status !== 'queued' && r.status !== 'analyzing') nodes.push(section('Decision', decisionForm(r, () => void load())));
    if (rep) {
      nodes.push(
        section(
          'Findings',
          h(
            'table',
            { class: 'findings', id: 'findings' },
            h('thead', {}, h('tr', {}, ['Score', 'Finding', 'ATT&CK', 'Artifact', 'Evidence'].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              rep.findings.map((f) =>
                h('tr', {}, h('td', { class: 'num' }, f.score), h('td', {}, h('div', {}, f.title), h('code', { class: 'muted' }, f.id)), h('td', {}, f.attack.join(' ')), h('td', {}, f.artifact), h('td', {}, h('code', { class: 'evidence' }, f.evidence))),
              ),
            ),
          ),
        ),
        section('Artifact tree', artifactTree(rep.artifacts, {})),
        section(
          'Indicators',
          h(
            'table',
            { class: 'iocs', id: 'iocs' },
            h('tbody', {}, r.iocsDefanged.map((i) => h('tr', {}, h('td', {}, i.type), h('td', {}, h('code', { class: 'ioc' }, i.defanged)), h('td', { class: 'muted' }, i.role || ''), h('td', {}, copyButton(i.defanged))))),
          ),
        ),
      );
      if (rep.passwords.length) {
        nodes.push(section('Passwords', h('table', { id: 'passwords' }, h('tbody', {}, rep.passwords.map((p) => h('tr', {}, h('td', {}, h('code', {}, p.value)), h('td', {}, p.source), h('td', { class: 'muted' }, p.opened.length ? `opened ${p.opened.join(', ')}` : '')))))));
      }
      if (rep.limits.length || rep.errors.length) {
        nodes.push(section('Limits and errors', h('ul', {}, rep.limits.map((l) => h('li', {}, `${l.limit} at ${l.artifact}: ${l.detail}`)), rep.errors.map((e) => h('li', {}, `${e.analyzer} at ${e.artifact}: ${e.message}`)))));
      }
    }
    if (r.preview) {
      const p = r.preview;
      nodes.push(
        section(
          'Email',
          p.wrapper ? h('p', { class: 'muted' }, `Forwarded by ${p.wrapper.from || '?'} as "${p.wrapper.subject || ''}"`) : null,
          h('dl', { class: 'email-head', id: 'email-head' }, h('dt', {}, 'From'), h('dd', {}, p.from || ''), h('dt', {}, 'To'), h('dd', {}, p.to.join(', ')), h('dt', {}, 'Subject'), h('dd', {}, p.subject || ''), h('dt', {}, 'Date'), h('dd', {}, p.date || '')),
          h('iframe', { class: 'email', id: 'email-frame', sandbox: '', referrerpolicy: 'no-referrer', src: `/api/reports/${encodeURIComponent(r.id)}/email`, title: 'the reported email, with scripts and remote content blocked' }),
          h('details', {}, h('summary', {}, `Headers (${p.headers.length})`), h('table', { class: 'headers', id: 'headers' }, h('tbody', {}, p.headers.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))))),
        ),
      );
    }
    if (isAnalyst()) {
      const again = h('button', { type: 'button', id: 'reanalyse' }, 'Analyse again');
      again.addEventListener('click', async () => {
        await api('POST', `/api/reports/${encodeURIComponent(r.id)}/reanalyse`);
        void load();
      });
      nodes.push(
        h(
          'p',
          { class: 'actions' },
          h('a', { href: `/api/reports/${encodeURIComponent(r.id)}/raw`, download: `${r.id}.zip` }, 'Download the raw sample (ZIP, password "infected")'),
          r.status === 'done' || r.status === 'failed' ? [' ', again] : null,
        ),
      );
    }
    show(...nodes);
    if (r.status === 'queued' || r.status === 'analyzing') {
      clearTimer();
      state.timer = setTimeout(() => void load().catch(() => {}), 1000);
    }
  };
  await load();
}

// ---- campaigns ---------------------------------------------------------------------------------------

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function day(iso) {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

/** The indicators the members share, defanged (the API sends both forms; only the defanged one is shown). */
function sharedIocList(iocs, max) {
  // Among equally shared ones, what blocks the campaign first: the payload, its link, then where it came from.
  const rank = { sha256: 0, url: 1, domain: 2, ip: 3, email: 4 };
  const top = [...iocs].sort((a, b) => b.members - a.members || (rank[a.type] ?? 9) - (rank[b.type] ?? 9)).slice(0, max);
  return h('ul', { class: 'shared-iocs' }, top.map((i) => h('li', {}, h('span', { class: 'muted' }, `${i.type} `), h('code', { class: 'ioc' }, i.defanged), h('span', { class: 'muted' }, ` ×${i.members}`))));
}

function tieList(ties) {
  return h('ul', { class: 'ties', id: 'campaign-ties' }, ties.map((t) => h('li', {}, h('code', {}, t.defanged), h('span', { class: 'muted' }, ` (${plural(t.members, 'report', 'reports')})`))));
}

/** On a report's page: who else got this, and what tied them together. */
function campaignSection(c) {
  const link = h('a', { href: `#/campaign/${encodeURIComponent(c.id)}` }, c.id);
  if (c.others === 0) return section('Campaign', h('p', { id: 'campaign-summary', class: 'muted' }, 'No other report shares this campaign (', link, ').'));
  return section(
    'Campaign',
    h('p', { id: 'campaign-summary' }, `${plural(c.others, 'other report shares', 'other reports share')} this campaign `, link, ' ', badge(c.verdict), ` · ${day(c.firstSeen)} … ${day(c.lastSeen)}`),
    h(
      'ul',
      { id: 'campaign-reports' },
      c.otherReports.map((o) => h('li', {}, h('a', { href: `#/report/${encodeURIComponent(o.id)}` }, o.subject || o.id), ' ', badge(o.verdict), h('span', { class: 'muted' }, ` ${o.senderDefanged || ''} · ${day(o.receivedAt)}`))),
    ),
    c.others > c.otherReports.length ? h('p', { class: 'muted' }, `… and ${c.others - c.otherReports.length} more on the campaign page.`) : null,
    h('p', { class: 'muted' }, 'Joined by:'),
    tieList(c.ties),
  );
}

const CAMPAIGN_PAGE = 50;

async function renderCampaigns(params) {
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const min = params.get('min') || '2';
  const res = await api('GET', `/api/campaigns?limit=${CAMPAIGN_PAGE}&offset=${offset}&min=${encodeURIComponent(min)}`);
  const minSelect = h(
    'select',
    { name: 'min', onchange: (e) => (location.hash = `#/campaigns?min=${encodeURIComponent(e.target.value)}`) },
    [['2', 'campaigns of 2 or more reports'], ['1', 'every report, alone or not']].map(([v, label]) => h('option', { value: v, selected: min === v }, label)),
  );
  const rows = res.campaigns.map((c) =>
    h(
      'tr',
      { 'data-campaign': c.id },
      h('td', { class: 'num' }, c.size),
      h('td', {}, badge(c.verdict)),
      h('td', {}, h('a', { href: `#/campaign/${encodeURIComponent(c.id)}` }, c.subjects[0] || c.id), c.subjects.length > 1 ? h('div', { class: 'muted' }, c.subjects.slice(1, 3).join(' · ')) : null),
      h('td', { title: c.firstSeen }, day(c.firstSeen)),
      h('td', { title: c.lastSeen }, day(c.lastSeen)),
      h('td', {}, sharedIocList(c.sharedIocs, 3)),
    ),
  );
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No campaigns yet.')));
  const pager = h(
    'p',
    { class: 'muted' },
    `${plural(res.total, 'campaign', 'campaigns')} over ${plural(res.reports, 'finished report', 'finished reports')} `,
    offset > 0 ? h('a', { href: `#/campaigns?min=${encodeURIComponent(min)}&offset=${Math.max(0, offset - CAMPAIGN_PAGE)}` }, '← newer page') : null,
    ' ',
    offset + CAMPAIGN_PAGE < res.total ? h('a', { href: `#/campaigns?min=${encodeURIComponent(min)}&offset=${offset + CAMPAIGN_PAGE}` }, 'next page →') : null,
  );
  show(
    h('h1', {}, 'Campaigns'),
    h('div', { class: 'filters' }, minSelect),
    pager,
    h('table', { class: 'queue', id: 'campaigns' }, h('thead', {}, h('tr', {}, ['Size', 'Verdict', 'Subjects', 'First seen', 'Last seen', 'Shared indicators'].map((t) => h('th', {}, t)))), h('tbody', { id: 'campaign-rows' }, rows)),
  );
}

async function renderCampaign(id) {
  const c = await api('GET', `/api/campaigns/${encodeURIComponent(id)}`);
  show(
    h('p', {}, h('a', { href: '#/campaigns' }, '← campaigns')),
    h('h1', { id: 'campaign-title' }, c.subjects[0] || c.id),
    h('p', { class: 'verdict' }, badge(c.verdict), ` ${plural(c.size, 'report', 'reports')} · ${day(c.firstSeen)} … ${day(c.lastSeen)} · reported by ${c.reporters.join(', ') || 'nobody known'}`),
    section('Why these reports are together', tieList(c.ties), c.query ? h('p', {}, h('span', { class: 'muted' }, 'Query: '), h('code', { id: 'campaign-query' }, c.query)) : null),
    section(
      'Shared indicators',
      h('table', { class: 'iocs', id: 'campaign-iocs' }, h('tbody', {}, c.sharedIocs.map((i) => h('tr', {}, h('td', {}, i.type), h('td', {}, h('code', { class: 'ioc' }, i.defanged)), h('td', { class: 'num' }, i.members), h('td', {}, copyButton(i.defanged)))))),
    ),
    section(
      'Reports',
      h(
        'table',
        { class: 'queue', id: 'campaign-members' },
        h('thead', {}, h('tr', {}, ['Subject', 'Verdict', 'Sender', 'Reporters', 'Received'].map((t) => h('th', {}, t)))),
        h('tbody', {}, c.reports.map((m) => h('tr', {}, h('td', {}, h('a', { href: `#/report/${encodeURIComponent(m.id)}` }, m.subject || m.id)), h('td', {}, badge(m.verdict)), h('td', {}, h('code', {}, m.senderDefanged || '')), h('td', {}, m.reporters.join(', ')), h('td', { title: m.receivedAt }, day(m.receivedAt))))),
      ),
      c.size > c.reports.length ? h('p', { class: 'muted' }, `showing the newest ${c.reports.length} of ${c.size}`) : null,
    ),
  );
}

// ---- routing -----------------------------------------------------------------------------------------

function clearTimer() {
  clearInterval(state.timer);
  clearTimeout(state.timer);
  state.timer = null;
}

async function route() {
  clearTimer();
  if (!state.user) return renderLogin();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  try {
    const m = /^\/report\/([^/]+)$/.exec(path);
    const campaign = /^\/campaign\/([^/]+)$/.exec(path);
    if (m) await renderReport(decodeURIComponent(m[1]));
    else if (campaign) await renderCampaign(decodeURIComponent(campaign[1]));
    else if (path === '/campaigns') await renderCampaigns(new URLSearchParams(query || ''));
    else await renderQueue(new URLSearchParams(query || ''));
  } catch (err) {
    if (err.message !== 'logged out') show(h('p', { class: 'error' }, err.message), h('p', {}, h('a', { href: '#/' }, '← reports')));
  }
}

window.addEventListener('hashchange', () => void route());
(async () => {
  try {
    const res = await fetch('/api/session', { credentials: 'same-origin' });
    if (res.ok) {
      const s = await res.json();
      state.user = s.user;
      state.csrf = s.csrf;
      renderWho();
    }
  } catch {
    // not logged in
  }
  await route();
})();
