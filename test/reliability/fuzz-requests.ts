import fc from 'fast-check';
import { CONFIG_LIMITS } from '../../functions/sessions/config-schema';
import { SENTINEL } from '../helpers/logs';

/**
 * Generators of requests for the fuzz suite: mostly plausible ones (so that writes do happen), and adversarial bodies,
 * headers, ids, methods and callers. Every text a config value may carry holds `SENTINEL`.
 */

/** The sessions requests aim at, by who owns them; `missing` does not exist. */
export const FUZZ_SESSIONS = {
  alice: 'fz-alice',
  aliceToo: 'fz-alice-2',
  legacy: 'fz-legacy',
  bob: 'fz-bob',
  ownerless: 'fz-ownerless',
  missing: 'fz-missing',
} as const;

/** A condition header, named by what it says of the session's current version when the request is sent. */
export type ConditionChoice = 'current' | 'stale' | 'next' | 'star' | 'weak-current' | 'list' | 'garbage';

export interface FuzzRequest {
  /** The event's payload: an HTTP API's (2.0), or a REST API's (1.0, header names in any case). */
  readonly payload: 'HTTP' | 'REST';
  readonly method: string;
  /** `null`: the event has no path parameter. */
  readonly sessionId: string | null;
  /** `null`: no verified caller. */
  readonly caller: string | null;
  readonly contentType: string | undefined;
  readonly ifMatch: ConditionChoice | undefined;
  readonly ifNoneMatch: ConditionChoice | undefined;
  readonly garbageCondition: string;
  readonly extraHeaders: Record<string, string>;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  /** What the generator made the body as, for a failure's report. */
  readonly kind: string;
}

const sentinelText = (maxExtra: number) =>
  fc.string({ unit: 'grapheme', maxLength: maxExtra }).map((s) => `${SENTINEL} ${s}`);

const modelName = fc
  .stringMatching(/^[A-Za-z0-9 ._:/@-]{0,40}$/)
  .map((s) => `${SENTINEL}-${s}`.slice(0, CONFIG_LIMITS.modelLength));

const inRange = (min: number, max: number) =>
  fc.oneof(
    fc.double({ min, max, noNaN: true }),
    fc.constantFrom(min, max, 0, -0, 1e-130, 0.5),
    fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
  );

/** Values each field takes. */
const validValues = {
  model: modelName,
  temperature: inRange(0, 2),
  max_tokens: fc.integer({ min: 1, max: 1_000_000 }),
  top_p: inRange(0, 1),
  presence_penalty: inRange(-2, 2),
  frequency_penalty: inRange(-2, 2),
  stop: fc.oneof(sentinelText(20), fc.array(sentinelText(20), { maxLength: CONFIG_LIMITS.stopSequences })),
  system_prompt: fc.oneof(
    sentinelText(200),
    fc.integer({ min: 0, max: 4 }).map((n) => `${SENTINEL}${'漢'.repeat(21_837 + n)}`),
    fc.integer({ min: 0, max: 2 }).map((n) => `${SENTINEL}${'p'.repeat(65_524 + n)}`),
  ),
};

/** Values no field takes, or only some do. */
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    -0.01,
    2.5,
    1e-131,
    5e-324,
    1.7976931348623157e308,
    '',
    'gpt-4; drop table',
    `${SENTINEL}\ud800`,
    [],
    {},
    null,
    true,
    2 ** 53 + 1,
  ),
  fc.integer({ min: 1, max: 3 }).map((n) => `${SENTINEL}${'x'.repeat(65_536 + n)}`),
);

const configFields = Object.keys(validValues) as (keyof typeof validValues)[];

const validConfig = fc.record(validValues, { requiredKeys: [] });

const patchOf = (value: fc.Arbitrary<unknown>) =>
  fc.dictionary(fc.constantFrom(...configFields), value, { maxKeys: 4 });

const validPatch = fc
  .tuple(fc.record(validValues, { requiredKeys: [] }), fc.subarray(configFields, { maxLength: 3 }))
  .map(([set, removed]) => ({ ...set, ...Object.fromEntries(removed.map((name) => [name, null])) }));

const invalidConfig = fc.oneof(
  patchOf(oddValue),
  fc
    .tuple(validConfig, fc.dictionary(fc.string({ maxLength: 8 }), oddValue, { maxKeys: 2 }))
    .map(([config, extra]) => ({ ...extra, ...config })),
);

/** JSON text whose numbers JavaScript cannot hold as written. */
const oddNumberText = fc
  .tuple(
    fc.constantFrom(...configFields),
    fc.constantFrom(
      '1e400',
      '-1e400',
      '-0',
      '-0.0',
      '0e0',
      '1e-400',
      '1E0',
      '0.1e1',
      '100000000000000000000001',
    ),
  )
  .map(([field, number]) => `{"config": {"${field}": ${number}}}`);

const deepText = fc
  .tuple(
    fc.oneof(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 2, max: 100_000 })),
    fc.constantFrom('[', '{"a":'),
    fc.boolean(),
  )
  .map(([depth, open, closed]) => {
    const close = open === '[' ? ']' : '}';
    return `{"config": {}, "deep": ${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}}`;
  });

const protoText = fc
  .tuple(
    fc.constantFrom(
      '"__proto__": {"polluted": true}',
      '"\\u005f_proto__": {"polluted": true}',
      '"constructor": {"prototype": {"polluted": true}}',
      '"constructor": {"prototype": null}',
      '"constructor": 1',
      '"prototype": {}',
    ),
    fc.constantFrom('top', 'config', 'deep'),
  )
  .map(([member, where]) =>
    where === 'top'
      ? `{${member}, "config": {}}`
      : where === 'config'
        ? `{"config": {${member}}}`
        : `{"config": {}, "x": [{"y": {${member}}}]}`,
  );

const duplicateKeyText = fc.oneof(
  fc
    .tuple(validConfig, validConfig)
    .map(([a, b]) => `{"config": ${JSON.stringify(a)}, "config": ${JSON.stringify(b)}}`),
  fc.constantFrom(
    `{"config": {"model": "${SENTINEL}-a", "model": "${SENTINEL}-b"}}`,
    '{"config": {"temperature": 5, "temperature": 1}}',
    '{"config": {"temperature": 1, "temperature": 5}}',
    '{"temperature": 0.5, "temperature": null}',
  ),
);

const hugeText = fc
  .tuple(fc.integer({ min: 500 * 1024, max: 600 * 1024 }), fc.constantFrom('x', 'é', '\\n'))
  .map(
    ([size, unit]) =>
      `{"config": {"system_prompt": "${SENTINEL}${unit.repeat(Math.floor(size / unit.length))}"}}`,
  );

/** Bytes that are not UTF-8, inside an otherwise valid body: sent base64-encoded, as API Gateway sends binary. */
const invalidUtf8Base64 = fc
  .constantFrom(
    [0xff],
    [0xc0, 0xaf],
    [0xe6, 0xbc],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0x80],
  )
  .map((bytes) =>
    Buffer.concat([
      Buffer.from(`{"config": {"system_prompt": "${SENTINEL} `),
      Buffer.from(bytes),
      Buffer.from('"}}'),
    ]).toString('base64'),
  );

interface Body {
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  readonly kind: string;
}

const text = (kind: string, arbitrary: fc.Arbitrary<string>): fc.Arbitrary<Body> =>
  arbitrary.map((body) => ({ body, isBase64Encoded: false, kind }));

/** Bodies for a method: mostly of the kind it takes, so that writes do happen. */
const bodyFor = (method: string): fc.Arbitrary<Body> => {
  const patch = method.toUpperCase() === 'PATCH';
  const validReplace = text(
    'valid replace',
    validConfig.map((config) => JSON.stringify({ config })),
  );
  const validPatchText = text(
    'valid patch',
    validPatch.map((p) => JSON.stringify(p)),
  );
  const plain: fc.Arbitrary<Body> = fc.oneof(
    { weight: 12, arbitrary: patch ? validPatchText : validReplace },
    { weight: 2, arbitrary: patch ? validReplace : validPatchText },
    {
      weight: 3,
      arbitrary: text(
        'invalid values',
        invalidConfig.map((config) => JSON.stringify({ config })),
      ),
    },
    {
      weight: 3,
      arbitrary: text(
        'invalid patch',
        invalidConfig.map((p) => JSON.stringify(p)),
      ),
    },
    { weight: 2, arbitrary: text('any JSON', fc.json({ maxDepth: 4 })) },
    {
      weight: 1,
      arbitrary: text(
        'config of any JSON',
        fc.jsonValue({ maxDepth: 3 }).map((c) => JSON.stringify({ config: c })),
      ),
    },
    { weight: 1, arbitrary: text('odd numbers', oddNumberText) },
    { weight: 1, arbitrary: text('deep nesting', deepText) },
    { weight: 1, arbitrary: text('prototype keys', protoText) },
    { weight: 1, arbitrary: text('duplicate keys', duplicateKeyText) },
    { weight: 1, arbitrary: text('huge string', hugeText) },
    { weight: 1, arbitrary: text('any text', fc.string({ unit: 'binary', maxLength: 64 })) },
    { weight: 1, arbitrary: fc.constant({ body: undefined, isBase64Encoded: false, kind: 'no body' }) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: plain },
    {
      weight: 1,
      arbitrary: plain.map(({ body, kind }) => ({
        body: body === undefined ? undefined : Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
        kind: `base64 ${kind}`,
      })),
    },
    {
      weight: 1,
      arbitrary: invalidUtf8Base64.map((b) => ({ body: b, isBase64Encoded: true, kind: 'invalid UTF-8' })),
    },
  );
};

/** A content type: `matching` is the one the method takes. */
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('matching') },
  { weight: 2, arbitrary: fc.constantFrom('application/json', 'application/merge-patch+json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/merge-patch+json; charset=UTF-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
      'application/json, text/plain',
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const condition = (absent: number) =>
  fc.oneof(
    { weight: absent, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<ConditionChoice>(
        'current',
        'stale',
        'next',
        'star',
        'weak-current',
        'list',
        'garbage',
      ),
    },
  );

const sessionId = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(FUZZ_SESSIONS.alice, FUZZ_SESSIONS.aliceToo, FUZZ_SESSIONS.legacy),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(FUZZ_SESSIONS.bob, FUZZ_SESSIONS.ownerless, FUZZ_SESSIONS.missing),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 140 }),
      fc.constantFrom(
        '',
        '..',
        '../fz-alice',
        'fz-alice/config',
        'x'.repeat(128),
        'x'.repeat(129),
        'fz alice',
        'ünï',
      ),
      fc.constant(null),
    ),
  },
);

const caller = fc.oneof(
  { weight: 16, arbitrary: fc.constant('alice') },
  { weight: 2, arbitrary: fc.constant('bob') },
  { weight: 1, arbitrary: fc.constantFrom(null, '', ' ', 'x'.repeat(257), 'Alice') },
);

const method = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH') },
  { weight: 1, arbitrary: fc.constantFrom('DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'Patch', 'FOO') },
);

const extraHeaders = fc.oneof(
  { weight: 12, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.stringMatching(/^x-[a-z-]{1,20}$/),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
      { maxKeys: 3 },
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 10_000, max: 10_400 })
      .map((size): Record<string, string> => ({ 'x-padding': 'h'.repeat(size) })),
  },
);

/** One request of the fuzz run. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = method
  .chain((chosen) =>
    fc.record({
      payload: fc.constantFrom<'HTTP' | 'REST'>('HTTP', 'HTTP', 'HTTP', 'REST'),
      method: fc.constant(chosen),
      sessionId,
      caller,
      contentType,
      ifMatch: condition(4),
      // On a write, If-None-Match is a 400: rarer there.
      ifNoneMatch: condition(chosen === 'GET' ? 3 : 20),
      garbageCondition: fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('"', 'W/', '""', '"1", ', ',', '"1" "2"', Array(20).fill('"1"').join(',')),
      ),
      extraHeaders,
      body: bodyFor(chosen),
    }),
  )
  .map(({ body: { body: text, isBase64Encoded, kind }, ...request }) => ({
    ...request,
    body: text,
    isBase64Encoded,
    kind,
    // A failure prints the request: long values cut, so that the report stays readable.
    [fc.toStringMethod]: () =>
      JSON.stringify({ ...request, kind, isBase64Encoded, body: text }, (_, value: unknown) =>
        typeof value === 'string' && value.length > 300
          ? `${value.slice(0, 300)}… (${value.length} characters)`
          : value,
      ),
  }));
