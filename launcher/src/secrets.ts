// `npm run secrets`: writes .env for docker compose with a fresh gateway secret, database
// password and token key pair. An existing .env is kept unless --force is given.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateSigningKeys } from '@agora/service';

const envFile = fileURLToPath(new URL('../../.env', import.meta.url));

if (existsSync(envFile) && !process.argv.includes('--force')) {
  console.log(`.env already exists; keeping it (run with --force to replace it, which logs everyone out).`);
} else {
  const keys = generateSigningKeys();
  const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
  const lines = [
    '# Written by `npm run secrets` for docker compose. Keep it out of version control.',
    `GATEWAY_SECRET=${randomBytes(32).toString('base64url')}`,
    `POSTGRES_PASSWORD=${randomBytes(24).toString('base64url')}`,
    `JWT_KEY_ID=${keys.keyId}`,
    `JWT_PRIVATE_KEY=${oneLine(keys.privateKeyPem)}`,
    `JWT_PUBLIC_KEY=${oneLine(keys.publicKeyPem)}`,
  ];
  await writeFile(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  console.log('wrote .env with a new gateway secret, database password and token key pair');
}
