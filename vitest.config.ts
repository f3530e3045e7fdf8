import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A *.child.test.ts file is run only by the test that spawns it (with its variable set).
    exclude: ['**/node_modules/**', ...(process.env.CODECONV_SECOND_HOST_CHILD ? [] : ['test/**/*.child.test.ts'])],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Sandbox tests share two cores and one Docker engine: files run one at a time.
    fileParallelism: false,
  },
});
