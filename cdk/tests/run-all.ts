// `npm test`: every *.test.js beside this file, in one process, so the stack is synthesized once
// per configuration rather than once per file (most of a synth's cost is the first one in a
// process). One file alone: `node dist/tests/storage.test.js`.
import * as fs from 'node:fs';
import * as path from 'node:path';

for (const file of fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
  require(path.join(__dirname, file));
}
