/** `npm run openapi`: writes the OpenAPI document built from the code to openapi/openapi.json. */
import { writeFileSync } from 'node:fs';
import { openApiFile } from './document';

const FILE = 'openapi/openapi.json';
writeFileSync(FILE, openApiFile());
console.log(`Wrote ${FILE}`);
