#!/usr/bin/env node
// Not built yet: see the open issue for run-bench.
process.stderr.write('run-bench: not yet implemented\n');
process.exitCode = 2;
