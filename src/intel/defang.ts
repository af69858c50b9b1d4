// Defanged forms for showing indicators to people: nothing a mail client or chat turns into a live link.

export function defangUrl(url: string): string {
  return url
    .replace(/^http/i, (m) => (m[0] === 'H' ? 'HXXP' : 'hxxp'))
    .replace(/^ftp/i, 'fxp')
    .replace(/:\/\//, '[://]')
    .replace(/\./g, '[.]');
}

export function defangDomain(domain: string): string {
  return domain.replace(/\./g, '[.]');
}

export function defangEmail(address: string): string {
  return address.replace('@', '[@]').replace(/\./g, '[.]');
}

export function defang(type: string, value: string): string {
  switch (type) {
    case 'url':
      return defangUrl(value);
    case 'domain':
    case 'ip':
      return defangDomain(value);
    case 'email':
      return defangEmail(value);
    default:
      return value;
  }
}

/** Undoes the common defanged spellings analysts and reports use: hxxp, [.], (.), [:]//, [@]. */
export function refang(text: string): string {
  return text
    .replace(/\bhxxp(s?)/gi, 'http$1')
    .replace(/\bfxp\b/gi, 'ftp')
    .replace(/\[(:\/\/|:)\]/g, '$1')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[@\]|\[at\]|\(at\)/gi, '@');
}
