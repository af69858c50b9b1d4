// The two decrypted Qakbot blobs: the configuration (`key=value` lines) and the C2 list (fixed-size binary
// records: type byte, IPv4 big-endian, port big-endian).

export interface C2Server {
  ip: string;
  port: number;
}

/** `key=value` lines separated by CR LF; undefined when the payload is not such text. */
export function parseConfigText(payload: Uint8Array): Map<string, string> | undefined {
  if (payload.length === 0 || payload.length > 64 * 1024) return undefined;
  for (const b of payload) {
    if (b !== 0x0d && b !== 0x0a && b !== 0x09 && (b < 0x20 || b > 0x7e)) return undefined;
  }
  const entries = new Map<string, string>();
  for (const line of new TextDecoder('latin1').decode(payload).split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return undefined;
    entries.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return entries.size > 0 ? entries : undefined;
}

/**
 * Records of `recordBytes`; a trailing partial record is reported by the caller, not parsed. Undefined when
 * any record has an unknown type byte or port 0: then the blob is something else, not a C2 list.
 */
export function parseC2List(payload: Uint8Array, recordBytes: number, recordTypes: readonly number[]): { servers: C2Server[]; leftover: number } | undefined {
  const servers: C2Server[] = [];
  const whole = Math.floor(payload.length / recordBytes);
  for (let r = 0; r < whole; r++) {
    const at = r * recordBytes;
    if (!recordTypes.includes(payload[at]!) || (payload[at + 5] === 0 && payload[at + 6] === 0)) return undefined;
    const ip = `${payload[at + 1]}.${payload[at + 2]}.${payload[at + 3]}.${payload[at + 4]}`;
    const port = (payload[at + 5]! << 8) | payload[at + 6]!;
    servers.push({ ip, port });
  }
  return { servers, leftover: payload.length - whole * recordBytes };
}
