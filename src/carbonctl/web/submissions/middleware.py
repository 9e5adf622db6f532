"""Refusing an oversized upload before its body is read (HTTP 413).

The request's ``Content-Length`` is compared with ``CARBONCTL_UPLOAD_MAX_BYTES`` plus room for
the form's other fields; above it the request is answered at once, before the CSRF check or a
view would parse the multipart body. A body without a length is still cut off while it is saved
(:func:`carbonctl.web.submissions.services.receive`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from carbonctl.io.limits import describe_size

#: Room for the multipart framing and the form fields beside the file.
FORM_ALLOWANCE = 2**20


def too_large_message(limit: int) -> str:
    size = describe_size(limit)
    return (
        f"上传文件过大：上限为 {size}。"
        f" The upload is too large: at most {size} (CARBONCTL_UPLOAD_MAX_BYTES)."
    )


class UploadSizeMiddleware:
    """Answers 413 to a request body larger than the upload limit (JSON under ``/api/``)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.CARBONCTL_UPLOAD_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + FORM_ALLOWANCE:
            message = too_large_message(limit)
            if request.path.startswith("/api/"):
                response = JsonResponse(
                    {"detail": message}, status=413, json_dumps_params={"ensure_ascii": False}
                )
            else:
                response = HttpResponse(
                    message, status=413, content_type="text/plain; charset=utf-8"
                )
            response["Connection"] = "close"  # the body was not read
            return response
        return self.get_response(request)
