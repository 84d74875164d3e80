import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CHAT_CONFIG_METHODS } from '../../functions/chat-config/routes';
import { SAMPLE_EVENTS, sampleEventFile } from '../../local/sample-events';

const EVENTS_DIR = 'events';

describe('events/ (the sample events for sam local invoke)', () => {
  it('has a sample for every method the function serves', () => {
    const methods = new Set(Object.values(SAMPLE_EVENTS).map((event) => event.requestContext.http.method));

    for (const method of CHAT_CONFIG_METHODS) expect(methods).toContain(method);
  });

  it('holds exactly the sample events, one file each (npm run events writes them)', () => {
    const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json'));

    expect(files.sort()).toEqual(Object.keys(SAMPLE_EVENTS).sort());
  });

  it.each(Object.keys(SAMPLE_EVENTS))('%s is, byte for byte, what the typed event factory makes', (file) => {
    const onDisk = readFileSync(join(EVENTS_DIR, file), 'utf8');

    expect(onDisk).toBe(sampleEventFile(SAMPLE_EVENTS[file] as APIGatewayProxyEventV2));
  });

  it('names each file after the status it leads to, and covers every status an event alone decides', () => {
    const statuses = Object.keys(SAMPLE_EVENTS).map((file) => file.slice(0, 3));

    expect([...new Set(statuses)].sort()).toEqual([
      '200',
      '304',
      '400',
      '401',
      '404',
      '405',
      '412',
      '413',
      '415',
      '422',
    ]);
  });

  it('makes HTTP API payload 2.0 events for the deployed routes (the 405 sample excepted)', () => {
    for (const [file, event] of Object.entries(SAMPLE_EVENTS)) {
      expect(event.version).toBe('2.0');
      expect(event.routeKey).toMatch(
        file.startsWith('405')
          ? /^DELETE \/api\/chat-sessions\/\{sessionId\}\/config$/
          : /^(GET|POST|PUT|PATCH) \/api\/chat-sessions\/\{sessionId\}\/config$/,
      );
    }
  });
});
