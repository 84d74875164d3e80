import { execFileSync } from 'node:child_process';
import puppeteer, { type Browser } from 'puppeteer-core';

/** The browsers tried, in order, when CHROMIUM_PATH does not name one. */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** The Chromium to drive: CHROMIUM_PATH, or the first of the usual names on the PATH. */
export const chromiumPath = (): string => {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of CANDIDATES) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // Not this one: try the next.
    }
  }
  throw new Error(
    `The browser tests need Chromium: install it (Debian: apt-get install chromium) or name it in CHROMIUM_PATH; none of ${CANDIDATES.join(', ')} is on the PATH`,
  );
};

/** A headless Chromium (without its sandbox when run as root, which Chromium refuses otherwise). */
export const launchChromium = (): Promise<Browser> =>
  puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
