// A page object for the VS Code workbench (code-server) with the checks the e2e test makes. Every
// check waits for a condition with a timeout (never a fixed sleep) and, through `step`, leaves a
// screenshot; a failing step throws "<step>: <what was expected, what was seen>" plus the screenshot path.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, SCREENSHOT_DIR, waitFor } from './harness';

export type Severity = 'error' | 'warning' | 'info';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dom = any;

export class Workbench {
  private n = 0;
  /** Paths of the screenshots taken, in order. */
  readonly shots: string[] = [];

  constructor(readonly page: Page, private prefix: string) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }

  async screenshot(name: string): Promise<string> {
    const file = join(SCREENSHOT_DIR, `${this.prefix}-${String(++this.n).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file, animations: 'disabled' });
    this.shots.push(file);
    return file;
  }

  /**
   * Runs one user-visible step. Success: a screenshot named after the step. Failure: a screenshot
   * `…-FAILED.png` and an error whose message names the step, says what went wrong and where the
   * screenshot is.
   */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    let value: T;
    try {
      value = await fn();
    } catch (e) {
      let shot: string;
      try {
        shot = relative(ROOT, await this.screenshot(`${slug}-FAILED`));
      } catch (se) {
        shot = `(no screenshot: ${se instanceof Error ? se.message : String(se)})`;
      }
      const err = new Error(`step "${name}" failed: ${e instanceof Error ? e.message : String(e)}\n    screenshot: ${shot}`);
      (err as Error & { screenshot: string }).screenshot = shot;
      throw err;
    }
    await this.screenshot(slug);
    return value;
  }

  // --- navigation --------------------------------------------------------------------------------

  async waitForWorkbench(): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  }

  async openFile(name: string): Promise<void> {
    const item = this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
    await item.waitFor({ timeout: 60_000 });
    await item.click();
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ timeout: 30_000 });
    await this.page.locator('.editor-instance .monaco-editor .view-lines .view-line').first().waitFor({ timeout: 30_000 });
  }

  /** Runs a command by its title from the Command Palette (F1), as a user would. */
  async runCommand(title: string): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await this.page.keyboard.type(title);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Puts the cursor at a 1-based line:column with Go to Line (Ctrl+G), the reliable way. */
  async gotoLine(line: number, column: number): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await this.page.keyboard.type(`${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitFor(async () => {
      const text = await this.page.locator('.statusbar-item[id="status.editor.selection"]').innerText().catch(() => '');
      return text.includes(`Ln ${line}, Col ${column}`) ? true : undefined;
    }, { timeoutMs: 10_000, what: `the cursor at Ln ${line}, Col ${column}` });
  }

  // --- what the editor shows ----------------------------------------------------------------------

  /** For every squiggle of a severity, the text of the editor line it underlines. */
  async squiggledLines(severity: Severity): Promise<string[]> {
    return this.page.evaluate((sev) => {
      // Runs in the page; loosely typed because the project compiles without the DOM library.
      const editor: Dom | null = (globalThis as Dom).document.querySelector('.editor-instance .monaco-editor');
      if (!editor) return [];
      const lines = [...editor.querySelectorAll('.view-lines .view-line')].map((el: Dom) => ({
        r: el.getBoundingClientRect(), t: String(el.textContent ?? '').replace(/\u00a0/g, ' '),
      }));
      return [...editor.querySelectorAll(`.squiggly-${sev}`)].map((sq: Dom): string => {
        const r = sq.getBoundingClientRect();
        const mid = (r.top + r.bottom) / 2;
        return lines.find((l: Dom) => mid >= l.r.top && mid < l.r.bottom)?.t ?? `(no line at y=${mid})`;
      });
    }, severity);
  }

  async expectSquiggle(severity: Severity, lineIncludes: string, timeoutMs = 30_000): Promise<string> {
    return waitFor(async () => (await this.squiggledLines(severity)).find((t) => t.includes(lineIncludes)), {
      timeoutMs,
      what: `an ${severity} squiggle under the line with ${JSON.stringify(lineIncludes)}`,
      detail: async () => `${severity} squiggles under: ${JSON.stringify(await this.squiggledLines(severity))}`,
    });
  }

  async expectNoSquiggle(severity: Severity, lineIncludes: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => ((await this.squiggledLines(severity)).some((t) => t.includes(lineIncludes)) ? undefined : true), {
      timeoutMs,
      what: `the ${severity} squiggle under the line with ${JSON.stringify(lineIncludes)} to go away`,
      detail: async () => `${severity} squiggles under: ${JSON.stringify(await this.squiggledLines(severity))}`,
    });
  }

  async openProblems(): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
      // Ctrl+Shift+M toggles the Problems view; press it only when the view is not showing.
      await this.page.keyboard.press('Control+Shift+M');
    }
    await panel.waitFor({ timeout: 15_000 });
  }

  /** The rows of the Problems panel, one string each, as a user reads them. */
  async problemRows(): Promise<string[]> {
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Waits for a Problems row with the rule id at a 1-based line and returns its text. */
  async expectProblem(ruleId: string, line: number, timeoutMs = 15_000): Promise<string> {
    const at = `[Ln ${line}, `;
    return this.expectProblemRow((r) => r.includes(ruleId) && r.includes(at), `rule id ${ruleId} at line ${line}`, timeoutMs);
  }

  /** A Problems panel row containing a text (any file, any line). */
  async expectProblemText(text: string, timeoutMs = 15_000): Promise<string> {
    return this.expectProblemRow((r) => r.includes(text), JSON.stringify(text), timeoutMs);
  }

  async expectNoProblem(ruleId: string, timeoutMs = 15_000): Promise<string[]> {
    return this.expectNoProblemRow((r) => r.includes(ruleId), ruleId, timeoutMs);
  }

  async expectNoProblemText(text: string, timeoutMs = 15_000): Promise<string[]> {
    return this.expectNoProblemRow((r) => r.includes(text), JSON.stringify(text), timeoutMs);
  }

  private async expectProblemRow(matches: (row: string) => boolean, what: string, timeoutMs: number): Promise<string> {
    await this.openProblems();
    return waitFor(async () => (await this.problemRows()).find(matches), {
      timeoutMs,
      what: `a Problems panel row with ${what}`,
      detail: async () => `Problems panel rows: ${JSON.stringify(await this.problemRows())}`,
    });
  }

  /** Waits until no row matches; returns the rows then. */
  private async expectNoProblemRow(matches: (row: string) => boolean, what: string, timeoutMs: number): Promise<string[]> {
    await this.openProblems();
    return waitFor(async () => {
      const rows = await this.problemRows();
      return rows.some(matches) ? undefined : rows;
    }, {
      timeoutMs,
      what: `the Problems panel to have no ${what} row`,
      detail: async () => `Problems panel rows: ${JSON.stringify(await this.problemRows())}`,
    });
  }

  async hoverTexts(): Promise<string[]> {
    return (await this.page.locator('.monaco-hover-content:visible').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Shows the hover at a 1-based position (Ctrl+K Ctrl+I) and waits until its text matches every pattern. */
  async expectHover(line: number, column: number, patterns: RegExp[], timeoutMs = 15_000): Promise<string> {
    await this.gotoLine(line, column);
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    const text = await waitFor(async () => {
      const all = (await this.hoverTexts()).join('\n');
      return patterns.every((p) => p.test(all)) ? all : undefined;
    }, {
      timeoutMs,
      what: `a hover at ${line}:${column} matching ${patterns.join(' and ')}`,
      detail: async () => `hover text: ${JSON.stringify(await this.hoverTexts())}`,
    });
    // The hover fades in; wait until it is fully opaque so the screenshot shows it.
    await this.page.waitForFunction(() => {
      const g = globalThis as Dom;
      const el = [...g.document.querySelectorAll('.monaco-hover')].find((h: Dom) => h.getBoundingClientRect().height > 0);
      return !!el && g.getComputedStyle(el).opacity === '1';
    }, undefined, { timeout: 5_000 }).catch(() => undefined);
    return text;
  }

  /** Focuses the open hover and scrolls it (Down arrow, as a user would) until `text` is in view. */
  async scrollHoverTo(text: string, timeoutMs = 10_000): Promise<void> {
    const visible = () => this.page.evaluate((t) => {
      const g = globalThis as Dom;
      // Other, hidden hover widgets share the class: take the one on screen.
      const hover = [...g.document.querySelectorAll('.monaco-hover')].find((h: Dom) => h.getBoundingClientRect().height > 0);
      if (!hover) return false;
      const box = hover.getBoundingClientRect();
      const walker = g.document.createTreeWalker(hover, 4 /* NodeFilter.SHOW_TEXT */);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!String(n.textContent).includes(t)) continue;
        const range = g.document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom;
      }
      return false;
    }, text);
    // A second Ctrl+K Ctrl+I moves the keyboard focus into the visible hover.
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    await this.page.locator('.monaco-hover:focus-within').first().waitFor({ timeout: timeoutMs });
    await waitFor(async () => {
      if (await visible()) return true;
      await this.page.keyboard.press('ArrowDown');
      return undefined;
    }, { timeoutMs, intervalMs: 30, what: `${JSON.stringify(text)} scrolled into view in the hover` });
  }

  async hideHover(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-hover-content:visible').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }

  /** The titles in the quick-fix menu (Ctrl+.) at a 1-based position; the menu stays open. */
  async openQuickFixes(line: number, column: number, timeoutMs = 15_000): Promise<string[]> {
    await this.gotoLine(line, column);
    // The light bulb appears when the server offers code actions for the cursor's line.
    await this.page.locator('.lightBulbWidget.codicon').first().waitFor({ timeout: timeoutMs }).catch(() => {
      throw new Error(`no light bulb at ${line}:${column} within ${timeoutMs} ms: the server offered no code action there`);
    });
    await this.page.keyboard.press('Control+.');
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.first().waitFor({ timeout: timeoutMs });
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Closes the quick-fix menu without applying anything. */
  async closeQuickFixes(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 5_000 });
  }

  async applyQuickFix(title: RegExp, line: number, column: number, timeoutMs = 15_000): Promise<string> {
    const titles = await this.openQuickFixes(line, column, timeoutMs);
    const index = titles.findIndex((t) => title.test(t));
    await this.screenshot('quick-fix-menu');
    if (index < 0) {
      throw new Error(`no quick fix matching ${title} in the Ctrl+. menu; offered: ${JSON.stringify(titles)}`);
    }
    // Keyboard, as a user would after Ctrl+.: move the focus to the fix, then Enter.
    const focused = this.page.locator('.action-widget .monaco-list-row.action.focused');
    for (let i = 0; i < titles.length && !title.test((await focused.innerText().catch(() => '')).trim()); i++) {
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
    return titles[index];
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 });
  }
}
