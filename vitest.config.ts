import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The benchmark data comes by name from a Hub double (HF_ENDPOINT, fresh HF_HUB_CACHE and cache dir).
    globalSetup: ['test/setup/hub-double.ts'],
    // A *.child.test.ts file is run only by the test that spawns it (with its variable set).
    exclude: ['**/node_modules/**', ...(process.env.CODECONV_SECOND_HOST_CHILD ? [] : ['test/**/*.child.test.ts'])],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Sandbox tests share two cores and one Docker engine: files run one at a time.
    fileParallelism: false,
  },
});
