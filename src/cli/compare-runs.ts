#!/usr/bin/env node
// Not built yet: see the open issue for compare-runs.
process.stderr.write('compare-runs: not yet implemented\n');
process.exitCode = 2;
