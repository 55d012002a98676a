"""The one door to the outside world: every file or URL an edition loads passes through here.

A brief comes from a partner organisation and its PDF is emailed to
parliamentarians, so nothing it names may pull local files or internal URLs
into an edition. :class:`Door` serves

* files below the allowed folders (the brief's folder and the templates);
* ``data:`` URLs of images;
* with ``--allow-remote`` only: the http(s) addresses of the brief's image
  blocks, within a time and a size limit, and only if what comes back is an
  image.

Everything else — other files, path traversal, symbolic links leading out,
http(s) otherwise, ``data:`` URLs of anything but an image, other schemes —
raises :class:`ResourceRefused`. WeasyPrint's URL fetcher (``pdf.py``) and the
inlining of images into the HTML edition (``render.py``) both go through one
:class:`Door`; nothing else in briefgen opens a URL.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import re
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from briefgen.load.safefile import FileRefused, read_bounded

REMOTE_TIMEOUT = 10.0            # seconds for the whole download of one remote image
MAX_REMOTE_BYTES = 10 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 40_000_000          # larger images are refused (and Pillow's "decompression bomb" guard never fires)

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


class ResourceRefused(Exception):
    """A resource outside what the door lets through was asked for."""


@dataclass(frozen=True)
class Resource:
    """What came through the door."""

    url: str
    body: bytes
    media_type: str

    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.body).decode('ascii')}"


def scheme_of(reference: str) -> str | None:
    """The URL scheme of ``reference`` in lower case (``https``, ``file``, …), or None for a plain path."""
    match = _SCHEME.match(reference.strip())
    return match[1].lower() if match and len(match[1]) > 1 else None


def is_remote(reference: str) -> bool:
    return scheme_of(reference) in ("http", "https")


def sniff_image(body: bytes) -> str | None:
    """The media type of ``body`` judged by its first bytes, if it is an image we embed."""
    head = body[:1024]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<svg") or (text.startswith((b"<?xml", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in head):
        return "image/svg+xml"
    return None


def check_image(body: bytes, what: str) -> str:
    """The media type of image ``body``; :class:`ResourceRefused` if it is not one we embed or is too large."""
    media_type = sniff_image(body)
    if media_type is None:
        raise ResourceRefused(f"{what} is not a PNG, JPEG, GIF, WebP or SVG image")
    if media_type == "image/svg+xml":
        _check_svg(body, what)
    else:
        _raster_pixels(body, what)
    return media_type


def _raster_pixels(body: bytes, what: str) -> int:
    """The pixel count of a raster image, refused above :data:`MAX_PIXELS`."""
    if True:
        from PIL import Image, UnidentifiedImageError

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # we judge the size ourselves, below
                with Image.open(io.BytesIO(body)) as image:
                    width, height = image.size
        except Image.DecompressionBombError:
            raise ResourceRefused(f"{what} declares more pixels than any image we embed (a decompression bomb): "
                                  f"use an image of at most {MAX_PIXELS // 1_000_000} megapixels") from None
        except (UnidentifiedImageError, OSError, ValueError) as error:
            raise ResourceRefused(f"{what} cannot be read as an image ({error})") from None
        if width * height > MAX_PIXELS:
            raise ResourceRefused(f"{what} is {width}×{height} pixels, more than {MAX_PIXELS // 1_000_000} megapixels: scale it down")
    return width * height


_SVG_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video"}


MAX_SVG_ELEMENTS = 20_000        # elements drawn once every <use> is expanded
MAX_SVG_NESTING = 3              # SVG images embedded in SVG images


def _check_svg(body: bytes, what: str, depth: int = 0) -> int:
    """An SVG may refer only to its own parts (``#id``) and to ``data:`` images: no files, no
    addresses, no scripts, no entities (XML "billion laughs" and external entities). Its
    ``<use>`` elements expanded may draw at most :data:`MAX_SVG_ELEMENTS` elements (a ``<use>``
    bomb of 1 KB never finishes drawing), and the raster images it embeds count together against
    :data:`MAX_PIXELS`. Returns those pixels."""
    import xml.etree.ElementTree as ElementTree

    if b"<!ENTITY" in body:
        raise ResourceRefused(f"{what}: SVG entities (<!ENTITY …>) are not allowed: export the SVG without them")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ResourceRefused(f"{what} is not a well-formed SVG image ({error})") from None
    for element in root.iter():
        name = str(element.tag).rpartition("}")[2]
        if name in _SVG_FORBIDDEN:
            raise ResourceRefused(f"{what}: <{name}> is not allowed in an image: export the SVG without it")
        values = [(key.rpartition("}")[2], value) for key, value in element.attrib.items()]
        references = [value for key, value in values if key == "href"]
        references += [match for _, value in values + [("", element.text or "")] for match in _SVG_URL.findall(value)]
        if name == "style" and "@import" in (element.text or ""):
            references.append("@import")
        for reference in references:
            reference = reference.strip()
            if not (reference.startswith("#") or reference.lower().startswith(tuple(f"data:{t}" for t in IMAGE_TYPES))):
                raise ResourceRefused(f"{what}: the SVG refers to '{shorten(reference, 60)}', which is refused: "
                                      "an image may refer only to its own parts (#id) or embed data:image/… images")
    _check_use_expansion(root, what)
    pixels = 0
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.rpartition("}")[2] == "href" and value.strip().lower().startswith("data:image/"):
                embedded = _decode_data_url(value.strip(), what)
                if sniff_image(embedded) == "image/svg+xml":
                    if depth >= MAX_SVG_NESTING:
                        raise ResourceRefused(f"{what}: SVG images nested more than {MAX_SVG_NESTING} deep: flatten the image")
                    pixels += _check_svg(embedded, what, depth + 1)
                elif sniff_image(embedded) is not None:
                    pixels += _raster_pixels(embedded, f"{what} (an image inside it)")
                if pixels > MAX_PIXELS:
                    raise ResourceRefused(f"{what} embeds images of more than {MAX_PIXELS // 1_000_000} megapixels "
                                          "in all: scale them down")
    return pixels


def _decode_data_url(url: str, what: str) -> bytes:
    header, _, payload = url[5:].partition(",")
    try:
        return base64.b64decode(payload) if header.endswith(";base64") else unquote_to_bytes(payload)
    except ValueError:
        raise ResourceRefused(f"{what}: an embedded image is not valid base64") from None


def _check_use_expansion(root, what: str) -> None:
    """Refuse an SVG whose ``<use>`` elements, expanded, draw too many elements or refer to
    themselves. Depth-first without recursion: a document nested 100,000 deep stays flat work."""
    elements = list(root.iter())
    if len(elements) > MAX_SVG_ELEMENTS:
        raise ResourceRefused(f"{what}: the SVG has more than {MAX_SVG_ELEMENTS:,} elements: simplify it")
    by_id = {element.get("id"): element for element in elements if element.get("id")}

    def parts(element) -> list:
        found = list(element)
        if str(element.tag).rpartition("}")[2] == "use":
            target = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == "href"), "").strip()
            if target.startswith("#") and target[1:] in by_id:
                found.append(by_id[target[1:]])
        return found

    weights: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, False)]
    while stack:
        element, finished = stack.pop()
        key = id(element)
        if finished:
            on_path.discard(key)
            weights[key] = 1 + sum(weights[id(part)] for part in parts(element))
            if weights[key] > MAX_SVG_ELEMENTS:
                raise ResourceRefused(f"{what}: the SVG draws more than {MAX_SVG_ELEMENTS:,} elements once its <use> "
                                      "copies are expanded: simplify it")
            continue
        if key in weights:
            continue
        on_path.add(key)
        stack.append((element, True))
        for part in parts(element):
            if id(part) in on_path:
                raise ResourceRefused(f"{what}: an SVG <use> refers to an element that contains it: export the SVG without it")
            if id(part) not in weights:
                stack.append((part, False))


class Door:
    """Serves files below ``roots``, image ``data:`` URLs and, if listed, remote images."""

    def __init__(self, roots, remote_images=(), *, timeout: float = REMOTE_TIMEOUT,
                 max_bytes: int = MAX_REMOTE_BYTES):
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.remote_images = frozenset(remote_images)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._fetched: dict[str, Resource] = {}

    def open(self, url: str) -> Resource:
        """The resource at ``url``, or :class:`ResourceRefused` saying why not."""
        scheme = scheme_of(url)
        if scheme == "data":
            return self._data(url)
        if scheme in ("http", "https"):
            return self._remote(url)
        if scheme not in (None, "file"):
            raise ResourceRefused(f"{shorten(url)} refused: {scheme}: addresses are not allowed")
        path = unquote(urlsplit(url).path) if scheme == "file" else url
        return self.open_file(Path(path))

    def open_file(self, path: Path) -> Resource:
        """A file below one of the allowed folders (symbolic links are followed, then judged)."""
        resolved = Path(path).resolve()
        if not any(resolved == root or root in resolved.parents for root in self.roots):
            raise ResourceRefused(f"{path} refused: it is outside the brief folder")
        if not resolved.exists():
            raise ResourceRefused(f"{path} not found")
        try:
            body = read_bounded(resolved, None, MAX_FILE_BYTES)  # a regular file, the limit on the bytes read
        except FileRefused as refusal:
            raise ResourceRefused(f"{path} {refusal}") from None
        except OSError as error:
            raise ResourceRefused(f"{path} cannot be read ({error.strerror})") from None
        media_type = sniff_image(body) or mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        return Resource(resolved.as_uri(), body, media_type)

    def image(self, reference: str, base: Path) -> Resource:
        """An image block's file (relative to ``base``) or remote address, checked to be an image."""
        resource = self.open(reference) if scheme_of(reference) else self.open_file(Path(base) / reference)
        check_image(resource.body, shorten(reference))
        return resource

    def _data(self, url: str) -> Resource:
        header, _, payload = url[5:].partition(",")
        media_type = header.split(";", 1)[0].strip().lower() or "text/plain"
        if media_type not in IMAGE_TYPES:
            raise ResourceRefused(f"data: URL of type {media_type} refused (only images)")
        return Resource(url, _decode_data_url(url, "a data: URL"), media_type)

    def _remote(self, url: str) -> Resource:
        if url not in self.remote_images:
            hint = ("only the images of image blocks are downloaded" if self.remote_images
                    else "download it into the brief folder, or build with --allow-remote (images only)")
            raise ResourceRefused(f"{shorten(url)} refused: {hint}")
        if url in self._fetched:
            return self._fetched[url]
        import urllib.error  # only with --allow-remote: keeps `check` light
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None  # urllib then raises HTTPError for the 3xx answer

        deadline = time.monotonic() + self.timeout
        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(url, headers={"User-Agent": "briefgen", "Accept": ", ".join(IMAGE_TYPES)})
        try:
            with opener.open(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise ResourceRefused(f"{shorten(url)} is {int(length) // 1024} KiB, more than the {self.max_bytes // 1024} KiB allowed")
                chunks, size = [], 0
                while chunk := response.read(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ResourceRefused(f"{shorten(url)} is more than the {self.max_bytes // 1024} KiB allowed")
                    if time.monotonic() > deadline:
                        raise ResourceRefused(f"{shorten(url)} took more than {self.timeout:g} s to download")
                    chunks.append(chunk)
        except urllib.error.HTTPError as error:
            error.close()
            raise ResourceRefused(f"{shorten(url)}: the server answered {error.code} {error.reason}"
                                  + (" (redirects are not followed: give the final address)" if 300 <= error.code < 400 else "")) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise ResourceRefused(f"{shorten(url)} could not be downloaded ({reason})") from None
        body = b"".join(chunks)
        resource = Resource(url, body, check_image(body, shorten(url)))
        self._fetched[url] = resource
        return resource


def shorten(url: str, limit: int = 120) -> str:
    """A URL cut to a readable length for messages (``data:`` URLs can be megabytes)."""
    return url if len(url) <= limit else url[:limit] + "…"
