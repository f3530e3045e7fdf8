import { test } from 'vitest';
import { loadTask } from '../../src/reasoning/data.js';
import { judgeGenerations, scoreJudged } from '../../src/reasoning/scoring.js';
import { localSandbox, closeSandbox, dataDir } from './helpers.js';
import { writeFileSync } from 'node:fs';
test('c2c gold', async () => {
  const task = loadTask('case2code', { dataDir });
  const gens = Object.fromEntries(task.items.map((it) => [it.id, ['```python\n' + (it as any).code + '\n```']]));
  const t = performance.now();
  const j = await judgeGenerations(task, gens, { sandbox: localSandbox() });
  const r = scoreJudged(j, 'v1');
  console.log('ms', performance.now() - t, r.passAtK, r.counts);
  const fails = j.entries.filter((e) => !(e.verdicts[0] as any).pass).map((e) => ({ id: e.item.id, v: e.verdicts[0] }));
  writeFileSync('/tmp/c2c-fails.json', JSON.stringify(fails, null, 1));
  await closeSandbox();
}, 900000);
