// What the HTTP routes share: the store, the intake, and the optional parts (mailbox, feedback mailer).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Caller } from '../auth.ts';
import type { CampaignIndex } from '../campaigns.ts';
import type { FeedbackMailer } from '../feedback.ts';
import type { Intake } from '../intake.ts';
import type { JobQueue } from '../queue/types.ts';
import type { SampleStore } from '../samples.ts';
import type { Role, Store } from '../store/types.ts';

export interface ApiContext {
  store: Store;
  samples: SampleStore;
  intake: Intake;
  queue: JobQueue;
  feedback?: FeedbackMailer;
  /** The campaigns over the finished reports (buildApp makes one when none is given). */
  campaigns?: CampaignIndex;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/** The caller, when their role allows the route; otherwise the 401/403 is sent and null returned. */
export function allow(request: FastifyRequest, reply: FastifyReply, role: Role): Caller | null {
  const caller = request.caller;
  if (!caller) {
    void reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'authentication required: send "Authorization: Bearer TOKEN" or log in' });
    return null;
  }
  if (!hasRole(caller.user, role)) {
    void reply.code(403).send({ error: `this needs the ${role} role; you are ${caller.user.role}` });
    return null;
  }
  return caller;
}
