import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Sandbox tests share two cores and one Docker engine: files run one at a time.
    fileParallelism: false,
  },
});
