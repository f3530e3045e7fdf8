import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTask, prepareTaskData } from '../../src/reasoning/data.js';
import { loadTaskSet, selectTasks } from '../../src/tasks/bigcodebench.js';
import { SHARED_DATA } from '../helpers/hub-double.js';
import { haveShared, useHubDouble } from '../helpers/hub-env.js';

const SAMPLE = resolve('data', 'sample-tasks.jsonl');
useHubDouble('codeconv-consumers-');

describe('BigCodeBench task sets', () => {
  it('--subset hard on a file without hard-task-ids.json beside it is a clear error, not 0 tasks', async () => {
    await expect(loadTaskSet(SAMPLE, 'hard')).rejects.toThrow(/--subset hard on the file .*sample-tasks\.jsonl needs hard-task-ids\.json beside it; or name the data set \(--dataset bigcodebench-hard@<version>\)/);
    const full = await loadTaskSet(SAMPLE);
    expect(full.ref).toMatchObject({ kind: 'file', revision: null });
    expect(full.all.length).toBeGreaterThan(0);
  });

  it.skipIf(!haveShared)('a name with --subset hard reads the bigcodebench-hard data set of that version', async () => {
    const set = await loadTaskSet('bigcodebench@v0.1.0_hf', 'hard');
    expect(set.label).toBe('bigcodebench-hard@v0.1.0_hf');
    expect(set.all).toHaveLength(148);
    expect(set.ref.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(selectTasks(set.all, set.label, { ids: ['BigCodeBench/13'] })[0]!.task_id).toBe('BigCodeBench/13');
    expect(() => selectTasks(set.all, set.label, { ids: ['1'] })).toThrow(/not in bigcodebench-hard@v0\.1\.0_hf/);
  });

  it('a name that is not BigCodeBench is refused', async () => {
    await expect(loadTaskSet('cruxeval')).rejects.toThrow(/not a BigCodeBench data set/);
  });
});

describe.skipIf(!haveShared)('reasoning tasks by data set name', () => {
  it('codeglance-pannum with --rag: the records and the API documentation come through the raw-file endpoint', async () => {
    expect(() => loadTask('codeglance-pannum', { rag: true })).toThrow(/codeconv-data pull codeglance:pannum/);
    await prepareTaskData('codeglance-pannum');
    const t = loadTask('codeglance-pannum', { rag: true });
    expect(t.items).toHaveLength(50);
    expect(t.ragLoaded).toBe(true);
    expect(t.items.some((i) => i.family === 'codeglance' && (i.docs?.length ?? 0) > 0)).toBe(true);
    expect(t.dataset).toMatchObject({ name: 'codeglance:pannum', revision: 'aa2d7d4', sha256: 'c8974a033d6c7a7c5896e79110dbd2f26327343bf80054f9e3bd6414cffe4fea' });
  });

  it('cruxeval and case2code load whole, with the same items as the reference copies', async () => {
    await prepareTaskData('cruxeval-o');
    await prepareTaskData('case2code');
    const dir = { dataDir: SHARED_DATA };
    expect(loadTask('cruxeval-o').items).toEqual(loadTask('cruxeval-o', dir).items);
    expect(loadTask('case2code').items).toEqual(loadTask('case2code', dir).items);
  });
});
