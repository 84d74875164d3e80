/**
 * Read, change, write only over what was read: the optimistic loop a client needs when others may write the same
 * config, so that no change is lost and none is applied to a config its author did not see.
 */
import { ChatConfigError } from './errors.ts';
import type {
  CallOptions,
  ChatConfig,
  ChatConfigState,
  ChatConfigWritten,
  UpdateOptions,
  WriteOptions,
} from './types.ts';

/** What `update` needs of the client. */
export interface ReadsAndReplaces {
  get(sessionId: string, options?: CallOptions): Promise<ChatConfigState>;
  replace(sessionId: string, config: ChatConfig, options?: WriteOptions): Promise<ChatConfigWritten>;
}

/** Makes the config that replaces the one read; called again on each new read. */
export type ConfigChange = (
  config: ChatConfigState['config'],
  state: ChatConfigState,
) => ChatConfig | Promise<ChatConfig>;

/**
 * Reads the config, changes it, and replaces it with `If-Match` naming the version read. When another write came in
 * between (412), reads again and changes that, up to `maxAttempts` rounds; the last 412 is then thrown.
 */
export const updateConfig = async (
  client: ReadsAndReplaces,
  sessionId: string,
  change: ConfigChange,
  { maxAttempts = 3, signal }: UpdateOptions = {},
): Promise<ChatConfigWritten> => {
  for (let attempt = 1; ; attempt++) {
    const read = await client.get(sessionId, { signal });
    const config = await change(read.config, read);
    try {
      return await client.replace(sessionId, config, { ifMatch: read.etag, signal });
    } catch (error) {
      if (!(error instanceof ChatConfigError && error.status === 412) || attempt >= maxAttempts) throw error;
    }
  }
};
