/** The key as it appears in a DSN: the UUID without dashes. */
export function keyHex(publicKey: string): string {
  return publicKey.replace(/-/g, '').toLowerCase();
}

/** `{scheme}://{key}@{host}{path}/{projectId}` from the public base URL. */
export function buildDsn(domain: string, publicKey: string, projectId: string | number): string {
  const url = new URL(domain);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${keyHex(publicKey)}@${url.host}${path}/${projectId}`;
}

export function buildSecurityEndpoint(domain: string, publicKey: string, projectId: string | number): string {
  return `${domain.replace(/\/+$/, '')}/api/${projectId}/security/?glitchtip_key=${keyHex(publicKey)}`;
}
