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
            "/payments — история платежей\n"
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
            "/payments — your payment history\n"
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
    "premium.offers": {
        "ru": "⭐ <b>Storycam Премиум</b>\n\n{offers}\n\nВыберите, что купить и как оплатить:",
        "en": "⭐ <b>Storycam Premium</b>\n\n{offers}\n\nPick what to buy and how to pay:",
    },
    "premium.offer": {
        "ru": "<b>{title}</b> — {prices}\n{description}",
        "en": "<b>{title}</b> — {prices}\n{description}",
    },
    "premium.offer.or": {"ru": " или ", "en": " or "},
    "premium.none": {
        "ru": "Сейчас купить нечего — мы обновляем витрину. Загляните чуть позже!",
        "en": "There's nothing for sale right now — we're restocking the shelves. Check back soon!",
    },
    "premium.unavailable": {
        "ru": "Оплата сейчас недоступна. Деньги не списаны — попробуйте через минуту: /premium",
        "en": "Payments are unavailable right now. Nothing was charged — please try again in a minute: /premium",
    },
    "premium.refused": {
        "ru": "Эту покупку сейчас не оформить. Выберите другую: /premium",
        "en": "That purchase can't be made right now. Pick another one: /premium",
    },
    "premium.paid_already": {
        "ru": "✅ Эта покупка уже оплачена. Если хотите купить ещё — вот свежие предложения:",
        "en": "✅ This purchase is already paid. If you'd like another one, here are fresh offers:",
    },
    "premium.lapsed": {
        "ru": "Эта оплата не состоялась или устарела. Начнём заново:",
        "en": "That payment didn't go through or has expired. Let's start over:",
    },
    "premium.pay.stars_subscription": {
        "ru": (
            "<b>{title}</b>\n{description}\n\n{price} каждые 30 дней, "
            "продлевается сама. Отменить можно в любой момент: /balance"
        ),
        "en": "<b>{title}</b>\n{description}\n\n{price} every 30 days, renews by itself. Cancel any time: /balance",
    },
    "premium.pay.link": {
        "ru": (
            "<b>{title}</b> — {price}\n\nОплата откроется на защищённой "
            "странице. После оплаты возвращайтесь сюда — я сразу напишу."
        ),
        "en": (
            "<b>{title}</b> — {price}\n\nThe payment opens on a secure "
            "page. Come back here afterwards — I'll message you at once."
        ),
    },
    "premium.button.subscribe": {"ru": "⭐ Оформить за {price}", "en": "⭐ Subscribe for {price}"},
    "premium.button.pay": {"ru": "💳 Оплатить {price}", "en": "💳 Pay {price}"},
    "provider.stars": {"ru": "⭐ Звёзды", "en": "⭐ Stars"},
    "provider.yookassa": {"ru": "💳 Картой", "en": "💳 Card"},
    "provider.yoomoney": {"ru": "👛 ЮMoney", "en": "👛 YooMoney"},
    "stars.precheckout.unavailable": {
        "ru": "Не удалось подтвердить оплату: сервис платежей не ответил. Звёзды не списаны — попробуйте через минуту.",
        "en": (
            "Couldn't confirm the payment: our payments service didn't "
            "answer. No Stars were taken — try again in a minute."
        ),
    },
    "stars.precheckout.already_paid": {
        "ru": "Этот счёт уже оплачен. Новые предложения: /premium",
        "en": "This invoice is already paid. Fresh offers: /premium",
    },
    "stars.precheckout.price_changed": {
        "ru": "Цена изменилась с момента выставления счёта. Откройте /premium, чтобы увидеть новую.",
        "en": "The price changed since this invoice was made. Open /premium to see the new one.",
    },
    "stars.precheckout.declined": {
        "ru": "Этот счёт больше не действует. Откройте /premium, чтобы оформить покупку заново.",
        "en": "This invoice is no longer valid. Open /premium to buy again.",
    },
    "stars.payment.confirming": {
        "ru": "Оплата получена! Подтверждаю её — напишу, как только всё будет готово.",
        "en": "Payment received! I'm confirming it — I'll message you as soon as it's done.",
    },
    "stars.payment.unmatched": {
        "ru": (
            "Оплата получена, но я не могу сопоставить её с покупкой. "
            "Напишите в /support — мы всё исправим или вернём звёзды."
        ),
        "en": (
            "Payment received, but I can't match it to a purchase. Please "
            "write to /support — we'll fix it or refund your Stars."
        ),
    },
    "news.succeeded": {"ru": "✅ Оплата прошла: <b>{title}</b>.", "en": "✅ Payment received: <b>{title}</b>."},
    "news.renewed": {
        "ru": "🔁 Подписка продлилась сама: <b>{title}</b>, {price}.",
        "en": "🔁 Your subscription renewed itself: <b>{title}</b>, {price}.",
    },
    "news.premium_until": {"ru": "Премиум активен до {date}.", "en": "Premium is active until {date}."},
    "news.credits_added": {
        "ru": "Начислено кредитов Kiss Cam: +{credits}.",
        "en": "Kiss Cam credits added: +{credits}.",
    },
    "news.enjoy": {"ru": "Спасибо! Всё уже работает: /balance", "en": "Thank you! It's all yours already: /balance"},
    "news.resuming": {
        "ru": "Продолжаем историю с того места, где вы остановились…",
        "en": "Picking the story up right where you left off…",
    },
    "news.canceled": {
        "ru": "❌ Оплата за «{title}» не прошла{reason}. Деньги не списаны. Попробовать ещё раз: /premium",
        "en": "❌ The payment for “{title}” didn't go through{reason}. Nothing was charged. Try again: /premium",
    },
    "news.cancel_reason.expired_on_confirmation": {
        "ru": ": время на оплату истекло",
        "en": ": the time to pay ran out",
    },
    "news.cancel_reason.canceled_by_merchant": {"ru": ": платёж отменён", "en": ": the payment was called off"},
    "news.cancel_reason.insufficient_funds": {"ru": ": недостаточно средств", "en": ": insufficient funds"},
    "news.cancel_reason.card_expired": {"ru": ": срок действия карты истёк", "en": ": the card has expired"},
    "news.cancel_reason.permission_revoked": {"ru": ": платёж отклонён банком", "en": ": the bank declined it"},
    "news.your_purchase": {"ru": "покупку", "en": "your purchase"},
    "news.refunded": {"ru": "↩️ Возврат: {price} за «{title}».", "en": "↩️ Refund: {price} for “{title}”."},
    "news.credits_taken": {
        "ru": "Списано кредитов Kiss Cam: {credits}.",
        "en": "Kiss Cam credits taken back: {credits}.",
    },
    "news.premium_left": {"ru": "Премиум теперь активен до {date}.", "en": "Premium now lasts until {date}."},
    "news.premium_gone": {"ru": "Премиум больше не активен.", "en": "Premium is no longer active."},
    "news.ending": {
        "ru": "⏳ Премиум закончится через {days} — {date}.",
        "en": "⏳ Your Premium ends in {days}, on {date}.",
    },
    "news.days.1": {"ru": "1 день", "en": "1 day"},
    "news.days.3": {"ru": "3 дня", "en": "3 days"},
    "news.days.other": {"ru": "{n} дн.", "en": "{n} days"},
    "news.ending.auto": {
        "ru": "Подписка продлится сама — ничего делать не нужно.",
        "en": "It will renew itself — there's nothing you need to do.",
    },
    "news.ending.manual": {
        "ru": "Продлите, чтобы не потерять премиум-истории и видео:",
        "en": "Renew so you keep premium stories and videos:",
    },
    "news.expired": {
        "ru": "Премиум закончился. Премиум-истории снова закрыты, но прогресс сохранён — продлите, и продолжим:",
        "en": (
            "Your Premium has ended. Premium stories are locked again, "
            "but your progress is saved — renew and we'll carry on:"
        ),
    },
    "news.button.renew": {"ru": "⭐ Продлить", "en": "⭐ Renew"},
    "balance": {
        "ru": "<b>Ваш баланс</b>\n\n{subscription}\n{credits}\n\n<b>Бесплатно</b>\n{allowances}",
        "en": "<b>Your balance</b>\n\n{subscription}\n{credits}\n\n<b>Free</b>\n{allowances}",
    },
    "balance.premium_until": {"ru": "⭐ Премиум до {date}", "en": "⭐ Premium until {date}"},
    "balance.no_premium": {
        "ru": "Подписки нет (бесплатный доступ). Оформить: /premium",
        "en": "No subscription (free access). Get one: /premium",
    },
    "balance.renewal.on": {"ru": "🔁 Автопродление включено ({provider})", "en": "🔁 Auto-renewal is on ({provider})"},
    "balance.renewal.off": {"ru": "⏹ Автопродление выключено", "en": "⏹ Auto-renewal is off"},
    "balance.credits": {"ru": "💎 Кредиты Kiss Cam: {credits}", "en": "💎 Kiss Cam credits: {credits}"},
    "balance.credits_held": {
        "ru": "💎 Кредиты Kiss Cam: {credits} (ещё {held} заняты видео в работе)",
        "en": "💎 Kiss Cam credits: {credits} ({held} more held for videos in progress)",
    },
    "balance.classic": {
        "ru": "🎬 Классических клипов сегодня: {left} из {total}",
        "en": "🎬 Classic clips left today: {left} of {total}",
    },
    "balance.ai_trial.yes": {"ru": "🎁 Пробное AI-видео: доступно", "en": "🎁 AI video trial: available"},
    "balance.ai_trial.no": {"ru": "🎁 Пробное AI-видео: использовано", "en": "🎁 AI video trial: used"},
    "balance.ai_period": {
        "ru": "🤖 AI-видео по подписке: {left} из {total}",
        "en": "🤖 AI videos in your subscription: {left} of {total} left",
    },
    "balance.button.cancel_renewal": {"ru": "⏹ Отключить автопродление", "en": "⏹ Cancel auto-renewal"},
    "balance.button.resume_renewal": {"ru": "🔁 Включить автопродление", "en": "🔁 Turn auto-renewal back on"},
    "balance.unavailable": {
        "ru": "Не получается узнать баланс прямо сейчас. Попробуйте через минуту — ваши покупки в сохранности.",
        "en": "I can't check your balance right now. Please try again in a minute — your purchases are safe.",
    },
    "renewal.canceled": {
        "ru": "Автопродление отключено. Премиум остаётся до {date}, потом просто закончится.",
        "en": "Auto-renewal is off. Premium stays until {date}, then simply ends.",
    },
    "renewal.resumed": {
        "ru": "Автопродление снова включено. Спасибо, что остаётесь!",
        "en": "Auto-renewal is back on. Thanks for staying!",
    },
    "renewal.nothing": {
        "ru": "Автопродлевать нечего: подписки со звёздами сейчас нет.",
        "en": "There's nothing to renew: you have no Stars subscription right now.",
    },
    "renewal.failed": {
        "ru": "Не получилось изменить автопродление. Попробуйте через минуту: /balance",
        "en": "I couldn't change auto-renewal. Please try again in a minute: /balance",
    },
    "payments.list": {"ru": "<b>Ваши платежи</b>\n\n{lines}", "en": "<b>Your payments</b>\n\n{lines}"},
    "payments.line": {"ru": "{date} · {title} · {price} · {status}", "en": "{date} · {title} · {price} · {status}"},
    "payments.empty": {
        "ru": "Платежей пока нет. Посмотреть предложения: /premium",
        "en": "No payments yet. See what's on offer: /premium",
    },
    "payments.status.pending": {"ru": "⏳ ожидает оплаты", "en": "⏳ pending"},
    "payments.status.succeeded": {"ru": "✅ оплачен", "en": "✅ paid"},
    "payments.status.canceled": {"ru": "❌ отменён", "en": "❌ canceled"},
    "payments.status.refunded": {"ru": "↩️ возвращён", "en": "↩️ refunded"},
    "payments.unavailable": {
        "ru": "Не получается показать платежи прямо сейчас. Попробуйте через минуту — все они сохранены.",
        "en": "I can't show your payments right now. Please try again in a minute — they're all on record.",
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
        ("payments", "Мои платежи"),
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
        ("payments", "My payments"),
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
