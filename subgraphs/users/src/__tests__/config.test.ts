import { readConfig } from '@agora/config';
import { readAttemptLimits } from '../config.js';

const read = (env: Record<string, string>) => readConfig('users', env, readAttemptLimits);

describe('readAttemptLimits', () => {
  it('should default to failed logins only, with an account-wide limit ten addresses wide', () => {
    expect(read({})).toEqual({
      loginFailuresPerAccountAndAddress: 10,
      loginFailuresPerAddress: 100,
      loginFailuresPerAccount: 100,
      registerPerAddress: 20,
    });
  });

  it('should refuse an account-wide limit that one address alone could reach', () => {
    expect(() =>
      read({ LOGIN_FAILURE_LIMIT_PER_ACCOUNT: '10', LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS: '10' }),
    ).toThrow(
      'LOGIN_FAILURE_LIMIT_PER_ACCOUNT (10) must be above LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS (10), or one address could lock an account out',
    );
  });

  it('should name the settings to use instead of the ones that counted every login', () => {
    expect(() => read({ LOGIN_LIMIT_PER_ACCOUNT: '10', LOGIN_LIMIT_PER_ADDRESS: '100' })).toThrow(
      [
        'Invalid configuration for users:',
        '  - LOGIN_LIMIT_PER_ACCOUNT is gone (logins count failures only now): set LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS and LOGIN_FAILURE_LIMIT_PER_ACCOUNT',
        '  - LOGIN_LIMIT_PER_ADDRESS is gone (logins count failures only now): set LOGIN_FAILURE_LIMIT_PER_ADDRESS',
      ].join('\n'),
    );
  });
});
