/** Every admin command has a usage line, and every usage line names a real command. */
import { commands } from '../../../scripts/admin/commands.js';
import { USAGE } from '../../../scripts/admin/help.js';

describe('admin help', () => {
  it('has exactly one usage line per command', () => {
    expect(Object.keys(USAGE).sort()).toEqual(Object.keys(commands).sort());
  });

  it('starts each usage line with its command', () => {
    for (const [key, line] of Object.entries(USAGE)) expect(line.startsWith(key + ' ') || line === key).toBe(true);
  });
});
