import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  currentOpenApiTypes,
  OPENAPI_DOCUMENT,
  OPENAPI_TYPES_FILE,
  openApiTypes,
} from '../../client/scripts/openapi-types';

describe("the client's generated types", () => {
  it('are those of openapi/openapi.json as it stands: `npm run openapi` writes both', async () => {
    const committed = readFileSync(OPENAPI_TYPES_FILE, 'utf8');

    const regenerated = await currentOpenApiTypes();

    expect(committed).toBe(regenerated);
  });

  it('follow the document: a field added to a config schema appears in them', async () => {
    // GIVEN the document with one more config field
    const document = JSON.parse(readFileSync(OPENAPI_DOCUMENT, 'utf8'));
    document.components.schemas.ChatConfig.properties.seed = { type: 'integer' };

    // WHEN
    const types = await openApiTypes(JSON.stringify(document));

    // THEN
    expect(types).not.toBe(readFileSync(OPENAPI_TYPES_FILE, 'utf8'));
    expect(types).toMatch(/ChatConfig: \{[^}]*seed\?: number;/);
  });
});
