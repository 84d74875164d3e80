/**
 * Child process of `npm run bench`: how long ours takes to answer each of the worst bodies (bench/worst-bodies.ts),
 * in this one process, with the SDK's network replaced by the canned transport. Rounds take the bodies in turn, each
 * round starting with the next one, after a round that warms the code up. Fails if a body gets another answer than
 * its own. Input: a JSON `WorstTimeInput` in argv[2]. Output: a `WorstTimeResult` sent to the parent.
 */
import { lambdaContext } from '../local/http-api';
import { installCannedDynamoDbTransport } from './canned-dynamodb-transport';
import { type Handler, importHandler } from './lambda';
import { median, rotated } from './stats';
import { eventOf, type WorstBody, worstBodies } from './worst-bodies';

export interface WorstTimeInput {
  /** The bundle timed: ours. */
  readonly bundle: string;
  readonly rounds: number;
  /** Invocations of each body per round. */
  readonly invocationsPerRound: number;
}

export interface WorstBodyTime {
  readonly name: string;
  readonly method: string;
  readonly bytes: number;
  readonly status: number;
  /** Wall-clock time per invocation, ms: each round's. */
  readonly msPerInvocation: number[];
  readonly medianMs: number;
}

export interface WorstTimeResult {
  readonly bodies: WorstBodyTime[];
}

const input = JSON.parse(process.argv[2] ?? '{}') as WorstTimeInput;
installCannedDynamoDbTransport();
// One context for all: a deadline far away, as for a function well inside its timeout.
const context = lambdaContext(3_600_000);
const handler: Handler = await importHandler(input.bundle);
const bodies = worstBodies();

/** Wall-clock ms per invocation of `body`, each on an event of its own (Middy's body parser writes into it). */
const timed = async (body: WorstBody, invocations: number): Promise<number> => {
  const events = Array.from({ length: invocations }, () => eventOf(body));
  const started = performance.now();
  for (const event of events) {
    const { statusCode, body: answer } = await handler(event, context);
    if (statusCode !== body.status) {
      throw new Error(`"${body.name}" was answered ${statusCode}, not ${body.status}: ${answer}`);
    }
  }
  return (performance.now() - started) / invocations;
};

for (const body of bodies) await timed(body, input.invocationsPerRound);

const samples = new Map<WorstBody, number[]>(bodies.map((body) => [body, []]));
for (let round = 0; round < input.rounds; round += 1) {
  for (const body of rotated(bodies, round)) {
    samples.get(body)?.push(await timed(body, input.invocationsPerRound));
  }
}

const result: WorstTimeResult = {
  bodies: bodies.map((body) => {
    const msPerInvocation = samples.get(body) ?? [];
    return {
      name: body.name,
      method: body.method,
      bytes: Buffer.byteLength(body.text),
      status: body.status,
      msPerInvocation,
      medianMs: median(msPerInvocation),
    };
  }),
};
process.send?.(result);
