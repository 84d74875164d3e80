import { RESOURCE_SERVER, SCOPE_NAMES } from './routes';

/**
 * What each scope lets a token do: the user pool shows it to administrators, the OpenAPI document to clients choosing
 * the scopes they ask for. A module of its own, which the function never loads: it checks scopes, it does not describe
 * them.
 */
export const SCOPE_DESCRIPTIONS = {
  read: 'Read chat session configs',
  write: 'Change chat session configs',
} as const satisfies Record<keyof typeof SCOPE_NAMES, string>;

/** Every scope of this API, as tokens carry it (`<resource server>/<scope name>`), with what it lets a token do. */
export const SCOPES_WITH_DESCRIPTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SCOPE_NAMES).map(([key, name]) => [
    `${RESOURCE_SERVER}/${name}`,
    SCOPE_DESCRIPTIONS[key as keyof typeof SCOPE_NAMES],
  ]),
);
