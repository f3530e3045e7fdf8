#!/usr/bin/env node
// Rewrites what the docs paste from real runs: every marked --help block (<!-- help: cmd -->), the
// quick start's and the library example's output (<!-- output: key -->), and adds to docs/commands.md
// a section for any command whose help is pasted nowhere.
// Usage: npm run docs:sync [-- --check] [-- --skip-runs]
//   --check      change nothing; list what is stale and exit 1 if anything is
//   --skip-runs  only the --help blocks (the outputs need Docker and the sandbox image)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, OUTPUTS, commands, docFiles, helpChecks, helpOf, markedBlocks, outputChecks, replaceBodies, subcommandsOf, syncedBody } from './lib.mjs';

const check = process.argv.includes('--check');
const skipRuns = process.argv.includes('--skip-runs');
const byFile = new Map();
const stale = [];
const note = (file, block, body) => {
  if (body === block.body) return;
  stale.push(`${file}: ${block.key}`);
  if (!byFile.has(file)) byFile.set(file, []);
  byFile.get(file).push({ block, body });
};

for (const { file, block, actual } of await helpChecks()) note(file, block, actual);
if (!skipRuns) for (const { file, block, actual } of await outputChecks(Object.keys(OUTPUTS))) note(file, block, syncedBody(block.body, actual));

for (const [file, reps] of byFile) {
  if (check) continue;
  const p = join(ROOT, file);
  writeFileSync(p, replaceBodies(readFileSync(p, 'utf8'), reps));
}

// A command or subcommand with no pasted help anywhere gets a section in the command reference.
const pasted = new Set(docFiles().flatMap((f) => markedBlocks(readFileSync(join(ROOT, f), 'utf8'), 'help').map((b) => b.key)));
const missing = [];
for (const c of Object.keys(commands())) {
  if (!pasted.has(c)) missing.push(c);
  for (const sub of subcommandsOf(await helpOf(c))) if (!pasted.has(`${c} ${sub}`)) missing.push(`${c} ${sub}`);
}
for (const c of missing) {
  stale.push(`docs/commands.md: no --help of ${c} pasted anywhere`);
  if (check) continue;
  const p = join(ROOT, 'docs/commands.md');
  const help = await helpOf(c);
  writeFileSync(p, `${readFileSync(p, 'utf8').replace(/\n*$/, '\n')}\n## \`${c}\`\n\n<!-- help: ${c} -->\n\`\`\`text\n${help}\n\`\`\`\n`);
}

for (const s of stale) console.log(`${check ? 'stale' : 'updated'}: ${s}`);
if (!stale.length) console.log('docs: every paste is current');
if (check && stale.length) process.exitCode = 1;
