// `tacklebox users add|list|remove|token … --data DIR`: manage the service's users. `add` and `token` print
// the new API token on their last line (shown once; only its hash is stored).

import { mkdir } from 'node:fs/promises';
import { USER_NAME, createUser, hashSecret, newToken } from '../service/auth.ts';
import { openStore } from '../service/store/open.ts';
import { ROLES, type Role } from '../service/store/types.ts';
import { parse, UsageError } from './args.ts';

const HELP = `usage: tacklebox users ACTION --data DIR

actions:
  add NAME --role reporter|analyst|admin [--email ADDRESS]   create a user; prints the API token last
  list                                                        show users and roles
  token NAME                                                  replace NAME's token; prints it last
  remove NAME                                                 delete a user

Reporters submit reports and see their own; analysts see and decide all; admins also manage users.
--email is where reporter feedback goes, and maps mailbox reports to the user.`;

const OPTIONS = {
  data: { type: 'string' },
  role: { type: 'string' },
  email: { type: 'string' },
} as const;

export async function usersCommand(argv: string[]): Promise<number> {
  const args = parse(argv, OPTIONS, HELP);
  if (!args) return 0;
  const { values, positionals } = args;
  const [action, name] = positionals;
  if (!values.data) throw new UsageError(`--data DIR is required\n\n${HELP}`);
  await mkdir(values.data, { recursive: true });
  const store = await openStore(values.data);
  try {
    switch (action) {
      case 'add': {
        if (!name || !USER_NAME.test(name)) throw new UsageError('add needs a NAME: 1-64 letters, digits, . _ @ -');
        const role = values.role as Role | undefined;
        if (!role || !ROLES.includes(role)) throw new UsageError(`--role takes one of ${ROLES.join(', ')}`);
        if (await store.userByName(name)) throw new UsageError(`user ${name} already exists (use 'users token ${name}' for a new token)`);
        const { token } = await createUser(store, name, role, values.email?.trim().toLowerCase() || null);
        process.stdout.write(`added ${name} (${role}). API token, shown once:\n${token}\n`);
        return 0;
      }
      case 'list': {
        for (const u of await store.listUsers()) process.stdout.write(`${u.name}\t${u.role}\t${u.email ?? ''}\n`);
        return 0;
      }
      case 'token': {
        if (!name) throw new UsageError('token needs a NAME');
        const token = newToken();
        if (!(await store.setUserToken(name, hashSecret(token)))) throw new UsageError(`no user ${name}`);
        process.stdout.write(`new API token for ${name}, shown once (the old one no longer works):\n${token}\n`);
        return 0;
      }
      case 'remove': {
        if (!name) throw new UsageError('remove needs a NAME');
        if (!(await store.removeUser(name))) throw new UsageError(`no user ${name}`);
        process.stdout.write(`removed ${name}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action ?? ''}"\n\n${HELP}`);
    }
  } finally {
    await store.close();
  }
}
