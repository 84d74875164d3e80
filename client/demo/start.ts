/**
 * `npm run demo`: the client's browser demo on http://localhost:$DEMO_PORT (8081 unless set), calling the local API
 * of `npm start` at $API_URL (http://127.0.0.1:3000 unless set), as $TOKEN's user or else the demo session's owner, on
 * the session $SESSION_ID (`demo` unless set). The API must allow the page's origin:
 * `CORS_ALLOWED_ORIGINS=http://localhost:8081 npm start`.
 */
import { DEMO_SESSION } from '../../local/demo-session';
import { loadLocalIssuer } from '../../local/local-issuer';
import { serveDemo } from './serve';

const main = async () => {
  const port = Number(process.env.DEMO_PORT || 8081);
  const apiUrl = process.env.API_URL || 'http://127.0.0.1:3000';
  const token =
    process.env.TOKEN ||
    (await (await loadLocalIssuer()).sign({ sub: DEMO_SESSION.ownerId, expiresIn: '12h' }));
  const demo = await serveDemo({
    port,
    settings: { apiUrl, sessionId: process.env.SESSION_ID || DEMO_SESSION.sessionId, token },
  });
  console.log(`Demo on ${demo.url}, calling ${apiUrl}
The API must allow this origin: CORS_ALLOWED_ORIGINS=${new URL(demo.url).origin} npm start
Ctrl-C stops it.`);
  process.once('SIGINT', () => void demo.close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void demo.close().then(() => process.exit(0)));
};

main().catch((error: unknown) => {
  console.error(`npm run demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
