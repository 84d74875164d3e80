/**
 * A stand-in for the network under the AWS SDK, for measuring CPU per invocation: `https.request` is replaced by one
 * that never opens a socket and answers every DynamoDB `UpdateItem` with the same canned response. What the SDK does
 * around the request still runs: serializing, signing, its middleware, parsing the response. Anything else sent to it
 * is answered with a 400, so that a bundle measured on the wrong path shows as errors, not as speed.
 */
import { EventEmitter } from 'node:events';
import https from 'node:https';
import { Readable } from 'node:stream';

/** What an `UpdateItem` with `ReturnValues: UPDATED_OLD` answers: the attributes it changed, as they were. */
const UPDATE_ITEM_RESPONSE = JSON.stringify({
  Attributes: {
    configVersion: { N: '41' },
    updatedAt: { S: '2026-01-15T09:00:00.000Z' },
    config: {
      M: {
        model: { S: 'gpt-4' },
        temperature: { N: '1' },
        max_tokens: { N: '2000' },
        system_prompt: { S: 'You are a helpful assistant' },
      },
    },
  },
});

const UNEXPECTED_RESPONSE = JSON.stringify({
  __type: 'com.amazon.coral.validate#ValidationException',
  message: 'The canned transport answers UpdateItem only',
});

/** The socket a request is given: already connected, so that the SDK's connection timeout is cleared at once. */
const fakeSocket = () =>
  Object.assign(new EventEmitter(), {
    connecting: false,
    setTimeout: () => undefined,
    setKeepAlive: () => undefined,
    destroy: () => undefined,
  });

class CannedRequest extends EventEmitter {
  socket = fakeSocket();

  constructor(
    private readonly target: string,
    private readonly onResponse: ((response: Readable) => void) | undefined,
    private readonly counts: Map<string, number>,
  ) {
    super();
    // As Node does: the socket is handed over on a later tick.
    process.nextTick(() => this.emit('socket', this.socket));
  }

  setTimeout(): this {
    return this;
  }

  destroy(): this {
    return this;
  }

  end(request?: string | Buffer): this {
    this.counts.set(this.target, (this.counts.get(this.target) ?? 0) + 1);
    const ok = this.target === 'DynamoDB_20120810.UpdateItem';
    // Old attributes only to a write that asks for them, as DynamoDB answers.
    const answer = String(request ?? '').includes('"ReturnValues"') ? UPDATE_ITEM_RESPONSE : '{}';
    const body = Buffer.from(ok ? answer : UNEXPECTED_RESPONSE);
    const response = Object.assign(Readable.from([body]), {
      statusCode: ok ? 200 : 400,
      statusMessage: ok ? 'OK' : 'Bad Request',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(body.length),
        'x-amzn-requestid': 'CANNED0000000000000000000000000000000000000000000000',
      },
      complete: true,
    });
    setImmediate(() => {
      this.onResponse?.(response);
      this.emit('response', response);
      response.once('end', () => this.emit('close'));
    });
    return this;
  }
}

export interface CannedDynamoDbTransport {
  /** Requests answered, by `X-Amz-Target` (e.g. `DynamoDB_20120810.UpdateItem`). */
  readonly counts: ReadonlyMap<string, number>;
}

/** Replaces `https.request`, which the SDK looks up at each request, for the rest of the process. */
export const installCannedDynamoDbTransport = (): CannedDynamoDbTransport => {
  const counts = new Map<string, number>();
  // The SDK passes its headers as a plain object, names in lower case.
  const request = (
    options: { headers?: Record<string, unknown> },
    onResponse?: (response: Readable) => void,
  ) => {
    const target = String(options.headers?.['x-amz-target'] ?? '');
    return new CannedRequest(target, onResponse, counts);
  };
  https.request = request as unknown as typeof https.request;
  return { counts };
};
