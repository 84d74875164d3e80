/**
 * Warm CPU per invocation: each bundle in a long-lived process of its own (bench/warm-cpu.ts), driven from here. After
 * the warm-up, each round asks each process in turn, the next one first each round, for a batch of invocations and
 * takes the CPU time that process spent on them, so that drift on the machine hits each bundle alike.
 */
import { join } from 'node:path';
import { medians, rotated } from './stats';
import type { WarmCpuBatch, WarmCpuFinish, WarmCpuInput, WarmCpuRequest, WarmCpuTransport } from './warm-cpu';

/** A bench script running in a child process, which answers each message it is sent. */
export interface BenchChild {
  /** Sends `message`, and returns the child's answer to it. */
  ask<T>(message: unknown): Promise<T>;
  /** Waits until the child has exited, and fails unless it exited 0. */
  exited(): Promise<void>;
}

/** Forks a bench script with `env`, and returns it once it has sent its first message (that it is ready). */
export type StartChild = (
  script: string,
  input: unknown,
  env: NodeJS.ProcessEnv,
  execArgv?: string[],
) => Promise<BenchChild>;

export interface WarmCpuRun {
  readonly startChild: StartChild;
  /** Each bundle's file, and the environment its process runs with. */
  readonly bundles: Record<string, { readonly file: string; readonly env: NodeJS.ProcessEnv }>;
  readonly eventFile: string;
  readonly transport: WarmCpuTransport;
  readonly rounds: number;
  readonly invocationsPerRound: number;
  readonly warmUpInvocations: number;
  /** A folder where each process writes a `--cpu-prof` profile, in `<transport>/<bundle>/`. */
  readonly cpuProfileDir: string | undefined;
}

export interface WarmCpuResult {
  /** CPU time (user + system) per invocation, µs: each round's, by bundle. */
  readonly microsecondsPerInvocation: Record<string, number[]>;
  /** Each bundle's median. */
  readonly median: Record<string, number>;
  /** On the canned transport, the requests each bundle's process sent, by `X-Amz-Target`. */
  readonly requests?: Record<string, Record<string, number>>;
}

export const measureWarmCpu = async ({
  startChild,
  bundles,
  eventFile,
  transport,
  rounds,
  invocationsPerRound,
  warmUpInvocations,
  cpuProfileDir,
}: WarmCpuRun): Promise<WarmCpuResult> => {
  const names = Object.keys(bundles);
  const children = new Map<string, BenchChild>();
  for (const name of names) {
    const { file, env } = bundles[name] as { file: string; env: NodeJS.ProcessEnv };
    const profile = cpuProfileDir
      ? ['--cpu-prof', '--cpu-prof-dir', join(cpuProfileDir, transport, name)]
      : [];
    const input: WarmCpuInput = { bundle: file, eventFile, transport };
    children.set(name, await startChild('warm-cpu.ts', input, env, profile));
  }
  const ask = <T>(name: string, request: WarmCpuRequest) =>
    (children.get(name) as BenchChild).ask<T>(request);

  for (const name of names) await ask(name, { invocations: warmUpInvocations });

  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of rotated(names, round)) {
      const { microsecondsPerInvocation } = await ask<WarmCpuBatch>(name, {
        invocations: invocationsPerRound,
      });
      samples[name]?.push(microsecondsPerInvocation);
    }
  }

  // On the canned transport, each process checks that it was sent as many UpdateItem as it ran invocations, and
  // nothing else.
  const expected = warmUpInvocations + rounds * invocationsPerRound;
  const requests: Record<string, Record<string, number>> = {};
  for (const name of names) {
    const finished = await ask<WarmCpuFinish>(name, { finish: true });
    await children.get(name)?.exited();
    if (finished.invocations !== expected) {
      throw new Error(`${name}'s process ran ${finished.invocations} invocations, not ${expected}`);
    }
    if (finished.requests) requests[name] = finished.requests;
  }
  return {
    microsecondsPerInvocation: samples,
    median: medians(samples),
    ...(transport === 'canned' ? { requests } : {}),
  };
};
