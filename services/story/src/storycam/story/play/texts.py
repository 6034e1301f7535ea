"""What the player reads from the engine itself (not from a story), in Russian and English."""

from __future__ import annotations

from typing import Final

from storycam.contracts.stories import Language, Notice, NoticeCode, Paywall, PaywallReason

NOTICES: Final[dict[NoticeCode, dict[Language, str]]] = {
    "stale_choice": {
        "ru": "Этот выбор — из более раннего момента истории. Вот где вы сейчас:",
        "en": "That choice is from an earlier moment in the story. Here's where you are now:",
    },
    "not_understood": {
        "ru": "Не совсем понял, что вы хотите сделать. Выберите вариант или скажите иначе:",
        "en": "I didn't quite catch what you want to do. Pick an option, or put it another way:",
    },
    "nothing_to_undo": {
        "ru": "Отменять нечего: вы в самом начале или уже вернулись на шаг назад.",
        "en": "There's nothing to undo: you're at the very start, or you've already stepped back once.",
    },
    "undone": {
        "ru": "Последний шаг отменён. Вы снова здесь:",
        "en": "Last step undone. You're back here:",
    },
    "resumed": {
        "ru": "Продолжаем с того места, где вы остановились.",
        "en": "Picking up where you left off.",
    },
    "story_over": {
        "ru": "Эта история закончилась. Начните её заново или выберите другую.",
        "en": "This story has ended. Start it again or pick another one.",
    },
    "conversation_over": {
        "ru": "Кажется, разговор окончен. Пора решать, что делать дальше:",
        "en": "The conversation seems to be over. Time to decide what to do next:",
    },
}

# When the character cannot answer (no LLM, or it failed) and the words match no choice either.
SILENT_CHARACTER: Final[dict[Language, str]] = {
    "ru": "Собеседник молча смотрит на вас, будто ждёт, что вы сделаете дальше. Выберите:",
    "en": "They just look at you in silence, as if waiting to see what you'll do. Choose:",
}

STORY_BROKEN: Final[dict[Language, str]] = {
    "ru": "В этой сцене что-то пошло не так. Ваш прогресс сохранён — попробуйте другой вариант или загляните позже.",
    "en": "Something went wrong in this scene. Your progress is saved — try another option or come back later.",
}

_PAYWALLS: Final[dict[PaywallReason, dict[Language, tuple[str, str, str]]]] = {
    "premium_story": {
        "ru": (
            "Эта история — в Storycam Premium",
            "Подписка открывает все премиум-истории и сцены. Оформите её — и история начнётся сразу.",
            "Оформить Premium",
        ),
        "en": (
            "This story is part of Storycam Premium",
            "A subscription unlocks every premium story and scene. Subscribe and the story starts right away.",
            "Get Premium",
        ),
    },
    "premium_scene": {
        "ru": (
            "Дальше — премиум-сцена",
            "Чтобы узнать, что будет дальше, нужна подписка Storycam Premium. После оплаты история продолжится "
            "ровно с этого места. А пока можно выбрать другой путь.",
            "Оформить Premium",
        ),
        "en": (
            "Next up: a premium scene",
            "To see what happens next you need Storycam Premium. Once you subscribe, the story picks up exactly "
            "here. Or take another path for now.",
            "Get Premium",
        ),
    },
    "entitlements_unavailable": {
        "ru": (
            "Не получается проверить подписку",
            "Сервис оплаты сейчас не отвечает. Попробуйте через минуту — ваш прогресс сохранён.",
            "Попробовать снова",
        ),
        "en": (
            "We can't check your subscription right now",
            "Our payment service isn't answering at the moment. Try again in a minute — your progress is saved.",
            "Try again",
        ),
    },
}


def notice(code: NoticeCode, language: Language) -> Notice:
    return Notice(code=code, text=NOTICES[code][language])


def paywall(reason: PaywallReason, language: Language) -> Paywall:
    title, text, button = _PAYWALLS[reason][language]
    return Paywall(reason=reason, title=title, text=text, button=button)
