// Squid access.log, native format:
// time elapsed client action/status bytes method URL user hierarchy/peer content-type

export function parseSquidLine(text: string): Record<string, unknown> | null {
  const f = text.trim().split(/\s+/);
  if (f.length < 7) return null;
  const [time, , client, actionStatus, bytes, method, url, user, hier, mime] = f;
  const [action, status] = (actionStatus ?? '').split('/');
  if (!time || !/^\d+(\.\d+)?$/.test(time) || !status) return null;
  let host: string | undefined;
  try {
    host = method === 'CONNECT' ? url!.split(':')[0] : new URL(url!).hostname;
  } catch {
    host = undefined;
  }
  return {
    time,
    src_ip: client,
    action,
    'sc-status': status,
    'sc-bytes': bytes,
    'cs-method': method,
    'c-uri': url,
    'cs-host': host,
    'c-user': user && user !== '-' ? user : undefined,
    dst_ip: hier?.split('/')[1],
    mime: mime && mime !== '-' ? mime : undefined,
  };
}
