// URLs as markup writes them: relative ones resolved against the page, non-web schemes dropped.

/** Makes a URL from markup absolute, against <base href> or the page's own URL; drops what is not a web link. */
export function absolute(url: string, base: string | undefined): string | undefined {
  if (/^(?:javascript|data|mailto|tel|cid|about|blob|file):/i.test(url.trim())) return undefined;
  try {
    return new URL(url, base).href;
  } catch {
    return undefined;
  }
}

export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
