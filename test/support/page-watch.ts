/** Browser tests: collect a page's console errors and catch the redirect back to the client instead of loading it. */
import type { BrowserContext, Page } from 'playwright-core';

export function watchPage(context: BrowserContext, page: Page, redirect: string): { errors: string[]; callback: Promise<URL> } {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const callback = new Promise<URL>((resolve) => {
    void context.route(`${redirect}**`, async (route) => {
      resolve(new URL(route.request().url()));
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>done</title><p>done</p></html>' });
    });
  });
  return { errors, callback };
}
