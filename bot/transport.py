"""HTTP transport for python-telegram-bot built on aiohttp's client (a PTB `BaseRequest`).

Why not PTB's default httpx transport: measured on this 2-core machine against the loopback
fake Bot API, httpx spends about 0.65 ms of CPU per request (its connection pool re-checks
every pooled socket on each request) and aiohttp about 0.09 ms; the push fan-out is bound by
exactly that cost. SOCKS proxies are not supported by aiohttp's client, so for a `socks5://`
proxy the app falls back to PTB's own HTTPXRequest (see app.py).

Error messages never carry the request URL: Bot API URLs contain the token.
"""

from __future__ import annotations

import asyncio

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        connection_pool_size: int = 256,
        proxy: str | None = None,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 30.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._proxy = proxy
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                trust_env=False,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        fields = request_data.json_parameters if request_data else None
        files = request_data.multipart_data if request_data else None
        body: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            form = aiohttp.FormData()
            for key, value in (fields or {}).items():
                form.add_field(key, value)
            for name, (filename, content, mime) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime)
            body = form
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_value(pool_timeout, self._pool_timeout),
            sock_connect=_value(connect_timeout, self._connect_timeout),
            sock_read=_value(read_timeout, self._read_timeout),
        )
        try:
            async with session.request(
                method, url, data=body, timeout=timeout, proxy=self._proxy
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            text = str(err).replace(url, "<bot api url>")
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {text}") from err
        except asyncio.CancelledError:
            raise


def _value(given: ODVInput[float], default: float | None) -> float | None:
    if isinstance(given, DefaultValue):
        return default
    return given
