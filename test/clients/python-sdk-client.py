"""Drives Debian's sentry-sdk (a real Python client) against a DSN: python3 python-sdk-client.py <dsn> <scenario>."""
import sys

import sentry_sdk

dsn, scenario = sys.argv[1], sys.argv[2]
sentry_sdk.init(dsn=dsn, environment="python-test", release="pyapp@2.0", send_default_pii=True)


def divide(a, b):
    return a / b


def report_division(b):
    try:
        divide(1, b)
    except ZeroDivisionError:
        sentry_sdk.capture_exception()


if scenario == "exception":
    report_division(0)
    report_division(0)
elif scenario == "message":
    sentry_sdk.capture_message("Payment 8812 declined for 10.0.0.7")
    sentry_sdk.capture_message("Payment 9931 declined for 10.0.0.9")
else:
    raise SystemExit("unknown scenario " + scenario)

sentry_sdk.flush(10)
