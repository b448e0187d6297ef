import { http } from '../support/http';
import { startTestStack, TestStack } from '../support/test-app';

type Operation = {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Document = { info: { version: string }; paths: Record<string, Record<string, Operation>> };

/** Every admin and account endpoint, as clients call it. */
const ENDPOINTS: Array<[string, string]> = [
  ['get', '/_allauth/browser/v1/config'],
  ['get', '/_allauth/browser/v1/auth/session'],
  ['delete', '/_allauth/browser/v1/auth/session'],
  ['post', '/_allauth/browser/v1/auth/login'],
  ['post', '/_allauth/browser/v1/auth/signup'],
  ['post', '/_allauth/browser/v1/auth/password/request'],
  ['get', '/_allauth/browser/v1/auth/password/reset'],
  ['post', '/_allauth/browser/v1/auth/password/reset'],
  ['post', '/_allauth/browser/v1/account/password/change'],
  ['post', '/_allauth/browser/v1/auth/reauthenticate'],
  ['get', '/_allauth/browser/v1/auth/email/verify'],
  ['post', '/_allauth/browser/v1/auth/email/verify'],
  ['get', '/api/settings/'],
  ['get', '/api/0/'],
  ['get', '/api/0/api-tokens/'],
  ['post', '/api/0/api-tokens/'],
  ['delete', '/api/0/api-tokens/{tokenId}/'],
  ['get', '/api/0/organizations/'],
  ['post', '/api/0/organizations/'],
  ['get', '/api/0/organizations/{organizationSlug}/'],
  ['put', '/api/0/organizations/{organizationSlug}/'],
  ['delete', '/api/0/organizations/{organizationSlug}/'],
  ['get', '/api/0/organizations/{organizationSlug}/members/'],
  ['post', '/api/0/organizations/{organizationSlug}/members/'],
  ['get', '/api/0/organizations/{organizationSlug}/members/{memberId}/'],
  ['put', '/api/0/organizations/{organizationSlug}/members/{memberId}/'],
  ['delete', '/api/0/organizations/{organizationSlug}/members/{memberId}/'],
  ['post', '/api/0/organizations/{organizationSlug}/members/{memberId}/set_owner/'],
  ['post', '/api/0/organizations/{organizationSlug}/members/{memberId}/teams/{teamSlug}/'],
  ['delete', '/api/0/organizations/{organizationSlug}/members/{memberId}/teams/{teamSlug}/'],
  ['get', '/api/0/accept/{memberId}/{token}/'],
  ['post', '/api/0/accept/{memberId}/{token}/'],
  ['get', '/api/0/organizations/{organizationSlug}/teams/'],
  ['post', '/api/0/organizations/{organizationSlug}/teams/'],
  ['get', '/api/0/teams/{organizationSlug}/{teamSlug}/'],
  ['put', '/api/0/teams/{organizationSlug}/{teamSlug}/'],
  ['delete', '/api/0/teams/{organizationSlug}/{teamSlug}/'],
  ['get', '/api/0/teams/{organizationSlug}/{teamSlug}/members/'],
  ['get', '/api/0/teams/{organizationSlug}/{teamSlug}/projects/'],
  ['post', '/api/0/teams/{organizationSlug}/{teamSlug}/projects/'],
  ['get', '/api/0/projects/'],
  ['get', '/api/0/organizations/{organizationSlug}/projects/'],
  ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/'],
  ['put', '/api/0/projects/{organizationSlug}/{projectSlug}/'],
  ['delete', '/api/0/projects/{organizationSlug}/{projectSlug}/'],
  ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/teams/'],
  ['post', '/api/0/projects/{organizationSlug}/{projectSlug}/teams/{teamSlug}/'],
  ['delete', '/api/0/projects/{organizationSlug}/{projectSlug}/teams/{teamSlug}/'],
  ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/keys/'],
  ['post', '/api/0/projects/{organizationSlug}/{projectSlug}/keys/'],
  ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/keys/{keyId}/'],
  ['put', '/api/0/projects/{organizationSlug}/{projectSlug}/keys/{keyId}/'],
  ['delete', '/api/0/projects/{organizationSlug}/{projectSlug}/keys/{keyId}/'],
  ['get', '/api/0/organizations/{organizationSlug}/environments/'],
  ['get', '/api/0/projects/{organizationSlug}/{projectSlug}/environments/'],
  ['put', '/api/0/projects/{organizationSlug}/{projectSlug}/environments/{name}/'],
  ['get', '/api/0/users/'],
  ['get', '/api/0/users/{userId}/'],
  ['put', '/api/0/users/{userId}/'],
  ['delete', '/api/0/users/{userId}/'],
  ['get', '/api/0/users/{userId}/emails/'],
  ['post', '/api/0/users/{userId}/emails/'],
  ['put', '/api/0/users/{userId}/emails/'],
  ['delete', '/api/0/users/{userId}/emails/'],
  ['post', '/api/0/users/{userId}/emails/confirm/'],
  ['get', '/api/0/users/{userId}/notifications/'],
  ['put', '/api/0/users/{userId}/notifications/'],
  ['get', '/api/0/users/{userId}/notifications/alerts/'],
  ['put', '/api/0/users/{userId}/notifications/alerts/'],
];

describe('every admin and account endpoint in /api/openapi.json', () => {
  let stack: TestStack;
  let document: Document;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    document = (await http<Document>(stack.baseUrl, '/api/openapi.json')).body;
  });
  afterAll(() => stack.close());

  it('lists each with an operation id, a response schema and, for writes with a body, a request schema', () => {
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    const problems: string[] = [];
    for (const [method, path] of ENDPOINTS) {
      const operation = document.paths[path]?.[method];
      if (!operation) {
        problems.push(`${method} ${path}: missing`);
        continue;
      }
      if (!operation.operationId) problems.push(`${method} ${path}: no operationId`);
      // Logout and a password reset answer 401 when they succeed, as allauth does.
      const success = Object.entries(operation.responses).find(
        ([code]) => /^2/.test(code) || (path.startsWith('/_allauth/') && code === '401'),
      );
      if (!success) problems.push(`${method} ${path}: no success response`);
      else if (success[0] !== '204' && !success[1].content?.['application/json']?.schema)
        problems.push(`${method} ${path}: no response schema`);
      const needsBody =
        ['post', 'put'].includes(method) &&
        !/set_owner|\/teams\/\{teamSlug\}\/$|emails\/confirm/.test(path) &&
        !(method === 'post' && path.endsWith('/teams/{teamSlug}/'));
      if (needsBody && !operation.requestBody?.content?.['application/json']?.schema)
        problems.push(`${method} ${path}: no request schema`);
    }
    expect(problems).toEqual([]);
  });

  it('documents the 422 shape and GlitchTip’s schema names', () => {
    const schemas = Object.keys(
      (document as unknown as { components: { schemas: object } }).components.schemas,
    );
    for (const name of [
      'OrganizationSchema',
      'OrganizationDetailSchema',
      'ProjectSchema',
      'ProjectKeySchema',
      'TeamProjectSchema',
      'OrganizationUserSchema',
      'UserSchema',
      'APITokenSchema',
      'SettingsOut',
      'ValidationErrorSchema',
    ])
      expect(schemas).toContain(name);
    const create = document.paths['/api/0/organizations/']!.post!;
    expect(create.responses['422']?.content?.['application/json']?.schema).toBeDefined();
  });
});
