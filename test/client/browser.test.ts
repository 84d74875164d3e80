import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { type DemoServer, serveDemo } from '../../client/demo/serve';
import { DEMO_SESSION } from '../../local/demo-session';
import { freePort, localDynamoDbClient } from '../../local/dynamodb-local';
import { launchChromium } from '../helpers/browser';
import { testEndpoint } from '../helpers/dynamodb';
import { printFigure } from '../helpers/figures';
import { consoleLines, listeningUrl, useNpmStart } from '../helpers/npm-start';

const { token, startOnTestEndpoint } = useNpmStart({ stopAfter: 'file' });
const documents = DynamoDBDocumentClient.from(localDynamoDbClient(testEndpoint()));

let browser: Browser;
const demos: DemoServer[] = [];
let launchMs = 0;
beforeAll(async () => {
  const started = performance.now();
  browser = await launchChromium();
  launchMs = performance.now() - started;
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(demos.map((demo) => demo.close()));
  documents.destroy();
});

/** `npm start` allowing one page origin, and the demo page on that origin (or, with `from`, on another one). */
const demoAgainstNpmStart = async ({ allowPagePort = true } = {}) => {
  const pagePort = await freePort();
  const allowed = `http://localhost:${allowPagePort ? pagePort : await freePort()}`;
  const api = startOnTestEndpoint({ CORS_ALLOWED_ORIGINS: allowed });
  const apiUrl = listeningUrl(await api.banner);
  if (apiUrl === undefined) throw new Error('npm start printed no URL');
  const demo = await serveDemo({
    port: pagePort,
    settings: { apiUrl, sessionId: DEMO_SESSION.sessionId, token: await token() },
  });
  demos.push(demo);
  const page = await browser.newPage();
  await page.goto(demo.url);
  return { api, apiUrl, page };
};

const textOf = (page: Page, selector: string) => page.$eval(selector, (element) => element.textContent);

/** Waits for the page's `n`th message, and gives it. */
const message = async (page: Page, n: number) => {
  await page.waitForSelector(`#status[data-said="${n}"]`, { timeout: 10_000 });
  return textOf(page, '#status');
};

/** Types a temperature and saves it: the page's `n`th message says what came of it. */
const saveTemperature = async (page: Page, temperature: string, n: number) => {
  await page.locator('#new-temperature').fill(temperature);
  await page.click('#save');
  return message(page, n);
};

/** The session's item as the table holds it. */
const storedSession = async (tableName: string) =>
  (await documents.send(new GetCommand({ TableName: tableName, Key: { sessionId: DEMO_SESSION.sessionId } })))
    .Item;

describe('the client in a real browser, on another origin than the API', () => {
  it('reads, patches with If-Match, and on a 412 overwrites nothing, shows the latest and saves on it', async () => {
    // GIVEN the demo page, loaded from an origin the API allows
    const { api, apiUrl, page } = await demoAgainstNpmStart();
    const loading = performance.now();
    expect(await message(page, 1)).toBe('Loaded.');
    const loadedMs = performance.now() - loading;
    expect(await textOf(page, '#version')).toBe('0');

    // WHEN it saves a temperature
    expect(await saveTemperature(page, '0.4', 2)).toBe('Saved as version 1.');
    // AND another client changes the model meanwhile
    const elsewhere = await fetch(`${apiUrl}/api/chat-sessions/${DEMO_SESSION.sessionId}/config`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ model: 'gpt-4o' }),
    });
    expect(elsewhere.status).toBe(200);
    // AND the page, still at version 1, saves another temperature
    const refused = await saveTemperature(page, '0.9', 3);

    // THEN its If-Match got a 412: nothing of it was written, and the page shows what the other client wrote
    expect(refused).toBe(
      'Not saved: the config changed elsewhere, and is now version 2. Save again to set the temperature on it.',
    );
    expect([await textOf(page, '#model'), await textOf(page, '#temperature')]).toEqual(['gpt-4o', '0.4']);
    expect(await storedSession(api.tableName)).toMatchObject({
      config: { model: 'gpt-4o', temperature: 0.4 },
      configVersion: 2,
    });

    // WHEN the person saves again, on what they now see
    expect(await saveTemperature(page, '0.9', 4)).toBe('Saved as version 3.');

    // THEN both changes are stored
    expect(await textOf(page, '#temperature')).toBe('0.9');
    expect(await storedSession(api.tableName)).toMatchObject({
      config: { model: 'gpt-4o', temperature: 0.9 },
      configVersion: 3,
    });
    printFigure(
      `browser: Chromium ${await browser.version()} launched in ${Math.round(launchMs)} ms; the page read its config in ${Math.round(loadedMs)} ms (preflight included); its reads, saves and 412 took ${Math.round(performance.now() - loading)} ms in all`,
    );
  });

  it('gets nothing from an origin the API does not allow: the preflight is refused, the read never sent', async () => {
    // GIVEN the demo page, loaded from an origin the API does not list
    const { api, page } = await demoAgainstNpmStart({ allowPagePort: false });

    // THEN the browser withholds the answer
    expect(await message(page, 1)).toBe('The API could not be reached.');
    expect(await textOf(page, '#version')).toBe('…');
    // AND the API saw the browser's preflight only (answered without CORS headers), never the read it asked about
    const lines = await consoleLines(api.output, 1);
    expect(lines).toEqual([expect.stringMatching(/ OPTIONS \/api\/chat-sessions\/demo\/config 204 /)]);
  });

  it('serves the page, and its token, under the names of this machine only', async () => {
    const demo = await serveDemo({
      settings: { apiUrl: 'http://127.0.0.1:1', sessionId: DEMO_SESSION.sessionId, token: 'the-token' },
    });
    demos.push(demo);
    const { port } = new URL(demo.url);
    const pageFor = async (host: string) => {
      const [response] = (await once(
        get({ hostname: '127.0.0.1', port, path: '/', headers: { host } }),
        'response',
      )) as [IncomingMessage];
      let body = '';
      for await (const chunk of response) body += String(chunk);
      return { status: response.statusCode, holdsToken: body.includes('the-token') };
    };

    // A site whose name was made to resolve to this machine (DNS rebinding) gets nothing
    expect(await pageFor(`rebound.example:${port}`)).toEqual({ status: 403, holdsToken: false });
    expect(await pageFor(`localhost:${port}`)).toEqual({ status: 200, holdsToken: true });
    expect(await pageFor(`127.0.0.1:${port}`)).toEqual({ status: 200, holdsToken: true });
  });
});
