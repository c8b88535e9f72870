/**
 * The configuration table as Markdown lines: what `npm run admin -- config table`
 * prints and what README.md carries between its config-table markers.
 */
import { settings } from './settings.js';

export function configTable(): string[] {
  const cell = (v: string | undefined): string => (v === undefined ? '-' : v === '' ? '(empty)' : `\`${v}\``);
  return [
    '| Variable | Default | Description |',
    '|---|---|---|',
    ...settings.map((s) => `| \`${s.env}\` | ${cell('default' in s ? s.default : undefined)} | ${s.description} |`),
  ];
}
