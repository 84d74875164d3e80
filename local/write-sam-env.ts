/**
 * `npm run synth` runs this before `cdk synth`: writes env.json (or $SAM_ENV_VARS_FILE) for sam local, with the key of
 * this checkout's local issuer, created if it has none yet.
 */
import { writeFile } from 'node:fs/promises';
import { loadLocalIssuer } from './local-issuer';
import { DEFAULT_SAM_ENV_VARS_FILE, samLocalEnv } from './sam-env';

const file = process.env.SAM_ENV_VARS_FILE || DEFAULT_SAM_ENV_VARS_FILE;
try {
  await writeFile(file, `${JSON.stringify(samLocalEnv(await loadLocalIssuer()), null, 2)}\n`);
} catch (error) {
  console.error(
    `Cannot write ${file} for sam local: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
