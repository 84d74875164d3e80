import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHAT_CONFIG_PATH } from '../../functions/chat-config/routes';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { printFigure } from '../helpers/figures';
import { serveLocalApi } from '../helpers/local-api';
import { openApiViolations } from '../helpers/openapi';
import { bearer } from '../helpers/tokens';

// Optimistic concurrency end to end: many clients over HTTP, the handler, DynamoDB Local. Each client writes a counter
// one above what it last read (a GET, or its own last write's answer), with that ETag in If-Match; on 412 it backs off
// a random while, reads again and retries. A lost update would show as a counter below the number of acknowledged writes.

const WRITERS = 32;
const ROUNDS = 20;
const SESSION = 'contended';
const MAX_BACKOFF_MS = 256;

let table: TestTable;
let api: { baseUrl: string; close: () => void };
let url: string;
let authorization: string;

beforeAll(async () => {
  table = await createTestTable();
  api = await serveLocalApi(table.store);
  url = `${api.baseUrl}/api/chat-sessions/${SESSION}/config`;
  authorization = await bearer('alice');
});
afterAll(async () => {
  api.close();
  await table.drop();
});

interface Acknowledged {
  readonly writer: number;
  readonly value: string;
  readonly version: number;
}

const violations: string[] = [];
// Every state a client saw: the version and the value it carried, from reads and from writes' answers.
const observed: { version: number; value: string }[] = [];

const send = async (method: string, headers: Record<string, string> = {}, body?: string) => {
  const response = await fetch(url, { method, headers: { authorization, ...headers }, body });
  const text = await response.text();
  violations.push(
    ...openApiViolations(CHAT_CONFIG_PATH, method, {
      status: response.status,
      headers: response.headers,
      body: text,
    }),
  );
  if (response.status === 200) {
    const { version, config } = JSON.parse(text) as { version: number; config: { system_prompt?: string } };
    observed.push({ version, value: config.system_prompt ?? '' });
  }
  return { status: response.status, etag: response.headers.get('etag') ?? '', body: text };
};

/** One client: ROUNDS acknowledged writes, half of the clients by PUT, half by PATCH. */
const writer = async (id: number) => {
  const acknowledged: Acknowledged[] = [];
  let preconditionFailures = 0;
  let conflictsInRow = 0;
  // What the client last read: a GET, or the state its own last write answered.
  let read = await send('GET');
  for (let round = 0; round < ROUNDS; round++) {
    for (;;) {
      expect(read.status).toBe(200);
      const { config } = JSON.parse(read.body) as { config: { max_tokens: number } };
      const value = `writer ${id}, round ${round}`;
      const fields = { max_tokens: config.max_tokens + 1, system_prompt: value };
      const write =
        id % 2 === 0
          ? await send(
              'PUT',
              { 'content-type': 'application/json', 'if-match': read.etag },
              JSON.stringify({ config: fields }),
            )
          : await send(
              'PATCH',
              { 'content-type': 'application/merge-patch+json', 'if-match': read.etag },
              JSON.stringify(fields),
            );
      if (write.status === 412) {
        // As a well-behaved client does: back off a random while, longer after each conflict in a row, then read again.
        conflictsInRow++;
        preconditionFailures++;
        await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 4 * 2 ** conflictsInRow));
        read = await send('GET');
        continue;
      }
      conflictsInRow = 0;
      expect(write.status).toBe(200);
      acknowledged.push({
        writer: id,
        value,
        version: (JSON.parse(write.body) as { version: number }).version,
      });
      read = write;
      break;
    }
  }
  return { acknowledged, preconditionFailures };
};

describe(`${WRITERS} concurrent writers, ${ROUNDS} acknowledged writes each, with If-Match`, () => {
  it('loses no acknowledged write: the version and the counter equal the number of 2xx writes', async () => {
    // GIVEN
    await table.put({ sessionId: SESSION, ownerId: 'alice', config: { max_tokens: 1 } });
    const started = Date.now();

    // WHEN
    // Every writer ends (or fails) before the first failure is reported: none outlives the test's table.
    const settled = await Promise.allSettled(Array.from({ length: WRITERS }, (_, id) => writer(id)));
    const results = settled.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    });

    // THEN
    const acknowledged = results.flatMap((r) => r.acknowledged);
    const preconditionFailures = results.reduce((sum, r) => sum + r.preconditionFailures, 0);
    const item = (await table.get(SESSION)) as {
      configVersion: number;
      config: { max_tokens: number; system_prompt: string };
    };
    // Whoever saw a version must have seen the value acknowledged with it.
    const acknowledgedAt = new Map(acknowledged.map((a) => [a.version, a.value]));
    const inconsistent = observed.filter((o) => o.version > 0 && acknowledgedAt.get(o.version) !== o.value);
    expect(acknowledged).toHaveLength(WRITERS * ROUNDS);
    expect(item.configVersion).toBe(acknowledged.length);
    // Each write set the counter one above what it read: a write over a version it had not read would lose one.
    expect(item.config.max_tokens - 1).toBe(acknowledged.length);
    // Every version was given to exactly one acknowledged write.
    expect(acknowledged.map((a) => a.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: acknowledged.length }, (_, i) => i + 1),
    );
    // Every acknowledged write answered its state, and every read too: a first one per writer, one after each 412.
    expect(observed.length).toBe(WRITERS + acknowledged.length + preconditionFailures);
    expect(inconsistent).toEqual([]);
    expect(item.config.system_prompt).toBe(acknowledgedAt.get(item.configVersion));
    // So each writer's last acknowledged value is there, or a later acknowledged write replaced it.
    for (const { acknowledged: mine } of results) {
      const lastOfWriter = mine.at(-1);
      expect(lastOfWriter).toBeDefined();
      expect(
        item.config.system_prompt === lastOfWriter?.value ||
          acknowledged.some((a) => a.version > (lastOfWriter?.version ?? Infinity)),
      ).toBe(true);
    }
    expect(violations).toEqual([]);
    printFigure(
      `concurrent writers: ${WRITERS} writers × ${ROUNDS} rounds: ${acknowledged.length} writes answered 2xx, ` +
        `${preconditionFailures} answered 412 and retried, final version ${item.configVersion}, ` +
        `counter ${item.config.max_tokens - 1}, ${observed.length} states observed, ${inconsistent.length} inconsistent, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 300_000);
});
