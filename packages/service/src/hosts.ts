// What a HOST setting means to clients: 0.0.0.0 and :: listen on every address, and name none.

/** Whether `host` listens on every address of the machine rather than naming one. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** A host a client on this machine can dial, for the URLs we print. */
export function connectableHost(host: string): string {
  return isWildcardHost(host) ? '127.0.0.1' : host;
}
