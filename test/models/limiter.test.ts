import { describe, expect, test } from 'vitest';
import { Semaphore, endpointLimiter } from '../../src/models/limiter.js';
import { OpenAIChatModel } from '../../src/models/openai.js';
import { useMockServers } from '../helpers/mock-chat-server.js';
import { MockOpenAIServer } from '../helpers/mock-openai-server.js';

const [server] = useMockServers(new MockOpenAIServer());

describe('concurrency limit per endpoint', () => {
  test('never more than N requests in flight, across model instances', async () => {
    server.okDelayMs = 40;
    // No limiter passed: both instances take the shared one for this base URL.
    const a = new OpenAIChatModel({ model: 'a', baseURL: server.baseURL, apiKey: 'k', concurrency: 3 });
    const b = new OpenAIChatModel({ model: 'b', baseURL: server.baseURL + '/', apiKey: 'k', concurrency: 3 });
    const calls = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? a : b).generate([{ role: 'user', content: `q${i}` }], { role: 'reasoner', sampleIndex: i }),
    );
    const gens = await Promise.all(calls);
    expect(gens.map((g) => g.text)).toEqual(Array.from({ length: 12 }, (_, i) => `echo: q${i}`));
    expect(server.count).toBe(12);
    expect(server.maxInFlight).toBe(3);
  });

  test('a slot is released after a failure', async () => {
    server.plan('500', '500', '500');
    const m = new OpenAIChatModel({ model: 'm', baseURL: server.baseURL, apiKey: 'k', maxRetries: 0, limiter: new Semaphore(1) });
    for (let i = 0; i < 3; i++) await expect(m.generate([{ role: 'user', content: 'x' }], { role: 'coder' })).rejects.toMatchObject({ code: 'SERVER' });
    expect((await m.generate([{ role: 'user', content: 'x' }], { role: 'coder' })).text).toBe('echo: x');
  });

  test('endpoints are keyed by base URL and the smallest limit wins', () => {
    const one = endpointLimiter('http://127.0.0.1:1/v1', 8);
    expect(endpointLimiter('http://127.0.0.1:1/v1/', 4)).toBe(one);
    expect(one.limit).toBe(4);
    expect(endpointLimiter('http://127.0.0.1:2/v1', 8)).not.toBe(one);
  });
});

describe('Semaphore', () => {
  test('serves waiters in order and counts', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    let active = 0;
    let peak = 0;
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        sem.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(sem.inFlight).toBe(0);
  });

  test('releasing twice frees one slot', async () => {
    const sem = new Semaphore(1);
    const release = await sem.acquire();
    release();
    release();
    expect(sem.inFlight).toBe(0);
  });
});
