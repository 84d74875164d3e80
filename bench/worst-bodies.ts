/**
 * The bodies that cost the handler most within its limits: each as large as a body may be, and as hard to read,
 * refuse or accept as it can be made within the nesting depth, the number of values and the schema. What
 * `npm run bench` times, one by one, on the bundle `cdk deploy` ships.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../functions/chat-config/body-size';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../functions/http/json-scan';
import { JSON_MEDIA_TYPE, MERGE_PATCH_MEDIA_TYPE } from '../functions/http/request-body';
import { CONFIG_LIMITS } from '../functions/sessions/config-schema';
import { toChatConfigEvent } from '../local/http-api-event';
import { LARGEST_REQUEST_TEXT } from '../test/helpers/configs';
import { format, markdownTable } from './report';
import type { WorstTimeResult } from './worst-time';

/** The target: no body within the limits takes ours more than a few milliseconds. */
export const WORST_BODY_TARGET_MS = 5;

export interface WorstBody {
  readonly name: string;
  readonly method: 'PUT' | 'PATCH';
  readonly text: string;
  /** Sent base64-encoded, as API Gateway sends what it does not take for text. */
  readonly base64?: boolean;
  /** What the handler must answer: the bench fails otherwise. */
  readonly status: number;
}

/** `text` with white space after it (which JSON allows) up to the size limit. */
const toTheLimit = (text: string) => text.padEnd(MAX_BODY_BYTES, ' ');

/**
 * `count` strings as long as they can be for `frame(strings)` to stay within the size limit: the values cost most
 * as the parser builds them, and each is as long as the room left allows.
 */
const longStrings = (count: number, frame: (strings: string[]) => string) => {
  const overhead = Buffer.byteLength(frame(Array.from({ length: count }, (_, i) => `${i}`)));
  const length = Math.floor((MAX_BODY_BYTES - overhead) / count);
  return toTheLimit(frame(Array.from({ length: count }, (_, i) => `${i}${'x'.repeat(length)}`)));
};

// The values a replace's body holds at its top: `config` and one member beside it.
const REPLACE_VALUES = 2;

/** A replace with an ignored string of `character`, which JSON escapes, as many times as the size limit allows. */
const ignoredStringOf = (character: string) => {
  const frame = JSON.stringify({ config: {}, ignored: '' }).length;
  const escaped = JSON.stringify(character).length - '""'.length;
  const ignored = character.repeat(Math.floor((MAX_BODY_BYTES - frame) / escaped));
  return toTheLimit(JSON.stringify({ config: {}, ignored }));
};

/** Arrays nested from `depth` levels down, `[[["x…"]]]`, the string at the bottom. */
const nested = (depth: number, leaf: string): string => `${'['.repeat(depth)}"${leaf}"${']'.repeat(depth)}`;

/** Every body the bench times, each at the size limit. */
export const worstBodies = (): WorstBody[] => [
  {
    name: 'the largest valid replace, every character escaped',
    method: 'PUT',
    text: toTheLimit(LARGEST_REQUEST_TEXT),
    status: 200,
  },
  {
    name: 'the same, base64-encoded',
    method: 'PUT',
    text: toTheLimit(LARGEST_REQUEST_TEXT),
    base64: true,
    status: 200,
  },
  {
    name: 'a system prompt one character too long, escaped',
    method: 'PUT',
    text: toTheLimit(
      JSON.stringify({ config: { system_prompt: '\u0001'.repeat(CONFIG_LIMITS.systemPromptLength + 1) } }),
    ),
    status: 422,
  },
  {
    name: 'stop sequences up to the values limit, long',
    method: 'PUT',
    text: longStrings(MAX_JSON_VALUES - REPLACE_VALUES, (stop) => JSON.stringify({ config: { stop } })),
    status: 422,
  },
  {
    name: 'unknown config members up to the values limit, long names',
    method: 'PUT',
    text: longStrings(MAX_JSON_VALUES - 1, (names) =>
      JSON.stringify({ config: Object.fromEntries(names.map((name) => [name, 0])) }),
    ),
    status: 422,
  },
  {
    name: 'a merge patch of members up to the values limit, long names',
    method: 'PATCH',
    text: longStrings(MAX_JSON_VALUES, (names) =>
      JSON.stringify(Object.fromEntries(names.map((name) => [name, 0]))),
    ),
    status: 422,
  },
  {
    name: 'ignored objects of distinct long names, up to the values limit',
    method: 'PUT',
    // Each object and its one member count.
    text: longStrings(Math.floor((MAX_JSON_VALUES - REPLACE_VALUES) / 2), (names) =>
      JSON.stringify({ config: {}, ignored: names.map((name) => ({ [name]: 0 })) }),
    ),
    status: 200,
  },
  {
    name: 'ignored arrays nested to the depth limit, up to the values limit',
    method: 'PUT',
    // Below the body and the ignored array, each leaf's arrays and its string count.
    text: longStrings(
      Math.floor((MAX_JSON_VALUES - REPLACE_VALUES) / (MAX_JSON_DEPTH - 1)),
      (leaves) =>
        `{"config": {}, "ignored": [${leaves.map((leaf) => nested(MAX_JSON_DEPTH - 2, leaf)).join(',')}]}`,
    ),
    status: 200,
  },
  {
    name: 'an ignored string of escapes',
    method: 'PUT',
    text: ignoredStringOf('\u0001'),
    status: 200,
  },
  {
    name: 'an ignored string of escaped quotes',
    method: 'PUT',
    text: ignoredStringOf('"'),
    status: 200,
  },
  {
    name: 'one value over the limit, at its very end',
    method: 'PUT',
    text: longStrings(MAX_JSON_VALUES - 1, (strings) => JSON.stringify({ config: {}, ignored: strings })),
    status: 400,
  },
];

/** The event of `body`, as API Gateway would send it to the function for a caller with the write scope. */
export const eventOf = ({ method, text, base64 = false }: WorstBody): APIGatewayProxyEventV2 =>
  toChatConfigEvent({
    method,
    sessionId: 'bench-worst',
    headers: { 'content-type': method === 'PATCH' ? MERGE_PATCH_MEDIA_TYPE : JSON_MEDIA_TYPE },
    body: base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: base64,
    authorizer: { claims: { sub: 'bench-caller' }, scopes: ['chat-config/write'] },
  });

/** What the results file records of the worst bodies: each one's times, the slowest, and whether it meets the target. */
export const worstBodiesResults = ({ bodies }: WorstTimeResult) => {
  const slowest = bodies.reduce((a, b) => (b.medianMs > a.medianMs ? b : a));
  return {
    targetMs: WORST_BODY_TARGET_MS,
    slowest: { name: slowest.name, medianMs: slowest.medianMs },
    met: slowest.medianMs <= WORST_BODY_TARGET_MS,
    bodies,
  };
};

/** Ours' time on each worst body, and the slowest against the target. */
export const worstBodiesTable = (worst: WorstTimeResult): string => {
  const { targetMs, slowest, met } = worstBodiesResults(worst);
  return markdownTable(
    [
      `worst body (${format.count(worst.bodies[0]?.bytes ?? Number.NaN)} bytes)`,
      'method',
      'answer',
      'ms per invocation',
    ],
    [
      ...worst.bodies.map(({ name, method, status, medianMs }) => [
        name,
        method,
        String(status),
        format.ms(medianMs),
      ]),
      ['the slowest', '', '', `${format.ms(slowest.medianMs)} (≤ ${format.ms(targetMs)} ${met ? '✓' : '✗'})`],
    ],
  );
};
