/**
 * The client's types, generated from the OpenAPI document by openapi-typescript. It lives under client/ because
 * openapi-typescript needs the TypeScript 5 compiler API, installed here (the project's TypeScript has none).
 */
import { readFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

/** The document the types are generated from. */
export const OPENAPI_DOCUMENT = new URL('../../openapi/openapi.json', import.meta.url);
/** Where the generated types are committed. */
export const OPENAPI_TYPES_FILE = new URL('../src/openapi.d.ts', import.meta.url);

const BANNER = `/**
 * Generated from openapi/openapi.json by openapi-typescript (client/scripts/openapi-types.ts): do not edit.
 * \`npm run openapi\` writes the document and then these types; a test fails when they are out of date.
 */

`;

/** The TypeScript types of `document` (an OpenAPI document's JSON text), as the committed file holds them. */
export const openApiTypes = async (document: string): Promise<string> =>
  BANNER + astToString(await openapiTS(JSON.parse(document) as Parameters<typeof openapiTS>[0]));

/** The types of the document on disk. */
export const currentOpenApiTypes = async (): Promise<string> =>
  openApiTypes(await readFile(OPENAPI_DOCUMENT, 'utf8'));
