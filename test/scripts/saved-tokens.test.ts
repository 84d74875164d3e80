/** The file `npm run login` keeps its tokens in, written in a project folder of its own. */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { saveToken, TOKENS_FILE } from '../../scripts/saved-tokens';

const TOKEN = {
  accessToken: 'a.b.c',
  expiresAt: '2999-01-01T00:00:00.000Z',
  issuer: 'https://issuer.example/',
  clientId: 'app-client',
};

let folder: string;
let cwd: string;
beforeEach(() => {
  cwd = process.cwd();
  folder = realpathSync(mkdtempSync(join(tmpdir(), 'saved-tokens-')));
  process.chdir(folder);
});
afterEach(() => {
  process.chdir(cwd);
  rmSync(folder, { recursive: true, force: true });
});

describe('saveToken', () => {
  it('never writes through a link already at its temporary name: it stops, the target untouched', () => {
    // GIVEN a link where the tokens are written before the rename, to a file of someone's choosing
    const target = join(folder, 'elsewhere');
    writeFileSync(target, 'untouched');
    symlinkSync(target, `${TOKENS_FILE}.${process.pid}.tmp`);

    // WHEN / THEN
    expect(() => saveToken('ChatConfigApi', TOKEN)).toThrow(/EEXIST/);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(existsSync(TOKENS_FILE)).toBe(false);
  });

  it('writes the tokens when nothing is in the way', () => {
    // WHEN
    saveToken('ChatConfigApi', TOKEN);

    // THEN
    expect(JSON.parse(readFileSync(TOKENS_FILE, 'utf8'))).toEqual({ ChatConfigApi: TOKEN });
    expect(existsSync(`${TOKENS_FILE}.${process.pid}.tmp`)).toBe(false);
  });
});
