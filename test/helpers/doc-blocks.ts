/** The `sh` blocks of the docs, and what their `curl`s say they answer. */
import { readFileSync } from 'node:fs';

export interface ShellBlock {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

export const shellBlocks = (file: string): ShellBlock[] => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => ({
    file,
    line: text.slice(0, match.index).split('\n').length,
    code: match[1] ?? '',
  }));
};

/** Each command of a block, continuation lines joined. */
export const commandsOf = (code: string): string[] => code.replaceAll('\\\n', ' ').split('\n');

/** The status each `curl` of a block says it answers: the first three digits of its comment. */
export const expectedStatuses = (code: string): (string | undefined)[] =>
  commandsOf(code)
    .filter((command) => /(^|[\s($])curl /.test(command))
    .map((command) => /.*\s#\s*(\d{3})\b/.exec(command)?.[1]);

// Every curl reports the status it got on stderr, leaving its output to the block's pipes as a reader sees it.
export const CURL_REPORTING_STATUS = `curl() { command curl "$@" -w '%{stderr}@@status %{http_code}\\n'; }`;
