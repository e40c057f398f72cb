import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { startCheckpointer } from '../../../src/store/checkpointer.js';
import { closeDb, openDb, type Db } from '../../../src/store/db.js';
import { tempDir, type TempDir } from '../../helpers/env.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background WAL checkpointer', () => {
  let dir: TempDir;
  let db: Db;
  afterEach(() => {
    closeDb(db);
    dir.remove();
  });

  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    dir = tempDir();
    const path = dir.file('ledger.db');
    db = openDb(path);
    const checkpointer = startCheckpointer(db, silentLogger(), 50)!;
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(16_384); // the backstop only
    const before = statSync(path).size;
    db.$client.exec('CREATE TABLE filler (body TEXT)');
    const insert = db.$client.prepare('INSERT INTO filler (body) VALUES (?)');
    // ~2 MB in small commits: far below the writer's own 64 MB backstop.
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(4000));
    let size = statSync(path).size;
    for (let waited = 0; size < before + 2_000_000 && waited < 5000; waited += 50) {
      await sleep(50);
      size = statSync(path).size;
    }
    expect(size).toBeGreaterThan(before + 2_000_000);
    await checkpointer.stop();
    expect(db.$client.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 500 });
  });

  it('is not started for an in-memory database', () => {
    dir = tempDir();
    db = openDb(':memory:');
    expect(startCheckpointer(db, silentLogger())).toBeNull();
  });
});
