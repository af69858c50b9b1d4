import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TOKENS, passwordCandidates, statedPasswords } from '../src/analyzers/text/passwords.ts';

const stated = (text: string) => statedPasswords(text).map((s) => s.value);

test('a password after a label is stated, with where it was found', () => {
  const c = passwordCandidates('Please see the attached invoice.\nPassword: Qx7291\nRegards', 'email body');
  assert.deepEqual(c[0], { value: 'Qx7291', source: "email body after 'Password:'", stated: true });
  assert.ok(c.slice(1).every((x) => !x.stated));
  assert.ok(c.some((x) => x.value === 'invoice' && x.source === 'email body (word)'));
  assert.ok(c.some((x) => x.value === 'invoice.'), 'whitespace tokens are kept as written too');
});

test('labels and separators seen in lures, in many languages', () => {
  assert.deepEqual(stated('PW - abc12'), ['abc12']);
  assert.deepEqual(stated('The password is "ab c1".'), ['ab c1']);
  assert.deepEqual(stated('Das Passwort ist Xy12.'), ['Xy12']);
  assert.deepEqual(stated('Passwort: [K1z9]'), ['K1z9']);
  assert.deepEqual(stated('mot de passe : (Qw3)'), ['Qw3']);
  assert.deepEqual(stated('contraseña: «hola9»'), ['hola9']);
  assert.deepEqual(stated('senha: 4455'), ['4455']);
  assert.deepEqual(stated('пароль: zz11'), ['zz11']);
  assert.deepEqual(stated('密码：5566'), ['5566']);
  assert.deepEqual(stated('解压密码是7788'), ['7788']);
  assert.deepEqual(stated('비밀번호는 9900'), ['9900']);
  assert.deepEqual(stated('Password for the archive: FOO88'), ['FOO88']);
  assert.deepEqual(stated('Password:\t\nSECRET1'), ['SECRET1'], 'value in the next table cell or line');
  assert.deepEqual(stated('Pass: 998'), ['998']);
  assert.deepEqual(stated('код: 4321'), ['4321']);
  assert.deepEqual(stated('Lozinka: Ab12'), ['Ab12']);
  assert.deepEqual(stated('ZIP-Password: Zp77'), ['Zp77']);
});

test('ordinary prose around the word password states nothing', () => {
  assert.deepEqual(stated('Reset your password here'), []);
  assert.deepEqual(stated('Your password is about to expire.'), []);
  assert.deepEqual(stated('Your boarding pass is ready'), []);
  assert.deepEqual(stated('We will never ask for your password.'), []);
  assert.deepEqual(stated('If this was not you, reset your password at https://account.example/reset now.'), []);
});

test('labels inside URLs are parameters; meeting and Wi-Fi passwords are not archive passwords', () => {
  assert.deepEqual(stated('Join https://zoom.example/j/123?pwd=abcDEF1 now'), []);
  assert.deepEqual(stated('see /reset/password/xyz'), []);
  const [meeting] = statedPasswords('Meeting password: Xk29ab');
  assert.equal(meeting?.value, 'Xk29ab');
  assert.equal(meeting?.strong, false);
  assert.equal(statedPasswords('Guest Wi-Fi password: Coffee2024')[0]?.strong, false);
});

test('weak labels are stated but marked weak', () => {
  const [zip] = statedPasswords('Zip code: 12345');
  assert.equal(zip?.value, '12345');
  assert.equal(zip?.strong, false);
  assert.deepEqual(stated('Key Name: API-test\nKey ID: 1234'), [], 'weak labels take no words before their colon');
  assert.deepEqual(stated('Diagnostic-Code: smtp; 550 5.1.1 User unknown'), [], 'a header name is not a label');
  assert.deepEqual(stated('Key: value'), [], 'a weak label needs a value with a digit, or quotes');
  assert.deepEqual(stated('Code: "abc"'), ['abc']);
  assert.equal(statedPasswords('Password: 1234')[0]?.strong, true);
});

test('hostile bodies are bounded', () => {
  const huge = Array.from({ length: 200_000 }, (_, i) => `w${i}`).join(' ') + ' Password: late';
  const c = passwordCandidates(huge, 'email body');
  assert.ok(c.length <= MAX_TOKENS + 20);
  const labels = 'password: password: '.repeat(50_000);
  assert.ok(statedPasswords(labels).length <= 20);
});
