// The data files behind lures, passwords and links are reviewed like code: these checks keep them whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lureFindings } from '../src/analyzers/text/lures.ts';
import { loadRules } from '../src/engine/rules.ts';

interface Category {
  score: number;
  attack: string[];
  phrases: Record<string, string[]>;
}

const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt'];

test('every lure category speaks the six languages, with T1566 techniques and a modest score', () => {
  const { categories } = loadRules<{ categories: Record<string, Category> }>('lures.yaml');
  for (const [name, c] of Object.entries(categories)) {
    for (const lang of LANGUAGES) assert.ok((c.phrases[lang] ?? []).length > 0, `${name} has ${lang} phrases`);
    assert.ok(c.attack.some((t) => t.startsWith('T1566')), `${name} maps to phishing`);
    // A lure alone must never make a message suspicious: that takes a password, a payload link or a lookalike.
    assert.ok(c.score > 0 && c.score < 300, `${name} score ${c.score}`);
  }
  assert.deepEqual(Object.keys(lureFindings()).sort(), Object.keys(categories).map((c) => `email.lure.${c}`).sort());
});

test('no lure phrase is listed twice in one language, so each hit names one category', () => {
  const { categories } = loadRules<{ categories: Record<string, Category> }>('lures.yaml');
  const owner = new Map<string, string>();
  for (const [name, c] of Object.entries(categories)) {
    for (const [lang, phrases] of Object.entries(c.phrases)) {
      for (const p of phrases) {
        const key = `${lang}:${p.toLowerCase()}`;
        assert.equal(owner.get(key), undefined, `"${p}" (${lang}) is in ${owner.get(key)} and ${name}`);
        owner.set(key, name);
      }
    }
  }
});

test('password labels, wrappers, shorteners and hosting lists are well-formed', () => {
  const labels = loadRules<{ labels: { label: string; strong: boolean }[] }>('password-labels.yaml').labels;
  assert.ok(labels.length >= 14);
  for (const l of labels) assert.equal(typeof l.strong, 'boolean', l.label);
  for (const required of ['password', 'pass', 'pwd', 'pw', 'code', 'key', 'mot de passe', 'passwort', 'contraseña', 'senha', 'пароль', '密码', '비밀번호'])
    assert.ok(labels.some((l) => l.label === required), required);
  const wrappers = loadRules<{ wrappers: { name: string; hosts: string[]; decode: string }[] }>('url-wrappers.yaml').wrappers;
  for (const w of wrappers) assert.ok(w.hosts.length > 0 && ['plain', 'proofpoint-v2', 'proofpoint-v3', 'base64', 'domain-only'].includes(w.decode), w.name);
  const hostLike = /^[a-z0-9.-]+\.[a-z]{2,}$/;
  for (const h of loadRules<{ shorteners: string[] }>('shorteners.yaml').shorteners) assert.match(h, hostLike);
  const hosting = loadRules<Record<string, string[]>>('hosting.yaml');
  for (const h of [...hosting['free-hosting']!, ...hosting['dynamic-dns']!]) assert.match(h, hostLike);
});
