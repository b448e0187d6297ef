// Drives the real @sentry/node SDK against a DSN given on the command line, then exits.
// Usage: node node-sdk-client.js <dsn> <scenario>
const Sentry = require('@sentry/node');

const [dsn, scenario] = process.argv.slice(2);
Sentry.init({ dsn, release: 'myapp@1.2.3', environment: 'test', tracesSampleRate: 0, sendDefaultPii: true });

function failingCheckout(orderId) {
  throw new TypeError(`Cannot read properties of undefined (reading 'total') for order ${orderId}`);
}

function captureCheckoutError(orderId) {
  try {
    failingCheckout(orderId);
  } catch (error) {
    return Sentry.captureException(error);
  }
}

// Both scenarios throw from the same call path, so they are "the same error" by stack trace.
const checkoutOrders = { exception: [1], 'same-exception-twice': [2, 3] };

function runCheckouts(orderIds) {
  for (const orderId of orderIds) captureCheckoutError(orderId);
}

const scenarios = {
  'different-exception'() {
    try {
      JSON.parse('{not json');
    } catch (error) {
      Sentry.captureException(error);
    }
  },
  message() {
    Sentry.captureMessage('User 123 not found', 'warning');
    Sentry.captureMessage('User 456 not found', 'warning');
  },
  scoped() {
    Sentry.withScope((scope) => {
      scope.setUser({ id: 'u-42', email: 'jane@example.com', username: 'jane' });
      scope.setTag('feature', 'checkout');
      scope.setFingerprint(['{{ default }}', 'checkout-flow']);
      scope.addBreadcrumb({ category: 'cart', message: 'added item', level: 'info' });
      Sentry.captureException(new RangeError('Quantity out of range'));
    });
  },
  feedback() {
    // As the crash-report dialog does: the error, then what the user said about it; then a widget's feedback.
    const eventId = Sentry.captureException(new Error('Checkout button does nothing'));
    Sentry.captureFeedback({
      message: 'I clicked Pay and nothing happened',
      name: 'Jane',
      email: 'jane@example.com',
      associatedEventId: eventId,
    });
    Sentry.captureFeedback({ message: 'Please add a dark mode', name: 'Sam', email: 'sam@example.com' });
    console.log(JSON.stringify({ eventId }));
  },
  large() {
    Sentry.withScope((scope) => {
      scope.setExtra('blob', 'x'.repeat(200 * 1024));
      Sentry.captureException(new Error('Large payload error'));
    });
  },
};

(async () => {
  if (checkoutOrders[scenario]) runCheckouts(checkoutOrders[scenario]);
  else if (scenarios[scenario]) scenarios[scenario]();
  else throw new Error(`unknown scenario ${scenario}`);
  const flushed = await Sentry.close(10000);
  if (!flushed) process.exitCode = 3;
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
