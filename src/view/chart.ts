import { esc, f1 } from '../compare/format.js';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export interface Series {
  name: string;
  color: string;
  dashed: boolean;
  values: number[];
}

/** A model name without the endpoint it was served from (a URL says nothing a reader needs and is long). */
export const shortModel = (m: string): string => m.replace(/@[a-z][a-z0-9+.-]*:\/\/\S*/i, '').replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, '').trim() || m;

/**
 * Legend names that tell runs apart: model, setting, protocol and mode; a short run id only where
 * those still collide.
 */
export function legendNames(runs: { id: string; model: string; setting: string; protocol: string; mode: string }[]): string[] {
  const base = runs.map((r) => [shortModel(r.model), r.setting, r.protocol, r.mode].filter(Boolean).join(' · '));
  const count = new Map<string, number>();
  for (const b of base) count.set(b, (count.get(b) ?? 0) + 1);
  return base.map((b, i) => (count.get(b)! > 1 ? `${b} · ${shortId(runs[i]!.id)}` : b));
}

/** The last two path segments of a run id (enough to tell siblings apart). */
export const shortId = (id: string): string => id.split('/').slice(-2).join('/');

/** An inline SVG line chart of per-turn values in [0, 1], drawn as percentages. */
export function lineChartSvg(title: string, kind: string, setting: string, series: Series[], maxTurn: number): string {
  const W = 460;
  const H = 280;
  const ml = 46;
  const mr = 14;
  const mt = 30;
  const mb = 40;
  const x = (t: number): number => ml + (maxTurn ? t / maxTurn : 0) * (W - ml - mr);
  const y = (v: number): number => mt + (1 - v) * (H - mt - mb);
  const parts: string[] = [];
  parts.push(`<svg class="chart" data-kind="${esc(kind)}" data-setting="${esc(setting)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" class="chart-title">${esc(title)}</text>`);
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line class="grid" x1="${ml}" x2="${W - mr}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${ml - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v * 100}</text>`);
  }
  const step = maxTurn > 20 ? Math.ceil(maxTurn / 10) : 1;
  for (let t = 0; t <= maxTurn; t += step) parts.push(`<text class="tick" x="${x(t).toFixed(1)}" y="${H - mb + 16}" text-anchor="middle">${t}</text>`);
  parts.push(`<line class="axis" x1="${ml}" x2="${W - mr}" y1="${y(0)}" y2="${y(0)}"/><line class="axis" x1="${ml}" x2="${ml}" y1="${mt}" y2="${y(0)}"/>`);
  parts.push(`<text class="axis-label" x="${(ml + W - mr) / 2}" y="${H - 6}" text-anchor="middle">turn</text>`);
  parts.push(`<text class="axis-label" transform="translate(12 ${(mt + H - mb) / 2}) rotate(-90)" text-anchor="middle">%</text>`);
  for (const s of series) {
    const pts = s.values.map((v, t) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<g class="series" data-name="${esc(s.name)}"><title>${esc(s.name)}: ${s.values.map(f1).join(' ')}</title>`);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dashed ? 'stroke-dasharray="6 4" ' : ''}points="${pts}"/>`);
    for (let t = 0; t < s.values.length; t++) parts.push(`<circle cx="${x(t).toFixed(1)}" cy="${y(s.values[t]!).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

/** The legend under a chart: one swatch per series, dashed for static runs. */
export function legendHtml(series: Series[]): string {
  return `<ul class="legend">${series.map((s) => `<li data-name="${esc(s.name)}"><svg width="28" height="10"><line x1="0" x2="28" y1="5" y2="5" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/></svg> ${esc(s.name)}</li>`).join('')}</ul>`;
}
