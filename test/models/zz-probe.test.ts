import { test } from 'vitest';
import { ChatOpenAI } from '@langchain/openai';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

test('probe', async () => {
  const s = await MockOpenAIServer.start();
  const m = new ChatOpenAI({ model: 'gpt-4o', apiKey: 'x', maxRetries: 0, configuration: { baseURL: s.baseURL }, temperature: 0, maxTokens: 20 });
  for (const mode of ['ok', 'no-usage', '429', '500', '401', '400', 'cut', 'malformed', 'empty', 'slow'] as const) {
    s.plan(mode);
    s.slowMs = 500;
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 200);
    try {
      const r = await m.invoke([{ role: 'system', content: 'sys {x}' }, { role: 'user', content: 'hi {y}' }], { signal: ac.signal, stop: ['END'] });
      console.log(mode, 'OK', JSON.stringify(r.content), JSON.stringify(r.usage_metadata), JSON.stringify(r.response_metadata));
    } catch (e: any) {
      console.log(mode, 'ERR', e?.constructor?.name, e?.name, e?.status, e?.code, JSON.stringify(String(e?.message).slice(0, 120)), e?.cause?.constructor?.name, e?.cause?.code, e?.cause?.cause?.code, e?.headers?.get?.('retry-after'));
    }
    clearTimeout(t);
  }
  console.log(JSON.stringify(s.requests[0]!.body));
  await s.close();
});
