// Postfix maillog: one message is spread over lines from smtpd, cleanup, qmgr and the delivery agents,
// tied together by the queue id. One event is produced per recipient outcome (sent, bounced, rejected, …),
// carrying the client, sender and Message-ID learned from the earlier lines.

import { LOG_LIMITS } from './limits.ts';

interface Pending {
  client_ip?: string;
  message_id?: string;
  sender?: string;
  subject?: string;
}

const SYSLOG = /^(?<time>\w{3}\s+\d{1,2}\s\d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\S+)\s+(?<host>\S+)\s+postfix(?:\/[\w-]+)+\[\d+\]:\s+(?<msg>.*)$/;
const QUEUED = /^(?<qid>[0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}|NOQUEUE):\s+(?<rest>.*)$/;

export class PostfixJoiner {
  private readonly open = new Map<string, Pending>();

  constructor(private readonly year = new Date().getUTCFullYear()) {}

  /** Reads one line; returns the events it completes (none for most lines). */
  line(text: string): Record<string, unknown>[] {
    const m = SYSLOG.exec(text);
    if (!m) return [];
    const { time, host, msg } = m.groups!;
    const q = QUEUED.exec(msg!);
    if (!q) return [];
    const { qid, rest } = q.groups!;
    const when = /^\d{4}-/.test(time!) ? time : `${time} ${this.year} UTC`;
    const base = { time: when, mail_host: host, queue_id: qid };

    if (qid === 'NOQUEUE') {
      const reject = /^(reject|discard|hold):\s+\S+\s+from\s+\S*?\[(?<ip>[^\]]+)\][^;]*?:\s*(?<reason>[^;]*);\s*(?<tail>.*)$/.exec(rest!);
      if (!reject) return [];
      return [{ ...base, status: reject[1], client_ip: reject.groups!.ip, reason: reject.groups!.reason, ...addresses(reject.groups!.tail!) }];
    }
    const state = this.state(qid!);
    let x: RegExpExecArray | null;
    if ((x = /^client=\S*?\[([^\]]+)\]/.exec(rest!))) state.client_ip = x[1];
    else if ((x = /^message-id=<?([^>\s]*)>?/.exec(rest!))) state.message_id = x[1];
    else if ((x = /^from=<([^>]*)>/.exec(rest!))) state.sender = x[1];
    else if ((x = /^warning: header Subject: (.*?) from \S+;/.exec(rest!))) state.subject = x[1];
    else if ((x = /^(reject|discard|hold): (header|body) (.*?) from \S+;\s*(.*)$/.exec(rest!))) {
      if (x[2] === 'header' && /^Subject:/i.test(x[3]!)) state.subject = x[3]!.replace(/^Subject:\s*/i, '');
      const addr = addresses(x[4]!);
      return [{ ...base, ...state, status: x[1], reason: x[4]!.split(';').pop()?.trim(), ...addr }];
    } else if ((x = /^to=<([^>]*)>.*?status=(\w+)(?:\s+\((.*)\))?/.exec(rest!))) {
      return [{ ...base, ...state, recipient: x[1], status: x[2], reason: x[3] }];
    } else if (rest === 'removed') this.open.delete(qid!);
    return [];
  }

  private state(qid: string): Pending {
    let s = this.open.get(qid);
    if (!s) {
      s = {};
      this.open.set(qid, s);
      if (this.open.size > LOG_LIMITS.maxOpenQueueIds) this.open.delete(this.open.keys().next().value!);
    }
    return s;
  }
}

function addresses(tail: string): { sender?: string; recipient?: string } {
  return {
    sender: /from=<([^>]*)>/.exec(tail)?.[1],
    recipient: /to=<([^>]*)>/.exec(tail)?.[1],
  };
}
