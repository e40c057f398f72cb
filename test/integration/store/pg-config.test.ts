import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/config.js';
import { InputError } from '../../../src/domain/errors.js';
import { describeDb, pgTarget, redactPgUrl } from '../../../src/store/pg/url.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/postship');
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  return [];
}

/** POSTSHIP_DB: a path is SQLite (resolved as before), a postgres:// or postgresql:// URL is PostgreSQL (kept as given). */
describe('POSTSHIP_DB picks the engine', () => {
  it('a path is SQLite, resolved against the working directory', () => {
    expect(loadConfig({ POSTSHIP_DB: './data/p.db' }, '/srv/postship')).toMatchObject({ dbEngine: 'sqlite', dbPath: '/srv/postship/data/p.db' });
    expect(loadConfig({}, '/srv/postship')).toMatchObject({ dbEngine: 'sqlite', dbPath: '/srv/postship/data/postship.db' });
  });

  it('a postgres:// or postgresql:// URL is PostgreSQL, kept as given', () => {
    for (const url of ['postgres://postship:pw@db.internal:5432/postship', 'postgresql://postship@10.0.0.5/ledger', 'POSTGRES://u:p@h/d']) {
      expect(loadConfig({ POSTSHIP_DB: url }, '/srv/postship')).toMatchObject({ dbEngine: 'postgres', dbPath: url });
    }
  });

  it('a URL without a database, or one that does not parse, is a problem that never shows the password', () => {
    expect(problems({ POSTSHIP_DB: 'postgres://postship:s3cret@db.internal:5432/' })).toEqual([
      'POSTSHIP_DB: "postgres://postship:***@db.internal:5432/" names no database: add it after the host (db.internal:5432/postship)',
    ]);
    const [unparsable] = problems({ POSTSHIP_DB: 'postgres://postship:s3/cr#et@db.internal:5432/postship' });
    expect(unparsable).toMatch(/^POSTSHIP_DB: "postgres:\/\/\*\*\*@db\.internal:5432\/postship" is not a valid PostgreSQL URL: use postgres:\/\/user:password@host:5432\/database \(percent-encode/);
    expect(unparsable).not.toContain('s3');
  });

  it('names a target by host, port, database and user, without the password', () => {
    expect(pgTarget('postgres://postship:pw@db.internal/ledger')).toEqual({ host: 'db.internal', port: 5432, database: 'ledger', user: 'postship' });
    expect(pgTarget('postgres://app@localhost/ledger?host=/run/postgresql')).toMatchObject({ host: '/run/postgresql', database: 'ledger' });
    expect(redactPgUrl('postgres://postship:pw@db.internal:6432/ledger')).toBe('postgres://postship:***@db.internal:6432/ledger');
    expect(describeDb('/var/lib/postship/postship.db')).toBe('/var/lib/postship/postship.db');
  });
});
