/**
 * The prompt template engine: `{{key}}` is replaced by vars[key] (empty when the key is given but
 * undefined; left as it is when the key is not given); `{{#key}}...{{/key}}` is kept only when
 * vars[key] is non-empty. Values are inserted in one pass, byte for byte.
 */
export function fillTemplate(t: string, vars: Record<string, string | undefined>): string {
  const sections = t.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_m, key: string, inner: string) => (vars[key] ? inner : ''));
  return sections.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (key in vars ? vars[key] ?? '' : whole));
}
