// The findings the email and msg analyzers can raise, declared up front (Assemblyline-style) so the verdict
// is a sum anyone can audit. Scores are kept low for what legitimate bulk mail also does (a Return-Path at
// the mailing provider) and high only for what honest senders do not do (a forged display address, a
// lookalike of the organisation's own domain, a DMARC failure).

import type { FindingCatalogue } from '../../engine/types.ts';

export const MAIL_FINDINGS: FindingCatalogue = {
  'email.header.reply-to-mismatch': {
    title: 'Replies go to another domain than the sender',
    score: 150,
    attack: ['T1566', 'T1656'],
    description: 'Reply-To names a domain other than From: answers reach someone else than the apparent sender.',
  },
  'email.header.return-path-mismatch': {
    title: 'Envelope sender (Return-Path) is another domain than From',
    score: 30,
    attack: ['T1566'],
    description: 'Common for mailing services, but also how spoofed mail looks; weighs with other findings.',
  },
  'email.header.sender-mismatch': {
    title: 'Sender header names another domain than From',
    score: 50,
    attack: ['T1566'],
  },
  'email.display-name.address-mismatch': {
    title: 'Display name shows an address that is not the sender',
    score: 450,
    attack: ['T1656', 'T1036'],
    description: 'The name the reader sees contains an email address whose domain differs from the real sender.',
  },
  'email.display-name.brand': {
    title: 'Display name claims a brand the sender domain does not belong to',
    score: 300,
    attack: ['T1656', 'T1036'],
  },
  'email.display-name.role-freemail': {
    title: 'Display name claims an internal role but the mail comes from a free-mail account',
    score: 300,
    attack: ['T1656'],
  },
  'email.display-name.role-external': {
    title: 'Display name claims an internal role but the mail comes from outside the organisation',
    score: 150,
    attack: ['T1656'],
    description: 'Vendors sign as "Support" too, so this weighs with other findings rather than alone.',
  },
  'email.sender.lookalike': {
    title: "Sender domain looks like the organisation's own domain",
    score: 700,
    attack: ['T1566', 'T1656', 'T1036'],
    description: 'Punycode, homoglyphs or a small edit distance to a configured own domain.',
  },
  'email.sender.brand-lookalike': {
    title: 'Sender domain imitates a well-known brand',
    score: 500,
    attack: ['T1566', 'T1656', 'T1036'],
  },
  'email.auth.dmarc-fail': {
    title: 'DMARC fails: the From domain did not authorise this mail',
    score: 400,
    attack: ['T1566', 'T1656'],
  },
  'email.auth.spf-fail': {
    title: 'SPF fails: the sending server is not allowed to send for the envelope domain',
    score: 150,
    attack: ['T1566'],
  },
  'email.auth.dkim-fail': {
    title: 'DKIM signature does not verify',
    score: 150,
    attack: ['T1566'],
  },
  'email.mime.unclosed-multipart': {
    title: 'Malformed MIME: a multipart is never closed',
    score: 30,
    attack: ['T1027'],
    description: 'Broken structure is how some mail evades gateway parsers; the parts before the end were still read.',
  },
  'email.mime.unparseable': {
    title: 'The message could not be parsed as MIME',
    score: 50,
    attack: ['T1027'],
  },
  'email.msg.unparseable': {
    title: 'The Outlook message could not be read',
    score: 50,
    attack: ['T1027'],
  },
};
