"""Settings of the test project."""
INSTALLED_APPS = [
    "django.contrib.auth",
    "rest_framework",
    "rest_framework.authtoken",
    "cms",
    "cms.test.testapp",
]
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
}
