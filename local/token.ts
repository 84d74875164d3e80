/**
 * `npm run token -- --sub alice --scope "chat-config/read chat-config/write" --expires-in 1h`: prints an access token
 * of the local issuer, which the local API (`npm start`) accepts, on a line of its own.
 */
import { parseArgs } from 'node:util';
import { ALL_SCOPES } from '../functions/chat-config/routes';
import { MAX_CALLER_ID_LENGTH } from '../functions/http/caller';
import { DEMO_SESSION } from './demo-session';
import { DEFAULT_TOKEN_LIFETIME, loadLocalIssuer } from './local-issuer';

const USAGE = `Usage: npm run token -- [--sub <user id>] [--scope "<scope> <scope>"] [--expires-in <span>]
  --sub         the user the token is for (default: ${DEMO_SESSION.ownerId}, the demo session's owner)
  --scope       scopes separated by spaces (default: "${ALL_SCOPES.join(' ')}")
  --expires-in  lifetime in seconds, or a span such as 30m or 12h (default: ${DEFAULT_TOKEN_LIFETIME})`;

const main = async () => {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string', default: DEMO_SESSION.ownerId },
      scope: { type: 'string', default: ALL_SCOPES.join(' ') },
      'expires-in': { type: 'string', default: DEFAULT_TOKEN_LIFETIME },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.sub.trim() === '' || values.sub.length > MAX_CALLER_ID_LENGTH) {
    throw new Error(`--sub must name a user in 1 to ${MAX_CALLER_ID_LENGTH} characters`);
  }
  const expiresIn = /^-?\d+$/.test(values['expires-in'])
    ? Number(values['expires-in'])
    : values['expires-in'];
  const issuer = await loadLocalIssuer();
  const token = await issuer.sign({
    sub: values.sub,
    scopes: values.scope.split(/\s+/).filter(Boolean),
    expiresIn,
  });
  console.log(token);
};

main().catch((error: unknown) => {
  console.error(
    `npm run token failed: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`,
  );
  process.exit(1);
});
