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
