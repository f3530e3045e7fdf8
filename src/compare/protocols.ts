import { comparabilityDiff, comparabilityLine, type Comparability } from '../world/comparability.js';
import type { RunData } from './load.js';
import { runName } from './format.js';

/** Runs under different protocols: the groups of runs sharing one, and the pairs refused across them. */
export interface ProtocolCheck {
  groups: { comparability: string; runs: string[] }[];
  refused: { a: string; b: string; differ: string[] }[];
}

/** A run's name with its directory label: runs of one model, setting and mode differ only by it. */
export const who = (r: RunData): string => `${runName(r)} [${r.label}]`;

/**
 * Keys on which a live run and a replay of it differ. A replay of imported logs may not know the
 * reference's simulator (null): that is not counted as a difference.
 */
export function liveStaticDiff(live: RunData, stat: RunData): string[] {
  const s = stat.comparability;
  const l = live.comparability;
  const loose: Comparability | undefined = s && l && s.simulator === null ? { ...s, simulator: l.simulator } : s;
  return comparabilityDiff(l, loose);
}

export function protocolGroups(runs: RunData[]): ProtocolCheck['groups'] {
  const groups = new Map<string, string[]>();
  for (const r of runs) {
    const key = comparabilityLine(r.comparability);
    groups.set(key, [...(groups.get(key) ?? []), r.label]);
  }
  return [...groups].map(([comparability, labels]) => ({ comparability, runs: labels }));
}

export function dedupe(list: ProtocolCheck['refused']): ProtocolCheck['refused'] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = `${x.a}\u0000${x.b}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The warning every output of a comparison carries when its runs do not share one protocol, else null. */
export function protocolWarning(c: { protocols: ProtocolCheck }): string | null {
  if (c.protocols.groups.length < 2 && !c.protocols.refused.length) return null;
  return `Not comparable: these runs follow ${c.protocols.groups.length} different protocols (or settings that decide comparability); ` +
    'their numbers are shown side by side but no paired test or live-vs-static correlation is computed across them.';
}

