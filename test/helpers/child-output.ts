import type { ChildProcess } from 'node:child_process';

/** What a child process has printed so far, each stream as one string. */
export interface ChildOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Gathers what `child` prints, from now on: the object returned always holds all of it so far. */
export const gatherOutput = (child: ChildProcess): ChildOutput => {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  return output;
};
