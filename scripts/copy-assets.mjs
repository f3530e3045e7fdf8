// Marks the compiled CLI entry points executable (tsc does not keep modes).
import { chmodSync, readdirSync } from 'node:fs';
for (const f of readdirSync(new URL('../dist/cli/', import.meta.url))) {
  if (f.endsWith('.js')) chmodSync(new URL(`../dist/cli/${f}`, import.meta.url), 0o755);
}
