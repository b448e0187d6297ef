import { normalizeEventId, userReportFromFeedback, userReportFromItem } from './user-report';

const EVENT = '0f394222198244cd8459e77ecb05e644';
const FEEDBACK = '65b711ae1e074274a1fe67db7b059878';

describe('userReportFromItem', () => {
  it('takes the legacy fields, trimmed and cut to the column sizes', () => {
    const report = userReportFromItem(
      {
        event_id: '0F394222-1982-44CD-8459-E77ECB05E644',
        name: `  ${'n'.repeat(300)}`,
        email: 'jane@example.com',
        comments: 'It broke\u0000 when I clicked',
      },
      null,
    );
    expect(report).toEqual({
      eventId: EVENT,
      name: 'n'.repeat(128),
      email: 'jane@example.com',
      comments: 'It broke when I clicked',
    });
  });

  it("falls back to the envelope's event id and refuses a report without one or without comments", () => {
    expect(userReportFromItem({ comments: 'x' }, EVENT).eventId).toBe(EVENT);
    expect(() => userReportFromItem({ comments: 'x', event_id: 'nope' }, null)).toThrow(/event_id/);
    expect(() => userReportFromItem({ event_id: EVENT, comments: '   ' }, null)).toThrow(/comments/);
    expect(() => userReportFromItem({ event_id: EVENT, comments: 42 }, null)).toThrow(/comments/);
  });
});

describe('userReportFromFeedback', () => {
  const feedbackEvent = (feedback: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'feedback',
    level: 'info',
    event_id: FEEDBACK,
    contexts: { feedback },
    ...extra,
  });

  it('links feedback that answers an error to that event and keeps no event of its own', () => {
    const { report, standaloneEvent } = userReportFromFeedback(
      feedbackEvent({
        contact_email: 'jane@example.com',
        name: 'Jane',
        message: 'The button does not work',
        associated_event_id: EVENT,
      }),
      FEEDBACK,
    );
    expect(report).toEqual({
      eventId: EVENT,
      name: 'Jane',
      email: 'jane@example.com',
      comments: 'The button does not work',
    });
    expect(standaloneEvent).toBeNull();
  });

  it('turns standalone feedback into an event of its own that carries the report', () => {
    const { report, standaloneEvent } = userReportFromFeedback(
      feedbackEvent(
        { message: 'browser feedback\nsecond line' },
        { user: { email: 'u@example.com', username: 'u' } },
      ),
      FEEDBACK,
    );
    expect(report).toEqual({
      eventId: FEEDBACK,
      name: 'u',
      email: 'u@example.com',
      comments: 'browser feedback\nsecond line',
    });
    expect(standaloneEvent).toMatchObject({
      event_id: FEEDBACK,
      type: 'default',
      level: 'info',
      logger: 'feedback',
      message: 'User feedback: browser feedback',
    });
  });

  it('refuses feedback without a message', () => {
    expect(() => userReportFromFeedback(feedbackEvent({ name: 'x' }), FEEDBACK)).toThrow(/message/);
    expect(() => userReportFromFeedback({ type: 'feedback' }, FEEDBACK)).toThrow(/contexts.feedback/);
  });
});

describe('normalizeEventId', () => {
  it('accepts dashed and upper-case UUIDs only', () => {
    expect(normalizeEventId(EVENT.toUpperCase())).toBe(EVENT);
    expect(normalizeEventId('xyz')).toBeNull();
    expect(normalizeEventId(12)).toBeNull();
  });
});
