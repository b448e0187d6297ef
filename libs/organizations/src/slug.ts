/** GlitchTip-style slug: lowercase ASCII letters, digits and dashes. */
export function slugify(name: string, maxLength = 50): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return slug || 'default';
}

/** Organization slugs that would shadow a route of the web UI or the API: GlitchTip appends `-1`. */
const RESERVED_ORGANIZATION_SLUGS = new Set([
  'login',
  'register',
  'app',
  'profile',
  'organizations',
  'settings',
  'issues',
  'performance',
  '_health',
  'rest-auth',
  'api',
  'accept',
  'stripe',
  'admin',
  'status_page',
  '__debug__',
]);

export function organizationSlug(name: string): string {
  const slug = slugify(name);
  return RESERVED_ORGANIZATION_SLUGS.has(slug) ? `${slug}-1` : slug;
}
