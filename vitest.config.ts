import { defineConfig } from 'vitest/config';

/**
 * Suites that need the Docker engine, the sandbox image or Redis (they share one engine and two
 * cores), and the re-scorings of whole published files (minutes of judging each).
 */
const SERIAL_SUITES = [
  'test/reasoning/reference.test.ts',
  'test/reasoning/gold.test.ts',
  'test/sandbox/**/*.test.ts',
  'test/eval/run-eval.test.ts',
  'test/eval/fidelity.test.ts',
  'test/eval/supplied.test.ts',
  'test/models/providers-world.test.ts',
  'test/replay/bench.test.ts',
  'test/repo/docker.test.ts',
  'test/world/run-world.test.ts',
  // A real browser, whole CLI processes, the packed package, or the judge's own processes.
  'test/view/viewer.test.ts',
  'test/compare/html.test.ts',
  'test/docs/outputs.test.ts',
  'test/docs/pastes.test.ts',
  'test/data/pack.test.ts',
  'test/eval/identity.test.ts',
  'test/repo/run.test.ts',
  'test/repo/tasks-input.test.ts',
  'test/repo/judge-channel.test.ts',
  'test/cli/interrupt.test.ts',
  'test/cli/unwritable.test.ts',
  'test/episode/turn0-shapes.test.ts',
];
// A *.child.test.ts file is run only by the test that spawns it (with its variable set).
const CHILDREN = process.env.CODECONV_SECOND_HOST_CHILD ? [] : ['test/**/*.child.test.ts'];

export default defineConfig({
  test: {
    // The benchmark data comes by name from a Hub double (HF_ENDPOINT, fresh HF_HUB_CACHE and cache dir).
    globalSetup: ['test/setup/hub-double.ts'],
    exclude: ['**/node_modules/**', ...CHILDREN],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    projects: [
      {
        extends: true,
        // No Docker, no Redis, no whole-file re-scoring: files run in parallel (npm run test:unit).
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...CHILDREN, ...SERIAL_SUITES], fileParallelism: true, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // One engine and two cores: one file at a time, after the unit files.
        test: { name: 'serial', include: SERIAL_SUITES, exclude: ['**/node_modules/**', ...CHILDREN], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
