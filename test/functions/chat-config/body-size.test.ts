import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import { MAX_BODY_BYTES } from '../../../functions/chat-config/body-size';
import { replaceConfigRequestSchema } from '../../../functions/chat-config/requests';
import { chatConfigPatchSchema, validate } from '../../../functions/sessions/config-schema';
import { LARGEST_REQUEST_TEXT, LONGEST_ESCAPED_CONFIG } from '../../helpers/configs';
import { largestJsonBytes } from '../../helpers/largest-json';

describe('MAX_BODY_BYTES', () => {
  it('is the largest JSON a valid replace or merge patch takes, as the request schemas bound it', () => {
    expect(MAX_BODY_BYTES).toBe(
      Math.max(largestJsonBytes(replaceConfigRequestSchema), largestJsonBytes(chatConfigPatchSchema)),
    );
  });

  it('fits the largest valid replace, escaped and indented at the widest, with only its numbers to spare', () => {
    // GIVEN the largest valid replace as a serializer may write it
    const request = JSON.parse(LARGEST_REQUEST_TEXT);
    expect(validate(replaceConfigRequestSchema, request, ['config']).success).toBe(true);

    // WHEN
    const spare = MAX_BODY_BYTES - Buffer.byteLength(LARGEST_REQUEST_TEXT);

    // THEN it fits, and the bound spares no more than the digits its numbers could still take
    expect(spare).toBeGreaterThanOrEqual(0);
    expect(spare).toBeLessThan('-1.2345678901234567e-130'.length);
  });

  it('fits the largest valid merge patch too', () => {
    // GIVEN / WHEN
    const patch = JSON.stringify(LONGEST_ESCAPED_CONFIG, null, 10);

    // THEN
    expect(validate(chatConfigPatchSchema, JSON.parse(patch)).success).toBe(true);
    expect(MAX_BODY_BYTES).toBeGreaterThanOrEqual(Buffer.byteLength(patch));
  });

  it('is the limit docs/api.md gives clients', () => {
    expect(readFileSync('docs/api.md', 'utf8')).toContain(`${MAX_BODY_BYTES.toLocaleString('en-US')} bytes`);
  });

  it('cannot be derived from a schema that leaves a string or an array unbounded', () => {
    expect(() => largestJsonBytes(v.object({ name: v.string() }))).toThrow(/a string has no max_length/);
    expect(() => largestJsonBytes(v.array(v.number()))).toThrow(/an array has no max_length/);
  });
});
