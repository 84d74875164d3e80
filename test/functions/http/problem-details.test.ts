import { describe, expect, it, jest } from '@jest/globals';
import type { Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { CHAT_CONFIG_PROBLEMS } from '../../../functions/chat-config/problems';
import {
  BadRequestError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  UnprocessableContentError,
  UnsupportedMediaTypeError,
} from '../../../functions/http/errors';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../../functions/http/events';
import { problemDetails } from '../../../functions/http/problem-details';
import {
  InvalidConfigError,
  SessionNotFoundError,
  StoreUnavailableError,
} from '../../../functions/sessions/errors';
import { createHttpApiEvent } from '../../helpers/events';

const respondTo = (error: unknown) => {
  const log = { info: jest.fn(), error: jest.fn() };
  const request: Request<ApiGatewayEvent, ApiGatewayResult> = {
    event: createHttpApiEvent(),
    context: {} as Context,
    response: undefined,
    error: error as Error,
    internal: {},
  };
  problemDetails({ log, problems: CHAT_CONFIG_PROBLEMS }).onError?.(request);
  const response = request.response as ApiGatewayResult;
  return { response, body: JSON.parse(response.body) as Record<string, unknown>, log };
};

describe('problemDetails', () => {
  it.each([
    [new BadRequestError('The request body is not valid JSON'), 400, 'urn:chat-config:problem:bad-request'],
    [new SessionNotFoundError(), 404, 'urn:chat-config:problem:session-not-found'],
    [new MethodNotAllowedError('GET', ['POST', 'PUT']), 405, 'urn:chat-config:problem:method-not-allowed'],
    [new PayloadTooLargeError(524_288), 413, 'urn:chat-config:problem:payload-too-large'],
    [
      new UnsupportedMediaTypeError('application/json'),
      415,
      'urn:chat-config:problem:unsupported-media-type',
    ],
    [
      new UnprocessableContentError([{ path: '/config/x', message: 'Unknown field' }]),
      422,
      'urn:chat-config:problem:validation-failed',
    ],
  ])('maps %p to a %i problem whose detail is its message', (error, status, type) => {
    const { response, body, log } = respondTo(error);

    expect(response.statusCode).toBe(status);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({
      type,
      status,
      title: expect.any(String),
      detail: error.message,
    });
    expect(body.error).toBe(
      status === 404 ? 'Chat session not found or update failed' : 'Failed to update chat configuration',
    );
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.error).not.toHaveBeenCalled();
  });

  it('keeps the original 404 sentence', () => {
    expect(respondTo(new SessionNotFoundError()).body.error).toBe('Chat session not found or update failed');
  });

  it('lists the violations of a 422', () => {
    const errors = [{ path: '/config/temperature', message: 'Too big' }];

    expect(respondTo(new InvalidConfigError(errors)).body.errors).toEqual(errors);
  });

  it('lists at most 20 violations and logs how many there were, not where', () => {
    const errors = Array.from({ length: 5_000 }, (_, i) => ({
      path: `/config/k${i}`,
      message: 'Unknown field',
    }));

    const { body, log } = respondTo(new InvalidConfigError(errors));

    expect(body.errors).toEqual(errors.slice(0, 20));
    expect(body.detail).toBe('The request body is invalid: 5000 violations (the first 20 are listed)');
    expect(log.info).toHaveBeenCalledWith('Request rejected', {
      status: 422,
      type: 'urn:chat-config:problem:validation-failed',
      violations: 5_000,
    });
  });

  it('logs what DynamoDB answered but no message of a client-side error', () => {
    const service = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'R1' },
    });
    const local = new Error('Unsupported type passed: sk-secret');

    const serviceLog = respondTo(service).log.error.mock.calls[0]?.[1];
    const localLog = respondTo(local).log.error.mock.calls[0]?.[1];

    expect(serviceLog).toEqual({
      status: 500,
      error: {
        name: 'ResourceNotFoundException',
        fault: 'client',
        metadata: { httpStatusCode: 400, requestId: 'R1' },
        message: 'Requested resource not found',
        frames: expect.any(Array),
      },
    });
    expect(localLog).toEqual({ status: 500, error: { name: 'Error', frames: expect.any(Array) } });
  });

  it('logs where a failure was thrown: the locations of its stack frames, nothing else of the stack', () => {
    // GIVEN an error whose message quotes the request over several lines, one shaped like a frame
    const thrownHere = () => new Error('Unsupported type passed: sk-secret\n    at sk-secret (x.ts:1:1)');

    // WHEN
    const logged = respondTo(thrownHere()).log.error.mock.calls[0]?.[1] as { error: { frames: string[] } };

    // THEN
    expect(logged.error.frames.length).toBeGreaterThan(0);
    expect(logged.error.frames[0]).toMatch(/problem-details\.test\.ts:\d+:\d+$/);
    expect(JSON.stringify(logged)).not.toContain('sk-secret');
    expect(JSON.stringify(logged)).not.toContain('thrownHere');
  });

  it.each([
    [
      'its message changed after the stack was read',
      () => {
        const error = new Error('Unsupported type');
        void error.stack;
        error.message = 'now quoting sk-secret';
        return error;
      },
    ],
    [
      'its stack was copied from another error',
      () => {
        const error = new Error('wrapped');
        error.stack = new Error('sk-secret\n    at sk-secret (x.ts:1:1)').stack;
        return error;
      },
    ],
  ])('logs no frame of an error when %s', (_case, makeError) => {
    const logged = respondTo(makeError()).log.error.mock.calls[0]?.[1] as { error: object };

    expect(logged.error).not.toHaveProperty('frames');
    expect(JSON.stringify(logged)).not.toContain('sk-secret');
  });

  it('logs the frames of a function with a computed name without the name', () => {
    const name = 'sk-secret';
    const fail = { [name]: () => new Error('boom') };

    const logged = respondTo(fail[name]()).log.error.mock.calls[0]?.[1] as {
      error: { frames: string[] };
    };

    expect(logged.error.frames.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged)).not.toContain('sk-secret');
  });

  it('answers 503 with Retry-After and the original failure sentence, hiding the cause', () => {
    const cause = Object.assign(new Error('Rate exceeded for table secret-table'), {
      name: 'ThrottlingException',
    });

    const { response, body, log } = respondTo(new StoreUnavailableError({ cause }));

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(body).toMatchObject({
      status: 503,
      detail: 'The session store is temporarily unavailable; retry after 1 s',
      error: 'Failed to update chat configuration',
    });
    expect(response.body).not.toMatch(/secret-table|Throttling|Rate exceeded/);
    expect(log.error).toHaveBeenCalledWith(
      'Request failed',
      expect.objectContaining({
        error: expect.objectContaining({ cause: expect.objectContaining({ name: 'ThrottlingException' }) }),
      }),
    );
  });

  it.each([
    [
      'an Error',
      Object.assign(new Error('connect to table secret-table failed'), { stack: 'at secret (file.ts:1)' }),
    ],
    ['a thrown string', 'secret-table'],
    [
      'an error that asks to be exposed at 5xx',
      Object.assign(new Error('secret-table'), { statusCode: 502, expose: true }),
    ],
  ])('answers 500 with a fixed body to %s', (_, error) => {
    const { response, body } = respondTo(error);

    expect(response.statusCode).toBe(500);
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      error: 'Failed to update chat configuration',
    });
    expect(response.body).not.toContain('secret');
  });

  it('sends Allow with a 405', () => {
    expect(respondTo(new MethodNotAllowedError('GET', ['POST', 'PUT'])).response.headers?.allow).toBe(
      'POST, PUT',
    );
  });
});
