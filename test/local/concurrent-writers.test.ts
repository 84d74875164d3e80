import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createChatConfigHandler } from '../../functions/chat-config/create-handler';
import { CHAT_CONFIG_PATH } from '../../functions/chat-config/routes';
import { createLocalHttpApi } from '../../local/http-api';
import { CHAT_CONFIG_ROUTES } from '../../local/routes';
import { createTestTable, type TestTable } from '../helpers/dynamodb';
import { printFigure } from '../helpers/figures';
import { openApiViolations } from '../helpers/openapi';

// Optimistic concurrency end to end: many clients over HTTP, the handler, DynamoDB Local. Each client writes a counter
// one above what it last read (a GET, or its own last write's answer), with that ETag in If-Match; on 412 it backs off
// a random while, reads again and retries. A lost update would show as a counter below the number of acknowledged writes.

const WRITERS = 32;
const ROUNDS = 20;
const SESSION = 'contended';
const MAX_BACKOFF_MS = 256;

let table: TestTable;
let server: Server;
let url: string;

beforeAll(async () => {
  table = await createTestTable();
  const handler = createChatConfigHandler({ store: table.store, logger: new Logger({ logLevel: 'SILENT' }) });
  server = createLocalHttpApi({ routes: CHAT_CONFIG_ROUTES, handler }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat-sessions/${SESSION}/config`;
});
afterAll(async () => {
  server.close();
  await table.drop();
});

interface Acknowledged {
  readonly writer: number;
  readonly value: string;
  readonly version: number;
}

const violations: string[] = [];

const send = async (method: string, headers: Record<string, string> = {}, body?: string) => {
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  violations.push(
    ...openApiViolations(CHAT_CONFIG_PATH, method, {
      status: response.status,
      headers: response.headers,
      body: text,
    }),
  );
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
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, id) => writer(id)));

    // THEN
    const acknowledged = results.flatMap((r) => r.acknowledged);
    const preconditionFailures = results.reduce((sum, r) => sum + r.preconditionFailures, 0);
    const item = (await table.get(SESSION)) as {
      configVersion: number;
      config: { max_tokens: number; system_prompt: string };
    };
    printFigure(
      `concurrent writers: ${WRITERS} writers × ${ROUNDS} rounds: ${acknowledged.length} writes answered 2xx, ` +
        `${preconditionFailures} answered 412 and retried, final version ${item.configVersion}, ` +
        `counter ${item.config.max_tokens - 1}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(acknowledged).toHaveLength(WRITERS * ROUNDS);
    expect(item.configVersion).toBe(acknowledged.length);
    // Each write set the counter one above what it read: a write over a version it had not read would lose one.
    expect(item.config.max_tokens - 1).toBe(acknowledged.length);
    // Every version was given to exactly one acknowledged write.
    expect(acknowledged.map((a) => a.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: acknowledged.length }, (_, i) => i + 1),
    );
    // Each writer's last acknowledged value is there, or a later acknowledged write replaced it.
    const last = acknowledged.find((a) => a.version === item.configVersion);
    expect(item.config.system_prompt).toBe(last?.value);
    for (const { acknowledged: mine } of results) {
      const lastOfWriter = mine.at(-1);
      if (lastOfWriter === undefined) throw new Error('a writer acknowledged nothing');
      expect(
        item.config.system_prompt === lastOfWriter.value ||
          acknowledged.some((a) => a.version > lastOfWriter.version),
      ).toBe(true);
    }
    expect(violations).toEqual([]);
  }, 300_000);
});
