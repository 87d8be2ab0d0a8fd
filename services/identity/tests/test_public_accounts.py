"""Self-registration of citizens and legal persons: what the form may leave empty, what must be unique."""

from __future__ import annotations

ID = "/api/v1/identity"
CREDIT_CODE = "91340100MA2RMLXP36"  # check character computed per GB 32100-2015


async def test_citizens_may_leave_the_credit_code_empty(idp) -> None:
    for username in ("zhangsan", "lisi"):
        person = {"kind": "citizen", "username": username, "password": "Shimin-2026-hf", "name": "张三"}
        answer = await idp.post(f"{ID}/register", json=person | {"credit_code": ""})
        assert answer.status_code == 201, answer.text
    wrong = {"kind": "citizen", "username": "wangwu", "password": "Shimin-2026-hf", "name": "王五"}
    answer = await idp.post(f"{ID}/register", json=wrong | {"credit_code": CREDIT_CODE})
    assert answer.status_code == 422 and "credit_code" in answer.json()["error"]["message"]


async def test_one_credit_code_registers_one_legal_person(idp) -> None:
    company = {"kind": "legal_person", "password": "Gongjiao-2026-hf", "name": "合肥公交集团"}
    first = await idp.post(f"{ID}/register", json=company | {"username": "hfgj", "credit_code": CREDIT_CODE})
    assert first.status_code == 201, first.text
    again = await idp.post(f"{ID}/register", json=company | {"username": "hfgj2", "credit_code": CREDIT_CODE})
    assert again.status_code == 409 and "credit_code" in again.json()["error"]["message"]
