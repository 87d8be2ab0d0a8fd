"""Accounts: creating them under the password rules, and signing in with lockout and the second factor."""

from __future__ import annotations

import asyncio
import re
import uuid

import pyotp

from services.identity.models import Account
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from services.identity.service.errors import LoginFailed
from services.identity.service.second_factor import EnrolmentNeeded, second_factor_required, start_enrolment
from shared.errors import Conflict, InvalidInput

_CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")  # GB 32100-2015 shape


def check_password(deps: IdentityDeps, password: str, username: str) -> None:
    """Length, three character classes, and not the username: the rules 等保 2.0 auditors ask about."""
    minimum = deps.settings.password_min_length
    if len(password) < minimum:
        raise InvalidInput("password", f"密码至少需要 {minimum} 个字符")
    if sum(bool(re.search(c, password)) for c in _CLASSES) < 3:
        raise InvalidInput("password", "密码须包含小写字母、大写字母、数字、符号中的至少三类")
    if username.lower() in password.lower():
        raise InvalidInput("password", "密码不能包含用户名")


async def create_account(
    uow: IdentityUnitOfWork, deps: IdentityDeps, *, actor: str, username: str, password: str, **fields: object
) -> Account:
    check_password(deps, password, username)
    if await uow.repo.account_by_username(username) is not None:
        raise Conflict(f"用户名 {username!r} 已被使用")
    account = Account(id=f"u-{uuid.uuid4().hex[:20]}", username=username, password_hash=deps.passwords.hash(password))
    for name, value in fields.items():
        setattr(account, name, value)
    uow.session.add(account)
    await uow.session.flush()
    uow.audit(actor, "account.created", target=account.id, detail=f"{account.kind} {username}")
    return account


async def sign_in(
    uow: IdentityUnitOfWork, deps: IdentityDeps, username: str, password: str, otp: str | None, ip: str | None
) -> tuple[Account, list[str]]:
    """The account and its `amr`; every failure counts towards the lockout and says nothing about which part."""
    account = await uow.repo.account_by_username(username.strip())
    now = deps.now()
    # argon2 takes ~17 ms of CPU: in a thread (it releases the GIL), other requests go on meanwhile
    password_ok = await asyncio.to_thread(deps.passwords.verify, account.password_hash if account else None, password)
    if account is None or account.disabled:
        uow.audit(username[:64], "login.failed", ip=ip, detail="unknown or disabled account")
        raise LoginFailed("用户名或密码错误")
    if account.locked_until is not None and account.locked_until > now:
        uow.audit(account.id, "login.refused", ip=ip, detail="locked")
        raise LoginFailed("登录失败次数过多，账号已暂时锁定，请稍后再试")
    second_ok = not account.totp_secret or (
        otp is not None and pyotp.TOTP(account.totp_secret).verify(otp, valid_window=1)
    )
    if not (password_ok and second_ok):
        _count_failure(uow, deps, account, ip)
        raise LoginFailed("用户名、密码或动态口令错误")
    if not account.totp_secret and await second_factor_required(uow, account):
        raise EnrolmentNeeded(start_enrolment(deps, account))
    account.failed_logins, account.locked_until = 0, None
    if deps.passwords.needs_rehash(account.password_hash):
        account.password_hash = deps.passwords.hash(password)
    uow.audit(account.id, "login.succeeded", ip=ip)
    return account, ["pwd", "otp"] if account.totp_secret else ["pwd"]


def _count_failure(uow: IdentityUnitOfWork, deps: IdentityDeps, account: Account, ip: str | None) -> None:
    account.failed_logins += 1
    uow.audit(account.id, "login.failed", ip=ip, detail=f"attempt {account.failed_logins}")
    if account.failed_logins >= deps.settings.lockout_threshold:
        account.locked_until = deps.after(deps.settings.lockout_seconds)
        account.failed_logins = 0
        uow.audit(account.id, "account.locked", ip=ip, detail=f"for {deps.settings.lockout_seconds} s")
