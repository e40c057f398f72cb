import { describe, expect, it } from 'vitest';
import { redactUserinfo } from '../../../src/domain/redact.js';

describe('redactUserinfo', () => {
  it.each([
    ['smtp://mailer:Xk9/vQ2+Secret@host:587', 'smtp://***@host:587'],
    ['smtps://u:p?a#ss@smtp.example.com:465/?pool=false', 'smtps://***@smtp.example.com:465/?pool=false'],
    ['redis://:p@ss@127.0.0.1:6379', 'redis://***@127.0.0.1:6379'],
    ['redis://apitoken@10.0.0.1', 'redis://***@10.0.0.1'],
    ['error: SMTP_URL: "smtp://a:b/c@h" is not a URL', 'error: SMTP_URL: "smtp://***@h" is not a URL'],
  ])('%s → %s', (input, expected) => {
    expect(redactUserinfo(input)).toBe(expected);
  });

  it('leaves URLs without userinfo alone', () => {
    expect(redactUserinfo('smtp://smtp.example.com:587 and redis://127.0.0.1:6379/0')).toBe('smtp://smtp.example.com:587 and redis://127.0.0.1:6379/0');
  });
});
