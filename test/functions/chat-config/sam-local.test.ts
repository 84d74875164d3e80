import { describe, expect, it } from '@jest/globals';
import type { SamLocalAuthorizer } from '../../../functions/api-gateway/sam-local-authorizer';
import { withSamLocalAuthorizer } from '../../../functions/chat-config/sam-local';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../../functions/http/events';
import { createContext, createHttpApiEvent } from '../../helpers/events';

/** A handler that answers which event it got; and the events it got. */
const recordingHandler = () => {
  const events: ApiGatewayEvent[] = [];
  const handler = async (event: ApiGatewayEvent): Promise<ApiGatewayResult> => {
    events.push(event);
    return { statusCode: 200, body: '' };
  };
  return { handler, events };
};

/** A stand-in that lets every event through, marked; and how often it was loaded, and the scopes it was asked for. */
const passingStandIn = () => {
  const loads: number[] = [];
  const scopes: (readonly string[])[] = [];
  const authorizer: SamLocalAuthorizer = async (event, routeScopes) => {
    scopes.push(routeScopes);
    return { event: { ...event, body: 'checked' } as ApiGatewayEvent };
  };
  const load = async () => {
    loads.push(1);
    return authorizer;
  };
  return { load, loads, scopes };
};

describe('withSamLocalAuthorizer', () => {
  it("checks events without claims with their route's scope, loading the stand-in once, on the first", async () => {
    // GIVEN
    const { handler, events } = recordingHandler();
    const standIn = passingStandIn();
    const wrapped = withSamLocalAuthorizer(handler, standIn.load);

    // WHEN
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      await wrapped(createHttpApiEvent({ method, caller: null }), createContext());
    }

    // THEN
    expect(standIn.loads).toHaveLength(1);
    expect(standIn.scopes).toEqual([
      ['chat-config/read'],
      ['chat-config/write'],
      ['chat-config/write'],
      ['chat-config/write'],
      [],
    ]);
    expect(events.map((event) => event.body)).toEqual(Array(5).fill('checked'));
  });

  it('passes events with claims straight on, never loading the stand-in', async () => {
    const { handler, events } = recordingHandler();
    const standIn = passingStandIn();
    const event = createHttpApiEvent({ method: 'GET' });

    await withSamLocalAuthorizer(handler, standIn.load)(event, createContext());

    expect(events).toEqual([event]);
    expect(standIn.loads).toEqual([]);
  });

  it("answers the stand-in's refusal without running the handler", async () => {
    const { handler, events } = recordingHandler();
    const refusal = {
      statusCode: 401,
      headers: { 'www-authenticate': 'Bearer' },
      body: '{"message":"Unauthorized"}',
    };

    const result = await withSamLocalAuthorizer(handler, async () => async () => ({ response: refusal }))(
      createHttpApiEvent({ method: 'GET', caller: null }),
      createContext(),
    );

    expect(result).toBe(refusal);
    expect(events).toEqual([]);
  });
});
