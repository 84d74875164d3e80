/** `npm run events`: writes events/ from the sample events, and removes files that are no longer samples. */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_EVENTS, sampleEventFile } from './sample-events';

const dir = 'events';
for (const file of readdirSync(dir)) {
  if (file.endsWith('.json') && !(file in SAMPLE_EVENTS)) rmSync(join(dir, file));
}
for (const [file, event] of Object.entries(SAMPLE_EVENTS)) {
  writeFileSync(join(dir, file), sampleEventFile(event));
}
console.log(`Wrote ${Object.keys(SAMPLE_EVENTS).length} events to ${dir}/`);
