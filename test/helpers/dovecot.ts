// A real Dovecot IMAP server for tests: a throwaway config, mail folder and password file under a temp
// folder, listening on 127.0.0.1 only, plain login (loopback, no TLS). Needs Debian's dovecot-imapd.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

export const DOVECOT_BIN = '/usr/sbin/dovecot';

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  /** imap://user:pass@127.0.0.1:port/INBOX */
  url(mailbox?: string): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The uid/gid mail is stored as: Dovecot will not store mail as root, so root runs use the dovecot account. */
function mailOwner(): { uid: number; gid: number; user: string } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, user: me.username };
  const line = execFileSync('getent', ['passwd', 'dovecot']).toString().trim().split(':');
  return { uid: Number(line[2]), gid: Number(line[3]), user: 'dovecot' };
}

export async function startDovecot(user = 'phishbox', password = 'report-pw'): Promise<Dovecot> {
  const root = await mkdtemp(join(tmpdir(), 'tacklebox-dovecot-'));
  await chmod(root, 0o755);
  const owner = mailOwner();
  const me = userInfo();
  for (const dir of ['run', 'state', 'mail']) await mkdir(join(root, dir));
  await chown(join(root, 'mail'), owner.uid, owner.gid);
  await writeFile(join(root, 'users'), `${user}:{PLAIN}${password}::::::\n`);
  const port = await freePort();
  const runAs = me.uid === 0 ? owner.user : me.username;
  await writeFile(
    join(root, 'dovecot.conf'),
    `
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${root}/mail/%u
first_valid_uid = ${Math.min(owner.uid, 1)}
default_internal_user = ${runAs}
default_login_user = ${runAs}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/users
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${root}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
namespace inbox {
  inbox = yes
  separator = /
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT_BIN, ['-F', '-c', join(root, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  await waitForPort(port, child, () => stderr, root);
  return {
    port,
    user,
    password,
    url: (mailbox = 'INBOX') => `imap://${user}:${password}@127.0.0.1:${port}/${mailbox}`,
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string, root: string): Promise<void> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dovecot exited: ${stderr()} (see ${root}/dovecot.log)`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot did not listen on ${port}: ${stderr()}`);
}
