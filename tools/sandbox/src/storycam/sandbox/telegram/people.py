"""The simulated people who talk to the bot."""

from __future__ import annotations

from dataclasses import dataclass

from storycam.sandbox.telegram.accounts import Account
from storycam.sandbox.telegram.refusals import UnknownUser

FIRST_USER_ID = 700_000_001


@dataclass(frozen=True)
class NewPerson:
    first_name: str
    language_code: str = "en"
    last_name: str | None = None
    username: str | None = None


DEFAULT_PEOPLE = (NewPerson("Alice", "en", username="alice"), NewPerson("Маша", "ru", username="masha"))


class People:
    def __init__(self) -> None:
        self._accounts: dict[int, Account] = {}

    def add(self, person: NewPerson) -> Account:
        account = Account(
            id=FIRST_USER_ID + len(self._accounts),
            first_name=person.first_name,
            last_name=person.last_name,
            username=person.username,
            language_code=person.language_code,
        )
        self._accounts[account.id] = account
        return account

    def all(self) -> list[Account]:
        return list(self._accounts.values())

    def find(self, user_id: int) -> Account | None:
        return self._accounts.get(user_id)

    def get(self, user_id: int) -> Account:
        account = self._accounts.get(user_id)
        if account is None:
            raise UnknownUser(f"There is no simulated user {user_id}.")
        return account
