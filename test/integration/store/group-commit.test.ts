import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, openDb, type Db } from '../../../src/store/db.js';
import { groupCommit } from '../../../src/store/group-commit.js';
import { tempDir, type TempDir } from '../../helpers/env.js';

describe('group commit', () => {
  let dir: TempDir;
  let db: Db;
  afterEach(() => {
    closeDb(db);
    dir.remove();
  });

  function setup() {
    dir = tempDir();
    db = openDb(dir.file('ledger.db'));
    db.$client.exec('CREATE TABLE t (v INTEGER UNIQUE)');
    const insert = db.$client.prepare('INSERT INTO t (v) VALUES (?)');
    // Another connection, as another process would read the file.
    const reader = new Database(dir.file('ledger.db'), { readonly: true });
    const count = () => (reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    return { commit: groupCommit(db), insert, reader, count };
  }

  it('writes of one turn share a transaction, and each is visible to others once its promise resolves', async () => {
    const { commit, insert, reader, count } = setup();
    const inTransaction: boolean[] = [];
    const writes = Array.from({ length: 20 }, (_, i) =>
      commit(() => {
        inTransaction.push(db.$client.inTransaction);
        return insert.run(i).changes;
      }),
    );
    expect(count()).toBe(0); // nothing written before the turn ends
    expect(await Promise.all(writes)).toEqual(Array(20).fill(1));
    expect(inTransaction).toEqual(Array(20).fill(true));
    expect(count()).toBe(20);
    reader.close();
  });

  it('a write that throws fails only its own caller; the others are committed', async () => {
    const { commit, insert, reader, count } = setup();
    const results = await Promise.allSettled([
      commit(() => insert.run(1)),
      commit(() => {
        insert.run(2);
        insert.run(1); // UNIQUE violation: this write, including its first insert, is rolled back
      }),
      commit(() => insert.run(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/UNIQUE/);
    expect(count()).toBe(2);
    expect(reader.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 1 }, { v: 3 }]);
    reader.close();
  });
});
