import {
  createLocalIssuer,
  generateSigningKey,
  type LocalIssuer,
  type TokenRequest,
} from '../../local/local-issuer';
import { TEST_CALLER } from './events';

let issuer: Promise<LocalIssuer> | undefined;

/** This test file's local issuer, with a key of its own generated in memory (no key file is read or written). */
export const testIssuer = (): Promise<LocalIssuer> => {
  issuer ??= generateSigningKey().then(createLocalIssuer);
  return issuer;
};

/** An `Authorization` header value with a valid token of the test issuer for `sub` (both scopes unless told). */
export const bearer = async (
  sub: string = TEST_CALLER,
  request: Omit<TokenRequest, 'sub'> = {},
): Promise<string> => `Bearer ${await (await testIssuer()).sign({ sub, ...request })}`;
