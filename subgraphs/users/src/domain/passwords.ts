import argon2 from 'argon2';

/** argon2id cost; the defaults are OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). */
export interface PasswordHashing {
  memoryKib: number;
  timeCost: number;
}

export const DEFAULT_PASSWORD_HASHING: PasswordHashing = { memoryKib: 19_456, timeCost: 2 };

export const PASSWORD_LIMITS = { min: 8, max: 128 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Whether `password` matches `hash`; pass null to spend the same time on an unknown account. */
  verify(hash: string | null, password: string): Promise<boolean>;
}

export function createPasswordHasher(cost: PasswordHashing): PasswordHasher {
  const options: argon2.Options & { raw?: false } = {
    type: argon2.argon2id,
    memoryCost: cost.memoryKib,
    timeCost: cost.timeCost,
    parallelism: 1,
  };
  // Verified against when the email is unknown, so a login's timing does not tell
  // whether an account exists.
  let decoyHash: Promise<string> | undefined;

  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      if (hash === null) {
        decoyHash ??= argon2.hash('agora-decoy-password', options);
        await argon2.verify(await decoyHash, password);
        return false;
      }
      return argon2.verify(hash, password);
    },
  };
}
