import { SUBGRAPHS } from '@agora/schema';
import type { IEnvVarSource } from 'kubernetes-models/v1/EnvVarSource';
import { Secret } from 'kubernetes-models/v1/Secret';
import type { ChartValues } from './values.js';

/** The gateway secret and the token key pair. */
export const KEYS_SECRET = 'agora-keys';
/** The database and Redis URLs, which may carry passwords. */
export const CONNECTIONS_SECRET = 'agora-connections';

const LABELS = { 'app.kubernetes.io/part-of': 'agora' };

export function renderSecrets(values: ChartValues): Secret[] {
  const { secrets } = values;
  return [
    new Secret({
      metadata: { name: KEYS_SECRET, labels: LABELS },
      type: 'Opaque',
      stringData: {
        'gateway-secret': secrets.gatewaySecret,
        'jwt-key-id': secrets.jwtKeyId,
        'jwt-private-key': secrets.jwtPrivateKey,
        'jwt-public-key': secrets.jwtPublicKey,
      },
    }),
    new Secret({
      metadata: { name: CONNECTIONS_SECRET, labels: LABELS },
      type: 'Opaque',
      stringData: {
        'redis-url': values.redis.url,
        ...Object.fromEntries(
          SUBGRAPHS.map(({ name }) => [
            `database-url-${name}`,
            databaseUrl(values.postgres.url, `${values.postgres.databasePrefix}${name}`),
          ]),
        ),
      },
    }),
  ];
}

export function secretKeyRef(secret: string, key: string): IEnvVarSource {
  return { secretKeyRef: { name: secret, key } };
}

/** The server URL with the database as its path; credentials and query (sslmode) are kept. */
function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.href;
}
