"""Everything the bot says, in Russian and English. Keys are what the text is for, not where it is used."""

from __future__ import annotations

import re
from typing import Final, Literal

Language = Literal["ru", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("ru", "en")
_RUSSIAN_FIRST: Final = frozenset({"ru", "uk", "be", "kk"})
_PLACEHOLDER: Final = re.compile(r"{(\w+)}")


def language_of(telegram_code: str | None) -> Language:
    """The language to greet a new user in: Russian for the languages of Russian speakers, else English."""
    return "ru" if (telegram_code or "").split("-")[0].lower() in _RUSSIAN_FIRST else "en"


_TEXTS: Final[dict[str, dict[Language, str]]] = {
    "welcome": {
        "ru": (
            "Привет, {name}! Я Storycam.\n\n"
            "📖 <b>Истории</b> — интерактивные сюжеты, где вы решаете, что будет дальше.\n"
            "💋 <b>Kiss Cam</b> — пришлите фото двоих, и я сделаю видео с поцелуем.\n\n"
            "С чего начнём?"
        ),
        "en": (
            "Hi, {name}! I'm Storycam.\n\n"
            "📖 <b>Stories</b> — interactive plots where you decide what happens next.\n"
            "💋 <b>Kiss Cam</b> — send a photo of two people and I'll make a kissing video.\n\n"
            "Where shall we start?"
        ),
    },
    "menu.stories": {"ru": "📖 Истории", "en": "📖 Stories"},
    "menu.kisscam": {"ru": "💋 Kiss Cam", "en": "💋 Kiss Cam"},
    "menu.premium": {"ru": "⭐ Премиум", "en": "⭐ Premium"},
    "menu.help": {"ru": "❓ Помощь", "en": "❓ Help"},
    "help": {
        "ru": (
            "<b>Что я умею</b>\n\n"
            "/stories — интерактивные истории\n"
            "/kisscam — видео с поцелуем по фото\n"
            "/premium — подписка и пакеты кредитов\n"
            "/balance — ваша подписка и кредиты\n"
            "/language — сменить язык\n"
            "/privacy — какие данные я храню\n"
            "/delete_me — удалить все ваши данные\n"
            "/support — связаться с поддержкой"
        ),
        "en": (
            "<b>What I can do</b>\n\n"
            "/stories — interactive stories\n"
            "/kisscam — a kissing video from photos\n"
            "/premium — subscription and credit packs\n"
            "/balance — your subscription and credits\n"
            "/language — change the language\n"
            "/privacy — what data I keep\n"
            "/delete_me — erase all your data\n"
            "/support — contact support"
        ),
    },
    "stories.choose": {"ru": "📖 <b>Выберите историю</b>", "en": "📖 <b>Pick a story</b>"},
    "stories.empty": {
        "ru": "Историй пока нет — мы дописываем первые. Загляните чуть позже!",
        "en": "No stories yet — we're writing the first ones. Check back soon!",
    },
    "stories.unavailable": {
        "ru": "Истории сейчас недоступны. Ваш прогресс сохранён — попробуйте через минуту.",
        "en": "Stories are unavailable right now. Your progress is saved — please try again in a minute.",
    },
    "stories.refused": {
        "ru": "Эту историю сейчас не открыть. Выберите другую: /stories",
        "en": "That story can't be opened right now. Pick another one: /stories",
    },
    "stories.undo": {"ru": "↩️ Назад", "en": "↩️ Undo"},
    "stories.only_en": {"ru": "🇬🇧 только на английском", "en": "🇬🇧 English only"},
    "stories.only_ru": {"ru": "🇷🇺 только на русском", "en": "🇷🇺 Russian only"},
    "stories.again": {"ru": "🔁 Сыграть ещё раз", "en": "🔁 Play again"},
    "stories.other": {"ru": "📚 Другие истории", "en": "📚 Other stories"},
    "stories.ending": {
        "ru": "🏁 <b>{title}</b>\nНайдено концовок: {found} из {total}",
        "en": "🏁 <b>{title}</b>\nEndings found: {found} of {total}",
    },
    "stories.new_ending": {"ru": "✨ Новая концовка!", "en": "✨ A new ending!"},
    "coming.stories": {
        "ru": "📖 Истории скоро будут здесь — мы дописываем последние главы. Загляните чуть позже!",
        "en": "📖 Stories are almost here — we're polishing the last chapters. Check back soon!",
    },
    "coming.kisscam": {
        "ru": "💋 Kiss Cam скоро заработает. Мы настраиваем камеру на стадионе — совсем чуть-чуть!",
        "en": "💋 Kiss Cam is coming soon. We're pointing the stadium camera — almost there!",
    },
    "coming.premium": {
        "ru": "⭐ Премиум скоро появится: подписка откроет все истории и даст кредиты на Kiss Cam.",
        "en": "⭐ Premium is on its way: a subscription will unlock every story and give Kiss Cam credits.",
    },
    "balance": {
        "ru": "<b>Ваш баланс</b>\n\nПодписка: {subscription}\nКредиты Kiss Cam: {credits}",
        "en": "<b>Your balance</b>\n\nSubscription: {subscription}\nKiss Cam credits: {credits}",
    },
    "balance.premium_until": {"ru": "Премиум до {date}", "en": "Premium until {date}"},
    "balance.no_premium": {"ru": "нет (бесплатный доступ)", "en": "none (free access)"},
    "balance.unavailable": {
        "ru": "Не получается узнать баланс прямо сейчас. Попробуйте через минуту — ваши покупки в сохранности.",
        "en": "I can't check your balance right now. Please try again in a minute — your purchases are safe.",
    },
    "language.choose": {"ru": "Выберите язык:", "en": "Choose your language:"},
    "language.changed": {"ru": "Готово, теперь говорим по-русски.", "en": "Done, we'll speak English now."},
    "privacy": {
        "ru": (
            "<b>Какие данные я храню</b>\n\n"
            "• Ваш Telegram ID, язык и согласия — пока вы пользуетесь ботом.\n"
            "• Прогресс в историях и ваши выборы — пока вы не удалите данные.\n"
            "• Фото для Kiss Cam — только на время создания видео, затем удаляются; "
            "готовое видео хранится 7 дней.\n"
            "• Платежи — столько, сколько требует закон о бухгалтерском учёте, без привязки к вашему профилю "
            "после удаления данных.\n\n"
            "Имён, номеров телефонов и переписки я не храню. Удалить всё: /delete_me"
        ),
        "en": (
            "<b>What data I keep</b>\n\n"
            "• Your Telegram ID, language and consents — while you use the bot.\n"
            "• Your story progress and choices — until you erase your data.\n"
            "• Kiss Cam photos — only while the video is being made, then deleted; "
            "the finished video is kept for 7 days.\n"
            "• Payments — as long as accounting law requires, no longer linked to your profile "
            "once you erase your data.\n\n"
            "I keep no names, phone numbers or chats. To erase everything: /delete_me"
        ),
    },
    "delete.confirm": {
        "ru": (
            "Удалить все ваши данные? Прогресс в историях, найденные концовки, видео и настройки исчезнут "
            "безвозвратно. Активная подписка при этом не возвращается."
        ),
        "en": (
            "Erase all your data? Story progress, endings found, videos and settings will be gone for good. "
            "An active subscription is not refunded."
        ),
    },
    "delete.yes": {"ru": "Да, удалить всё", "en": "Yes, erase everything"},
    "delete.no": {"ru": "Нет, оставить", "en": "No, keep it"},
    "delete.done": {
        "ru": "Готово: ваши данные удалены во всех сервисах Storycam. Если захотите вернуться — просто нажмите /start.",
        "en": "Done: your data is erased in every Storycam service. If you ever want to come back, just press /start.",
    },
    "delete.kept": {"ru": "Хорошо, ничего не удаляю.", "en": "All right, nothing was erased."},
    "delete.stale": {
        "ru": "Это подтверждение уже не действует: оно использовано или устарело. Чтобы удалить данные, "
        "отправьте /delete_me ещё раз.",
        "en": "This confirmation no longer works: it was already used or it expired. To erase your data, "
        "send /delete_me again.",
    },
    "support.open": {
        "ru": "🟢 Поддержка на связи сейчас (ежедневно с 10:00 до 20:00 по Москве). Напишите @storycam_support.",
        "en": "🟢 Support is online now (daily 10:00–20:00 Moscow time). Write to @storycam_support.",
    },
    "support.closed": {
        "ru": (
            "🌙 Поддержка сейчас отдыхает и вернётся {when} (работаем ежедневно с 10:00 до 20:00 по Москве). "
            "Напишите @storycam_support — ответим первыми же."
        ),
        "en": (
            "🌙 Support is offline now and back {when} (daily 10:00–20:00 Moscow time). "
            "Write to @storycam_support — you'll be among the first we answer."
        ),
    },
    "support.when.today": {"ru": "сегодня в {time}", "en": "today at {time}"},
    "support.when.tomorrow": {"ru": "завтра в {time}", "en": "tomorrow at {time}"},
    "unknown": {
        "ru": "Я пока не понимаю свободный текст вне истории. Выберите, что хотите сделать:",
        "en": "I don't understand free text outside a story yet. Pick what you'd like to do:",
    },
    "button.unknown": {
        "ru": "Эта кнопка больше не работает. Нажмите /start, чтобы открыть меню.",
        "en": "This button no longer works. Press /start to open the menu.",
    },
    "text.unreadable": {
        "ru": "Не могу прочитать это сообщение: в нём нет обычных букв. Напишите словами или выберите кнопку.",
        "en": "I couldn't read that message: there are no ordinary letters in it. Write in words or tap a button.",
    },
    "slow_down": {
        "ru": "Ого, сколько сообщений! Дайте мне пару секунд перевести дух — отвечу на следующее.",
        "en": "Whoa, that's a lot of messages! Give me a few seconds to catch my breath — I'll answer the next one.",
    },
    "error.generic": {
        "ru": "Что-то пошло не так на нашей стороне. Мы уже разбираемся — попробуйте ещё раз чуть позже.",
        "en": "Something went wrong on our side. We're on it — please try again a little later.",
    },
}

# Bot commands shown in Telegram's menu (setMyCommands), per language.
COMMANDS: Final[dict[Language, list[tuple[str, str]]]] = {
    "ru": [
        ("start", "Главное меню"),
        ("stories", "Интерактивные истории"),
        ("kisscam", "Видео с поцелуем"),
        ("premium", "Подписка и кредиты"),
        ("balance", "Мой баланс"),
        ("language", "Сменить язык"),
        ("help", "Помощь"),
        ("privacy", "Какие данные хранятся"),
        ("delete_me", "Удалить мои данные"),
        ("support", "Поддержка"),
    ],
    "en": [
        ("start", "Main menu"),
        ("stories", "Interactive stories"),
        ("kisscam", "A kissing video"),
        ("premium", "Subscription and credits"),
        ("balance", "My balance"),
        ("language", "Change the language"),
        ("help", "Help"),
        ("privacy", "What data is kept"),
        ("delete_me", "Erase my data"),
        ("support", "Support"),
    ],
}


def text(language: Language, key: str, **values: object) -> str:
    template = _TEXTS[key][language]
    return template.format(**values) if values else template


def translation_gaps() -> list[str]:
    """Keys whose languages differ: a text missing, or placeholders that are not the same. A test keeps it empty."""
    gaps = []
    for key, by_language in _TEXTS.items():
        fields = {language: set(_PLACEHOLDER.findall(by_language.get(language, ""))) for language in LANGUAGES}
        if (
            any(not by_language.get(language, "").strip() for language in LANGUAGES)
            or len({frozenset(f) for f in fields.values()}) > 1
        ):
            gaps.append(key)
    return gaps
