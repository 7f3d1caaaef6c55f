// Markdown helpers for editor texts. Everything is written once as Markdown; clients that only
// render plain text get `toPlainText` of it, so the two never drift apart.

/** An inline code span that survives backticks inside the value. */
export function code(value: string): string {
  const runs = value.match(/`+/g) ?? [];
  // reduce, not Math.max(...runs): a path with 200,000 backtick runs overflows the call stack.
  const fence = '`'.repeat(runs.reduce((m, r) => Math.max(m, r.length), 0) + 1);
  const pad = value.startsWith('`') || value.endsWith('`') || value === '' ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

export function link(text: string, href: string): string {
  return `[${text}](${href.replace(/\)/g, '%29').replace(/ /g, '%20')})`;
}

export function plural(n: number, singular: string, pluralForm = singular + 's'): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/**
 * Plain-text rendering of the Markdown these modules produce: links become `text (url)`, emphasis
 * and code fences go, escapes are undone, horizontal rules become a blank line.
 */
export function toPlainText(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => (/^\s*(-{3,}|\*{3,})\s*$/.test(line) ? '' : line))
    .join('\n')
    // Link texts hold no `[`: without that, each `[` of a path full of them scans to the end (quadratic).
    .replace(/\[([^\][]*)\]\(([^)]*)\)/g, (_m, text: string, url: string) => (url ? `${text} (${url.replace(/%20/g, ' ').replace(/%29/g, ')')})` : text))
    .replace(/(`+) ?([^`]|[^`][\s\S]*?[^`]) ?\1/g, '$2')
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;]|$)/g, '$1$2')
    .replace(/^#{1,6} /gm, '')
    .replace(/\\([\\`*_[\]<>|#])/g, '$1');
}
