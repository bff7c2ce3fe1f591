"""Uploaded files, served so that nothing in them can run.

Django's static file view finds the file (no path leaves MEDIA_ROOT) and answers conditional requests; on top,
every response is sandboxed and unsniffable, and a file is shown in the browser only when it is one of the types we
store (a PDF, a JPEG, PNG or WebP image) by its extension and its first bytes. Anything else, such as a file stored
before uploads were checked, is a download of unknown type. Edition PDFs and covers are saved under readable names.
"""

import posixpath

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from django.views.static import serve

from catalogue.interop.common import header_filename
from catalogue.models import Edition, Publication
from catalogue.models.uploads import cover_download_name, edition_download_name, stored_media_type

# Whatever a file holds, it cannot run a script, submit a form or load anything, even opened from our origin.
SANDBOX_POLICY = "default-src 'none'; sandbox"
# A stored file never changes under its name (a new upload gets a new one); a day keeps withdrawn files from
# lingering long in caches.
CACHE_CONTROL = "public, max-age=86400"


@require_safe
def media(request, path):
    """Serve the uploaded file at `path` under MEDIA_ROOT with its verified type, sandboxed."""
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError):  # a name no file can have (too long, a NUL…): there is no such file
        raise Http404 from None
    response["Content-Security-Policy"] = SANDBOX_POLICY  # django-csp leaves a policy already set alone
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE_CONTROL
    if isinstance(response, FileResponse):
        name = posixpath.normpath(path).lstrip("/")
        stream = response.file_to_stream
        head = stream.read(16)
        stream.seek(0)
        media_type = stored_media_type(name, head)
        # static.serve guesses a type (and an encoding, for .gz) from the name; ours comes from what we stored.
        if "Content-Encoding" in response:
            del response["Content-Encoding"]
        response["Content-Type"] = media_type or "application/octet-stream"
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=media_type is None, filename=header_filename(download_name(name, media_type))
        )
    return response


def download_name(name: str, media_type: str | None) -> str:
    """The readable name of an edition's PDF or a cover (`IDM-28-fr.pdf`), else the stored file's own name."""
    if media_type == "application/pdf":
        edition = Edition.objects.filter(file=name).select_related("publication__series").first()
        if edition:
            return edition_download_name(edition)
    elif media_type:
        publication = Publication.objects.filter(cover_image=name).select_related("series").first()
        if publication:
            return cover_download_name(publication, name.rpartition(".")[2])
    return posixpath.basename(name)
