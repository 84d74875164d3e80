/**
 * `npm start`: the API on http://127.0.0.1:$PORT the way API Gateway would serve it, on an embedded DynamoDB Local
 * (or on $DYNAMODB_ENDPOINT), with a demo session to try it on.
 */

import { chatConfigCorsPolicy } from '../lib/cors-policy';
import { logFormatFromEnv, startConsoleLog } from './console-log';
import { corsBannerLine, corsOriginsOf } from './cors-origins';
import { DEMO_SESSION } from './demo-session';
import {
  type DynamoDbLocal,
  ensureIdempotencyTable,
  ensureSessionsTable,
  isPortTaken,
  LOCAL_IDEMPOTENCY_TABLE_NAME,
  LOCAL_TABLE_NAME,
  localDynamoDbClient,
  seedDemoSession,
  startDynamoDbLocal,
  useLocalAwsEnv,
} from './dynamodb-local';
import { createLocalHttpApi } from './http-api';
import { loadLocalIssuer } from './local-issuer';
import { CHAT_CONFIG_ROUTES, LOCAL_API_DEFAULT_PORT, LOCAL_API_HOST } from './routes';

let dynamoDbLocal: DynamoDbLocal | undefined;

// Long enough for a working day with the API running.
const DEMO_TOKEN_HOURS = 12;

const portFromEnv = (name: string, defaultPort: number): number => {
  const port = Number(process.env[name] ?? defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${name} must be a port number, not "${process.env[name]}"`);
  return port;
};

/** What to do about a port already taken, naming the variable that moves it. */
const portTaken = (name: string, port: number) =>
  new Error(
    `Port ${port} is already in use: stop what listens there, or choose another port, e.g. ${name}=${port + 1} npm start`,
  );

const main = async () => {
  // Before anything reads them: the handler's client, like the tooling's, needs credentials and a region.
  useLocalAwsEnv();
  const logFormat = logFormatFromEnv();
  const port = portFromEnv('PORT', LOCAL_API_DEFAULT_PORT);
  // Before anything starts: origins the deployed API would refuse fail the start.
  const corsOrigins = corsOriginsOf();
  // A fixed port lets other tools (sam local, a DynamoDB GUI) reach the embedded DynamoDB Local; 0 picks a free one.
  const dynamoDbLocalPort = portFromEnv('DYNAMODB_LOCAL_PORT', 0);
  const tableName = process.env.TABLE_NAME || LOCAL_TABLE_NAME;
  const idempotencyTableName = process.env.IDEMPOTENCY_TABLE_NAME || LOCAL_IDEMPOTENCY_TABLE_NAME;
  if (!process.env.DYNAMODB_ENDPOINT) {
    // Checked first: otherwise the readiness probe could be answered by whatever already listens there.
    if (dynamoDbLocalPort && (await isPortTaken(dynamoDbLocalPort))) {
      throw portTaken('DYNAMODB_LOCAL_PORT', dynamoDbLocalPort);
    }
    dynamoDbLocal = await startDynamoDbLocal({ port: dynamoDbLocalPort });
    process.env.DYNAMODB_ENDPOINT = dynamoDbLocal.endpoint;
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  process.env.TABLE_NAME = tableName;
  process.env.IDEMPOTENCY_TABLE_NAME = idempotencyTableName;
  // The function's metrics are printed as the EMF lines CloudWatch would read, under a namespace of their own.
  process.env.POWERTOOLS_METRICS_NAMESPACE ||= 'ChatConfigLocal';

  // Imported only now: like Lambda, the handler reads its environment once, at init. Before the table is touched, so
  // that a wrong setting fails the start with nothing written, and the demo owner is seeded where the handler looks.
  const { handler, ownerAttribute } = await import('../functions/chat-config/handler');

  const client = localDynamoDbClient(endpoint);
  await ensureSessionsTable(client, tableName);
  await ensureIdempotencyTable(client, idempotencyTableName);
  await seedDemoSession(client, tableName, ownerAttribute);
  client.destroy();

  // Every route checks tokens as the deployed API's authorizer does, against the local issuer's key.
  const issuer = await loadLocalIssuer();
  const authorizer = issuer.authorizer();
  const demoToken = await issuer.sign({ sub: DEMO_SESSION.ownerId, expiresIn: `${DEMO_TOKEN_HOURS}h` });

  const consoleLog = startConsoleLog(logFormat);
  const server = createLocalHttpApi({
    routes: CHAT_CONFIG_ROUTES,
    handler,
    authorizer,
    accessLog: consoleLog.request,
    cors: chatConfigCorsPolicy(corsOrigins.origins),
  });
  server.listen(port, LOCAL_API_HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? portTaken('PORT', port) : error),
    );
  });
  const address = server.address();
  const url = `http://${LOCAL_API_HOST}:${typeof address === 'object' && address ? address.port : port}`;

  const shutdown = async (signal: string) => {
    consoleLog.stop();
    console.log(`\n${signal}: stopping the local API${dynamoDbLocal ? ' and DynamoDB Local' : ''}`);
    server.close();
    server.closeAllConnections();
    await dynamoDbLocal?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const config = `${url}/api/chat-sessions/${DEMO_SESSION.sessionId}/config -H "Authorization: Bearer $TOKEN"`;
  console.log(`Local API on ${url}, served as API Gateway would, JWT authorizer included
${dynamoDbLocal ? 'DynamoDB Local (in memory)' : 'DynamoDB'} on ${endpoint}, table ${tableName}, session ${DEMO_SESSION.sessionId} owned by ${DEMO_SESSION.ownerId}
${corsBannerLine(corsOrigins)}
Logs: ${logFormat === 'json' ? "the function's JSON logs and metrics, and one access-log line per request" : "one line per request; LOG_FORMAT=json npm start prints the function's JSON logs and metrics instead"}

Try it as ${DEMO_SESSION.ownerId} (this token is valid for ${DEMO_TOKEN_HOURS} hours; npm run -s token -- --sub <user> makes others):
export TOKEN=${demoToken}
curl -sS ${config}
curl -sS -X PUT ${config} -H 'Content-Type: application/json' -d '{"config": {"model": "gpt-4", "temperature": 0.7, "system_prompt": "You are a helpful assistant"}}'
curl -sS -X PATCH ${config} -H 'Content-Type: application/merge-patch+json' -d '{"temperature": 0.2, "system_prompt": null}'

Ctrl-C stops it.`);
};

main().catch(async (error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await dynamoDbLocal?.stop();
  process.exit(1);
});
