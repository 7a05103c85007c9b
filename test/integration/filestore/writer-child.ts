// A real writer process for the lock and crash tests:
//   node --import tsx writer-child.ts <indexDir> <repoName> <seed> <files> [pauseAt]
// Streams a synthetic repository into the index, printing "FILE <n>" as files are handed over and
// "STEP <step>" at each commit step. At step `pauseAt` it prints "PAUSED <step>" and waits for a line on
// stdin (or for SIGKILL). Exits 0 after printing "DONE".
import { openFileStore, type CommitStep } from '../../../src/index/file';
import { meta, synthRepo } from './synthetic';

const [dir, name, seed, files, pauseAt] = process.argv.slice(2);
const say = (s: string): void => { process.stdout.write(`${s}\n`); };
const waitForLine = (): Promise<void> => new Promise((resolve) => process.stdin.once('data', () => resolve()));

async function main(): Promise<void> {
  const store = await openFileStore(dir!, {
    lockTimeoutMs: 30_000,
    onCommitStep: async (step: CommitStep) => {
      say(`STEP ${step}`);
      if (step === pauseAt) {
        say(`PAUSED ${step}`);
        await waitForLine();
      }
    },
  });
  let n = 0;
  async function* stream() {
    for (const f of synthRepo(Number(seed), { files: Number(files) })) {
      if (++n % 50 === 0) {
        say(`FILE ${n}`);
        await new Promise((r) => setImmediate(r));
      }
      yield f;
    }
  }
  await store.putRepo(meta(name!), stream());
  say('DONE');
  process.stdin.destroy();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
