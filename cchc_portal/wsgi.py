import os

from django.core.wsgi import get_wsgi_application

# Whatever the web process writes itself (import uploads, exports, frozen reports) is for the
# portal's own user only: files 0600, folders 0700, like uploads (FILE_UPLOAD_PERMISSIONS).
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
application = get_wsgi_application()
