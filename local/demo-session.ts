/**
 * The session `npm start` seeds, which the curl examples, the sample events in events/ and `npm run token`'s default
 * user come from. A module of its own, so that what only needs its ids loads neither the AWS SDK nor DynamoDB Local.
 */
export const DEMO_SESSION = { sessionId: 'demo', ownerId: 'demo-user', title: 'Demo session' } as const;
