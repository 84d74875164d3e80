/** A page the browser landed on. */
export interface Page {
  readonly url: URL;
  readonly status: number;
  readonly text: string;
  /** The redirect it did not follow, when told to stop there. */
  readonly location?: URL;
}

/**
 * A user's browser, played with fetch: it follows redirects itself, keeping each host's cookies across them, and
 * submits the forms of the pages it lands on. Nothing it visits leaves the loopback interface.
 */
export class FetchBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();

  /** Goes to `url` and follows its redirects, unless `stopAt` says to stop before one. */
  async visit(url: URL, options: { stopAt?: (next: URL) => boolean } = {}): Promise<Page> {
    return this.#follow(url, { method: 'GET' }, options.stopAt);
  }

  /** Submits the page's first form, its hidden fields and `fields`, and follows the redirects. */
  async submit(
    page: Page,
    fields: Record<string, string> = {},
    options: { stopAt?: (next: URL) => boolean } = {},
  ) {
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.text);
    if (form === null) throw new Error(`No form on ${page.url.href}: ${page.text.slice(0, 500)}`);
    const hidden = [...(form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)];
    const body = new URLSearchParams([
      ...hidden.map(([, name = '', value = '']): [string, string] => [name, value]),
      ...Object.entries(fields),
    ]);
    return this.#follow(
      new URL(form[1] ?? '', page.url),
      { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      options.stopAt,
    );
  }

  async #follow(start: URL, init: RequestInit, stopAt?: (next: URL) => boolean): Promise<Page> {
    let url = start;
    let request = init;
    for (let hops = 0; hops < 20; hops += 1) {
      const response = await fetch(url, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: this.#cookieHeader(url) },
      });
      this.#keepCookies(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) {
        return { url, status: response.status, text: await response.text() };
      }
      await response.body?.cancel();
      const next = new URL(location, url);
      if (stopAt?.(next)) return { url, status: response.status, text: '', location: next };
      url = next;
      request = { method: 'GET' };
    }
    throw new Error(`Over 20 redirects from ${start.href}`);
  }

  #cookieHeader(url: URL): string {
    return [...(this.#cookies.get(url.host) ?? new Map()).entries()]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  #keepCookies(url: URL, setCookies: string[]) {
    const jar = this.#cookies.get(url.host) ?? new Map<string, string>();
    for (const setCookie of setCookies) {
      const [pair = ''] = setCookie.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      if (value === '' || /;\s*max-age=0/i.test(setCookie)) jar.delete(name);
      else jar.set(name, value);
    }
    this.#cookies.set(url.host, jar);
  }
}
