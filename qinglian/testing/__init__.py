"""Test support shared by the apps' test suites (not imported by the running application).

`qinglian.testing.browser` is a pytest plugin (loaded from the root conftest.py) with the
Playwright fixtures: `browser`, `page`, `browser_guard`, and the helpers `login_via_form`,
`totp_device_for` and `totp_token`.
"""
