"""The provider's signed statements the console relies on: ID tokens (OIDC Core §3.1.3.7) and logout tokens
(OIDC Back-Channel Logout §2.6), checked against the provider's published keys."""

from __future__ import annotations

import time
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError

from shared.auth import JwksSource
from shared.auth.verifier import ALGORITHMS

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LEEWAY = 30


class BadToken(Exception):
    """A token the console will not act on (its words go to the log and, for sign-in, to the person)."""


class ProviderTokens:
    def __init__(self, keys: JwksSource, *, issuer: str, client_id: str) -> None:
        self.keys, self.issuer, self.client_id = keys, issuer, client_id

    async def id_claims(self, token: str, nonce: str) -> dict[str, Any]:
        claims = await self._claims(token, typ=None)
        if claims.get("nonce") != nonce:
            raise BadToken("ID 令牌的 nonce 与本次登录不符")
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] < time.time() - LEEWAY:
            raise BadToken("ID 令牌已过期")
        return claims

    async def logout_claims(self, token: str) -> dict[str, Any]:
        claims = await self._claims(token, typ="logout+jwt")
        if "nonce" in claims or LOGOUT_EVENT not in (claims.get("events") or {}):
            raise BadToken("不是退出令牌（缺少 back-channel logout 事件或带有 nonce）")
        if not (claims.get("sid") or claims.get("sub")):
            raise BadToken("退出令牌既没有 sid 也没有 sub")
        iat = claims.get("iat")
        if not isinstance(iat, int | float) or abs(iat - time.time()) > 300:
            raise BadToken("退出令牌的签发时间（iat）不在允许范围内")
        return claims

    async def _claims(self, token: str, *, typ: str | None) -> dict[str, Any]:
        decoded = await self._decode(token)
        if typ is not None and str(decoded.header.get("typ", "")).lower() not in (typ, f"application/{typ}"):
            raise BadToken(f"令牌类型应为 {typ}")
        claims = decoded.claims
        audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
        if claims.get("iss") != self.issuer or self.client_id not in audiences:
            raise BadToken("令牌的签发方（iss）或受众（aud）不符")
        return claims

    async def _decode(self, token: str) -> jwt.Token:
        for refresh in (False, True):
            try:
                return jwt.decode(token, await self.keys.keys(refresh=refresh), algorithms=list(ALGORITHMS))
            except JoseError as exc:
                if refresh:
                    raise BadToken(f"令牌签名无效：{exc.error}") from None
            except ValueError:
                raise BadToken("令牌格式有误") from None
        raise AssertionError("unreachable")
