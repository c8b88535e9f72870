/**
 * Screenshots of the pages a browser test visits, for the README. Written only when
 * PORTCULLIS_SCREENSHOTS names a folder (e.g. docs/screenshots), so an ordinary test run
 * leaves the work tree alone.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Saves a full-page PNG named `name` when screenshots are asked for. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.PORTCULLIS_SCREENSHOTS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
