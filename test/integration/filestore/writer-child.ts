// A real writer process for the lock and crash tests:
//   node --import tsx writer-child.ts <indexDir> <repoName> <seed> <files> [pauseAt] [repeat]
// Streams a synthetic repository into the index, printing "FILE <n>" as files are handed over and
// "STEP <step>" at each commit step. At step `pauseAt` it prints "PAUSED <step>" and waits for a line on
// stdin (or for SIGKILL). With `repeat`, replaces the repository that many times (seeds seed, seed+1, ...).
// Exits 0 after printing "DONE".
import { openFileStore, type CommitStep } from '../../../src/index/file';
import { meta, synthRepo } from './synthetic';

const [dir, name, seed, files, pauseAt, repeat] = process.argv.slice(2);
const say = (s: string): void => { process.stdout.write(`${s}\n`); };
const waitForLine = (): Promise<void> => new Promise((resolve) => process.stdin.once('data', () => resolve()));

async function main(): Promise<void> {
  const store = await openFileStore(dir!, {
    lockTimeoutMs: 30_000,
    onCommitStep: async (step: CommitStep) => {
      say(`STEP ${step}`);
      if (pauseAt !== '-' && step === pauseAt) {
        say(`PAUSED ${step}`);
        await waitForLine();
      }
    },
  });
  let n = 0;
  async function* stream(s: number) {
    for (const f of synthRepo(s, { files: Number(files) })) {
      if (++n % 50 === 0) {
        say(`FILE ${n}`);
        await new Promise((r) => setImmediate(r));
      }
      yield f;
    }
  }
  for (let i = 0; i < Number(repeat || 1); i++) await store.putRepo(meta(name!), stream(Number(seed) + i));
  say('DONE');
  process.stdin.destroy();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
