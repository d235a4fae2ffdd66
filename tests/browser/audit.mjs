// What every page must pass (DESIGN, "Pages"): the language asked for, and axe-core with no
// serious or critical violation, in light and in dark mode. Problems are collected rather than
// thrown, so that one run walks every flow to its end and lists every page's problems.

import { mkdir, appendFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The impacts that fail a page; moderate and minor ones go to the report file only.
const FAILING = new Set(['serious', 'critical']);
const MODES = ['light', 'dark'];

export class Audit {
  constructor({ artifacts, language }) {
    this.dir = join(artifacts, language);
    this.report = join(artifacts, 'report.txt');
    this.language = language;
    this.problems = [];
    this.pages = 0;
  }

  // Checks the page as it is now (after a navigation, with any errors shown), in both modes,
  // and leaves it in light mode.
  async check(page, name) {
    this.pages += 1;
    const label = `${this.language} ${String(this.pages).padStart(2, '0')}-${name}`;
    await page.waitForLoadState('load');
    await mkdir(this.dir, { recursive: true });

    const lang = await page.locator('html').getAttribute('lang');
    if ((lang ?? '').toLowerCase().split('-')[0] !== this.language) {
      this.fail(label, `<html lang="${lang}">, expected "${this.language}" (${page.url()})`);
    }

    for (const mode of MODES) {
      await page.emulateMedia({ colorScheme: mode });
      const file = join(this.dir, `${String(this.pages).padStart(2, '0')}-${name}-${mode}.png`);
      await page.screenshot({ path: file, fullPage: true });
      const violations = await axe(page);
      for (const violation of violations) {
        const text = describe(violation);
        await appendFile(this.report, `[${label}, ${mode}] ${text}\n`);
        if (FAILING.has(violation.impact)) {
          this.fail(`${label}, ${mode}`, text);
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  // Each named input that the page marks as wrong must say where its message is: an
  // `aria-describedby` naming elements that exist and hold text (DESIGN, "Pages"). `form`
  // picks one form where several on a page share a field's name (the account page).
  async describedErrors(page, name, fields, form = 'form') {
    for (const field of fields) {
      const input = page.locator(`${form} [name="${field}"]:not([type=hidden])`).first();
      const described = await input.evaluate((element) => {
        const ids = (element.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
        return ids
          .map((id) => document.getElementById(id))
          .filter((target) => target && target.textContent.trim() !== '')
          .map((target) => target.textContent.trim());
      });
      const invalid = await input.getAttribute('aria-invalid');
      if (invalid !== 'true') {
        this.fail(`${this.language} ${name}`, `the refused field "${field}" is not aria-invalid`);
      }
      if (described.length === 0) {
        this.fail(
          `${this.language} ${name}`,
          `the refused field "${field}" has no aria-describedby naming its message`,
        );
      }
    }
  }

  fail(where, what) {
    this.problems.push(`[${where}] ${what}`);
  }

  // Throws with every problem found since the last call, one readable block each.
  assertClean(flow) {
    const problems = this.problems.splice(0);
    if (problems.length > 0) {
      const heading = `${problems.length} problem(s) in "${flow}" (${this.language})`;
      throw new Error(`${heading}:\n\n${problems.join('\n\n')}\n`);
    }
  }
}

// axe-core's violations on the page as shown now. The source goes in by evaluation, which
// the pages' Content-Security-Policy does not govern (a <script> tag would be refused).
async function axe(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) {
    await page.evaluate(axeSource);
  }
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations;
}

// One violation as a few lines: rule, impact, help link, and each element with why it fails.
function describe(violation) {
  const nodes = violation.nodes.map((node) => {
    const why = (node.failureSummary ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !/^Fix (any|all) of the following:$/.test(line))
      .join('; ');
    return `    ${node.target.join(' ')}\n      ${why}`;
  });
  return [
    `${violation.impact} ${violation.id}: ${violation.help}`,
    `    ${violation.helpUrl}`,
    ...nodes,
  ].join('\n');
}
