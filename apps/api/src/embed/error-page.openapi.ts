import type { OpenAPIObject } from '@nestjs/swagger';

type PathItemObject = OpenAPIObject['paths'][string];
type Parameters = NonNullable<NonNullable<PathItemObject['get']>['parameters']>;

const text = (name: string, description: string) => ({
  name,
  in: 'query' as const,
  required: false,
  schema: { type: 'string' as const },
  description,
});

const AUTH_PARAMS: Parameters = [
  {
    name: 'dsn',
    in: 'query',
    required: true,
    schema: { type: 'string' },
    description: "The project's DSN; its public key authenticates the request",
  },
  {
    name: 'eventId',
    in: 'query',
    required: true,
    schema: { type: 'string', example: 'fc6d8c0c43fc4630ad850ee518f1b9d0' },
    description: 'The event the report is about (32 hex digits or a UUID)',
  },
];

const ERRORS = {
  '400': { description: 'Missing or malformed eventId: `{"detail": "..."}`' },
  '401': { description: 'No dsn, or one that is not a DSN' },
  '403': {
    description: 'Unknown or disabled key, a key of another project, or a project that refuses events',
  },
};

/** The crash-report dialog is served ahead of Nest (see ErrorPageHandler), so it is described by hand. */
export const ERROR_PAGE_PATH_ITEM: PathItemObject = {
  get: {
    tags: ['ingest'],
    operationId: 'embed_error_page_script',
    summary: 'Crash-report dialog script',
    description:
      'The script `Sentry.showReportDialog()` loads: it shows a modal asking the user for name, email and what ' +
      'happened, and posts the answer back to this URL.',
    parameters: [
      ...AUTH_PARAMS,
      text('title', 'Dialog title'),
      text('subtitle', 'First line under the title (empty: none)'),
      text('subtitle2', 'Second line under the title (empty: none)'),
      text('labelName', 'Label of the name field'),
      text('labelEmail', 'Label of the email field'),
      text('labelComments', 'Label of the comments field'),
      text('labelClose', 'Label of the close button'),
      text('labelSubmit', 'Label of the submit button'),
      text('errorGeneric', 'Shown when the report could not be sent'),
      text('errorFormEntry', 'Shown when some fields are invalid'),
      text('successMessage', 'Shown once the report is sent'),
      text('name', "The user's name, prefilled"),
      text('email', "The user's email, prefilled"),
    ],
    responses: {
      '200': {
        description: 'The dialog script',
        content: { 'application/javascript': { schema: { type: 'string' } } },
      },
      ...ERRORS,
    },
  },
  post: {
    tags: ['ingest'],
    operationId: 'embed_error_page_submit',
    summary: 'Submit a crash report',
    description:
      'Stores a user report about the event (processed asynchronously, linked to the issue of the event).',
    parameters: AUTH_PARAMS,
    requestBody: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            required: ['name', 'email', 'comments'],
            properties: {
              name: { type: 'string', maxLength: 128 },
              email: { type: 'string', format: 'email', maxLength: 254 },
              comments: { type: 'string', maxLength: 4096 },
            },
          },
        },
      },
    },
    responses: {
      '200': { description: 'Accepted; empty body' },
      ...ERRORS,
      '400': {
        description:
          'Invalid fields, as `{"errors": {"email": ["Enter a valid email address."]}}`, or a bad eventId ' +
          '(`{"detail": "..."}`)',
      },
      '413': { description: 'Form over 64 KiB' },
      '429': { description: 'Backlog full; see Retry-After' },
    },
  },
};
