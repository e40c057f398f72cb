import type { TestProject } from 'vitest/node';
import { startWith } from './global-setup.js';

export { teardown } from './global-setup.js';

export async function setup(project: TestProject): Promise<void> {
  await startWith(project, { full: false });
}
