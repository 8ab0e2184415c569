/**
 * Test helper process for import.kill.test.ts: imports a CSV file into a database file and, once
 * half of the regions are written (inside the import's transaction), writes a marker file and
 * waits to be killed. A tiny page cache makes SQLite spill uncommitted pages to the WAL first, so
 * the kill lands while the file holds half-written data.
 *
 * usage: node --import tsx server/io/kill-child.ts DB CSV MARKER VERSION_ID YEAR
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openDatabase } from '../db/client.ts';
import { importDataset } from './import.ts';

const [dbPath, csvPath, marker, versionId, year] = process.argv.slice(2);
const { db, sqlite } = openDatabase(dbPath);
sqlite.pragma('cache_size = 20');
let signalled = false;
await importDataset(db, {
  year: Number(year),
  versionId: Number(versionId),
  format: 'csv',
  data: readFileSync(csvPath),
  actor: 'child',
  onProgress: (done, total) => {
    if (signalled || done < total / 2) return;
    signalled = true;
    writeFileSync(marker, `${done}/${total}`);
    // Block inside the transaction until the parent kills us.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  },
});
process.stdout.write('import finished (should have been killed)\n');
