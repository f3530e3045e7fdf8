import { describe, expect, it } from 'vitest';
import { legendNames, shortModel } from '../../src/view/chart.js';

describe('legend names', () => {
  it('never carry an endpoint URL', () => {
    expect(shortModel('vllm:Qwen/Qwen2.5-7B@http://10.0.0.5:8000/v1')).toBe('vllm:Qwen/Qwen2.5-7B');
    expect(shortModel('openai:gpt-4o')).toBe('openai:gpt-4o');
  });

  it('tell runs apart by model, setting, protocol and mode, adding a short run id only where they collide', () => {
    const runs = [
      { id: 'logs/a/CF', model: 'vllm:m@http://h:1/v1', setting: 'CF', protocol: 'history=none', mode: 'live' },
      { id: 'logs/b/CF', model: 'vllm:m@http://h:2/v1', setting: 'CF', protocol: 'history=none', mode: 'live' },
      { id: 'logs/c/CF', model: 'vllm:m@http://h:2/v1', setting: 'CF', protocol: 'history=full', mode: 'live' },
      { id: 'logs/d/CF', model: 'vllm:m@http://h:2/v1', setting: 'CF', protocol: 'history=none', mode: 'static' },
    ];
    expect(legendNames(runs)).toEqual([
      'vllm:m · CF · history=none · live · a/CF', 'vllm:m · CF · history=none · live · b/CF', 'vllm:m · CF · history=full · live', 'vllm:m · CF · history=none · static',
    ]);
  });
});
