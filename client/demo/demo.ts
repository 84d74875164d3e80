/**
 * The browser demo of the client: it reads one session's config and saves a new temperature as a merge patch sent with
 * `If-Match`. When someone else wrote in between (412), nothing is overwritten: it shows what is stored now, and the
 * person decides whether to save their temperature over it.
 */
import { ChatConfigError, createChatConfigClient } from '../src/index';
import type { DemoSettings } from './settings';

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`The page has no #${id}`);
  return found as T;
};

const settings = JSON.parse(element('settings').textContent ?? '{}') as DemoSettings;
const client = createChatConfigClient({ baseUrl: settings.apiUrl, token: settings.token });
const { sessionId } = settings;

interface Shown {
  readonly config: Record<string, unknown>;
  readonly version: number;
  readonly etag: string;
}
let shown: Shown | undefined;

let said = 0;
/** Shows a message; `data-said` counts them, for whoever waits for the next one. */
const say = (text: string, kind: 'info' | 'error' = 'info') => {
  const status = element('status');
  status.textContent = text;
  status.dataset.kind = kind;
  said += 1;
  status.dataset.said = String(said);
};

const show = (read: Shown) => {
  shown = read;
  element('model').textContent = String(read.config.model ?? '(none)');
  element('temperature').textContent = String(read.config.temperature ?? '(none)');
  element('version').textContent = String(read.version);
  element<HTMLButtonElement>('save').disabled = false;
};

/** What a failed call says to the person at the page. */
const explain = (error: unknown): string =>
  error instanceof ChatConfigError
    ? `${error.status}: ${error.detail || error.title || 'the API refused'}`
    : 'The API could not be reached.';

const save = async (temperature: number) => {
  if (shown === undefined) return;
  const patch = { temperature };
  try {
    show(await client.patch(sessionId, patch, { ifMatch: shown.etag }));
    say(`Saved as version ${shown?.version}.`);
  } catch (error) {
    if (!(error instanceof ChatConfigError && error.status === 412)) throw error;
    // Someone else wrote since this page read: show what they wrote, and leave the choice to save over it.
    const latest = await client.get(sessionId);
    show(latest);
    say(
      `Not saved: the config changed elsewhere, and is now version ${latest.version}. Save again to set the temperature on it.`,
    );
  }
};

element('session').textContent = sessionId;
element<HTMLFormElement>('edit').addEventListener('submit', (event) => {
  event.preventDefault();
  const temperature = element<HTMLInputElement>('new-temperature').valueAsNumber;
  save(temperature).catch((error: unknown) => say(explain(error), 'error'));
});
client
  .get(sessionId)
  .then((read) => {
    show(read);
    say('Loaded.');
  })
  .catch((error: unknown) => say(explain(error), 'error'));
