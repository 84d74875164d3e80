import { CONFIG_LIMITS } from '../../functions/sessions/config-schema';

/** Text of `bytes` bytes of UTF-8 in as few characters as the schema counts: 3 bytes per UTF-16 unit is the most. */
const widestText = (bytes: number) => '漢'.repeat(Math.floor(bytes / 3)) + 'p'.repeat(bytes % 3);

// The longest number a config holds: 17 significant digits and a 3-digit exponent.
const LONGEST_NUMBER = 1.2345678901234567e-100;

/** The largest config the schema takes: every field at its limit, in the widest characters. */
export const LARGEST_CONFIG = {
  model: 'm'.repeat(CONFIG_LIMITS.modelLength),
  temperature: LONGEST_NUMBER,
  max_tokens: 999_999,
  top_p: LONGEST_NUMBER,
  presence_penalty: -LONGEST_NUMBER,
  frequency_penalty: -LONGEST_NUMBER,
  stop: Array.from({ length: CONFIG_LIMITS.stopSequences }, () =>
    widestText(3 * CONFIG_LIMITS.stopSequenceLength),
  ),
  system_prompt: widestText(CONFIG_LIMITS.systemPromptBytes),
} as const;

/** `text` with every character written as a `\uXXXX` escape, the longest JSON has for one. */
const escapedEvery = (text: string) =>
  [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** A config with every field at its limit in characters, each of which JSON escapes as `\uXXXX` where it can. */
export const LONGEST_ESCAPED_CONFIG = {
  ...LARGEST_CONFIG,
  max_tokens: 1_000_000,
  // JSON.stringify escapes control characters that way; the model's pattern allows none, so it is escaped by hand.
  stop: Array.from({ length: CONFIG_LIMITS.stopSequences }, () =>
    '\u0001'.repeat(CONFIG_LIMITS.stopSequenceLength),
  ),
  system_prompt: '\u0001'.repeat(CONFIG_LIMITS.systemPromptLength),
} as const;

/**
 * The largest valid replace as a serializer may write it: every field at its limit, every character escaped, every
 * number at its longest, indented as widely as JSON.stringify indents.
 */
export const LARGEST_REQUEST_TEXT = JSON.stringify({ config: LONGEST_ESCAPED_CONFIG }, null, 10).replace(
  `"${LONGEST_ESCAPED_CONFIG.model}"`,
  `"${escapedEvery(LONGEST_ESCAPED_CONFIG.model)}"`,
);
