/**
 * The one door to the system browser. `shell.openExternal` hands a URL to the OS, which
 * will open whatever handler a scheme names (file:, smb:, custom app schemes), so only
 * https URLs to a short list of hosts go through: the hosts the bundled model manifests
 * download from (a licence or model card the person wants to read) and the project's docs.
 */
export interface ExternalLinks {
  /** Opens the URL when allowed; false (and nothing opened) otherwise. */
  open(url: string): boolean;
  allowed(url: string): boolean;
}

export function externalLinks(hosts: Iterable<string>, openExternal: (url: string) => Promise<void>): ExternalLinks {
  const allow = new Set([...hosts].map((h) => h.toLowerCase()));
  const allowed = (url: string): boolean => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    // No credentials and no explicit port: `https://docs.example@evil.example/` and odd ports are not the named site.
    return u.protocol === 'https:' && !u.username && !u.password && u.port === '' && allow.has(u.hostname);
  };
  return {
    allowed,
    open: (url) => {
      if (!allowed(url)) return false;
      // A failure to start the browser is the OS's business; never an unhandled rejection in main.
      openExternal(url).catch(() => undefined);
      return true;
    },
  };
}

/** The https hosts named by these URLs (manifest download URLs, the docs' homepage). */
export function httpsHosts(urls: Iterable<string | undefined>): string[] {
  const out = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      const u = new URL(url);
      if (u.protocol === 'https:') out.add(u.hostname.toLowerCase());
    } catch {
      // not a URL: nothing to allow
    }
  }
  return [...out].sort();
}
