"""A tiny HTTP client for the mock portal's API (stdlib only), keeping the session cookie."""

from __future__ import annotations

import json
import uuid
from http.cookiejar import CookieJar
from typing import Any
from urllib.error import HTTPError
from urllib.request import HTTPCookieProcessor, Request, build_opener

from fixtures.mock_portal import DEMO_PASSWORD


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        self._opener = build_opener(HTTPCookieProcessor(self.cookies))

    def raw(
        self, method: str, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        request = Request(self.base_url + path.lstrip("/"), data=data, method=method, headers=headers or {})
        try:
            with self._opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except HTTPError as err:
            return err.code, err.read()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        status, payload = self.raw(method, path, data, {"Content-Type": "application/json"})
        assert status == 200, (status, payload[:200])
        result: dict[str, Any] = json.loads(payload)
        return result

    def get(self, path: str) -> dict[str, Any]:
        return self.call("GET", path)

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.call("POST", path, body or {})

    def upload_raw(
        self, path: str, fields: dict[str, Any], filename: str, content: bytes
    ) -> tuple[int, bytes]:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        body = b"".join(parts) + content + f"\r\n--{boundary}--\r\n".encode()
        return self.raw("POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def upload(self, path: str, fields: dict[str, Any], filename: str, content: bytes) -> dict[str, Any]:
        status, payload = self.upload_raw(path, fields, filename, content)
        assert status == 200, (status, payload[:200])
        result: dict[str, Any] = json.loads(payload)
        return result

    def login(self, account: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
        return self.post("/api/login", {"account": account, "password": password})
