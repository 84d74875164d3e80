/** `npm run openapi` (after the document): writes the client's types generated from openapi/openapi.json. */
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentOpenApiTypes, OPENAPI_TYPES_FILE } from './openapi-types';

await writeFile(OPENAPI_TYPES_FILE, await currentOpenApiTypes());
console.log(`Wrote ${relative(process.cwd(), fileURLToPath(OPENAPI_TYPES_FILE))}`);
