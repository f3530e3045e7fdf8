// Pulls one data set with the environment it was given; run twice at once by hub.test.ts.
import { prepareDataset } from '../../src/data/index.js';

const ref = await prepareDataset(process.argv[2]!);
process.stdout.write(JSON.stringify({ sha256: ref.sha256, revision: ref.revision, records: ref.records }) + '\n');
